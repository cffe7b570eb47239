"""Calendar objects' masters in the store, so series are expanded from here, not re-downloaded.

Every calendar object a calendar source hands over (CalDAV, ICS) is kept as its source gave it,
with how far it was expanded; it is written in the same transaction as its occurrences, and
removed when the object is deleted. Invites in mail are not kept here: an invite is one
attendee's snapshot of the organizer's event, with no deletion to follow it, so a series kept
from it would be expanded for ever after the organizer ended it; the calendar that holds the
event is its master.

Only bounded objects (an infinite series, or one over the occurrence cap) ever need expanding
again: `due` lists those whose stored range the current bound goes beyond, because time moved
on or the bound was raised, and `window_for` says over what: as the bound moves on, only the
days it gained, so a day's job writes a day's occurrences, not every occurrence again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from ingestor.extractors.occurrences import SeriesSpan
from ingestor.store.schema import CalendarSeries

STEP = timedelta(days=1)  # the window moves at least this far before a series is expanded again


@dataclass(frozen=True)
class StoredSeries:
    """A stored calendar object to expand again."""

    folder: str
    object_key: str
    ics: bytes
    expanded_from: datetime | None
    expanded_to: datetime | None


def save(
    session: Session,
    source: str,
    folder: str,
    object_key: str,
    ics: bytes,
    spans: Mapping[str, SeriesSpan],
    now: datetime,
) -> None:
    """Keep (or replace) one calendar object's master and the range it was expanded over.

    The same master expanded over a range that meets the stored one (the job expanding it
    into the days the bound gained) has been expanded over both: the ranges join. A changed
    master has been expanded over its new range only.
    """
    bounded = [s for s in spans.values() if s.bounded]
    starts = [s.start for s in bounded if s.start is not None]
    ends = [s.end for s in bounded if s.end is not None]
    lo, hi = (min(starts), max(ends)) if starts and ends else (None, None)
    row = session.scalar(
        select(CalendarSeries).where(
            CalendarSeries.source == source,
            CalendarSeries.folder == folder,
            CalendarSeries.object_key == object_key,
        )
    )
    if row is None:
        row = CalendarSeries(source=source, folder=folder, object_key=object_key)
        session.add(row)
    elif (
        row.bounded
        and lo is not None
        and hi is not None
        and row.expanded_from is not None
        and row.expanded_to is not None
        and row.ics == ics
        and lo <= row.expanded_to
        and row.expanded_from <= hi
    ):
        lo, hi = min(lo, row.expanded_from), max(hi, row.expanded_to)
    row.ics = ics
    row.bounded = bool(bounded)
    row.expanded_from, row.expanded_to = lo, hi
    row.updated_at = now


def remove(session: Session, source: str, folder: str, object_key: str) -> int:
    """Forget a deleted object's master(s). A key ending in "#" (a CalDAV href whose UIDs are
    unknown) stands for every UID of that object."""
    where = [CalendarSeries.source == source, CalendarSeries.folder == folder]
    if object_key.endswith("#"):
        where.append(CalendarSeries.object_key.startswith(object_key, autoescape=True))
    else:
        where.append(CalendarSeries.object_key == object_key)
    result = session.execute(delete(CalendarSeries).where(*where))
    return int(getattr(result, "rowcount", 0) or 0)


def due(session: Session, source: str, history_start: datetime, future_end: datetime) -> list[int]:
    """Ids of the bounded objects whose stored range [history_start, future_end] goes beyond
    by a STEP or more, oldest first."""
    return list(
        session.scalars(
            select(CalendarSeries.id)
            .where(
                CalendarSeries.source == source,
                CalendarSeries.bounded.is_(True),
                or_(
                    CalendarSeries.expanded_from.is_(None),
                    CalendarSeries.expanded_to.is_(None),
                    CalendarSeries.expanded_from >= history_start + STEP,
                    CalendarSeries.expanded_to <= future_end - STEP,
                ),
            )
            .order_by(CalendarSeries.id)
        )
    )


def window_for(stored: StoredSeries, bound: tuple[datetime, datetime]) -> tuple[datetime, datetime]:
    """What a due object needs expanding over: only the days the bound gained ahead (the
    window moved on), or the whole bound (it was raised into the past, or nothing is known)."""
    start, end = stored.expanded_from, stored.expanded_to
    if start is None or end is None or bound[0] <= start - STEP or not end < bound[1]:
        return bound
    return max(end, bound[0]), bound[1]


def load(session: Session, ids: list[int]) -> list[StoredSeries]:
    rows = session.scalars(
        select(CalendarSeries).where(CalendarSeries.id.in_(ids)).order_by(CalendarSeries.id)
    )
    return [
        StoredSeries(r.folder, r.object_key, r.ics, r.expanded_from, r.expanded_to) for r in rows
    ]
