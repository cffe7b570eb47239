"""Expand one recurring event (RRULE, RDATE, EXDATE) into its instances inside a window.

dateutil evaluates the rules, but it is not safe on hostile input by itself: it walks a rule one
period at a time from DTSTART and only checks UNTIL when something matches, so a rule that
never matches, or FREQ=SECONDLY from 1970, keeps it busy for minutes. Four guards bound the work:

- fast-forward: for rules without COUNT, DTSTART is moved by whole intervals to just before the
  window, which leaves the set of instances unchanged;
- 400-year shift: the Gregorian calendar repeats exactly every 400 years, so the rule is
  evaluated 400·n years later, with the window close to year 9999, where dateutil stops by
  itself; a rule that never matches then costs at most 400 years of scanning;
- BYSETPOS below daily frequency is refused, because dateutil then scans second by second;
- a budget of instances before the window, and a cap on instances inside it.

Rules are evaluated on naive wall-clock times in the event's zone (or on dates for all-day
events), which is how RFC 5545 defines them across DST changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from dateutil.rrule import (
    DAILY,
    FR,
    HOURLY,
    MINUTELY,
    MO,
    MONTHLY,
    SA,
    SECONDLY,
    SU,
    TH,
    TU,
    WE,
    WEEKLY,
    YEARLY,
    rrule,
    weekday,
)

FREQUENCIES = {
    "YEARLY": YEARLY,
    "MONTHLY": MONTHLY,
    "WEEKLY": WEEKLY,
    "DAILY": DAILY,
    "HOURLY": HOURLY,
    "MINUTELY": MINUTELY,
    "SECONDLY": SECONDLY,
}
WEEKDAYS = {"MO": MO, "TU": TU, "WE": WE, "TH": TH, "FR": FR, "SA": SA, "SU": SU}
# Fixed-length periods: only these can be fast-forwarded by plain arithmetic.
_STEPS = {
    SECONDLY: timedelta(seconds=1),
    MINUTELY: timedelta(minutes=1),
    HOURLY: timedelta(hours=1),
    DAILY: timedelta(days=1),
    WEEKLY: timedelta(weeks=1),
}
_INT_PARTS = {  # name -> (dateutil keyword, lowest, highest, may be negative)
    "BYSECOND": ("bysecond", 0, 59, False),
    "BYMINUTE": ("byminute", 0, 59, False),
    "BYHOUR": ("byhour", 0, 23, False),
    "BYMONTHDAY": ("bymonthday", 1, 31, True),
    "BYYEARDAY": ("byyearday", 1, 366, True),
    "BYWEEKNO": ("byweekno", 1, 53, True),
    "BYMONTH": ("bymonth", 1, 12, False),
    "BYSETPOS": ("bysetpos", 1, 366, True),
}
_BYDAY = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
_UNTIL = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$")
MAX_SCAN = 50_000  # instances generated before the window; far more than any real series needs
MAX_INTERVAL = 1_000_000
_CYCLE_YEARS = 400
_SLACK = timedelta(hours=3)  # more than any DST fold or gap

Instant = date | datetime  # a date for all-day events, else an aware datetime


class RuleError(ValueError):
    """An RRULE that cannot be read."""


@dataclass(frozen=True)
class Rule:
    """One RRULE, checked and ready for dateutil."""

    freq: int
    interval: int = 1
    count: int | None = None
    until: date | datetime | None = None  # date, naive, or aware (UTC) datetime
    parts: dict[str, Any] = field(default_factory=dict)  # dateutil by*/wkst keywords


@dataclass(frozen=True)
class Instance:
    start: Instant
    end: Instant | None = None  # only when an RDATE period gives its own end


@dataclass
class Expansion:
    instances: list[Instance] = field(default_factory=list)
    truncated: bool = False
    problems: list[str] = field(default_factory=list)


def parse_rule(text: str) -> Rule:
    """Read an RRULE value such as "FREQ=WEEKLY;BYDAY=MO;UNTIL=20261231T230000Z"."""
    items: dict[str, str] = {}
    for part in text.strip().split(";"):
        key, sep, value = part.partition("=")
        if sep:
            items[key.strip().upper()] = value.strip().upper()
    freq = FREQUENCIES.get(items.get("FREQ", ""))
    if freq is None:
        raise RuleError(f"unknown FREQ {items.get('FREQ', '')[:20]!r}")
    interval = _int(items.get("INTERVAL", "1"), "INTERVAL")
    interval = 1 if interval == 0 else interval
    if not 1 <= interval <= MAX_INTERVAL:
        raise RuleError(f"INTERVAL {interval} out of range")
    count = _int(items["COUNT"], "COUNT") if "COUNT" in items else None
    if count is not None and count < 0:
        count = None  # seen in the wild; readers agree to ignore it
    parts: dict[str, Any] = {}
    for name, (kw, lowest, highest, negative) in _INT_PARTS.items():
        if name in items:
            values = {_int(v, name) for v in items[name].split(",") if v}
            if any(not lowest <= (-v if negative and v < 0 else v) <= highest for v in values):
                raise RuleError(f"{name} value out of range")
            parts[kw] = sorted(values)
    if "BYDAY" in items:
        days: list[weekday] = []
        for v in items["BYDAY"].split(","):
            m = _BYDAY.match(v.strip())
            if not m or (m.group(1) and not 1 <= abs(int(m.group(1))) <= 53):
                raise RuleError(f"bad BYDAY {v[:20]!r}")
            day = WEEKDAYS[m.group(2)]
            days.append(day(int(m.group(1))) if m.group(1) else day)
        parts["byweekday"] = days
    if "WKST" in items:
        if items["WKST"] not in WEEKDAYS:
            raise RuleError(f"bad WKST {items['WKST'][:20]!r}")
        parts["wkst"] = WEEKDAYS[items["WKST"]]
    return Rule(freq, interval, count, _until(items["UNTIL"]) if "UNTIL" in items else None, parts)


def _int(value: str, name: str) -> int:
    if not re.fullmatch(r"[+-]?\d{1,9}", value.strip()):
        raise RuleError(f"{name} is not a number: {value[:20]!r}")
    return int(value)


def _until(value: str) -> date | datetime:
    m = _UNTIL.match(value)
    if not m:
        raise RuleError(f"bad UNTIL {value[:30]!r}")
    try:
        if m.group(4) is None:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        y, mo, d, h, mi, sec = (int(g) for g in m.groups()[:6])
        return datetime(y, mo, d, h, mi, sec, tzinfo=UTC if m.group(7) else None)
    except ValueError as exc:
        raise RuleError(f"bad UNTIL {value[:30]!r}") from exc


def _wall(value: date | datetime, tz: tzinfo | None) -> datetime:
    """`value` on the naive wall clock the rule runs on (the zone's, or UTC for all-day)."""
    if not isinstance(value, datetime):
        return datetime.combine(value, time(23, 59, 59))  # an UNTIL date includes that day
    if value.tzinfo is None:
        return value
    return value.astimezone(tz or UTC).replace(tzinfo=None)


def rule_starts(
    rule: Rule,
    dtstart: datetime,
    tz: tzinfo | None,
    window_start: datetime,
    window_end: datetime,
    limit: int,
) -> tuple[list[datetime], bool, str | None]:
    """Naive wall-clock starts of `rule` inside the window: (starts, truncated, problem).

    `dtstart` is naive: wall-clock time in `tz`, or midnight of the date when `tz` is None
    (all-day events, whose instances count as starting at midnight UTC).
    """
    if "bysetpos" in rule.parts and rule.freq in (HOURLY, MINUTELY, SECONDLY):
        return [], False, "RRULE with BYSETPOS below daily frequency was not expanded"
    if tz is None:
        lo, hi = _wall(window_start, UTC), _wall(window_end, UTC)
    else:
        # Wall time maps to UTC monotonically except in DST folds and gaps: a few hours of
        # slack here, and the exact test on each instance below.
        lo, hi = _wall(window_start, tz) - _SLACK, _wall(window_end, tz) + _SLACK
    stop = hi if rule.until is None else min(hi, _wall(rule.until, tz))
    if stop < lo or dtstart > stop:
        return [], False, None
    step = _STEPS.get(rule.freq)
    if rule.count is None and step is not None and lo - dtstart > step * rule.interval:
        period = step * rule.interval
        dtstart += period * ((lo - dtstart) // period)
    shift = _CYCLE_YEARS * max(0, (9997 - stop.year) // _CYCLE_YEARS)
    try:
        # UNTIL is applied through `stop`: dateutil objects to COUNT and UNTIL together.
        it = rrule(
            rule.freq,
            dtstart=dtstart.replace(year=dtstart.year + shift),
            interval=rule.interval,
            count=rule.count,
            cache=False,
            **rule.parts,
        )
    except (ValueError, TypeError) as exc:
        return [], False, f"RRULE cannot be expanded: {exc}"
    stop_s = stop.replace(year=stop.year + shift)
    starts: list[datetime] = []
    scanned = 0
    for occ in it:
        if occ > stop_s:
            break
        naive = occ.replace(year=occ.year - shift)
        utc = naive.replace(tzinfo=tz or UTC).astimezone(UTC)
        if utc < window_start:
            scanned += 1
            if scanned > MAX_SCAN:
                return starts, False, f"RRULE has over {MAX_SCAN} instances before the window"
            continue
        if utc > window_end:
            break
        starts.append(naive)
        if len(starts) >= limit:
            return starts, True, None
    return starts, False, None


FINITE_HORIZON = timedelta(days=100 * 366)  # a finite series is looked at this far from DTSTART
_FLOOR = datetime(1900, 1, 1, tzinfo=UTC)
_CEILING = datetime(9000, 1, 1, tzinfo=UTC)


def whole_series(
    start: Instant, window_start: datetime, window_end: datetime
) -> tuple[datetime, datetime]:
    """The range that holds every instance of a finite series starting at `start`, whatever
    the window: from before DTSTART (RDATEs may precede it) to a century after it.

    The century bounds the scan of a COUNT rule that never matches (see the module docstring).
    """
    first = as_utc(start)
    lo = min(window_start, first, _FLOOR)
    hi = max(window_end, min(first, _CEILING) + FINITE_HORIZON)
    return lo, hi


def recurrence_key(value: Instant) -> str:
    """The RECURRENCE-ID form used in keys: UTC ISO 8601 for times, the date for all-day."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return value.isoformat()


def as_utc(value: Instant) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return datetime.combine(value, time(0), UTC)


def _same_kind(value: Instant, start: Instant, tz: tzinfo | None) -> Instant:
    """Bring an RDATE/EXDATE value to the kind of DTSTART (date, or time in the same zone)."""
    if not isinstance(start, datetime):
        return value.date() if isinstance(value, datetime) else value
    if not isinstance(value, datetime):
        return datetime.combine(value, start.timetz())
    if value.tzinfo is None:  # callers pass aware values; never let the host zone leak in
        return value.replace(tzinfo=tz)
    return value.astimezone(tz)


def expand_series(
    start: Instant,
    rules: Iterable[Rule],
    rdates: Iterable[Instant | tuple[Instant, Instant]],
    exdates: Iterable[Instant],
    window_start: datetime,
    window_end: datetime,
    limit: int,
) -> Expansion:
    """Every instance of a series whose start lies in [window_start, window_end], sorted.

    `start` is DTSTART: a date, or an aware datetime whose tzinfo the rules run in. It always
    counts as the first instance, as RFC 5545 says, even when the rule would not produce it.
    """
    result = Expansion()
    timed = isinstance(start, datetime)
    tz = start.tzinfo if isinstance(start, datetime) else None
    if isinstance(start, datetime):
        naive_start = start.replace(tzinfo=None)
    else:
        naive_start = datetime.combine(start, time(0))
    found: dict[str, Instance] = {recurrence_key(start): Instance(start)}
    for rule in rules:
        naive, truncated, problem = rule_starts(
            rule, naive_start, tz, window_start, window_end, limit
        )
        result.truncated |= truncated
        if problem:
            result.problems.append(problem)
        for n in naive:
            value: Instant = n.replace(tzinfo=tz) if timed else n.date()
            found.setdefault(recurrence_key(value), Instance(value))
    for rdate in rdates:
        if isinstance(rdate, tuple):
            first = _same_kind(rdate[0], start, tz)
            end = rdate[1]
            if isinstance(end, timedelta):
                end = first + end
            found[recurrence_key(first)] = Instance(first, end)
        else:
            value = _same_kind(rdate, start, tz)
            found.setdefault(recurrence_key(value), Instance(value))
    excluded_days: set[date] = set()
    for exdate in exdates:
        if timed and not isinstance(exdate, datetime):
            excluded_days.add(exdate)  # a date EXDATE removes that whole day of a timed series
        else:
            found.pop(recurrence_key(_same_kind(exdate, start, tz)), None)
    instances = [
        inst
        for inst in found.values()
        if window_start <= as_utc(inst.start) <= window_end
        and not (excluded_days and _local_day(inst.start) in excluded_days)
    ]
    instances.sort(key=lambda inst: as_utc(inst.start))
    if len(instances) > limit:
        instances, result.truncated = instances[:limit], True
    result.instances = instances
    return result


def _local_day(value: Instant) -> date:
    return value.date() if isinstance(value, datetime) else value
