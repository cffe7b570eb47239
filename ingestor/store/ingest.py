"""Persist stage: one batch of results, its ledger rows and its cursor, in ONE transaction.

Resolution happens here too, because linking an address to a contact must see the contacts the
same transaction creates. The decisions themselves (who may become a contact, which name wins)
are pure functions in ingestor.resolve.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ingestor.model import Direction, FolderCursor, ItemResult, MessageFindings, Participant
from ingestor.resolve.names import better_name, normalise_name, plausible_name
from ingestor.resolve.policy import CreationPolicy
from ingestor.store.meetings import MeetingWriter
from ingestor.store.profile import ProfileUpdater
from ingestor.store.rematch import rematch
from ingestor.store.schema import (
    Base,
    Contact,
    ContactEmail,
    Interaction,
    InteractionParticipant,
    InteractionSource,
    LedgerEntry,
    QuarantinedItem,
    SourceCursor,
    Suggestion,
)

log = logging.getLogger(__name__)
MAX_QUARANTINE_BYTES = 32 * 1024 * 1024


@dataclass(eq=False)
class NewInteraction:
    """An email interaction this batch inserts; `id` is set once the batch's rows are in."""

    values: dict[str, Any]
    id: int | None = None

    @property
    def occurred_at(self) -> datetime:
        return cast(datetime, self.values["occurred_at"])

    @property
    def subject(self) -> str | None:
        return cast("str | None", self.values["subject"])

    @property
    def snippet(self) -> str | None:
        return cast("str | None", self.values["snippet"])

    @property
    def message_id(self) -> str | None:
        return cast("str | None", self.values["message_id"])


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


def load_cursors(session: Session, source: str) -> dict[str, FolderCursor]:
    rows = session.scalars(select(SourceCursor).where(SourceCursor.source == source))
    return {
        r.folder: FolderCursor(
            r.folder, r.uidvalidity, r.last_uid, r.highestmodseq, dict(r.state or {})
        )
        for r in rows
    }


def save_cursor(session: Session, source: str, cursor: FolderCursor) -> None:
    values = dict(
        source=source,
        folder=cursor.folder,
        uidvalidity=cursor.uidvalidity,
        last_uid=cursor.last_uid,
        highestmodseq=cursor.highestmodseq,
        state=cursor.state,
        updated_at=datetime.now(UTC),
    )
    dialect = session.get_bind().dialect.name
    ins = pg_insert(SourceCursor) if dialect == "postgresql" else sqlite_insert(SourceCursor)
    stmt = ins.values(**values).on_conflict_do_update(
        index_elements=["source", "folder"],
        set_={k: v for k, v in values.items() if k not in ("source", "folder")},
    )
    session.execute(stmt)


class BatchWriter:
    """Writes one batch; create one per transaction."""

    def __init__(self, session: Session, source: str, policy: CreationPolicy) -> None:
        self.session = session
        self.source = source
        self.policy = policy
        self.counts = BatchCounts()
        self.now = datetime.now(UTC)
        self._contacts_by_address: dict[str, Contact | None] = {}
        self._rejected_addresses: set[str] | None = None
        # Rows nothing reads back within the batch are inserted together at its end, with one
        # executemany per table: building and flushing an ORM object per row cost ~40% of the
        # write time (benchmarks/README.md).
        self._ledger_rows: list[dict[str, Any]] = []
        self._source_rows: list[dict[str, Any]] = []
        self._participant_rows: list[dict[str, Any]] = []
        self._unlinked: dict[str, list[dict[str, Any]]] = {}  # address -> rows without contact
        # Contacts this batch creates get their ids in the batch's one flush; their address and
        # "new contact" rows follow with the other rows.
        self._new_contact_rows: list[tuple[Contact, str, str | None]] = []
        self._new_interactions: list[NewInteraction] = []
        self._after_flush: list[
            tuple[MessageFindings, ItemResult, NewInteraction, Contact | None]
        ] = []
        self.profiles = ProfileUpdater(session, self.now)
        self.meetings = MeetingWriter(self)

    def write(self, results: list[ItemResult], cursor: FolderCursor | None) -> BatchCounts:
        fresh = rematch(self.session, self.source, self._drop_already_seen(results),
                        MAX_QUARANTINE_BYTES)  # fmt: skip
        self._prefetch_contacts(fresh)
        existing = self._existing_interactions(fresh)
        for result in fresh:
            if result.item.kind == "calendar" and result.quarantine_reason is None:
                self._calendar_item(result)
                continue
            if result.findings is None:
                self._quarantine(result)
                continue
            f = result.findings
            key = dedup_key(f.parsed.message_id)
            if f.automated_reason is not None:
                self._ledger(result, "skipped", f.automated_reason, facts=_facts(f))
                self.counts.skipped += 1
                continue
            interaction = existing.get(key)
            if interaction is not None:
                if interaction.id is None:
                    self._insert_interactions()  # the same message twice in one batch: rare
                self._add_source(interaction, result)
                self._ledger(
                    result,
                    "duplicate",
                    f"same Message-ID as interaction {interaction.id}",
                    interaction,
                )
                self._write_invites(f, result)  # links this mailbox to the meeting too
                self.counts.duplicate += 1
                continue
            interaction = self._create_interaction(result, f)
            existing[key] = interaction
            self.counts.ingested += 1
        self._profiles_and_invites()
        self._insert_rows()
        if cursor is not None:
            save_cursor(self.session, self.source, cursor)
        return self.counts

    def _insert_interactions(self) -> None:
        """Insert the batch's new interactions with one executemany, then read their ids back
        by their unique key: an ORM flush (or RETURNING on SQLite) takes one INSERT each."""
        pending, self._new_interactions = self._new_interactions, []
        if not pending:
            return
        _insert(self.session, Interaction, [i.values for i in pending])
        keys = [i.values["dedup_key"] for i in pending]
        rows = self.session.execute(
            select(Interaction.dedup_key, Interaction.id).where(Interaction.dedup_key.in_(keys))
        )
        ids = {key: id_ for key, id_ in rows}
        for i in pending:
            i.id = ids[i.values["dedup_key"]]

    def _insert_rows(self) -> None:
        self._insert_interactions()
        self.session.flush()  # gives this batch's new contacts their ids
        self._insert_new_contact_rows()
        for model, rows in (
            (InteractionParticipant, self._participant_rows),
            (InteractionSource, self._source_rows),
            (LedgerEntry, self._ledger_rows),
        ):
            for row in rows:
                for key in ("interaction", "contact"):
                    if key in row:
                        obj = row.pop(key)
                        row[f"{key}_id"] = obj.id if obj is not None else None
            _insert(self.session, model, rows)
            rows.clear()
        self.profiles.insert_observations()
        self._unlinked.clear()

    def _insert_new_contact_rows(self) -> None:
        if not self._new_contact_rows:
            return
        emails, suggestions = [], []
        for contact, address, name in self._new_contact_rows:
            emails.append(dict(contact_id=contact.id, address=address))
            suggestions.append(
                dict(
                    contact_id=contact.id,
                    kind="new_contact",
                    payload={"email": address, "name": name},
                    evidence=[],
                    created_at=self.now,
                )
            )
        _insert(self.session, ContactEmail, emails)
        _insert(self.session, Suggestion, suggestions)
        # Mail stored before these people qualified (sent_only) now links to them too.
        self.session.execute(
            update(cast(Table, InteractionParticipant.__table__))
            .where(
                InteractionParticipant.address == bindparam("b_address"),
                InteractionParticipant.contact_id.is_(None),
            )
            .values(contact_id=bindparam("b_contact")),
            [{"b_address": row["address"], "b_contact": row["contact_id"]} for row in emails],
        )
        self._new_contact_rows.clear()

    def _drop_already_seen(self, results: list[ItemResult]) -> list[ItemResult]:
        """Items already in the ledger (a replayed batch) are not seen twice."""
        refs = [r.item.ref for r in results]
        if not refs:
            return []
        seen = set(
            self.session.scalars(
                select(LedgerEntry.ref).where(
                    LedgerEntry.source == self.source, LedgerEntry.ref.in_(refs)
                )
            )
        )
        self.counts.already_seen = len(seen)
        out, batch_refs = [], set()
        for r in results:
            if r.item.ref not in seen and r.item.ref not in batch_refs:
                out.append(r)
                batch_refs.add(r.item.ref)
        return out

    def _existing_interactions(
        self, results: list[ItemResult]
    ) -> dict[str, Interaction | NewInteraction]:
        keys = [dedup_key(r.findings.parsed.message_id) for r in results if r.findings]
        if not keys:
            return {}
        rows = self.session.scalars(select(Interaction).where(Interaction.dedup_key.in_(keys)))
        return {i.dedup_key: i for i in rows}

    def _prefetch_contacts(self, results: list[ItemResult]) -> None:
        self._prefetch_addresses(
            {p.email for r in results if r.findings for p in r.findings.parsed.participants}
        )

    def _prefetch_addresses(self, addresses: set[str]) -> None:
        addresses -= set(self._contacts_by_address)
        if not addresses:
            return
        rows = self.session.execute(
            select(ContactEmail.address, Contact)
            .join(Contact, Contact.id == ContactEmail.contact_id)
            .where(ContactEmail.address.in_(addresses))
        )
        for address, contact in rows:
            self._contacts_by_address[address] = contact
        for address in addresses:
            self._contacts_by_address.setdefault(address, None)

    def _create_interaction(self, result: ItemResult, f: MessageFindings) -> NewInteraction:
        p = f.parsed
        thread = p.references[0] if p.references else (p.in_reply_to or p.message_id)
        interaction = NewInteraction(
            dict(
                dedup_key=dedup_key(p.message_id),
                kind="email",
                occurred_at=f.occurred_at,
                subject=p.subject,
                snippet=f.snippet,
                message_id=p.message_id,
                in_reply_to=p.in_reply_to,
                thread_id=thread,
                status="received" if f.direction == "inbound" else "sent",
                direction=f.direction,
                created_at=self.now,
                updated_at=self.now,
            )
        )
        # The batch's interactions are inserted together, and rows that need their ids
        # (participants, sources, ledger, observations) wait for it.
        self._new_interactions.append(interaction)
        linked: set[int] = set()  # contacts, by object identity: new ones have no id yet
        sender_contact: Contact | None = None
        for participant in p.participants:
            contact = self.contact_for(participant, f.direction)
            if participant.role == "from":
                sender_contact = contact
            row = dict(
                interaction=interaction,
                contact=contact,
                address=participant.email,
                name=participant.name,
                role=participant.role,
                partstat=None,
            )
            self._participant_rows.append(row)
            if contact is None:
                self._unlinked.setdefault(participant.email, []).append(row)
            if contact is not None and id(contact) not in linked:
                linked.add(id(contact))
                if (
                    contact.last_interaction_at is None
                    or contact.last_interaction_at < f.occurred_at
                ):
                    contact.last_interaction_at = f.occurred_at
        self._add_source(interaction, result)
        self._ledger(result, "ingested", None, interaction)
        self._after_flush.append((f, result, interaction, sender_contact))
        return interaction

    def _profiles_and_invites(self) -> None:
        """Second pass, in message order, once the batch's interactions have ids."""
        if not self._after_flush:
            return
        self._insert_interactions()
        self.session.flush()
        self.profiles.prefetch(
            {c.id for f, _, _, c in self._after_flush if f.profile is not None and c is not None}
        )
        for f, result, interaction, sender_contact in self._after_flush:
            if f.profile is not None and sender_contact is not None and f.direction == "inbound":
                # The sender's own signature is evidence about them; the owner's is not.
                self.profiles.apply(sender_contact, f.profile, interaction)
            self._write_invites(f, result)
        self._after_flush.clear()

    def _write_invites(self, f: MessageFindings, result: ItemResult) -> None:
        for invite in f.invites:
            self.meetings.write_invite(invite, result.item.ref)

    def _calendar_item(self, result: ItemResult) -> None:
        item = result.item
        key = item.object_key or item.ref
        if item.deleted:
            n = self.meetings.cancel_object(item.folder, key)
            self._ledger(result, "ingested", f"deleted on the server: {n} meetings cancelled")
            self.counts.ingested += 1
            return
        assert result.calendar is not None
        cal = result.calendar
        stored, skip = self.meetings.write_object(
            item.folder, key, cal.findings, (cal.window_start, cal.window_end)
        )
        if stored:
            self._ledger(result, "ingested", f"{stored} occurrences")
            self.counts.ingested += 1
        else:
            self._ledger(result, "skipped", skip)
            self.counts.skipped += 1

    def contact_for(self, p: Participant, direction: Direction | None) -> Contact | None:
        """The contact for an address, created when the policy allows; None when excluded."""
        if p.email not in self._contacts_by_address:
            self._prefetch_addresses({p.email})
        contact = self._contacts_by_address.get(p.email)
        if contact is None:
            if not self.policy.may_create(p, direction) or p.email in self._rejected():
                return None
            contact = self._create_contact(p)
        elif p.role in ("from", "to", "cc") and self.policy.excluded_reason(p.email) is None:
            self._offer_name(contact, p.name)
        return contact

    def _rejected(self) -> set[str]:
        """Addresses whose auto-created contact a recruiter rejected: never created again."""
        if self._rejected_addresses is None:
            payloads = self.session.scalars(
                select(Suggestion.payload).where(
                    Suggestion.kind == "new_contact", Suggestion.status == "rejected"
                )
            )
            self._rejected_addresses = {
                address
                for payload in payloads
                for address in ((payload or {}).get("removed") or {}).get("emails", [])
            }
        return self._rejected_addresses

    def _create_contact(self, p: Participant) -> Contact:
        name = normalise_name(p.name) if p.name and plausible_name(p.name) else None
        contact = Contact(
            name=name, origin="auto", locked_fields=[], created_at=self.now, updated_at=self.now
        )
        # No flush: the batch's new contacts are inserted together (see _insert_rows).
        self.session.add(contact)
        self._new_contact_rows.append((contact, p.email, name))
        # This batch's rows for the address, written before the person qualified (sent_only),
        # link to them too; stored rows are updated in _insert_new_contact_rows.
        for row in self._unlinked.pop(p.email, []):
            row["contact"] = contact
        self._contacts_by_address[p.email] = contact
        self.counts.contacts_created += 1
        return contact

    def _offer_name(self, contact: Contact, name: str | None) -> None:
        """The best display name fills a missing name; a name a person set is never touched."""
        if "name" in (contact.locked_fields or []) or not name:
            return
        candidate = normalise_name(name)
        if better_name(contact.name, candidate):
            contact.name = candidate
            contact.updated_at = self.now

    def _add_source(self, interaction: Interaction | NewInteraction, result: ItemResult) -> None:
        self._source_rows.append(
            dict(interaction=interaction, source=self.source, ref=result.item.ref)
        )

    def _ledger(
        self,
        result: ItemResult,
        outcome: str,
        reason: str | None,
        interaction: Interaction | NewInteraction | None = None,
        facts: dict[str, Any] | None = None,
    ) -> None:
        self._ledger_rows.append(self._ledger_values(result, outcome, reason, interaction, facts))

    def _ledger_values(
        self,
        result: ItemResult,
        outcome: str,
        reason: str | None,
        interaction: Interaction | NewInteraction | None = None,
        facts: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        item = result.item
        return dict(
            source=self.source,
            ref=item.ref,
            folder=item.folder,
            uidvalidity=item.uidvalidity,
            uid=item.uid,
            message_id=result.message_id,
            outcome=outcome,
            reason=reason,
            interaction=interaction,
            facts=facts,
            at=self.now,
        )

    def _quarantine(self, result: ItemResult) -> None:
        # The quarantine row needs the ledger row's id: this one goes through the ORM.
        values = self._ledger_values(result, "quarantined", result.quarantine_reason)
        del values["interaction"]
        entry = LedgerEntry(**values)
        self.session.add(entry)
        self.session.flush()
        self.session.add(
            QuarantinedItem(ledger_id=entry.id, raw=result.item.data[:MAX_QUARANTINE_BYTES])
        )
        self.counts.quarantined += 1


def _insert(session: Session, model: type[Base], rows: list[dict[str, Any]]) -> None:
    """One executemany on the table. Not `insert(model)`: the ORM's bulk path splits the rows
    wherever their None values differ and sent most of them one INSERT each."""
    if rows:
        session.execute(insert(cast(Table, model.__table__)), rows)


def dedup_key(message_id: str) -> str:
    return f"mid:{message_id}"


def _facts(f: MessageFindings) -> dict[str, Any]:
    sender = f.parsed.sender
    return {
        "from": sender.email if sender else None,
        "subject": (f.parsed.subject or "")[:300],
        "date": f.occurred_at.isoformat(),
        "headers": {k: v[:300] for k, v in f.parsed.headers.items() if k != "content-type"},
    }
