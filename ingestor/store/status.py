"""Per-source health for admins: last success, last error, consecutive failures."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from ingestor.store.schema import SourceStatus


def _row(session: Session, source: str) -> SourceStatus:
    row = session.get(SourceStatus, source)
    if row is None:
        row = SourceStatus(source=source, consecutive_failures=0)
        session.add(row)
    return row


def record_success(session: Session, source: str) -> None:
    row = _row(session, source)
    row.last_attempt_at = row.last_success_at = datetime.now(UTC)
    row.last_error = None
    row.consecutive_failures = 0


def record_failure(session: Session, source: str, error: str) -> None:
    row = _row(session, source)
    row.last_attempt_at = datetime.now(UTC)
    row.last_error = error
    row.consecutive_failures = (row.consecutive_failures or 0) + 1
