"""API bearer tokens: created once by the CLI, kept only as a SHA-256 digest, revocable.

Tokens are 256 random bits, so a plain digest (not a slow password hash) is enough, and it
lets each request find its token with one indexed lookup.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ingestor.store.accounts import UserError, digest
from ingestor.store.web_schema import ApiToken

PREFIX = "ingr_"
# Writing last_used_at on every request would turn reads into writes; once a minute is enough.
_TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class TokenInfo:
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked: bool


def create_token(session: Session, name: str, now: datetime) -> str:
    """Store a new token called `name` and return it; it cannot be shown again."""
    label = name.strip()
    if not label or len(label) > 100:
        raise UserError(f"token name {name!r}: 1-100 characters")
    if session.scalar(select(ApiToken).where(ApiToken.name == label)) is not None:
        raise UserError(f"a token named {label} already exists; revoke it or pick another name")
    token = PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(name=label, token_hash=digest(token), created_at=now))
    session.flush()
    return token


def revoke_token(session: Session, name: str, now: datetime) -> None:
    row = session.scalar(select(ApiToken).where(ApiToken.name == name))
    if row is None:
        raise UserError(f"no token named {name}")
    row.revoked_at = row.revoked_at or now
    # Free the name for a replacement while keeping the row for the record.
    row.name = f"{name}~revoked~{row.id}"[:100]


def list_tokens(session: Session) -> list[TokenInfo]:
    return [
        TokenInfo(t.name, t.created_at, t.last_used_at, t.revoked_at is not None)
        for t in session.scalars(select(ApiToken).order_by(ApiToken.id))
    ]


def verify_token(session: Session, token: str, now: datetime) -> str | None:
    """The name of the live token presented, or None."""
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(token)))
    if row is None or row.revoked_at is not None:
        return None
    if row.last_used_at is None or now - row.last_used_at > _TOUCH_EVERY:
        row.last_used_at = now
    return row.name
