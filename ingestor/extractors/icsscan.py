"""A line-by-line pre-scan of iCalendar text, before icalendar is allowed to parse it.

It decodes the bytes, checks the structure with line numbers (truncation, unbalanced
BEGIN/END, garbage), drops unreadable lines inside components instead of failing the whole
calendar, and hides TZID parameters and VTIMEZONE blocks from icalendar under private names:
icalendar resolves them through a process-wide cache that one calendar's "Customized Time Zone"
would poison for the next, and that grows with every hostile invite. Zones are resolved per file
by wintz.ZoneResolver instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from icalendar.parser import Contentline, Parameters

from ingestor.extractors.occurrences import CalendarParseError

MAX_DEPTH = 8
TZID_PARAM = "X-INGESTOR-TZID"
VTIMEZONE = "X-INGESTOR-VTIMEZONE"
_DATETIME_PROPS = {"DTSTART", "DTEND", "RECURRENCE-ID", "RDATE", "EXDATE", "DUE"}


@dataclass
class EventLines:
    """Where one VEVENT begins, and the line of the first occurrence of each of its properties."""

    begin: int
    props: dict[str, int] = field(default_factory=dict)


def decode(ics: bytes) -> str:
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


def one_line(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}"


# name, then parameters (quoted values may hold ":" and ";"), then the ":" before the value
_LINE_HEAD = re.compile(r'([A-Za-z0-9-]{1,100})((?:;[^:;"]*(?:"[^"]*"[^:;"]*)*)*):')


def prescan(text: str) -> tuple[str, list[EventLines], list[str]]:
    """Check structure with line numbers and return text that icalendar may safely parse."""
    logical: list[tuple[int, str]] = []
    for number, line in enumerate(re.split(r"\r\n|\n|\r", text.replace("\x00", "")), 1):
        if line[:1] in (" ", "\t") and logical:
            logical[-1] = (logical[-1][0], logical[-1][1] + line[1:])
        else:
            logical.append((number, line))
    out: list[str] = []
    events: list[EventLines] = []
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
                events.append(EventLines(number))
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
