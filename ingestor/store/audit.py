"""The audit log: who forgot, exported, retained, merged or edited what, and how many rows.

Rows never hold personal data: the actor is a user, "token:<name>", "cli" or "retention"; a
person is named only by the salted hash of their address (store.suppression), so the log
outlives every erasure unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ingestor.store.privacy_schema import AuditEntry
from ingestor.store.schema import ContactEmail
from ingestor.store.suppression import person_hash

KINDS = ("forget", "export", "retention", "merge", "edit")
MAX_LIST = 1000


@dataclass(frozen=True)
class AuditView:
    id: int
    at: datetime
    actor: str
    kind: str
    rows: int
    subject: str | None
    counts: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "kind": self.kind,
            "rows": self.rows,
            "subject": self.subject,
            "counts": self.counts,
        }

    def line(self) -> str:
        counts = ", ".join(f"{k}={v}" for k, v in sorted(self.counts.items()))
        return "\t".join(
            (
                self.at.isoformat(),
                self.actor,
                self.kind,
                str(self.rows),
                self.subject or "-",
                counts,
            )
        )


def record(
    session: Session,
    actor: str,
    kind: str,
    at: datetime,
    rows: int,
    subject: str | None = None,
    counts: dict[str, Any] | None = None,
) -> None:
    """Add one audit row (numbers only in `counts`)."""
    assert kind in KINDS, kind
    clean = {str(k)[:50]: v for k, v in (counts or {}).items() if isinstance(v, int | float)}
    session.add(
        AuditEntry(at=at, actor=actor[:200], kind=kind, rows=rows, subject=subject, counts=clean)
    )


def record_for_contact(
    session: Session, actor: str, kind: str, at: datetime, contact_id: int, rows: int
) -> None:
    """An audit row about one contact, named by the hash of its first address."""
    session.flush()
    address = session.scalar(
        select(ContactEmail.address)
        .where(ContactEmail.contact_id == contact_id)
        .order_by(ContactEmail.id)
        .limit(1)
    )
    subject = person_hash(session, address if address else f"contact:{contact_id}")
    record(session, actor, kind, at, rows, subject)


def list_audit(
    session: Session, kind: str | None = None, limit: int = 100, before_id: int | None = None
) -> list[AuditView]:
    """The newest entries first."""
    q = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(min(max(limit, 1), MAX_LIST))
    if kind:
        q = q.where(AuditEntry.kind == kind)
    if before_id is not None:
        q = q.where(AuditEntry.id < before_id)
    return [
        AuditView(e.id, e.at, e.actor, e.kind, e.rows, e.subject, dict(e.counts or {}))
        for e in session.scalars(q)
    ]
