"""iCalendar bytes → the meeting occurrences in them, with participants, kind and status.

Pure: the window and the owner's addresses are passed in; no clock, no I/O. icalendar does the
parsing, but only after a line-by-line pre-scan of our own, which

- reports structural damage (truncation, unbalanced BEGIN/END, garbage) with line numbers;
- drops unreadable lines inside events instead of failing the whole calendar;
- hides TZID parameters and VTIMEZONE blocks from icalendar under private names, because
  icalendar resolves them through a process-wide cache that one calendar's "Customized Time
  Zone" would poison for the next, and that grows with every hostile invite. Zones are resolved
  per file by wintz.ZoneResolver instead.

Every input is hostile: sizes and counts are capped, and nothing escapes but
CalendarParseError, for bytes that are not a usable calendar.
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any, Literal

from icalendar import Calendar, Component, vBroken
from icalendar.parser import Contentline, Parameters

from ingestor.extractors import recurrence as rec
from ingestor.extractors.wintz import ZoneResolver, known_zone

log = logging.getLogger(__name__)

MAX_DESCRIPTION_CHARS = 10_000
MAX_TEXT_CHARS = 1_000  # summary, location
MAX_NAME_CHARS = 200
MAX_ATTENDEES = 500
MAX_DEPTH = 8
MAX_TOTAL_OCCURRENCES = 100_000
MAX_SCAN_CHARS = 200_000  # of a description searched for links and numbers
TZID_PARAM = "X-INGESTOR-TZID"
VTIMEZONE = "X-INGESTOR-VTIMEZONE"
_DATETIME_PROPS = {"DTSTART", "DTEND", "RECURRENCE-ID", "RDATE", "EXDATE", "DUE"}
METHODS = {"PUBLISH", "REQUEST", "REPLY", "ADD", "CANCEL", "REFRESH", "COUNTER", "DECLINECOUNTER"}
OWNER_ONLY = "no participants other than the owner"
# iTIP lets these methods leave DTSTART out (RFC 5546); an empty result is then no parse error.
_MAY_LACK_DTSTART = {"REPLY", "CANCEL", "REFRESH", "DECLINECOUNTER"}

Kind = Literal["meeting", "call"]
Status = Literal["confirmed", "tentative", "cancelled"]
STATUSES: dict[str, Status] = {
    "confirmed": "confirmed",
    "tentative": "tentative",
    "cancelled": "cancelled",
}


class CalendarParseError(ValueError):
    """The bytes are not a usable iCalendar object; the message is one line."""


@dataclass(frozen=True)
class Attendee:
    email: str  # lower-cased, without mailto:
    name: str | None  # CN
    role: Literal["organizer", "attendee"]
    partstat: str  # lower-case PARTSTAT: "accepted", "declined", "tentative", "needs-action"


@dataclass(frozen=True)
class MeetingOccurrence:
    """One occurrence of one event: the unit that becomes one interaction."""

    uid: str
    recurrence_id: str | None  # None unless the event repeats; see recurrence.recurrence_key
    start: datetime  # aware; all-day events start at midnight UTC
    end: datetime | None
    all_day: bool
    summary: str | None
    description: str | None  # capped at MAX_DESCRIPTION_CHARS
    location: str | None
    conference_url: str | None
    status: Status
    sequence: int
    dtstamp: datetime | None
    organizer: Attendee | None
    attendees: list[Attendee]  # without the organizer, rooms and resources
    kind: Kind
    has_external_participants: bool  # someone other than the owner takes part
    skip_reason: str | None  # why this is not an interaction, e.g. OWNER_ONLY
    dial_in_numbers: list[str] = field(default_factory=list)  # never a participant's phone


@dataclass
class CalendarFindings:
    method: str | None  # iTIP METHOD (REQUEST, CANCEL, REPLY, COUNTER, PUBLISH, ...)
    occurrences: list[MeetingOccurrence]
    problems: list[str]  # recoverable: what was skipped or guessed, and why


@dataclass
class _EventLines:
    begin: int
    props: dict[str, int] = field(default_factory=dict)


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
    """Every meeting occurrence in `ics`; recurring events are expanded inside the window.

    A non-recurring event is returned wherever it lies: it is one real meeting. Floating times
    are read in `floating_tz`, else in the calendar's X-WR-TIMEZONE, else in UTC.
    """
    if window_start.tzinfo is None or window_end.tzinfo is None or window_end < window_start:
        raise ValueError("the window must be two aware datetimes, start before end")
    if max_occurrences < 1:
        raise ValueError("max_occurrences must be positive")
    if len(ics) > max_bytes:
        raise CalendarParseError(f"calendar is {len(ics)} bytes, over the {max_bytes}-byte cap")
    text, events_lines, problems = _prescan(_decode(ics))
    try:
        calendars = Calendar.from_ical(text, multiple=True)
    except Exception as exc:  # a third-party parser on hostile input may raise anything
        raise CalendarParseError(f"iCalendar parser failed: {_one_line(exc)}") from None
    method = next((_text(c, "METHOD") for c in calendars if c.get("METHOD")), None)
    method = method.upper() if method and method.upper() in METHODS else None
    zones = ZoneResolver(
        {str(v["TZID"]): v for c in calendars for v in c.walk(VTIMEZONE) if "TZID" in v}
    )
    wr_tz = next((_text(c, "X-WR-TIMEZONE") for c in calendars if c.get("X-WR-TIMEZONE")), None)
    floating = floating_tz or (known_zone(wr_tz) if wr_tz else None) or UTC
    ctx = _Context(zones, floating, frozenset(a.lower() for a in owner_addresses), method)
    events = [e for c in calendars for e in c.walk("VEVENT")]
    if len(events) != len(events_lines):  # nesting we did not foresee: lose line numbers only
        events_lines = [_EventLines(0) for _ in events]
    groups: dict[str, tuple[list[_Event], dict[str, _Event]]] = {}
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
    for uid, (masters, overrides) in groups.items():
        master = max(masters, key=_Event.version) if masters else None
        try:
            occurrences.extend(
                ctx.occurrences(uid, master, overrides, window_start, window_end, max_occurrences)
            )
        except Exception as exc:  # e.g. date arithmetic at year 9999; never lose the calendar
            log.debug("UID %s not expanded: %s", uid[:80], type(exc).__name__)
            problems.append(f"UID {uid[:80]}: not expanded: {_one_line(exc)}")
        if len(occurrences) > MAX_TOTAL_OCCURRENCES:
            problems.append(f"stopped after {MAX_TOTAL_OCCURRENCES} occurrences")
            break
    occurrences.sort(key=lambda o: (o.start.astimezone(UTC), o.uid))
    return CalendarFindings(method, occurrences, problems + ctx.problems + zones.problems)


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


# --- reading bytes and lines -------------------------------------------------------------------


def _decode(ics: bytes) -> str:
    if ics.startswith((b"\xff\xfe", b"\xfe\xff")):
        return ics.decode("utf-16", "replace")
    try:
        return ics.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Outlook on Windows still writes cp1252 now and then; latin-1 decodes anything.
        try:
            return ics.decode("cp1252")
        except UnicodeDecodeError:
            return ics.decode("latin-1")


def _one_line(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}"


# name, then parameters (quoted values may hold ":" and ";"), then the ":" before the value
_LINE_HEAD = re.compile(r'([A-Za-z0-9-]{1,100})((?:;[^:;"]*(?:"[^"]*"[^:;"]*)*)*):')


def _prescan(text: str) -> tuple[str, list[_EventLines], list[str]]:
    """Check structure with line numbers and return text that icalendar may safely parse."""
    logical: list[tuple[int, str]] = []
    for number, line in enumerate(re.split(r"\r\n|\n|\r", text.replace("\x00", "")), 1):
        if line[:1] in (" ", "\t") and logical:
            logical[-1] = (logical[-1][0], logical[-1][1] + line[1:])
        else:
            logical.append((number, line))
    out: list[str] = []
    events: list[_EventLines] = []
    problems: list[str] = []
    stack: list[tuple[str, int]] = []
    seen_calendar = False
    for number, line in logical:
        if not line.strip():
            continue
        head = _LINE_HEAD.match(line)
        try:
            if head is None:
                name, params, value = Contentline(line).parts()  # will fail, with a reason
            elif not head.group(2):
                name, params, value = head.group(1), None, line[head.end() :]
            else:
                # icalendar's line parser is slow on long values: give it the head only.
                name, params, _ = Contentline(head.group(0)).parts()
                value = line[head.end() :]
        except Exception:  # icalendar's line parser raises several types on garbage
            if not stack:
                problems.append(f"line {number}: text outside the calendar ignored")
                continue
            if len(stack) == 1:
                raise CalendarParseError(
                    f"line {number}: not an iCalendar line: {line[:60]!r}"
                ) from None
            problems.append(f"line {number}: unreadable line ignored: {line[:60]!r}")
            continue
        name = name.upper()
        if name == "BEGIN":
            kind = value.strip().upper()
            if not stack and kind != "VCALENDAR":
                problems.append(f"line {number}: text outside the calendar ignored")
                continue
            if len(stack) >= MAX_DEPTH:
                raise CalendarParseError(f"line {number}: components nested too deeply")
            seen_calendar = True
            stack.append((kind, number))
            if kind == "VEVENT":
                events.append(_EventLines(number))
            out.append("BEGIN:" + (VTIMEZONE if kind == "VTIMEZONE" else kind))
            continue
        if name == "END":
            kind = value.strip().upper()
            if not stack:
                problems.append(f"line {number}: text outside the calendar ignored")
                continue
            if stack[-1][0] != kind:
                open_kind, open_line = stack[-1]
                raise CalendarParseError(
                    f"line {number}: END:{kind[:30]} does not close BEGIN:{open_kind[:30]}"
                    f" from line {open_line}"
                )
            stack.pop()
            out.append("END:" + (VTIMEZONE if kind == "VTIMEZONE" else kind))
            continue
        if not stack:
            problems.append(f"line {number}: text outside the calendar ignored")
            continue
        if stack[-1][0] == "VEVENT" and events:
            events[-1].props.setdefault(name, number)
        if params and name in _DATETIME_PROPS and "TZID" in params:
            moved = Parameters(params)
            moved[TZID_PARAM] = moved.pop("TZID")
            line = f"{name};{moved.to_ical().decode('utf-8')}:{value}"
        out.append(line)
    if not seen_calendar:
        raise CalendarParseError("not an iCalendar object: missing BEGIN:VCALENDAR")
    if stack:
        kind, number = stack[-1]
        if kind == "VCALENDAR":
            raise CalendarParseError("truncated calendar: missing END:VCALENDAR")
        raise CalendarParseError(
            f"line {number}: BEGIN:{kind[:30]} is never closed (truncated calendar)"
        )
    return "\r\n".join(out) + "\r\n", events, problems


# --- reading events ----------------------------------------------------------------------------


def _first(component: Component, name: str) -> Any:
    value = component.get(name)
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _attr(prop: Any, name: str) -> Any:
    """prop.name, or None; a vBroken raises on any attribute it lacks instead."""
    return None if prop is None or isinstance(prop, vBroken) else getattr(prop, name, None)


def _all(component: Component, name: str) -> list[Any]:
    value = component.get(name)
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(component: Component, name: str, cap: int = MAX_TEXT_CHARS) -> str | None:
    value = _first(component, name)
    if value is None:
        return None
    if isinstance(value, str):  # vText and friends are str subclasses: already unescaped
        text = str(value).strip()
    else:
        text = value.to_ical().decode("utf-8", "replace").strip()
    return text[:cap] if text else None


@dataclass
class _Event:
    """The fields of one VEVENT that do not depend on which occurrence is meant."""

    component: Component
    line: int
    uid: str
    rid: str | None  # recurrence_key of RECURRENCE-ID, for overrides
    start: rec.Instant
    end: rec.Instant | None
    sequence: int
    dtstamp: datetime | None

    def version(self) -> tuple[int, datetime]:
        return self.sequence, self.dtstamp or datetime.min.replace(tzinfo=UTC)

    def newer_than(self, other: _Event) -> bool:
        return self.version() > other.version()


class _Context:
    """What reading the events of one calendar needs: zones, owners, and the METHOD."""

    def __init__(
        self, zones: ZoneResolver, floating: tzinfo, owners: frozenset[str], method: str | None
    ) -> None:
        self.zones = zones
        self.floating = floating
        self.owners = owners
        self.method = method
        self.problems: list[str] = []
        self._cache: dict[tuple[int, int], dict[str, Any]] = {}

    def instant(self, value: Any, params: Any) -> rec.Instant | tuple[Any, Any] | None:
        """A parsed DATE/DATE-TIME made aware, or None for broken values."""
        if isinstance(value, tuple) and len(value) == 2:  # RDATE;VALUE=PERIOD
            first = self.instant(value[0], params)
            second = value[1] if isinstance(value[1], timedelta) else self.instant(value[1], params)
            return (first, second) if first is not None and second is not None else None
        if isinstance(value, datetime):
            if value.tzinfo is not None:
                return value
            tzid = params.get(TZID_PARAM) if params else None
            zone = self.zones.resolve(str(tzid)) if tzid else None
            return value.replace(tzinfo=zone or self.floating)
        if isinstance(value, date):
            return value
        return None

    def prop_instant(self, component: Component, name: str) -> rec.Instant | None:
        prop = _first(component, name)
        value = self.instant(_attr(prop, "dt"), _attr(prop, "params"))
        return value if not isinstance(value, tuple) else None

    def read(self, comp: Component, lines: _EventLines, problems: list[str]) -> _Event | None:
        try:
            return self._read(comp, lines, problems)
        except Exception as exc:  # hostile values can trip anything in date arithmetic
            log.debug("event at line %s unreadable: %s", lines.begin, type(exc).__name__)
            problems.append(f"line {lines.begin}: event skipped: {_one_line(exc)}")
            return None

    def _read(self, comp: Component, lines: _EventLines, problems: list[str]) -> _Event | None:
        where = lines.props.get("DTSTART", lines.begin)
        start = self.prop_instant(comp, "DTSTART")
        if start is None:
            raw = _first(comp, "DTSTART")
            if raw is None:
                problems.append(f"line {lines.begin}: event without DTSTART skipped")
            else:
                shown = str(raw)[:40] if isinstance(raw, vBroken) else str(_attr(raw, "dt"))[:40]
                problems.append(f"line {where}: bad DTSTART {shown!r}; event skipped")
            return None
        uid = _text(comp, "UID", 500)
        if uid is None:
            seed = f"{start}|{_text(comp, 'SUMMARY')}|{_text(comp, 'ORGANIZER')}"
            uid = "no-uid-" + hashlib.sha256(seed.encode()).hexdigest()[:20]
            problems.append(f"line {lines.begin}: event without UID; using {uid}")
        end = self.prop_instant(comp, "DTEND")
        duration = _attr(_first(comp, "DURATION"), "dt")
        if end is None and isinstance(duration, timedelta):
            end = start + duration
        elif end is None and not isinstance(start, datetime):
            end = start + timedelta(days=1)
        if end is not None and isinstance(end, datetime) != isinstance(start, datetime):
            end = None
        if end is not None and rec.as_utc(end) < rec.as_utc(start):
            problems.append(f"line {lines.begin}: event ends before it starts; end ignored")
            end = None
        rid_value = self.prop_instant(comp, "RECURRENCE-ID")
        try:
            sequence = int(str(_first(comp, "SEQUENCE") or 0))
        except ValueError:
            sequence = 0
        stamp = self.prop_instant(comp, "DTSTAMP")
        return _Event(
            comp,
            lines.begin,
            uid,
            rec.recurrence_key(rid_value) if rid_value is not None else None,
            start,
            end,
            sequence,
            rec.as_utc(stamp) if isinstance(stamp, datetime) else None,
        )

    def occurrences(
        self,
        uid: str,
        master: _Event | None,
        overrides: dict[str, _Event],
        window_start: datetime,
        window_end: datetime,
        limit: int,
    ) -> list[MeetingOccurrence]:
        comp = master.component if master else None
        if master is None or comp is None or not (comp.get("RRULE") or comp.get("RDATE")):
            # A single event, or instances sent on their own (an invite for one occurrence).
            out = [self.occurrence(master, master.start, None, None, None)] if master else []
            out += [self.occurrence(o, o.start, o.end, k, master) for k, o in overrides.items()]
            return out
        rules: list[rec.Rule] = []
        for prop in _all(comp, "RRULE"):
            try:
                text = str(prop) if isinstance(prop, vBroken) else prop.to_ical().decode()
                rules.append(rec.parse_rule(text))
            except rec.RuleError as exc:
                self.problems.append(f"line {master.line}: UID {uid}: {exc}; rule ignored")
        expansion = rec.expand_series(
            master.start,
            rules,
            self._dates(comp, "RDATE"),
            [d for d in self._dates(comp, "EXDATE") if not isinstance(d, tuple)],
            window_start,
            window_end,
            limit,
        )
        self.problems += [f"line {master.line}: UID {uid}: {p}" for p in expansion.problems]
        if expansion.truncated:
            self.problems.append(f"line {master.line}: UID {uid}: cut at {limit} occurrences")
        duration = (
            rec.as_utc(master.end) - rec.as_utc(master.start) if master.end is not None else None
        )
        result: list[MeetingOccurrence] = []
        used: set[str] = set()
        for inst in expansion.instances:
            key = rec.recurrence_key(inst.start)
            override = overrides.get(key)
            if override is not None:
                used.add(key)
                result.append(self.occurrence(override, override.start, override.end, key, master))
                continue
            end = inst.end if inst.end is not None else None
            if end is None and duration is not None:
                end = inst.start + duration
            result.append(self.occurrence(master, inst.start, end, key, None))
        for key, override in overrides.items():
            if key not in used and window_start <= rec.as_utc(override.start) <= window_end:
                result.append(self.occurrence(override, override.start, override.end, key, master))
        return result

    def _dates(self, comp: Component, name: str) -> list[Any]:
        found: list[Any] = []
        for prop in _all(comp, name):
            for item in _attr(prop, "dts") or []:
                value = self.instant(_attr(item, "dt"), prop.params)
                if value is not None:
                    found.append(value)
        return found

    def occurrence(
        self, event: _Event, start: rec.Instant, end: Any, rid: str | None, base: _Event | None
    ) -> MeetingOccurrence:
        """One occurrence; `base` is the series master an override falls back on."""
        if end is None and rid is None:
            end = event.end
        shared = self._shared(event, base)
        return MeetingOccurrence(
            uid=event.uid,
            recurrence_id=rid,
            start=start if isinstance(start, datetime) else rec.as_utc(start),
            end=None if end is None else end if isinstance(end, datetime) else rec.as_utc(end),
            all_day=not isinstance(start, datetime),
            sequence=event.sequence,
            dtstamp=event.dtstamp,
            **shared,
        )

    def _shared(self, event: _Event, base: _Event | None) -> dict[str, Any]:
        """The fields every occurrence of one component shares, computed once per component."""
        key = (id(event.component), id(base.component) if base else 0)
        if key in self._cache:
            return self._cache[key]
        comp = event.component
        fallback = base.component if base is not None else None

        def text(name: str, cap: int = MAX_TEXT_CHARS) -> str | None:
            # Google's exported exceptions (a cancelled instance) carry little but the times.
            value = _text(comp, name, cap)
            return value if value is not None or fallback is None else _text(fallback, name, cap)

        organizer, attendees, more = _participants(
            comp if comp.get("ORGANIZER") is not None or fallback is None else fallback,
            comp if comp.get("ATTENDEE") is not None or fallback is None else fallback,
        )
        if more:
            self.problems.append(f"line {event.line}: over {MAX_ATTENDEES} attendees; rest ignored")
        summary, location = text("SUMMARY"), text("LOCATION")
        own = _description(comp)
        base_text = _description(fallback) if fallback is not None else None
        full = own or base_text
        conference = _conference_url(comp, own) or (
            _conference_url(fallback, base_text) if fallback is not None else None
        )
        dial_ins = _dial_in_numbers(own, conference)
        dial_ins += [n for n in _dial_in_numbers(base_text, conference) if n not in dial_ins]
        status = STATUSES.get((text("STATUS") or "confirmed").lower(), "confirmed")
        people = ([organizer] if organizer else []) + attendees
        external = any(p.email not in self.owners for p in people)
        self._cache[key] = shared = {
            "summary": summary,
            "description": full[:MAX_DESCRIPTION_CHARS] if full else None,
            "location": location,
            "conference_url": conference,
            # METHOD:CANCEL cancels whatever it names, even when STATUS was left out.
            "status": "cancelled" if self.method == "CANCEL" else status,
            "organizer": organizer,
            "attendees": attendees,
            "kind": _kind(text("URL", 2000), summary, location, full, conference),
            "has_external_participants": external,
            "skip_reason": None if external else OWNER_ONLY,
            "dial_in_numbers": dial_ins,
        }
        return shared


# --- participants, links, numbers, kind --------------------------------------------------------

_EMAIL = re.compile(
    r"^[^@\s<>()\[\],;:\"]{1,200}@[^@\s<>()\[\],;:\"]{1,250}\.[^@\s<>()\[\],;:\"]+$"
)


def _person(prop: Any, role: Literal["organizer", "attendee"]) -> Attendee | None:
    params = getattr(prop, "params", None) or {}
    if str(params.get("CUTYPE", "")).upper() in ("ROOM", "RESOURCE"):
        return None  # meeting rooms and projectors are not contacts
    value = str(prop).strip()
    email = value[7:] if value.lower().startswith("mailto:") else str(params.get("EMAIL", ""))
    email = email.strip().lower()
    if not _EMAIL.match(email):
        return None
    name = str(params.get("CN", "")).strip().strip('"').strip()[:MAX_NAME_CHARS] or None
    partstat = str(params.get("PARTSTAT", "")).strip().lower()
    return Attendee(
        email,
        None if name and name.lower() == email else name,
        role,
        partstat or ("accepted" if role == "organizer" else "needs-action"),
    )


def _participants(
    organizer_from: Component, attendees_from: Component
) -> tuple[Attendee | None, list[Attendee], bool]:
    organizer = None
    org_prop = _first(organizer_from, "ORGANIZER")
    if org_prop is not None:
        organizer = _person(org_prop, "organizer")
    attendees: dict[str, Attendee] = {}
    props = _all(attendees_from, "ATTENDEE")
    for prop in props[: MAX_ATTENDEES * 2]:
        person = _person(prop, "attendee")
        if person is None or person.email in attendees:
            continue
        if organizer is not None and person.email == organizer.email:
            # The organizer listed as attendee carries the organizer's own PARTSTAT.
            if "PARTSTAT" in (getattr(prop, "params", None) or {}):
                organizer = Attendee(
                    organizer.email, organizer.name or person.name, "organizer", person.partstat
                )
            continue
        attendees[person.email] = person
    people = list(attendees.values())
    return organizer, people[:MAX_ATTENDEES], len(people) > MAX_ATTENDEES


def _description(comp: Component) -> str | None:
    text = _text(comp, "DESCRIPTION", MAX_SCAN_CHARS)
    if text is None:
        alt = _text(comp, "X-ALT-DESC", MAX_SCAN_CHARS)
        if alt:
            text = html.unescape(re.sub(r"<[^>]{0,2000}>", " ", alt)).strip() or None
    return text


_CONFERENCE = re.compile(
    r"https://(?:[\w-]+\.)*(?:zoom\.us|zoomgov\.com|teams\.microsoft\.com|teams\.live\.com"
    r"|meet\.google\.com|webex\.com|gotomeeting\.com|meet\.goto\.com|whereby\.com|meet\.jit\.si"
    r"|bluejeans\.com|chime\.aws)(?:/[^\s<>\"'\]\)]{0,2000})?",
    re.IGNORECASE,
)
_NOT_A_JOIN_LINK = re.compile(r"//dialin\.|zoom\.us/u/|/meetingOptions|/support", re.IGNORECASE)
_CONFERENCE_PROPS = (
    "X-GOOGLE-CONFERENCE",
    "X-MICROSOFT-SKYPETEAMSMEETINGURL",
    "X-MICROSOFT-ONLINEMEETINGURL",
    "X-MICROSOFT-ONLINEMEETINGEXTERNALLINK",
    "CONFERENCE",
)


def _conference_url(comp: Component, description: str | None) -> str | None:
    for name in _CONFERENCE_PROPS:
        value = _text(comp, name, 2000)
        if value and value.lower().startswith("https://"):
            return value
    for text in (_text(comp, "URL", 2000), _text(comp, "LOCATION"), description):
        for m in _CONFERENCE.finditer(text or ""):
            url = m.group(0).rstrip(".,;:!?")
            if not _NOT_A_JOIN_LINK.search(url):
                return url
    return None


_CONFERENCE_CONTEXT = re.compile(
    r"dial[- ]?in|join by phone|one tap mobile|dial by your location|conference id|meeting id"
    r"|\bpin\b|passcode|zoom|teams|meet\.google|webex|einwahl|konferenz|tel:",
    re.IGNORECASE,
)
# Not after "," "#" "*": in "+16465588656,,85012345678#" only the first run is a phone.
_NUMBER = re.compile(r"(?<![\w+,#*])(?:\+|00)?\(?\d[\d \t().\-/]{5,24}\d(?![\w])")
_WEB_LINK = re.compile(r"\b(?:https?|ftp)://\S+", re.IGNORECASE)
_ID_LABEL = re.compile(
    r"(?:\bid|\bpin|passcode|password|code|kenncode|konferenz-id|webinar)\s*[:#.]?\s*$",
    re.IGNORECASE,
)
_DATE_LIKE = re.compile(r"^\d{4}[-./]\d{1,2}[-./]\d{1,2}$|^\d{1,2}[-./]\d{1,2}[-./]\d{4}$")


def _dial_in_numbers(description: str | None, conference: str | None) -> list[str]:
    """Phone numbers in a conferencing description: the caller keeps them away from contacts."""
    if not description or not (conference or _CONFERENCE_CONTEXT.search(description)):
        return []
    description = _WEB_LINK.sub(" ", description)  # meeting numbers inside join links
    found: list[str] = []
    for m in _NUMBER.finditer(description):
        raw = m.group(0)
        line_start = description.rfind("\n", 0, m.start()) + 1
        if _ID_LABEL.search(description[max(line_start, m.start() - 30) : m.start()]):
            continue  # "Meeting ID: 850 1234 5678", "PIN: 123 456 789#" are not phones
        if _DATE_LIKE.match(raw.strip()):
            continue
        digits = re.sub(r"\D", "", raw)
        international = raw.startswith(("+", "00"))
        if international and raw.startswith("00"):
            digits = digits[2:]
        if not (8 if international else 10) <= len(digits) <= 15:
            continue
        number = ("+" if international else "") + digits
        if number not in found:
            found.append(number)
        if len(found) >= 50:
            break
    return found


_PHONE_LOCATION = re.compile(r"^\s*(?:tel:)?\s*\+?[\d \t().\-/]{7,30}\s*$", re.IGNORECASE)
_CALL_TITLE = re.compile(
    r"^\s*(?:quick\s+|short\s+|intro\s+|phone\s+|follow[- ]up\s+)?call\b"
    r"|\bcall\s+(?:with|w/|mit|avec|con)\b"
    r"|\bphone\s+(?:call|screen|screening|interview|chat)\b"
    r"|\b(?:звонок|созвон|телефонн)\w*"
    r"|\b(?:telefonat|anruf|telefoninterview|telefongespr[äa]ch|rückruf)\w*"
    r"|\bllamada\b|\bappel\s+(?:avec|t[ée]l[ée]phonique)",
    re.IGNORECASE,
)


def _kind(
    url: str | None,
    summary: str | None,
    location: str | None,
    description: str | None,
    conference: str | None,
) -> Kind:
    if (url or "").lower().startswith("tel:") or "tel:" in (location or "").lower():
        return "call"
    if location and _PHONE_LOCATION.match(location) and len(re.sub(r"\D", "", location)) >= 7:
        return "call"
    if conference:
        # "Call with Maria" on Zoom is a video meeting; Teams and Zoom invites also carry tel:
        # links for their dial-in, which say nothing about the meeting itself.
        return "meeting"
    if summary and _CALL_TITLE.search(summary):
        return "call"
    return "call" if description and "tel:" in description.lower() else "meeting"
