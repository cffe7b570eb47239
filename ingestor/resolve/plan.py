"""What resolve decides for one batch, and what the store needs to know to decide it.

Plain data: `KnownState` is what the store holds about the batch's addresses and messages,
read at the start of the batch's transaction; `WritePlan` is everything the batch writes,
carried out by `ingestor.store.ingest.apply_plan` in that same transaction.

Contacts a plan creates have no id yet: a `ContactRef` is an existing contact's id or, for a
contact the plan creates, its address. Interactions are referred to by their dedup key.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal

from ingestor.model import Body, FolderCursor, ItemResult

if TYPE_CHECKING:
    from ingestor.extractors.cvfields import CvFields
    from ingestor.extractors.documents import DocumentFindings
    from ingestor.extractors.meetings import CalendarFindings
    from ingestor.extractors.profile import ProfileFindings
    from ingestor.extractors.recruiting import RecruitingFacts

ContactRef = int | str  # an existing contact's id, or the address of one this plan creates


@dataclass(frozen=True)
class KnownContact:
    id: int
    name: str | None
    locked_fields: tuple[str, ...]
    last_interaction_at: datetime | None


@dataclass(frozen=True)
class KnownState:
    """What the store holds that the batch's decisions depend on."""

    contacts: dict[str, KnownContact]  # by address; only addresses the batch mentions
    rejected: frozenset[str]  # addresses whose auto-created contact a recruiter rejected
    interactions: dict[str, int]  # email interactions by dedup key
    phones: dict[str, int] = field(default_factory=dict)  # E.164 → contact, for calls


@dataclass
class BatchCounts:
    ingested: int = 0
    skipped: int = 0
    quarantined: int = 0
    duplicate: int = 0
    contacts_created: int = 0
    already_seen: int = 0

    def add(self, other: BatchCounts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(frozen=True)
class NewContact:
    address: str
    name: str | None  # as first seen: the "new contact" suggestion shows it


@dataclass(frozen=True)
class ParticipantWrite:
    address: str
    name: str | None
    role: str
    contact: ContactRef | None


@dataclass
class EmailWrite:
    """A new email interaction: its column values, people and source row."""

    values: dict[str, Any]  # Interaction columns
    participants: list[ParticipantWrite]
    ref: str  # the item's source ref
    body: Body | None = None  # its own words (interaction_body); None: not kept

    @property
    def key(self) -> str:
        return str(self.values["dedup_key"])


@dataclass(frozen=True)
class LedgerWrite:
    result: ItemResult
    outcome: Literal["ingested", "skipped", "duplicate", "quarantined"]
    reason: str | None
    interaction: str | None = None  # dedup key of an email interaction
    facts: dict[str, Any] | None = None


@dataclass(frozen=True)
class ProfileWrite:
    """The sender's signature findings, as evidence about their contact."""

    contact: ContactRef
    profile: ProfileFindings
    interaction: str  # dedup key
    recruiting: RecruitingFacts | None = None  # salary, notice the sender wrote themselves


@dataclass(frozen=True)
class DocumentWrite:
    """An attached CV or card, as evidence about the person it describes (not the sender,
    unless it is theirs): found by its email or phone, or created by the creation policy."""

    contact: ContactRef
    document: DocumentFindings
    person: CvFields
    interaction: str | None  # dedup key; None for machine mail (a job board's), never stored
    occurred_at: datetime
    subject: str | None
    message_id: str | None


@dataclass(frozen=True)
class CalendarObjectWrite:
    """A calendar object's occurrences: upserted, and the ones it no longer has cancelled."""

    result: ItemResult
    findings: CalendarFindings
    window: tuple[datetime, datetime]


@dataclass(frozen=True)
class CalendarObjectDeleted:
    result: ItemResult


@dataclass(frozen=True)
class InviteWrite:
    """A text/calendar part of an email (REQUEST, REPLY, CANCEL, ...)."""

    findings: CalendarFindings
    ref: str  # the email's source ref


CalendarWrite = CalendarObjectWrite | CalendarObjectDeleted | InviteWrite


@dataclass(frozen=True)
class TaskWrite:
    """A task a message sets. `contact` None: the address is no contact yet, so the task
    waits (pending_signal) until one appears. Idempotent by `dedup_key`."""

    dedup_key: str
    address: str
    contact: ContactRef | None
    kind: Literal["follow_up", "call_back", "check_in"]
    reason: str
    due: date
    status: Literal["open", "expired"]
    interaction: str | None  # dedup key of the interaction it came from, if one was stored
    message_id: str | None
    owner: str | None
    signal_at: datetime


@dataclass(frozen=True)
class SuggestionWrite:
    """A suggestion a message's signal gives (a job change, a referral's new contact).
    `contact` None: `address` is no contact yet; the suggestion waits for it."""

    address: str
    contact: ContactRef | None
    kind: str
    field: str | None
    old: str | None
    new: str | None
    payload: dict[str, Any]
    interaction: str | None
    message_id: str | None
    occurred_at: datetime
    subject: str | None


@dataclass(frozen=True)
class BounceWrite:
    address: str
    at: datetime


@dataclass
class WritePlan:
    """Everything one batch writes, in the order the store carries it out."""

    now: datetime
    cursor: FolderCursor | None
    counts: BatchCounts = field(default_factory=BatchCounts)
    new_contacts: list[NewContact] = field(default_factory=list)
    names: dict[ContactRef, str] = field(default_factory=dict)  # better display names
    last_interaction: dict[ContactRef, datetime] = field(default_factory=dict)
    emails: list[EmailWrite] = field(default_factory=list)
    extra_sources: list[tuple[str, str]] = field(default_factory=list)  # (dedup key, ref)
    ledger: list[LedgerWrite] = field(default_factory=list)
    quarantine: list[ItemResult] = field(default_factory=list)
    profiles: list[ProfileWrite] = field(default_factory=list)
    documents: list[DocumentWrite] = field(default_factory=list)
    calendar: list[CalendarWrite] = field(default_factory=list)
    # Who the calendar writes' organizers and attendees are, as contacts (None: no contact).
    attendees: dict[str, ContactRef | None] = field(default_factory=dict)
    tasks: list[TaskWrite] = field(default_factory=list)
    suggestions: list[SuggestionWrite] = field(default_factory=list)
    hard_bounces: list[BounceWrite] = field(default_factory=list)
    do_not_contact: set[ContactRef] = field(default_factory=set)
    # Who referred a contact this plan creates (its "new contact" suggestion says so).
    referrals: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Meetings keep their description without boilerplate as their body (store_bodies).
    store_bodies: bool = True

    def describe(self) -> Iterator[str]:
        """One line per decision, for `sync --dry-run`."""
        for c in self.new_contacts:
            yield f"create contact {c.address}" + (f" ({c.name})" if c.name else "")
        for ref, name in self.names.items():
            yield f"rename contact {_ref(ref)} to {name!r}"
        for e in self.emails:
            people = ", ".join(
                f"{p.role} {p.address}" + (f" → contact {_ref(p.contact)}" if p.contact else "")
                for p in e.participants
            )
            yield f"email {e.ref}: {e.values['subject'] or '(no subject)'!r} [{people}]"
        for p in self.profiles:
            yield f"signature of contact {_ref(p.contact)} from {p.interaction}"
        for d in self.documents:
            yield f"{d.document.kind} {d.document.file_name!r} for contact {_ref(d.contact)}"
        for t in self.tasks:
            whose = (
                f"contact {_ref(t.contact)}" if t.contact is not None else f"{t.address} (waits)"
            )
            yield f"task {t.kind} for {whose} due {t.due.isoformat()} ({t.status}): {t.reason}"
        for sw in self.suggestions:
            whose = (
                f"contact {_ref(sw.contact)}" if sw.contact is not None else f"{sw.address} (waits)"
            )
            yield f"suggest {sw.kind} for {whose}"
        for b in self.hard_bounces:
            yield f"address {b.address} bounced"
        for ref in sorted(self.do_not_contact, key=str):
            yield f"contact {_ref(ref)}: do not contact"
        for w in self.calendar:
            if isinstance(w, CalendarObjectWrite):
                live = sum(1 for o in w.findings.occurrences if o.skip_reason is None)
                yield f"calendar {w.result.item.ref}: {live} occurrences"
            elif isinstance(w, CalendarObjectDeleted):
                yield f"calendar {w.result.item.ref}: deleted, its meetings cancelled"
            else:
                yield f"invite {w.ref}: {w.findings.method or 'PUBLISH'}"
        for entry in self.ledger:
            why = f" ({entry.reason})" if entry.reason else ""
            yield f"ledger {entry.result.item.ref}: {entry.outcome}{why}"
        for q in self.quarantine:
            yield f"ledger {q.item.ref}: quarantined ({q.quarantine_reason})"
        if self.cursor is not None:
            yield f"cursor {self.cursor.folder}: last uid {self.cursor.last_uid}"


def _ref(ref: ContactRef | None) -> str:
    return f"#{ref}" if isinstance(ref, int) else f"new {ref}"
