"""Source health for admins: last success, lag, last error, and ledger counts per outcome."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ingestor.store.schema import LedgerEntry, SourceStatus

OUTCOMES = ("ingested", "skipped", "quarantined", "duplicate")


@dataclass
class SourceHealth:
    source: str
    last_success_at: datetime | None = None
    last_attempt_at: datetime | None = None
    last_error: str | None = None
    consecutive_failures: int = 0
    last_item_at: datetime | None = None
    counts: dict[str, int] = field(default_factory=dict)

    def lag(self, now: datetime) -> timedelta | None:
        return now - self.last_success_at if self.last_success_at else None

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def source_health(session: Session) -> list[SourceHealth]:
    """Every source that has a status row or a ledger entry, by name."""
    found: dict[str, SourceHealth] = {}
    for st in session.scalars(select(SourceStatus)):
        found[st.source] = SourceHealth(
            st.source,
            st.last_success_at,
            st.last_attempt_at,
            st.last_error,
            st.consecutive_failures or 0,
        )
    for source, outcome, n, last in session.execute(
        select(
            LedgerEntry.source, LedgerEntry.outcome, func.count(), func.max(LedgerEntry.at)
        ).group_by(LedgerEntry.source, LedgerEntry.outcome)
    ):
        h = found.setdefault(source, SourceHealth(source))
        h.counts[outcome] = int(n)
        if last is not None:
            last_at = last if isinstance(last, datetime) else datetime.fromisoformat(str(last))
            if last_at.tzinfo is None:
                last_at = last_at.replace(tzinfo=UTC)
            if h.last_item_at is None or last_at > h.last_item_at:
                h.last_item_at = last_at
    return [found[k] for k in sorted(found)]
