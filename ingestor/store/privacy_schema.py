"""Tables of the privacy duties (issue #15, migration 0012): the store's salt, suppression
entries of forgotten addresses, and the audit log.

None of them ever holds personal data: a forgotten address survives only as a salted hash
(HMAC-SHA256 under the store's own salt), and audit rows say who did what to how many rows,
naming a person only by that hash, so forgetting someone later leaves the log as it is.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from ingestor.store.schema import Base, TZDateTime, utcnow


class StoreSecret(Base):
    """Random values made once per store: `salt` keys the hashes of forgotten addresses."""

    __tablename__ = "store_secret"
    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)


class Suppression(Base):
    """A forgotten address (or "tel:<E.164>" number), as its salted hash: future mail with it
    never re-creates the person."""

    __tablename__ = "suppression"
    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    forgotten_on: Mapped[date] = mapped_column(Date)


class AuditEntry(Base):
    """One privacy-relevant action: forget, export, retention, merge, edit.

    `actor` is a user name, "token:<name>", "cli" or "retention"; `subject` the salted hash of
    the person's primary address, when the action is about one person; `counts` rows by kind.
    """

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # forget | export | retention | merge | edit
    rows: Mapped[int] = mapped_column(Integer, default=0)
    subject: Mapped[str | None] = mapped_column(String(64), index=True)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
