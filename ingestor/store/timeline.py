"""A contact's timeline as a recruiter reads it: upcoming first (soonest first), then the past
(newest first); the occurrences of a recurring meeting as one row with their count and next
date; filtered by kind and by mailbox; meeting descriptions without conference boilerplate.

The contact's interactions are first read as light rows (id, kind, time, UID, status) to
group and split them; only the rows shown are then read in full, with their people and
mailboxes (four queries a page, whatever the contact's history).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from ingestor.extractors.conference_text import strip_conference
from ingestor.store.schema import (
    Interaction,
    InteractionBody,
    InteractionParticipant,
    InteractionSource,
)

KINDS = ("email", "meeting", "call")
MAX_UPCOMING = 50  # rows in the upcoming section; a series is one row however long


@dataclass(frozen=True)
class TimelineFilter:
    kind: str | None = None  # email | meeting | call
    source: str | None = None  # a mailbox or calendar (InteractionSource.source)


EVERYTHING = TimelineFilter()


@dataclass
class TimelineEntry:
    id: int  # the interaction shown: for a series, its next occurrence (else its last)
    kind: str
    occurred_at: datetime
    ends_at: datetime | None
    subject: str | None
    snippet: str | None  # meetings: without conference boilerplate
    direction: str | None
    status: str | None
    location: str | None
    role: str
    join_url: str | None = None
    sources: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    # A recurring meeting's occurrences, collapsed into this one row:
    occurrences: int = 1
    cancelled: int = 0
    next_at: datetime | None = None  # the next occurrence not cancelled
    last_at: datetime | None = None  # the last one that took place (or was due)

    @property
    def series(self) -> bool:
        return self.occurrences + self.cancelled > 1


@dataclass
class Timeline:
    upcoming: list[TimelineEntry]
    past: list[TimelineEntry]
    more: bool  # the past goes on beyond this page
    sources: list[str]  # every mailbox and calendar the contact's interactions came from
    total: int  # rows (a series counting once) in both sections


@dataclass
class _Row:
    """One timeline row before it is read in full: an interaction, or a whole series."""

    shown: int  # the interaction whose details the row shows
    at: datetime  # where the row sorts
    upcoming: bool
    occurrences: int = 1
    cancelled: int = 0
    next_at: datetime | None = None
    last_at: datetime | None = None


def _light(session: Session, contact_id: int, filters: TimelineFilter) -> list[Any]:
    """Every interaction of the contact (through the filters) as a light row."""
    stmt = select(
        Interaction.id,
        Interaction.kind,
        Interaction.occurred_at,
        Interaction.ical_uid,
        Interaction.recurrence_id,
        Interaction.status,
    ).where(Interaction.id.in_(_mine(contact_id)))
    if filters.kind in KINDS:
        stmt = stmt.where(Interaction.kind == filters.kind)
    if filters.source:
        stmt = stmt.where(
            Interaction.id.in_(
                select(InteractionSource.interaction_id).where(
                    InteractionSource.source == filters.source
                )
            )
        )
    return list(session.execute(stmt).all())


def _mine(contact_id: int) -> Select[Any]:
    return select(InteractionParticipant.interaction_id).where(
        InteractionParticipant.contact_id == contact_id
    )


def _sections(rows: list[_Row]) -> tuple[list[_Row], list[_Row]]:
    upcoming = sorted((r for r in rows if r.upcoming), key=lambda r: (r.at, r.shown))
    past = sorted((r for r in rows if not r.upcoming), key=lambda r: (r.at, r.shown), reverse=True)
    return upcoming, past


def page_of(
    session: Session, contact_id: int, interaction_id: int, now: datetime, page_size: int
) -> int | None:
    """The timeline page (1, 2, ...) that shows this interaction's row; None when the contact
    took no part in it or it is no row of its own (an occurrence inside a series)."""
    upcoming, past = _sections(_rows(_light(session, contact_id, EVERYTHING), now))
    if any(r.shown == interaction_id for r in upcoming[:MAX_UPCOMING]):
        return 1
    at = next((n for n, r in enumerate(past) if r.shown == interaction_id), None)
    return None if at is None else at // page_size + 1


def contact_timeline(
    session: Session,
    contact_id: int,
    now: datetime,
    filters: TimelineFilter = EVERYTHING,
    offset: int = 0,
    limit: int = 50,
) -> Timeline:
    """One page of the contact's timeline: every upcoming row on the first page, and `limit`
    past rows from `offset`."""
    rows = _rows(_light(session, contact_id, filters), now)
    upcoming, past = _sections(rows)
    page = past[offset : offset + limit]
    shown_upcoming = upcoming[:MAX_UPCOMING] if offset == 0 else []
    details = _details(session, contact_id, [r.shown for r in shown_upcoming + page])
    return Timeline(
        [_entry(details[r.shown], r) for r in shown_upcoming],
        [_entry(details[r.shown], r) for r in page],
        len(past) > offset + limit,
        _sources(session, _mine(contact_id)),
        len(rows),
    )


def _rows(found: list[Any], now: datetime) -> list[_Row]:
    rows: list[_Row] = []
    series: dict[str, list[tuple[int, datetime, str | None]]] = defaultdict(list)
    for id_, kind, at, uid, rid, status in found:
        if uid and rid and kind != "email":
            series[uid].append((id_, at, status))
        else:
            rows.append(_Row(id_, at, at > now))
    for occurrences in series.values():
        held = [o for o in occurrences if o[2] != "cancelled"] or occurrences
        ahead = sorted((o for o in held if o[1] > now), key=lambda o: o[1])
        behind = sorted((o for o in held if o[1] <= now), key=lambda o: o[1])
        shown = ahead[0] if ahead else behind[-1]
        rows.append(
            _Row(
                shown[0],
                shown[1],
                bool(ahead),
                occurrences=sum(1 for o in occurrences if o[2] != "cancelled"),
                cancelled=sum(1 for o in occurrences if o[2] == "cancelled"),
                next_at=ahead[0][1] if ahead else None,
                last_at=behind[-1][1] if behind else None,
            )
        )
    return rows


@dataclass
class _Details:
    interaction: Interaction
    sources: set[str] = field(default_factory=set)
    people: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    text: str | None = None  # a meeting's stored description, without boilerplate: its start


def _details(session: Session, contact_id: int, ids: list[int]) -> dict[int, _Details]:
    if not ids:
        return {}
    out = {
        i.id: _Details(i)
        for i in session.scalars(select(Interaction).where(Interaction.id.in_(ids)))
    }
    for iid, src in session.execute(
        select(InteractionSource.interaction_id, InteractionSource.source).where(
            InteractionSource.interaction_id.in_(ids)
        )
    ):
        out[iid].sources.add(src)
    for iid, name, address, cid, role in session.execute(
        select(
            InteractionParticipant.interaction_id,
            InteractionParticipant.name,
            InteractionParticipant.address,
            InteractionParticipant.contact_id,
            InteractionParticipant.role,
        )
        .where(InteractionParticipant.interaction_id.in_(ids))
        .order_by(InteractionParticipant.id)
    ):
        d = out[iid]
        if cid == contact_id:
            d.roles.append(role)
        elif len(d.people) < 6:
            d.people.append(f"{name} <{address}>" if name else address)
    meetings = [iid for iid, d in out.items() if d.interaction.ical_uid is not None]
    if meetings:
        for iid, start in session.execute(
            select(InteractionBody.interaction_id, func.substr(InteractionBody.text, 1, 400)).where(
                InteractionBody.interaction_id.in_(meetings)
            )
        ):
            out[iid].text = start
    return out


def _entry(d: _Details, row: _Row) -> TimelineEntry:
    i = d.interaction
    snippet, join = i.snippet, i.conference_url
    if i.ical_uid is not None:
        # Stored since stripping at ingest began; older rows are stripped here (240 chars).
        stripped = strip_conference(i.snippet)
        snippet, join = d.text or stripped.text or None, join or stripped.join_url
    return TimelineEntry(
        i.id,
        i.kind,
        i.occurred_at,
        i.ends_at,
        i.subject,
        snippet,
        i.direction,
        i.status,
        i.location,
        ", ".join(d.roles),
        join if join and join.lower().startswith(("https://", "http://")) else None,
        sorted(d.sources),
        d.people,
        row.occurrences,
        row.cancelled,
        row.next_at,
        row.last_at,
    )


def _sources(session: Session, mine: Select[Any]) -> list[str]:
    return sorted(
        set(
            session.scalars(
                select(InteractionSource.source)
                .where(InteractionSource.interaction_id.in_(mine))
                .distinct()
            )
        )
    )
