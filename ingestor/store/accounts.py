"""Who may use the UI: users with argon2 passwords, server-side sessions, login throttling.

The web calls these through `Store.run`, one transaction each; `reset_demo_user` serves
`ingestor demo --serve`.

The session cookie carries a random token; the database keeps only its SHA-256, so a leaked
database does not leak sessions. Each session has its own CSRF token. Failed sign-ins are
counted per username and address (and per address alone), so guessing is slow.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import secrets
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ingestor.errors import IngestorError
from ingestor.store.web_schema import LoginAttempt, WebSession, WebUser

log = logging.getLogger(__name__)

SESSION_LIFETIME = timedelta(hours=12)
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_USER_IP = 5
MAX_FAILURES_PER_IP = 30
MIN_PASSWORD_LENGTH = 8

DEFAULT_HASHER = PasswordHasher()  # argon2id, the library's parameters (~0.3 s a hash here)
HASHER_KEY = "password_hasher"  # a transaction's own hasher (Store(..., hasher=)), in tx.info


def hasher(tx: Session) -> PasswordHasher:
    """The hasher of this store: the default, unless the Store was given another one."""
    chosen = tx.info.get(HASHER_KEY)
    return chosen if isinstance(chosen, PasswordHasher) else DEFAULT_HASHER


@functools.lru_cache(maxsize=8)
def _dummy_hash(h: PasswordHasher) -> str:
    """Verified against when the username is unknown, so both cases take the same time."""
    return h.hash("not-a-real-password")


class UserError(IngestorError):
    """A user could not be added: bad name, short password, or the name is taken."""


@dataclass(frozen=True)
class SignedIn:
    """The user behind a request, as the pages see it."""

    user_id: int
    username: str
    is_admin: bool
    csrf_token: str
    time_zone: str | None = None  # IANA name; None: not set yet, pages show UTC


@dataclass(frozen=True)
class Account:
    """A user who just proved their password: who, without the hash."""

    user_id: int
    username: str


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_user(
    session: Session, username: str, password: str, is_admin: bool, now: datetime
) -> WebUser:
    name = username.strip()
    if not name or len(name) > 100 or any(c.isspace() for c in name):
        raise UserError(f"user name {username!r}: 1-100 characters, no spaces")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"password for {name}: at least {MIN_PASSWORD_LENGTH} characters")
    if session.scalar(select(WebUser).where(func.lower(WebUser.username) == name.lower())):
        raise UserError(f"user {name} already exists")
    user = WebUser(
        username=name,
        password_hash=hasher(session).hash(password),
        is_admin=is_admin,
        created_at=now,
    )
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, username: str, password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"password for {username}: at least {MIN_PASSWORD_LENGTH} characters")
    user = session.scalar(select(WebUser).where(WebUser.username == username))
    if user is None:
        raise UserError(f"no user {username}")
    user.password_hash = hasher(session).hash(password)
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))


def throttled(session: Session, username: str, ip: str, now: datetime) -> bool:
    """Whether this username+address (or this address) has failed too often lately."""
    since = now - THROTTLE_WINDOW
    failures = LoginAttempt.success.is_(False)
    per_ip = session.scalar(
        select(func.count()).where(LoginAttempt.ip == ip, LoginAttempt.at >= since, failures)
    )
    if (per_ip or 0) >= MAX_FAILURES_PER_IP:
        return True
    last_ok = session.scalar(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.ip == ip,
            LoginAttempt.username == username.lower(),
            LoginAttempt.success.is_(True),
        )
    )
    start = max(since, last_ok) if last_ok else since
    per_user = session.scalar(
        select(func.count()).where(
            LoginAttempt.ip == ip,
            LoginAttempt.username == username.lower(),
            LoginAttempt.at >= start,
            failures,
        )
    )
    return (per_user or 0) >= MAX_FAILURES_PER_USER_IP


def authenticate(
    session: Session, username: str, password: str, ip: str, now: datetime
) -> Account | None:
    """Check a password and record the attempt. The caller checks `throttled` first."""
    name = username.strip()[:100]
    user = session.scalar(select(WebUser).where(func.lower(WebUser.username) == name.lower()))
    ok = False
    h = hasher(session)
    try:
        ok = h.verify(user.password_hash if user else _dummy_hash(h), password[:1024])
    except (VerificationError, InvalidHashError):
        ok = False
    ok = ok and user is not None
    session.add(LoginAttempt(username=name.lower(), ip=ip[:64], success=ok, at=now))
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - timedelta(days=1)))
    if not ok or user is None:
        log.info("failed sign-in for %r from %s", name, ip)
        return None
    if h.check_needs_rehash(user.password_hash):
        user.password_hash = h.hash(password)
    return Account(user.id, user.username)


def start_session(session: Session, user_id: int, now: datetime) -> str:
    """A new session for the user `user_id`; returns the cookie value (shown only here)."""
    token = secrets.token_urlsafe(32)
    session.execute(delete(WebSession).where(WebSession.expires_at < now))
    session.add(
        WebSession(
            id=digest(token),
            user_id=user_id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
    )
    return token


def lookup_session(session: Session, token: str | None, now: datetime) -> SignedIn | None:
    if not token or len(token) > 200:
        return None
    row = session.execute(
        select(WebSession, WebUser)
        .join(WebUser, WebUser.id == WebSession.user_id)
        .where(WebSession.id == digest(token))
    ).first()
    if row is None:
        return None
    ws, user = row
    if ws.expires_at <= now:
        return None
    return SignedIn(user.id, user.username, bool(user.is_admin), ws.csrf_token, user.time_zone)


def end_session(session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(WebSession).where(WebSession.id == digest(token)))


def reset_demo_user(session: Session, username: str, password: str, now: datetime) -> None:
    """Create `username` as an admin with `password`, or reset it and sign it out everywhere."""
    user = session.scalar(select(WebUser).where(WebUser.username == username))
    if user is None:
        add_user(session, username, password, True, now)
        return
    set_password(session, username, password)
    user.is_admin = True


class TimeZoneError(IngestorError):
    """A time zone that is no IANA name this machine knows."""


@functools.lru_cache(maxsize=1)
def time_zones() -> tuple[str, ...]:
    """Every IANA time zone name this machine knows, sorted ("UTC" among them)."""
    return tuple(sorted(zoneinfo.available_timezones() | {"UTC"}))


def valid_time_zone(name: str) -> str:
    """`name` if it is a known IANA time zone ("Europe/Berlin"), else a TimeZoneError."""
    text = name.strip()
    if text not in time_zones():
        raise TimeZoneError(
            f"time zone {text[:64]!r}: not a known IANA name, like Europe/Berlin or America/New_York"
        )
    return text


def set_time_zone(session: Session, user_id: int, name: str, only_if_unset: bool = False) -> str:
    """Set a user's time zone (validated); `only_if_unset`: the browser's first guess, which
    never replaces one a person chose. Returns the user's time zone afterwards."""
    zone = valid_time_zone(name)
    user = session.get(WebUser, user_id, with_for_update=True)
    if user is None:
        raise UserError(f"no user {user_id}")
    if user.time_zone is None or not only_if_unset:
        user.time_zone = zone
    return user.time_zone or zone
