"""What calendar extraction finds: meeting occurrences, their attendees, and the error for bytes
that are no usable calendar.

Plain frozen dataclasses, shared by the extractor modules, the store and the export; no logic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

OWNER_ONLY = "no participants other than the owner"

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
    description: str | None  # capped at icsevents.MAX_DESCRIPTION_CHARS
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


@dataclass(frozen=True)
class SeriesSpan:
    """How much of one UID was expanded: every occurrence, or only those inside a bound.

    One-off events and finite series (COUNT or UNTIL, within the occurrence cap) are complete:
    an occurrence they lack was deleted. An infinite series is bounded to [start, end]: what
    lies outside was not looked at, so it is neither new nor deleted.
    """

    uid: str
    bounded: bool
    start: datetime | None = None  # the bound, when bounded
    end: datetime | None = None

    def covers(self, at: datetime) -> bool:
        """Whether an occurrence at `at` was looked at by this expansion."""
        if not self.bounded:
            return True
        assert self.start is not None and self.end is not None
        return self.start <= at <= self.end


@dataclass
class CalendarFindings:
    method: str | None  # iTIP METHOD (REQUEST, CANCEL, REPLY, COUNTER, PUBLISH, ...)
    occurrences: list[MeetingOccurrence]
    problems: list[str]  # recoverable: what was skipped or guessed, and why
    # Per UID: how far it was expanded (missing-occurrence cancellation depends on it).
    spans: dict[str, SeriesSpan] = field(default_factory=dict)
    # The calendar text these findings came from: a calendar object's master for the store.
    source_text: bytes = b""

    @property
    def bounded(self) -> bool:
        """Whether some series in it was expanded only inside a bound (so can grow later)."""
        return any(s.bounded for s in self.spans.values())

    @property
    def addresses(self) -> set[str]:
        """Every organizer's and attendee's address in it."""
        return {
            a.email
            for occ in self.occurrences
            for a in ([occ.organizer] if occ.organizer else []) + list(occ.attendees)
            if a.email
        }
