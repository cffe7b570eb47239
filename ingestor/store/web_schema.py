"""Tables of the web UI and API: users, sessions, login attempts, API tokens, decisions, and
the calendar-feed tokens of /tasks.ics (migration 0011).

They share `Base` (and its naming convention) with the ingestion schema; the migration
0002_web creates them, and migrations/env.py and store/database.py import this module so
that Alembic and every open store know them. Secrets are never stored: passwords as argon2 hashes, session cookies
and API tokens as SHA-256 digests of high-entropy random values.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ingestor.store.schema import Base, TZDateTime, utcnow


class WebUser(Base):
    """A person who signs in to the review UI."""

    __tablename__ = "web_user"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    # IANA name ("Europe/Berlin"): every time in the pages is shown in it. None until set on
    # /profile or sent by the browser on the first page after sign-in; shown as UTC until then.
    time_zone: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)


class WebSession(Base):
    """A signed-in browser. The cookie holds a random token; `id` is its SHA-256."""

    __tablename__ = "web_session"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_user.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(TZDateTime, index=True)


class LoginAttempt(Base):
    """One sign-in attempt, kept for a day to rate-limit guessing per username and address."""

    __tablename__ = "web_login_attempt"
    __table_args__ = (Index("ix_web_login_attempt_ip_at", "ip", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100))
    ip: Mapped[str] = mapped_column(String(64))
    success: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)


class ApiToken(Base):
    """A bearer token for the REST API; only the SHA-256 of the token is kept."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(TZDateTime)


class Decision(Base):
    """The audit trail: who decided what, and when, in the UI or through the API.

    Plain ids, no foreign keys: the record must outlive the contacts and suggestions it
    mentions (a forgotten contact is erased). `batch` groups the decisions of one click (one
    item, or all the items of a bulk accept), so that Undo takes them back together; an undone
    decision keeps its row, stamped `undone_at`, next to the `undo` decision that undid it.
    `detail["undo"]` holds what a decision changed, as Undo needs it.
    """

    __tablename__ = "web_decision"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    # accept | reject | edit | merge | update_contact | add_phone | undo
    action: Mapped[str] = mapped_column(String(20))
    suggestion_id: Mapped[int | None] = mapped_column(Integer, index=True)
    contact_id: Mapped[int | None] = mapped_column(Integer, index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    batch: Mapped[str | None] = mapped_column(String(32), index=True)
    undone_at: Mapped[datetime | None] = mapped_column(TZDateTime)


class TaskFeedToken(Base):
    """The secret in a user's calendar-feed address (/tasks.ics?token=...): one per user,
    rotated by creating a new one; only its SHA-256 is kept. `owner` limits the feed to the
    tasks of one mailbox owner; None is every open task."""

    __tablename__ = "task_feed_token"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_user.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    owner: Mapped[str | None] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
