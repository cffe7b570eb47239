"""What the self-check and the health endpoints read from the store.

`source_facts` gathers, per source, the facts ingestor.selfcheck decides on: the status row,
the dates of the mail it brought over the learning window, and recent ledger outcomes. Only
dates and counts leave this module, never item content.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ingestor.selfcheck import LEARNING_WINDOW, SPIKE_WINDOW, SourceFacts
from ingestor.store.leases import holders
from ingestor.store.schema import Interaction, InteractionSource, LedgerEntry, SourceStatus

# A mailbox's dates are learned from at most this many recent items (bounded work per check).
MAX_ARRIVALS = 5000
ID_CHUNK = 1000  # primary keys per IN (...) list
# Dates ahead of the clock (a wrong Date header) are not arrivals.
FUTURE_SLACK = timedelta(hours=1)


def ping(tx: Session) -> None:
    """Read one row of source_status: the store answers (raises when it does not)."""
    tx.execute(select(SourceStatus.source).limit(1)).all()


def lease_owners(tx: Session) -> dict[str, str] | None:
    """Each source's live lease holder on PostgreSQL; None on SQLite (one daemon, no leases)."""
    bind = tx.get_bind()
    if bind.dialect.name != "postgresql":
        return None
    return holders(tx)


def source_facts(
    tx: Session, sources: Mapping[str, bool] | Sequence[str], now: datetime
) -> list[SourceFacts]:
    """Facts for the named sources (name → whether its item dates are arrivals, i.e. mail),
    plus any other source the store knows; by name."""
    learns = dict(sources) if isinstance(sources, Mapping) else dict.fromkeys(sources, True)
    status = {st.source: st for st in tx.scalars(select(SourceStatus))}
    recent = _outcomes(tx, now - SPIKE_WINDOW, now + FUTURE_SLACK)
    earlier = _outcomes(tx, now - SPIKE_WINDOW - LEARNING_WINDOW, now - SPIKE_WINDOW)
    names = sorted(set(learns) | set(status) | set(recent) | set(earlier))
    facts = []
    for name in names:
        st = status.get(name)
        mail = learns.get(name, True)
        last, arrivals = _arrivals(tx, name, now) if mail else (None, ())
        facts.append(
            SourceFacts(
                source=name,
                last_success_at=st.last_success_at if st else None,
                consecutive_failures=(st.consecutive_failures or 0) if st else 0,
                last_error=st.last_error if st else None,
                arrivals=arrivals,
                last_item_at=last,
                recent_items=recent.get(name, (0, 0))[0],
                recent_quarantined=recent.get(name, (0, 0))[1],
                earlier_items=earlier.get(name, (0, 0))[0],
                earlier_quarantined=earlier.get(name, (0, 0))[1],
                learns_gaps=mail,
            )
        )
    return facts


def _arrivals(
    tx: Session, source: str, now: datetime
) -> tuple[datetime | None, tuple[datetime, ...]]:
    """The date of the source's latest mail, and the dates of its mail in the learning window
    before it, among the MAX_ARRIVALS interactions it brought last.

    Two plain queries, the second by primary key, and the window cut here: a join with a
    date range let PostgreSQL, without statistics yet (a first sync just loaded, before
    autovacuum analyzes), pick nested loops that took 5-15 s instead of 5 ms per source.
    """
    ids = tx.scalars(
        select(InteractionSource.interaction_id)
        .where(InteractionSource.source == source)
        .order_by(InteractionSource.interaction_id.desc())
        .limit(MAX_ARRIVALS)
    ).all()
    dates: list[datetime] = []
    for start in range(0, len(ids), ID_CHUNK):
        dates += tx.scalars(
            select(Interaction.occurred_at).where(
                Interaction.id.in_(ids[start : start + ID_CHUNK]), Interaction.kind == "email"
            )
        )
    dates = [d for d in dates if d <= now + FUTURE_SLACK]  # a wrong Date header is no arrival
    if not dates:
        return None, ()
    last = max(dates)
    return last, tuple(sorted(d for d in dates if d >= last - LEARNING_WINDOW))


def _outcomes(tx: Session, start: datetime, end: datetime) -> dict[str, tuple[int, int]]:
    """Per source: (ledger rows, of which quarantined) seen in [start, end)."""
    rows = tx.execute(
        select(
            LedgerEntry.source,
            func.count(),
            func.sum(case((LedgerEntry.outcome == "quarantined", 1), else_=0)),
        )
        .where(LedgerEntry.at >= start, LedgerEntry.at < end)
        .group_by(LedgerEntry.source)
    )
    return {source: (int(n), int(q or 0)) for source, n, q in rows}
