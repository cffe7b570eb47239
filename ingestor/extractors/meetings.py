"""iCalendar bytes → the meeting occurrences in them, with participants, kind and status.

This is the public face of calendar extraction; the work is done in

- icsscan: a line-by-line pre-scan that reports structural damage with line numbers, drops
  unreadable lines, and hides time zones from icalendar's process-wide cache;
- icsevents: reading VEVENTs and expanding series (with recurrence) into occurrences;
- icsprops and conference: property values, participants, links, dial-ins, call or meeting;
- occurrences: the dataclasses handed on.

Pure: the window and the owner's addresses are passed in; no clock, no I/O. Every input is
hostile: sizes and counts are capped, and nothing escapes but CalendarParseError, for bytes that
are not a usable calendar.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, tzinfo
from typing import Any

from icalendar import Calendar

from ingestor.extractors.icsevents import Event, EventReader
from ingestor.extractors.icsprops import text_of
from ingestor.extractors.icsscan import VTIMEZONE, EventLines, decode, one_line, prescan
from ingestor.extractors.occurrences import (
    OWNER_ONLY,
    Attendee,
    CalendarFindings,
    CalendarParseError,
    Kind,
    MeetingOccurrence,
    SeriesSpan,
    Status,
)
from ingestor.extractors.wintz import ZoneResolver, known_zone

__all__ = [
    "OWNER_ONLY",
    "Attendee",
    "CalendarFindings",
    "CalendarParseError",
    "Kind",
    "MeetingOccurrence",
    "SeriesSpan",
    "Status",
    "extract_meetings",
    "meeting_to_json",
]

log = logging.getLogger(__name__)

MAX_TOTAL_OCCURRENCES = 100_000
METHODS = {"PUBLISH", "REQUEST", "REPLY", "ADD", "CANCEL", "REFRESH", "COUNTER", "DECLINECOUNTER"}
# iTIP lets these methods leave DTSTART out (RFC 5546); an empty result is then no parse error.
_MAY_LACK_DTSTART = {"REPLY", "CANCEL", "REFRESH", "DECLINECOUNTER"}


def extract_meetings(
    ics: bytes,
    *,
    owner_addresses: frozenset[str],
    window_start: datetime,
    window_end: datetime,
    max_occurrences: int = 1000,
    max_bytes: int = 10_000_000,
    floating_tz: tzinfo | None = None,
) -> CalendarFindings:
    """Every meeting occurrence in `ics`, and how far each UID was expanded (`spans`).

    The history rule: a non-recurring event is returned wherever it lies, and so is every
    occurrence of a finite series (COUNT or UNTIL) with at most `max_occurrences` of them:
    each is a real meeting, however old. Only infinite series (and finite ones over the cap)
    are bounded, to [window_start, window_end]. Floating times are read in `floating_tz`, else
    in the calendar's X-WR-TIMEZONE, else in UTC.
    """
    if window_start.tzinfo is None or window_end.tzinfo is None or window_end < window_start:
        raise ValueError("the window must be two aware datetimes, start before end")
    if max_occurrences < 1:
        raise ValueError("max_occurrences must be positive")
    if len(ics) > max_bytes:
        raise CalendarParseError(f"calendar is {len(ics)} bytes, over the {max_bytes}-byte cap")
    text, events_lines, problems = prescan(decode(ics))
    try:
        calendars = Calendar.from_ical(text, multiple=True)
    except Exception as exc:  # a third-party parser on hostile input may raise anything
        raise CalendarParseError(f"iCalendar parser failed: {one_line(exc)}") from None
    method = next((text_of(c, "METHOD") for c in calendars if c.get("METHOD")), None)
    method = method.upper() if method and method.upper() in METHODS else None
    zones = ZoneResolver(
        {str(v["TZID"]): v for c in calendars for v in c.walk(VTIMEZONE) if "TZID" in v}
    )
    wr_tz = next((text_of(c, "X-WR-TIMEZONE") for c in calendars if c.get("X-WR-TIMEZONE")), None)
    floating = floating_tz or (known_zone(wr_tz) if wr_tz else None) or UTC
    ctx = EventReader(zones, floating, frozenset(a.lower() for a in owner_addresses), method)
    events = [e for c in calendars for e in c.walk("VEVENT")]
    if len(events) != len(events_lines):  # nesting we did not foresee: lose line numbers only
        events_lines = [EventLines(0) for _ in events]
    groups: dict[str, tuple[list[Event], dict[str, Event]]] = {}
    skipped: list[str] = []
    for component, lines in zip(events, events_lines, strict=True):
        event = ctx.read(component, lines, skipped)
        if event is None:
            continue
        masters, overrides = groups.setdefault(event.uid, ([], {}))
        if event.rid is None:
            masters.append(event)
        elif event.rid not in overrides or event.newer_than(overrides[event.rid]):
            overrides[event.rid] = event
    if skipped and not groups and method not in _MAY_LACK_DTSTART:
        # Nothing usable at all: the file is broken, not one event in it.
        raise CalendarParseError(skipped[0])
    problems += skipped
    occurrences: list[MeetingOccurrence] = []
    spans: dict[str, SeriesSpan] = {}
    for uid, (masters, overrides) in groups.items():
        master = max(masters, key=Event.version) if masters else None
        # Until expanded, a UID counts as looked at only inside the window: a failure below
        # then cancels nothing outside it.
        spans[uid] = SeriesSpan(uid, bounded=True, start=window_start, end=window_end)
        try:
            found, spans[uid] = ctx.occurrences(
                uid, master, overrides, window_start, window_end, max_occurrences
            )
            occurrences.extend(found)
        except Exception as exc:  # e.g. date arithmetic at year 9999; never lose the calendar
            log.debug("UID %s not expanded: %s", uid[:80], type(exc).__name__)
            problems.append(f"UID {uid[:80]}: not expanded: {one_line(exc)}")
        if len(occurrences) > MAX_TOTAL_OCCURRENCES:
            problems.append(f"stopped after {MAX_TOTAL_OCCURRENCES} occurrences")
            break
    occurrences.sort(key=lambda o: (o.start.astimezone(UTC), o.uid))
    return CalendarFindings(
        method, occurrences, problems + ctx.problems + zones.problems, spans, source_text=ics
    )


def meeting_to_json(occ: MeetingOccurrence) -> dict[str, Any]:
    """The export shape of one occurrence (`ingestor export --format json`)."""
    people = ([occ.organizer] if occ.organizer else []) + occ.attendees
    return {
        "kind": occ.kind,
        "occurred_at": occ.start.isoformat(),
        "ends_at": occ.end.isoformat() if occ.end else None,
        "subject": occ.summary,
        "ical_uid": occ.uid,
        "recurrence_id": occ.recurrence_id,
        "status": occ.status,
        "location": occ.location,
        "conference_url": occ.conference_url,
        "participants": [
            {"email": p.email, "name": p.name, "role": p.role, "partstat": p.partstat}
            for p in people
        ],
    }
