"""Plain domain types passed between the pipeline stages; no ORM, no I/O.

All datetimes are timezone-aware; naive values are converted at the boundary that reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from ingestor.extractors.attachments import Attachment

if TYPE_CHECKING:
    from ingestor.extractors.documents import DocumentFindings
    from ingestor.extractors.meetings import CalendarFindings
    from ingestor.extractors.profile import ProfileFindings
    from ingestor.extractors.recruiting import RecruitingFacts
    from ingestor.extractors.signaltypes import Signal

Role = Literal["from", "sender", "reply_to", "to", "cc", "bcc", "organizer", "attendee"]
Direction = Literal["inbound", "outbound"]
Outcome = Literal["ingested", "skipped", "quarantined", "duplicate"]
ContactCreation = Literal["all", "sent_only", "none"]


@dataclass(frozen=True, slots=True)
class RawItem:
    """One item as a source delivered it: the bytes plus where they came from."""

    ref: str  # unique within the source, stable across polls
    folder: str
    data: bytes  # the whole RFC 5322 message, or only its header when `truncated`
    uidvalidity: int | None = None
    uid: int | None = None
    internal_date: datetime | None = None
    size: int | None = None
    truncated: bool = False  # body not downloaded: over the size cap
    kind: Literal["message", "calendar"] = "message"
    # A calendar object that disappeared from the server: its meetings become cancelled.
    # `object_key` names it (CalDAV href or feed UID) so its occurrences can be found.
    deleted: bool = False
    object_key: str | None = None


@dataclass(frozen=True, slots=True)
class FolderCursor:
    """How far one folder (or calendar) has been read; committed with the rows it covers."""

    folder: str
    uidvalidity: int | None = None
    last_uid: int = 0
    highestmodseq: int | None = None
    state: dict[str, object] = field(default_factory=dict)  # source-specific (offsets, tokens)


@dataclass(frozen=True)
class Batch:
    """Items from one folder plus the cursor that is true once all of them are stored."""

    folder: str
    items: list[RawItem]
    cursor: FolderCursor


@dataclass(frozen=True)
class Participant:
    email: str  # lower-cased
    name: str | None
    role: Role


@dataclass(frozen=True)
class ParsedMessage:
    """What the parser read from one message's headers and text parts."""

    message_id: str  # always present: synthesised from content when the header is missing
    message_id_synthetic: bool
    subject: str | None
    date: datetime | None
    participants: list[Participant]
    in_reply_to: str | None
    references: list[str]
    text_plain: str | None
    text_html: str | None
    headers: dict[str, str]  # the few raw headers the classifiers look at, lower-case keys
    calendar_parts: list[bytes] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)  # CVs and cards only

    @property
    def sender(self) -> Participant | None:
        for role in ("from", "sender", "reply_to"):
            for p in self.participants:
                if p.role == role:
                    return p
        return None


@dataclass(frozen=True)
class Body:
    """A message's own words as stored: its new text, capped (`truncated`: it was cut)."""

    text: str
    truncated: bool


@dataclass(frozen=True)
class MessageFindings:
    """Everything the pure extractors concluded about one message."""

    parsed: ParsedMessage
    occurred_at: datetime
    direction: Direction | None
    snippet: str
    automated_reason: str | None  # why this is machine mail; None for a person's mail
    profile: ProfileFindings | None = None  # what the sender's own text says about them
    invites: list[CalendarFindings] = field(default_factory=list)  # text/calendar parts
    signal: Signal | None = None  # what the mail says should happen next (a follow-up, a bounce)
    body: Body | None = None  # the new text after quote stripping, capped; None: no text
    documents: list[DocumentFindings] = field(default_factory=list)  # attached CVs and cards
    recruiting: RecruitingFacts | None = None  # salary, notice written in the sender's new text


@dataclass(frozen=True)
class CalendarResult:
    """A calendar object's meetings, and the window they were expanded in."""

    findings: CalendarFindings
    window_start: datetime
    window_end: datetime


@dataclass(frozen=True)
class ItemResult:
    """The outcome of parsing and extracting one RawItem, ready for resolve and persist."""

    item: RawItem
    findings: MessageFindings | None
    quarantine_reason: str | None = None
    calendar: CalendarResult | None = None

    @property
    def message_id(self) -> str | None:
        if self.findings is not None:
            return self.findings.parsed.message_id
        if self.item.kind == "calendar":
            return self.item.object_key  # the event UID (or CalDAV href#UID)
        return None


@dataclass(frozen=True)
class SyncSummary:
    source: str
    seen: int = 0
    ingested: int = 0
    skipped: int = 0
    quarantined: int = 0
    duplicate: int = 0
    contacts_created: int = 0
    error: str | None = None
    lease_lost: bool = False  # another instance took the source over mid-pass (not an error)

    @property
    def ok(self) -> bool:
        return self.error is None
