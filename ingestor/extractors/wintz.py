"""Turn the TZIDs found in one calendar file into tzinfo objects.

Calendars name their zones in several dialects:

- IANA names, sometimes with a vendor prefix ("/Europe/Berlin",
  "/mozilla.org/20050126_1/Europe/Berlin");
- Windows names from Outlook and Exchange ("W. Europe Standard Time");
- Outlook display labels ("(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna");
- anything at all ("Customized Time Zone"), defined only by a VTIMEZONE in the same file.

Known names win over the file's VTIMEZONE because tzdata is more accurate than the abbreviated
rules Outlook writes. A VTIMEZONE is used only after a sanity check, because icalendar hands it to
dateutil, which replays its rules from DTSTART on every lookup: a hostile FREQ=SECONDLY rule there
would hang. Everything is per file; nothing is cached across calendars.
"""

from __future__ import annotations

import functools
import re
import zoneinfo
from datetime import UTC, timedelta, timezone, tzinfo

from icalendar import Component, Timezone
from icalendar.timezone import tzp
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from ingestor.extractors.recurrence import YEARLY, RuleError, parse_rule

# The zones Outlook and Exchange actually write for most users; icalendar's full CLDR table is the
# fallback. Values are canonical IANA names (icalendar's table still has Asia/Calcutta and such).
WINDOWS_ZONES: dict[str, str] = {
    "Dateline Standard Time": "Etc/GMT+12",
    "UTC-11": "Etc/GMT+11",
    "Hawaiian Standard Time": "Pacific/Honolulu",
    "Alaskan Standard Time": "America/Anchorage",
    "Pacific Standard Time": "America/Los_Angeles",
    "Pacific Standard Time (Mexico)": "America/Tijuana",
    "US Mountain Standard Time": "America/Phoenix",
    "Mountain Standard Time": "America/Denver",
    "Central America Standard Time": "America/Guatemala",
    "Central Standard Time": "America/Chicago",
    "Central Standard Time (Mexico)": "America/Mexico_City",
    "Canada Central Standard Time": "America/Regina",
    "SA Pacific Standard Time": "America/Bogota",
    "Eastern Standard Time": "America/New_York",
    "US Eastern Standard Time": "America/Indiana/Indianapolis",
    "Venezuela Standard Time": "America/Caracas",
    "Atlantic Standard Time": "America/Halifax",
    "SA Western Standard Time": "America/La_Paz",
    "Pacific SA Standard Time": "America/Santiago",
    "Newfoundland Standard Time": "America/St_Johns",
    "E. South America Standard Time": "America/Sao_Paulo",
    "Argentina Standard Time": "America/Argentina/Buenos_Aires",
    "UTC": "UTC",
    "GMT Standard Time": "Europe/London",
    "Greenwich Standard Time": "Atlantic/Reykjavik",
    "W. Europe Standard Time": "Europe/Berlin",
    "Central Europe Standard Time": "Europe/Budapest",
    "Romance Standard Time": "Europe/Paris",
    "Central European Standard Time": "Europe/Warsaw",
    "W. Central Africa Standard Time": "Africa/Lagos",
    "Morocco Standard Time": "Africa/Casablanca",
    "GTB Standard Time": "Europe/Bucharest",
    "E. Europe Standard Time": "Europe/Chisinau",
    "FLE Standard Time": "Europe/Kyiv",
    "Israel Standard Time": "Asia/Jerusalem",
    "South Africa Standard Time": "Africa/Johannesburg",
    "Egypt Standard Time": "Africa/Cairo",
    "Turkey Standard Time": "Europe/Istanbul",
    "Kaliningrad Standard Time": "Europe/Kaliningrad",
    "Belarus Standard Time": "Europe/Minsk",
    "Russian Standard Time": "Europe/Moscow",
    "E. Africa Standard Time": "Africa/Nairobi",
    "Arab Standard Time": "Asia/Riyadh",
    "Arabian Standard Time": "Asia/Dubai",
    "Iran Standard Time": "Asia/Tehran",
    "Ekaterinburg Standard Time": "Asia/Yekaterinburg",
    "Pakistan Standard Time": "Asia/Karachi",
    "India Standard Time": "Asia/Kolkata",
    "Sri Lanka Standard Time": "Asia/Colombo",
    "Nepal Standard Time": "Asia/Kathmandu",
    "Bangladesh Standard Time": "Asia/Dhaka",
    "N. Central Asia Standard Time": "Asia/Novosibirsk",
    "SE Asia Standard Time": "Asia/Bangkok",
    "China Standard Time": "Asia/Shanghai",
    "Singapore Standard Time": "Asia/Singapore",
    "W. Australia Standard Time": "Australia/Perth",
    "Taipei Standard Time": "Asia/Taipei",
    "Tokyo Standard Time": "Asia/Tokyo",
    "Korea Standard Time": "Asia/Seoul",
    "Cen. Australia Standard Time": "Australia/Adelaide",
    "AUS Central Standard Time": "Australia/Darwin",
    "E. Australia Standard Time": "Australia/Brisbane",
    "AUS Eastern Standard Time": "Australia/Sydney",
    "Vladivostok Standard Time": "Asia/Vladivostok",
    "New Zealand Standard Time": "Pacific/Auckland",
}

# First city of Outlook's display label -> IANA. The label's offset alone cannot tell Berlin from
# Lagos, and it ignores daylight saving time, so the city decides whenever it is known.
LABEL_CITIES: dict[str, str] = {
    "amsterdam": "Europe/Berlin",
    "belgrade": "Europe/Budapest",
    "brussels": "Europe/Paris",
    "sarajevo": "Europe/Warsaw",
    "west central africa": "Africa/Lagos",
    "dublin": "Europe/London",
    "greenwich mean time": "Europe/London",
    "monrovia": "Atlantic/Reykjavik",
    "casablanca": "Africa/Casablanca",
    "coordinated universal time": "UTC",
    "athens": "Europe/Bucharest",
    "helsinki": "Europe/Kyiv",
    "jerusalem": "Asia/Jerusalem",
    "cairo": "Africa/Cairo",
    "harare": "Africa/Johannesburg",
    "istanbul": "Europe/Istanbul",
    "minsk": "Europe/Minsk",
    "moscow": "Europe/Moscow",
    "nairobi": "Africa/Nairobi",
    "kuwait": "Asia/Riyadh",
    "abu dhabi": "Asia/Dubai",
    "tehran": "Asia/Tehran",
    "islamabad": "Asia/Karachi",
    "ekaterinburg": "Asia/Yekaterinburg",
    "chennai": "Asia/Kolkata",
    "kathmandu": "Asia/Kathmandu",
    "dhaka": "Asia/Dhaka",
    "bangkok": "Asia/Bangkok",
    "beijing": "Asia/Shanghai",
    "kuala lumpur": "Asia/Singapore",
    "perth": "Australia/Perth",
    "taipei": "Asia/Taipei",
    "osaka": "Asia/Tokyo",
    "seoul": "Asia/Seoul",
    "adelaide": "Australia/Adelaide",
    "darwin": "Australia/Darwin",
    "brisbane": "Australia/Brisbane",
    "canberra": "Australia/Sydney",
    "auckland": "Pacific/Auckland",
    "hawaii": "Pacific/Honolulu",
    "alaska": "America/Anchorage",
    "pacific time (us & canada)": "America/Los_Angeles",
    "pacific time (us and canada)": "America/Los_Angeles",
    "arizona": "America/Phoenix",
    "mountain time (us & canada)": "America/Denver",
    "mountain time (us and canada)": "America/Denver",
    "central america": "America/Guatemala",
    "central time (us & canada)": "America/Chicago",
    "central time (us and canada)": "America/Chicago",
    "guadalajara": "America/Mexico_City",
    "saskatchewan": "America/Regina",
    "bogota": "America/Bogota",
    "eastern time (us & canada)": "America/New_York",
    "eastern time (us and canada)": "America/New_York",
    "indiana (east)": "America/Indiana/Indianapolis",
    "atlantic time (canada)": "America/Halifax",
    "santiago": "America/Santiago",
    "newfoundland": "America/St_Johns",
    "brasilia": "America/Sao_Paulo",
    "buenos aires": "America/Argentina/Buenos_Aires",
    "city of buenos aires": "America/Argentina/Buenos_Aires",
}

_LABEL = re.compile(
    r"^\(\s*(?:UTC|GMT)\s*(?:([+-])\s*(\d{1,2})(?:[:.]?(\d{2}))?)?\s*\)\s*(.*)$", re.IGNORECASE
)
MAX_TZID_CHARS = 200
# Bounds on a VTIMEZONE we are willing to hand to dateutil (see the module docstring).
MAX_VTIMEZONE_RULES = 20
MAX_VTIMEZONE_RDATES = 500


@functools.lru_cache(maxsize=1)
def _iana_names() -> dict[str, str]:
    """Lower-cased IANA name -> name, so that lookups never touch odd paths on disk."""
    # ZoneInfo("Europe") raises IsADirectoryError and a 300-char name OSError: only keys that
    # tzdata lists are ever passed to it.
    names = {n.lower(): n for n in zoneinfo.available_timezones()}
    names.setdefault("utc", "UTC")
    return names


def iana_zone(name: str) -> tzinfo | None:
    """The tzdata zone called `name` (case-insensitive), or None."""
    key = _iana_names().get(name.strip().lower())
    if key is None:
        return None
    return UTC if key in ("UTC", "Etc/UTC") else zoneinfo.ZoneInfo(key)


def _from_label(tzid: str) -> tuple[tzinfo | None, tzinfo | None]:
    """(zone from the city, fixed offset) for an Outlook label like "(UTC+01:00) Amsterdam, …"."""
    m = _LABEL.match(tzid)
    if not m:
        return None, None
    sign, hours, minutes, rest = m.groups()
    offset: tzinfo | None = UTC
    if sign and int(hours) <= 14:
        delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
        offset = timezone(-delta if sign == "-" else delta)
    rest = rest.strip().lower()
    for candidate in (rest, re.split(r"[,/;]", rest)[0].strip()):
        if candidate in LABEL_CITIES:
            return iana_zone(LABEL_CITIES[candidate]), offset
    return None, offset


def known_zone(tzid: str) -> tzinfo | None:
    """Resolve a TZID by name alone: IANA, vendor-prefixed IANA, Windows, Outlook label."""
    name = tzid.strip().strip('"').strip()
    if not name or len(name) > MAX_TZID_CHARS:
        return None
    zone = iana_zone(name.strip("/"))
    if zone is not None:
        return zone
    if "/" in name:
        # "/mozilla.org/20050126_1/Europe/Berlin": try ever shorter suffixes, longest first, so
        # "America/Argentina/Buenos_Aires" is found whole.
        parts = [p for p in name.split("/") if p]
        for i in range(1, len(parts)):
            zone = iana_zone("/".join(parts[i:]))
            if zone is not None:
                return zone
    for windows in (name, name + " Standard Time"):  # Lotus Notes drops " Standard Time"
        iana = WINDOWS_ZONES.get(windows) or WINDOWS_TO_OLSON.get(windows)
        if iana is not None:
            zone = iana_zone(iana)
            if zone is not None:
                return zone
    return _from_label(name)[0]


def vtimezone_problem(vtz: Component) -> str | None:
    """Why this VTIMEZONE is unsafe or unusable, or None when dateutil may evaluate it."""
    subs = [c for c in vtz.subcomponents if c.name in ("STANDARD", "DAYLIGHT")]
    if not subs:
        return "has no STANDARD or DAYLIGHT rules"
    if len(subs) > MAX_VTIMEZONE_RULES:
        return f"has more than {MAX_VTIMEZONE_RULES} rules"
    for sub in subs:
        if "DTSTART" not in sub or "TZOFFSETTO" not in sub or "TZOFFSETFROM" not in sub:
            return "has a rule without DTSTART, TZOFFSETFROM or TZOFFSETTO"
        rrules = sub.get("RRULE")
        rrules = rrules if isinstance(rrules, list) else [rrules] if rrules is not None else []
        if len(rrules) > 1:
            return "has a rule with several RRULEs"
        for rule in rrules:
            if not _plain_yearly(str(rule) if isinstance(rule, str) else rule.to_ical().decode()):
                return "has a rule that is not a plain yearly rule"
        rdates = sub.get("RDATE")
        rdates = rdates if isinstance(rdates, list) else [rdates] if rdates is not None else []
        if sum(len(getattr(r, "dts", [r])) for r in rdates) > MAX_VTIMEZONE_RDATES:
            return f"has more than {MAX_VTIMEZONE_RDATES} RDATEs"
    return None


def _plain_yearly(text: str) -> bool:
    """A rule like "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU": a few transitions a year at most.

    dateutil caches every transition since DTSTART (1601 for Outlook), so a rule with many
    instances a year would cost memory on every lookup.
    """
    try:
        rule = parse_rule(text)
    except RuleError:
        return False
    allowed = {"bymonth", "byweekday", "bymonthday", "wkst"}
    return (
        rule.freq == YEARLY
        and set(rule.parts) <= allowed
        and len(rule.parts.get("bymonth", [])) <= 2
        and len(rule.parts.get("bymonthday", [])) <= 7
        and len(rule.parts.get("byweekday", [])) <= 7
    )


class ZoneResolver:
    """Resolves the TZIDs of one calendar file, using that file's VTIMEZONE components."""

    def __init__(self, vtimezones: dict[str, Component]) -> None:
        self._vtimezones = vtimezones
        self._cache: dict[str, tzinfo | None] = {}
        self.problems: list[str] = []

    def resolve(self, tzid: str) -> tzinfo | None:
        """The zone for `tzid`, or None (the caller then treats the time as floating)."""
        if tzid not in self._cache:
            self._cache[tzid] = self._resolve(tzid)
        return self._cache[tzid]

    def _resolve(self, tzid: str) -> tzinfo | None:
        zone = known_zone(tzid)
        if zone is not None:
            return zone
        vtz = self._vtimezones.get(tzid)
        if vtz is not None:
            problem = vtimezone_problem(vtz)
            if problem is None:
                try:
                    return self._from_vtimezone(vtz)
                except Exception as exc:  # dateutil's tzical raises anything on bad input
                    problem = f"could not be read ({type(exc).__name__})"
            self.problems.append(f"VTIMEZONE {tzid[:80]!r} {problem}")
        offset = _from_label(tzid)[1]
        if offset is not None:
            self.problems.append(f"TZID {tzid[:80]!r}: unknown zone, using its fixed UTC offset")
            return offset
        self.problems.append(f"TZID {tzid[:80]!r}: unknown zone, times treated as floating")
        return None

    @staticmethod
    def _from_vtimezone(vtz: Component) -> tzinfo:
        # The parser saw this block under a private name (so icalendar would not cache it
        # process-wide); rebuild a real Timezone for icalendar's converter.
        real = Timezone()
        for key, value in vtz.property_items(recursive=False):
            if key not in ("BEGIN", "END"):
                real.add(key, value, encode=False)
        for sub in vtz.subcomponents:
            real.add_component(sub)
        return tzp.create_timezone(real)
