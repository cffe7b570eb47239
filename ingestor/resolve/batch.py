"""Resolve stage: a batch's extraction results and what the store knows → a WritePlan.

Pure: no database, no clock (the batch's `now` is an argument). It decides which addresses
become contacts (the creation policy), which contact each participant is, which display name
wins, which interactions are new and which are duplicates, whose profile a signature is
evidence for, and each item's ledger outcome. The store carries the plan out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from ingestor.extractors.mail import SNIPPET_CHARS
from ingestor.extractors.meetings import CalendarFindings
from ingestor.extractors.profile import is_profile_phone
from ingestor.extractors.signaltypes import Bounce, LeftCompany, OutOfOffice, PhoneCall, ReplyIntent
from ingestor.model import Direction, FolderCursor, ItemResult, MessageFindings, Participant
from ingestor.resolve.documents import DocumentPeople, plan_documents
from ingestor.resolve.followups import (
    DEFAULT_FOLLOWUPS,
    FollowupPolicy,
    Followups,
    call_reason,
    machine_reason,
)
from ingestor.resolve.names import better_name, normalise_name, plausible_name
from ingestor.resolve.plan import (
    CalendarObjectDeleted,
    CalendarObjectWrite,
    ContactRef,
    EmailWrite,
    InviteWrite,
    KnownState,
    LedgerWrite,
    NewContact,
    ParticipantWrite,
    ProfileWrite,
    WritePlan,
)
from ingestor.resolve.policy import CreationPolicy

NAMED_ROLES = ("from", "to", "cc")  # roles whose display name may name a contact


def dedup_key(message_id: str) -> str:
    return f"mid:{message_id}"


def resolve_batch(
    results: list[ItemResult],
    known: KnownState,
    policy: CreationPolicy,
    now: datetime,
    cursor: FolderCursor | None = None,
    followups: FollowupPolicy = DEFAULT_FOLLOWUPS,
) -> WritePlan:
    """The plan for `results` (items not yet in the ledger), in item order."""
    plan = WritePlan(now=now, cursor=cursor, store_bodies=policy.store_bodies)
    return _Resolver(known, policy, plan, followups).run(results)


def mentioned_addresses(results: Iterable[ItemResult]) -> set[str]:
    """Every address the batch may need a contact for: what the store must look up."""
    out: set[str] = set()
    for r in results:
        if r.findings is not None:
            out.update(p.email for p in r.findings.parsed.participants)
            out.update(
                e for d in r.findings.documents for person in d.people for e in person.emails
            )
            for invite in r.findings.invites:
                out.update(invite.addresses)
        elif r.calendar is not None:
            out.update(r.calendar.findings.addresses)
    return out


def email_keys(results: Iterable[ItemResult]) -> set[str]:
    return {dedup_key(r.findings.parsed.message_id) for r in results if r.findings}


class _Resolver:
    def __init__(
        self,
        known: KnownState,
        policy: CreationPolicy,
        plan: WritePlan,
        followups: FollowupPolicy,
    ) -> None:
        self.known = known
        self.policy = policy
        self.plan = plan
        self.followups = followups
        self.created: dict[str, str | None] = {}  # address -> name, for contacts the plan creates
        self.emails: dict[str, EmailWrite] = {}  # planned email interactions by dedup key
        # Participants not linked to a contact, by address: (email, index of the participant).
        self.unlinked: dict[str, list[tuple[EmailWrite, int]]] = {}
        self.by_id = {c.id: c for c in known.contacts.values()}
        self.phones: dict[str, ContactRef] = {}  # numbers this batch's signatures give

    def run(self, results: list[ItemResult]) -> WritePlan:
        for result in results:
            if result.item.kind == "calendar" and result.quarantine_reason is None:
                self._calendar_item(result)
            elif result.findings is None:
                self.plan.quarantine.append(result)
                self.plan.counts.quarantined += 1
            else:
                self._message(result, result.findings)
        self.plan.counts.contacts_created = len(self.plan.new_contacts)
        return self.plan

    # -- email -------------------------------------------------------------------------------

    def _message(self, result: ItemResult, f: MessageFindings) -> None:
        key = dedup_key(f.parsed.message_id)
        signal = f.signal
        rules = Followups(self.plan, self.followups, _owner(f, self.policy))
        if isinstance(signal, PhoneCall):
            self._call(result, f, signal, key, rules)
            return
        if f.automated_reason is not None or isinstance(signal, (OutOfOffice, LeftCompany, Bounce)):
            # Machine mail never makes a contact; what it says attaches to an existing one.
            if signal is not None:
                rules.machine(signal, f, key, self._existing(f), self._creator("inbound"))
            reason = (machine_reason(signal) if signal else None) or f.automated_reason
            # A job board's CV describes its candidate: read, though the mail is not stored.
            note = self._documents(f, None, None) if f.documents else None
            reason = "; ".join(x for x in (reason, note) if x) or None
            self._ledger(result, "skipped", reason, facts=_facts(f))
            self.plan.counts.skipped += 1
            return
        existing = self.known.interactions.get(key)
        if existing is not None or key in self.emails:
            self.plan.extra_sources.append((key, result.item.ref))
            # The store appends the interaction's id, which a new one gets only when written.
            self._ledger(result, "duplicate", "same Message-ID as interaction", key)
            self._invites(f, result)  # links this mailbox to the meeting too
            self.plan.counts.duplicate += 1
            return
        email, sender = self._new_email(result, f, key)
        self.emails[key] = email
        self.plan.emails.append(email)
        self._ledger(result, "ingested", self._documents(f, key, sender), key)
        self.plan.counts.ingested += 1
        self._invites(f, result)
        if isinstance(signal, ReplyIntent) and sender is not None and f.parsed.sender:
            rules.intent(signal, f, key, sender, f.parsed.sender.email, self._creator("inbound"))

    def _call(
        self, result: ItemResult, f: MessageFindings, call: PhoneCall, key: str, rules: Followups
    ) -> None:
        """A phone system's missed-call or voicemail mail: a call with the caller's contact
        (matched by number, never created), the system itself never a contact."""
        if self.known.interactions.get(key) is not None or key in self.emails:
            self.plan.extra_sources.append((key, result.item.ref))
            self._ledger(result, "duplicate", "same Message-ID as interaction", key)
            self.plan.counts.duplicate += 1
            return
        number = call.number_e164
        caller = (self.known.phones.get(number) or self.phones.get(number)) if number else None
        email = EmailWrite(
            values=self._interaction_values(f, key)
            | dict(
                kind="call",
                snippet=(call.transcript or "")[:SNIPPET_CHARS] or None,
                status="received",
                direction="inbound",
                phone=call.number_e164,
                call_status=call.status,
                duration_s=call.duration_s,
            ),
            participants=[
                ParticipantWrite(p.email, p.name, "sender" if p.role == "from" else p.role, None)
                for p in f.parsed.participants
                if p.role in ("from", "to")
            ],
            ref=result.item.ref,
        )
        if call.number_e164:
            email.participants.insert(
                0, ParticipantWrite(f"tel:{call.number_e164}", call.caller_name, "from", caller)
            )
        if caller is not None:
            self._touch(caller, f.occurred_at)
        self.emails[key] = email
        self.plan.emails.append(email)
        self._ledger(result, "ingested", call_reason(call), key)
        self.plan.counts.ingested += 1
        rules.call(call, f, key, caller)

    def _existing(self, f: MessageFindings) -> ContactRef | None:
        """The sender's contact if there is one already (known, or created in this batch)."""
        sender = f.parsed.sender
        if sender is None:
            return None
        known = self.known.contacts.get(sender.email)
        if known is not None:
            return known.id
        return sender.email if sender.email in self.created else None

    def _creator(self, direction: Direction) -> Callable[[Participant], ContactRef | None]:
        return lambda p: self._contact_for(p, direction)

    def _interaction_values(self, f: MessageFindings, key: str) -> dict[str, Any]:
        p = f.parsed
        thread = p.references[0] if p.references else (p.in_reply_to or p.message_id)
        return dict(
            dedup_key=key,
            kind="email",
            occurred_at=f.occurred_at,
            subject=p.subject,
            snippet=f.snippet,
            message_id=p.message_id,
            in_reply_to=p.in_reply_to,
            thread_id=thread,
            status="received" if f.direction == "inbound" else "sent",
            direction=f.direction,
            phone=None,
            call_status=None,
            duration_s=None,
            created_at=self.plan.now,
            updated_at=self.plan.now,
        )

    def _new_email(
        self, result: ItemResult, f: MessageFindings, key: str
    ) -> tuple[EmailWrite, ContactRef | None]:
        p = f.parsed
        email = EmailWrite(
            values=self._interaction_values(f, key),
            participants=[],
            ref=result.item.ref,
            body=f.body if self.policy.store_bodies else None,
        )
        sender: ContactRef | None = None
        for participant in p.participants:
            contact = self._contact_for(participant, f.direction)
            if participant.role == "from":
                sender = contact
            if contact is None:
                self.unlinked.setdefault(participant.email, []).append(
                    (email, len(email.participants))
                )
            email.participants.append(
                ParticipantWrite(participant.email, participant.name, participant.role, contact)
            )
            if contact is not None:
                self._touch(contact, f.occurred_at)
        if f.profile is not None and sender is not None and f.direction == "inbound":
            # The sender's own signature is evidence about them; the owner's is not.
            self.plan.profiles.append(ProfileWrite(sender, f.profile, key, f.recruiting))
            for phone in f.profile.phones:  # a call later in this batch can find them by it
                if is_profile_phone(phone):
                    self.phones.setdefault(phone.number, sender)
        return email, sender

    def _documents(
        self, f: MessageFindings, key: str | None, sender: ContactRef | None
    ) -> str | None:
        people = DocumentPeople(self.known, self.created, self.phones, self._creator("inbound"))
        writes, note = plan_documents(f, key, sender, people)
        self.plan.documents.extend(writes)
        return note

    def _touch(self, contact: ContactRef, when: datetime) -> None:
        last = self.plan.last_interaction.get(contact)
        if last is None and isinstance(contact, int):
            last = self.by_id[contact].last_interaction_at
        if last is None or last < when:
            self.plan.last_interaction[contact] = when

    def _invites(self, f: MessageFindings, result: ItemResult) -> None:
        for invite in f.invites:
            self._attendees(invite)
            self.plan.calendar.append(InviteWrite(invite, result.item.ref))

    # -- calendars ---------------------------------------------------------------------------

    def _calendar_item(self, result: ItemResult) -> None:
        if result.item.deleted:
            self.plan.calendar.append(CalendarObjectDeleted(result))
            self.plan.counts.ingested += 1
            return
        assert result.calendar is not None
        cal = result.calendar
        self._attendees(cal.findings)
        self.plan.calendar.append(
            CalendarObjectWrite(result, cal.findings, (cal.window_start, cal.window_end))
        )
        live = sum(1 for o in cal.findings.occurrences if o.skip_reason is None)
        if live:
            self._ledger(result, "ingested", f"{live} occurrences")
            self.plan.counts.ingested += 1
        else:
            reasons = sorted({o.skip_reason for o in cal.findings.occurrences if o.skip_reason})
            why = "; ".join(reasons) if reasons else "no events in the calendar object"
            self._ledger(result, "skipped", why)
            self.plan.counts.skipped += 1

    def _attendees(self, findings: CalendarFindings) -> None:
        """Contacts for the people of the occurrences a calendar write may store."""
        if (findings.method or "PUBLISH").upper() in ("REPLY", "CANCEL", "COUNTER"):
            return  # these only change meetings already stored, never their people
        for occ in findings.occurrences:
            if occ.skip_reason is not None:
                continue
            owners = self.policy.owner_addresses
            way: Direction = (
                "outbound" if occ.organizer and occ.organizer.email in owners else "inbound"
            )
            for a in ([occ.organizer] if occ.organizer else []) + list(occ.attendees):
                if a.email:
                    contact = self._contact_for(Participant(a.email, a.name, a.role), way)
                    if contact is not None or a.email not in self.plan.attendees:
                        self.plan.attendees[a.email] = contact

    # -- contacts ----------------------------------------------------------------------------

    def _contact_for(self, p: Participant, direction: Direction | None) -> ContactRef | None:
        """The contact for an address, created when the policy allows; None when excluded."""
        known = self.known.contacts.get(p.email)
        if known is not None:
            ref: ContactRef = known.id
        elif p.email in self.created:
            ref = p.email
        else:
            if not self.policy.may_create(p, direction) or p.email in self.known.rejected:
                return None
            return self._create(p)
        if p.role in NAMED_ROLES and self.policy.excluded_reason(p.email) is None:
            self._offer_name(ref, p.name)
        return ref

    def _create(self, p: Participant) -> str:
        name = normalise_name(p.name) if p.name and plausible_name(p.name) else None
        self.created[p.email] = name
        self.plan.new_contacts.append(NewContact(p.email, name))
        if name:
            self.plan.names[p.email] = name
        # This batch's rows for the address, written before the person qualified (sent_only),
        # link to them too; stored rows are linked by the store when it creates the contact.
        for email, i in self.unlinked.pop(p.email, []):
            old = email.participants[i]
            email.participants[i] = ParticipantWrite(old.address, old.name, old.role, p.email)
        return p.email

    def _offer_name(self, ref: ContactRef, name: str | None) -> None:
        """The best display name fills a missing name; a name a person set is never touched."""
        if not name:
            return
        if isinstance(ref, int):
            known = self.by_id[ref]
            if "name" in known.locked_fields:
                return
            current = self.plan.names.get(ref, known.name)
        else:
            current = self.plan.names.get(ref)
        candidate = normalise_name(name)
        if better_name(current, candidate):
            self.plan.names[ref] = candidate

    def _ledger(
        self,
        result: ItemResult,
        outcome: Any,
        reason: str | None,
        interaction: str | None = None,
        facts: dict[str, Any] | None = None,
    ) -> None:
        self.plan.ledger.append(LedgerWrite(result, outcome, reason, interaction, facts))


def _owner(f: MessageFindings, policy: CreationPolicy) -> str | None:
    """The mailbox owner a task is for: the owner address the message went to."""
    for p in f.parsed.participants:
        if p.email in policy.owner_addresses:
            return p.email
    return min(policy.owner_addresses) if policy.owner_addresses else None


def _facts(f: MessageFindings) -> dict[str, Any]:
    sender = f.parsed.sender
    return {
        "from": sender.email if sender else None,
        "subject": (f.parsed.subject or "")[:300],
        "date": f.occurred_at.isoformat(),
        "headers": {k: v[:300] for k, v in f.parsed.headers.items() if k != "content-type"},
    }
