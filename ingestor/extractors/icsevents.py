"""The VEVENTs of one parsed calendar → meeting occurrences: times, series, overrides, people.

What reading needs besides the components (zones, the floating zone, the owner's addresses, the
METHOD) is held by one EventReader per calendar; problems it can recover from are collected in
`EventReader.problems` instead of raised.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from icalendar import Component, vBroken

from ingestor.extractors import recurrence as rec
from ingestor.extractors.conference import conference_url, dial_in_numbers, meeting_kind
from ingestor.extractors.icsprops import (
    MAX_ATTENDEES,
    MAX_TEXT_CHARS,
    all_values,
    attr_of,
    description_of,
    first_value,
    participants,
    text_of,
)
from ingestor.extractors.icsscan import TZID_PARAM, EventLines, one_line
from ingestor.extractors.occurrences import OWNER_ONLY, STATUSES, MeetingOccurrence, SeriesSpan
from ingestor.extractors.wintz import ZoneResolver

log = logging.getLogger(__name__)

MAX_DESCRIPTION_CHARS = 10_000


@dataclass
class Event:
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

    def newer_than(self, other: Event) -> bool:
        return self.version() > other.version()


class EventReader:
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
        prop = first_value(component, name)
        value = self.instant(attr_of(prop, "dt"), attr_of(prop, "params"))
        return value if not isinstance(value, tuple) else None

    def read(self, comp: Component, lines: EventLines, problems: list[str]) -> Event | None:
        try:
            return self._read(comp, lines, problems)
        except Exception as exc:  # hostile values can trip anything in date arithmetic
            log.debug("event at line %s unreadable: %s", lines.begin, type(exc).__name__)
            problems.append(f"line {lines.begin}: event skipped: {one_line(exc)}")
            return None

    def _read(self, comp: Component, lines: EventLines, problems: list[str]) -> Event | None:
        where = lines.props.get("DTSTART", lines.begin)
        start = self.prop_instant(comp, "DTSTART")
        if start is None:
            raw = first_value(comp, "DTSTART")
            if raw is None:
                problems.append(f"line {lines.begin}: event without DTSTART skipped")
            else:
                shown = str(raw)[:40] if isinstance(raw, vBroken) else str(attr_of(raw, "dt"))[:40]
                problems.append(f"line {where}: bad DTSTART {shown!r}; event skipped")
            return None
        uid = text_of(comp, "UID", 500)
        if uid is None:
            seed = f"{start}|{text_of(comp, 'SUMMARY')}|{text_of(comp, 'ORGANIZER')}"
            uid = "no-uid-" + hashlib.sha256(seed.encode()).hexdigest()[:20]
            problems.append(f"line {lines.begin}: event without UID; using {uid}")
        end = self.prop_instant(comp, "DTEND")
        duration = attr_of(first_value(comp, "DURATION"), "dt")
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
            sequence = int(str(first_value(comp, "SEQUENCE") or 0))
        except ValueError:
            sequence = 0
        stamp = self.prop_instant(comp, "DTSTAMP")
        return Event(
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
        master: Event | None,
        overrides: dict[str, Event],
        window_start: datetime,
        window_end: datetime,
        limit: int,
    ) -> tuple[list[MeetingOccurrence], SeriesSpan]:
        """The UID's occurrences, and how far they were expanded.

        One-off events and finite series (every RRULE has COUNT or UNTIL, or there are only
        RDATEs) are expanded in full, up to `limit` occurrences; an infinite series, or a finite
        one with more than `limit`, only inside [window_start, window_end].
        """
        comp = master.component if master else None
        if master is None or comp is None or not (comp.get("RRULE") or comp.get("RDATE")):
            # A single event, or instances sent on their own (an invite for one occurrence).
            out = [self.occurrence(master, master.start, None, None, None)] if master else []
            out += [self.occurrence(o, o.start, o.end, k, master) for k, o in overrides.items()]
            return out, SeriesSpan(uid, bounded=False)
        rules: list[rec.Rule] = []
        for prop in all_values(comp, "RRULE"):
            try:
                text = str(prop) if isinstance(prop, vBroken) else prop.to_ical().decode()
                rules.append(rec.parse_rule(text))
            except rec.RuleError as exc:
                self.problems.append(f"line {master.line}: UID {uid}: {exc}; rule ignored")
        if all(r.count is not None or r.until is not None for r in rules):
            whole = rec.whole_series(master.start, window_start, window_end)
            found = self._expand(uid, master, comp, rules, whole, limit + 1, quiet=True)
            if len(found) <= limit:
                return self._series(uid, master, overrides, found, None), SeriesSpan(uid, False)
            self.problems.append(
                f"line {master.line}: UID {uid}: finite series has over {limit} occurrences;"
                " expanded like an infinite one"
            )
        bound = (window_start, window_end)
        found = self._expand(uid, master, comp, rules, bound, limit)
        span = SeriesSpan(uid, bounded=True, start=window_start, end=window_end)
        return self._series(uid, master, overrides, found, bound), span

    def _expand(
        self,
        uid: str,
        master: Event,
        comp: Component,
        rules: list[rec.Rule],
        window: tuple[datetime, datetime],
        limit: int,
        quiet: bool = False,
    ) -> list[rec.Instance]:
        expansion = rec.expand_series(
            master.start,
            rules,
            self._dates(comp, "RDATE"),
            [d for d in self._dates(comp, "EXDATE") if not isinstance(d, tuple)],
            window[0],
            window[1],
            limit,
        )
        self.problems += [f"line {master.line}: UID {uid}: {p}" for p in expansion.problems]
        if expansion.truncated and not quiet:
            self.problems.append(f"line {master.line}: UID {uid}: cut at {limit} occurrences")
        return expansion.instances

    def _series(
        self,
        uid: str,
        master: Event,
        overrides: dict[str, Event],
        instances: list[rec.Instance],
        window: tuple[datetime, datetime] | None,
    ) -> list[MeetingOccurrence]:
        """The occurrences of a series' instances, each replaced by its override if any.

        Overrides of no instance are kept inside `window`, or all of them when it is None (a
        series expanded in full: a moved occurrence is one wherever it was moved to).
        """
        duration = (
            rec.as_utc(master.end) - rec.as_utc(master.start) if master.end is not None else None
        )
        result: list[MeetingOccurrence] = []
        used: set[str] = set()
        for inst in instances:
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
            if key in used:
                continue
            if window is None or window[0] <= rec.as_utc(override.start) <= window[1]:
                result.append(self.occurrence(override, override.start, override.end, key, master))
        return result

    def _dates(self, comp: Component, name: str) -> list[Any]:
        found: list[Any] = []
        for prop in all_values(comp, name):
            for item in attr_of(prop, "dts") or []:
                value = self.instant(attr_of(item, "dt"), prop.params)
                if value is not None:
                    found.append(value)
        return found

    def occurrence(
        self, event: Event, start: rec.Instant, end: Any, rid: str | None, base: Event | None
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

    def _shared(self, event: Event, base: Event | None) -> dict[str, Any]:
        """The fields every occurrence of one component shares, computed once per component."""
        key = (id(event.component), id(base.component) if base else 0)
        if key in self._cache:
            return self._cache[key]
        comp = event.component
        fallback = base.component if base is not None else None

        def text(name: str, cap: int = MAX_TEXT_CHARS) -> str | None:
            # Google's exported exceptions (a cancelled instance) carry little but the times.
            value = text_of(comp, name, cap)
            return value if value is not None or fallback is None else text_of(fallback, name, cap)

        organizer, attendees, more = participants(
            comp if comp.get("ORGANIZER") is not None or fallback is None else fallback,
            comp if comp.get("ATTENDEE") is not None or fallback is None else fallback,
        )
        if more:
            self.problems.append(f"line {event.line}: over {MAX_ATTENDEES} attendees; rest ignored")
        summary, location = text("SUMMARY"), text("LOCATION")
        own = description_of(comp)
        base_text = description_of(fallback) if fallback is not None else None
        full = own or base_text
        conference = conference_url(comp, own) or (
            conference_url(fallback, base_text) if fallback is not None else None
        )
        dial_ins = dial_in_numbers(own, conference)
        dial_ins += [n for n in dial_in_numbers(base_text, conference) if n not in dial_ins]
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
            "kind": meeting_kind(text("URL", 2000), summary, location, full, conference),
            "has_external_participants": external,
            "skip_reason": None if external else OWNER_ONLY,
            "dial_in_numbers": dial_ins,
        }
        return shared
