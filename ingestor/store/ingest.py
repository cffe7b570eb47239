"""Persist stage: carries out one batch's WritePlan, with its cursor, in the caller's transaction.

Every decision was made by resolve (ingestor.resolve.batch); here the plan's contacts get ids,
and its rows are written. Rows nothing reads back within the batch are inserted together, one
executemany per table: building and flushing an ORM object per row cost ~40% of the write time
(benchmarks/README.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from ingestor.model import FolderCursor, ItemResult
from ingestor.resolve.plan import (
    BatchCounts,
    CalendarObjectDeleted,
    CalendarObjectWrite,
    ContactRef,
    DocumentWrite,
    InviteWrite,
    LedgerWrite,
    ProfileWrite,
    WritePlan,
)
from ingestor.store.dialect import in_chunks, upsert_insert
from ingestor.store.documents import apply_document, apply_recruiting
from ingestor.store.followups import apply_followups
from ingestor.store.known import MAX_QUARANTINE_BYTES
from ingestor.store.meetings import MeetingWriter
from ingestor.store.profile import ProfileUpdater
from ingestor.store.schema import (
    Base,
    Contact,
    ContactEmail,
    Interaction,
    InteractionBody,
    InteractionParticipant,
    InteractionSource,
    LedgerEntry,
    QuarantinedItem,
    SourceCursor,
    Suggestion,
)


@dataclass(frozen=True)
class _InteractionFacts:
    """What profile evidence cites of an interaction the batch wrote."""

    id: int | None
    occurred_at: datetime
    subject: str | None
    snippet: str | None
    message_id: str | None


def apply_plan(
    session: Session, source: str, plan: WritePlan, owners: frozenset[str]
) -> BatchCounts:
    """Write everything `plan` says, then its cursor; `owners` are the mailbox's addresses."""
    contact_id = _create_contacts(session, plan)
    contact = _load_contacts(session, plan, contact_id)
    _update_contacts(plan, contact)
    interaction_id = _insert_emails(session, source, plan, contact_id)
    _apply_profiles(session, plan, contact, contact_id, interaction_id)
    apply_followups(session, plan, contact_id, interaction_id)
    reasons = _write_calendar(session, source, plan, contact_id, owners)
    _insert_ledger(session, source, plan, interaction_id, reasons)
    if plan.cursor is not None:
        save_cursor(session, source, plan.cursor)
    return plan.counts


def _create_contacts(session: Session, plan: WritePlan) -> Callable[[ContactRef], int]:
    """Insert the plan's new contacts; → a function from ContactRef to contact id."""
    created: dict[str, Contact] = {}
    for new in plan.new_contacts:
        created[new.address] = Contact(
            name=plan.names.get(new.address),
            last_interaction_at=plan.last_interaction.get(new.address),
            origin="auto",
            locked_fields=[],
            created_at=plan.now,
            updated_at=plan.now,
        )
    session.add_all(created.values())
    session.flush()  # one INSERT for all of them, with their ids back
    if plan.new_contacts:
        emails = [
            dict(contact_id=created[n.address].id, address=n.address) for n in plan.new_contacts
        ]
        _insert(session, ContactEmail, emails)
        _insert(
            session,
            Suggestion,
            [
                dict(
                    contact_id=created[n.address].id,
                    kind="new_contact",
                    payload={
                        "email": n.address,
                        "name": n.name,
                        **plan.referrals.get(n.address, {}),
                    },
                    evidence=[],
                    created_at=plan.now,
                )
                for n in plan.new_contacts
            ],
        )
        # Mail stored before these people qualified (sent_only) now links to them too.
        session.execute(
            update(cast(Table, InteractionParticipant.__table__))
            .where(
                InteractionParticipant.address == bindparam("b_address"),
                InteractionParticipant.contact_id.is_(None),
            )
            .values(contact_id=bindparam("b_contact")),
            [{"b_address": e["address"], "b_contact": e["contact_id"]} for e in emails],
        )

    def contact_id(ref: ContactRef) -> int:
        if isinstance(ref, int):
            return ref
        id_ = created[ref].id
        assert id_ is not None
        return id_

    return contact_id


def _load_contacts(
    session: Session, plan: WritePlan, contact_id: Callable[[ContactRef], int]
) -> Callable[[ContactRef], Contact]:
    """The contacts the plan renames, touches or profiles, known ones loaded with one query
    per chunk and held here (the session holds clean objects only weakly), new ones the
    session's; → a function from ContactRef to the Contact."""
    people = (*(p.contact for p in plan.profiles), *(d.contact for d in plan.documents))
    refs = (*plan.names, *plan.last_interaction, *people)
    known = sorted({r for r in refs if isinstance(r, int)})
    loaded = {
        c.id: c
        for chunk in in_chunks(known)
        for c in session.scalars(select(Contact).where(Contact.id.in_(chunk)))
    }

    def contact(ref: ContactRef) -> Contact:
        id_ = contact_id(ref)
        found = loaded.get(id_) or session.get(Contact, id_)
        assert found is not None, id_
        return found

    return contact


def _update_contacts(plan: WritePlan, contact: Callable[[ContactRef], Contact]) -> None:
    """Names and last interactions of known contacts (new ones were created with theirs: an
    ORM UPDATE is one statement per row on SQLite)."""
    for ref, name in plan.names.items():
        c = contact(ref)
        if isinstance(ref, int) and c.name != name:
            c.name = name
            c.updated_at = plan.now
    for ref, when in plan.last_interaction.items():
        if isinstance(ref, int):
            contact(ref).last_interaction_at = when


def _insert_emails(
    session: Session, source: str, plan: WritePlan, contact_id: Callable[[ContactRef], int]
) -> dict[str, int]:
    """Insert the new email interactions with one executemany, then read their ids (and those
    of the interactions duplicates point at) back by their unique key: an ORM flush, or
    RETURNING on SQLite, takes one INSERT each. → id by dedup key."""
    _insert(session, Interaction, [e.values for e in plan.emails])
    keys = {e.key for e in plan.emails} | {key for key, _ in plan.extra_sources}
    ids: dict[str, int] = {}
    if keys:
        rows = session.execute(
            select(Interaction.dedup_key, Interaction.id).where(Interaction.dedup_key.in_(keys))
        )
        ids = {key: id_ for key, id_ in rows}
    _insert(
        session,
        InteractionParticipant,
        [
            dict(
                interaction_id=ids[e.key],
                contact_id=contact_id(p.contact) if p.contact is not None else None,
                address=p.address,
                name=p.name,
                role=p.role,
                partstat=None,
            )
            for e in plan.emails
            for p in e.participants
        ],
    )
    # Their own words, one executemany beside the interactions' (a duplicate seen in other
    # mailboxes adds a source, never a second body).
    _insert(
        session,
        InteractionBody,
        [
            dict(interaction_id=ids[e.key], text=e.body.text, truncated=e.body.truncated)
            for e in plan.emails
            if e.body is not None
        ],
    )
    _insert(
        session,
        InteractionSource,
        [dict(interaction_id=ids[e.key], source=source, ref=e.ref) for e in plan.emails]
        + [
            dict(interaction_id=ids[key], source=source, ref=ref) for key, ref in plan.extra_sources
        ],
    )
    return ids


def _apply_profiles(
    session: Session,
    plan: WritePlan,
    contact: Callable[[ContactRef], Contact],
    contact_id: Callable[[ContactRef], int],
    interaction_id: dict[str, int],
) -> None:
    if not plan.profiles and not plan.documents:
        return
    emails = {e.key: e.values for e in plan.emails}

    def facts(key: str | None, w: ProfileWrite | DocumentWrite) -> _InteractionFacts:
        if key is None:  # machine mail: no interaction, the message's own facts
            assert isinstance(w, DocumentWrite)
            return _InteractionFacts(None, w.occurred_at, w.subject, None, w.message_id)
        v = emails[key]
        return _InteractionFacts(
            interaction_id[key], v["occurred_at"], v["subject"], v["snippet"], v["message_id"]
        )

    profiles = ProfileUpdater(session, plan.now)
    people = [p.contact for p in plan.profiles] + [d.contact for d in plan.documents]
    profiles.prefetch({contact_id(ref) for ref in people})
    # In the order of the mail: what came first fills a blank field, later values are evidence.
    order = {e.key: i for i, e in enumerate(plan.emails)}
    writes: list[ProfileWrite | DocumentWrite] = [*plan.profiles, *plan.documents]
    for w in sorted(writes, key=lambda w: order.get(w.interaction or "", len(order))):
        c = contact(w.contact)
        if isinstance(w, ProfileWrite):
            profiles.apply(c, w.profile, facts(w.interaction, w))
            apply_recruiting(profiles, c, w.recruiting, facts(w.interaction, w))
        else:
            apply_document(profiles, c, w, facts(w.interaction, w), plan.now)
    profiles.insert_observations()


def _write_calendar(
    session: Session,
    source: str,
    plan: WritePlan,
    contact_id: Callable[[ContactRef], int],
    owners: frozenset[str],
) -> dict[str, str]:
    """Carry out the calendar writes in order; → ledger reasons only known once written."""
    if not plan.calendar:
        return {}
    people = {
        address: contact_id(ref) if ref is not None else None
        for address, ref in plan.attendees.items()
    }
    meetings = MeetingWriter(session, source, plan.now, people, owners, plan.store_bodies)
    reasons: dict[str, str] = {}
    for w in plan.calendar:
        if isinstance(w, InviteWrite):
            meetings.write_invite(w.findings, w.ref)
            continue
        item = w.result.item
        key = item.object_key or item.ref
        if isinstance(w, CalendarObjectDeleted):
            n = meetings.cancel_object(item.folder, key)
            reasons[item.ref] = f"deleted on the server: {n} meetings cancelled"
        elif isinstance(w, CalendarObjectWrite):
            meetings.write_object(item.folder, key, w.findings, w.window)
    return reasons


def _insert_ledger(
    session: Session,
    source: str,
    plan: WritePlan,
    interaction_id: dict[str, int],
    reasons: dict[str, str],
) -> None:
    for result in plan.quarantine:
        # The quarantine row needs the ledger row's id: this one goes through the ORM.
        entry = LedgerEntry(**_ledger_values(source, plan.now, result, "quarantined"))
        entry.reason = result.quarantine_reason
        session.add(entry)
        session.flush()
        session.add(
            QuarantinedItem(ledger_id=entry.id, raw=result.item.data[:MAX_QUARANTINE_BYTES])
        )
    _insert(
        session,
        LedgerEntry,
        [_ledger_row(source, plan.now, e, interaction_id, reasons) for e in plan.ledger],
    )


def _ledger_row(
    source: str,
    now: datetime,
    entry: LedgerWrite,
    interaction_id: dict[str, int],
    reasons: dict[str, str],
) -> dict[str, Any]:
    row = _ledger_values(source, now, entry.result, entry.outcome)
    interaction = interaction_id.get(entry.interaction) if entry.interaction else None
    reason = reasons.get(entry.result.item.ref, entry.reason)
    if entry.outcome == "duplicate":
        reason = f"{reason} {interaction}"
    row.update(reason=reason, interaction_id=interaction, facts=entry.facts)
    return row


def _ledger_values(source: str, now: datetime, result: ItemResult, outcome: str) -> dict[str, Any]:
    item = result.item
    return dict(
        source=source,
        ref=item.ref,
        folder=item.folder,
        uidvalidity=item.uidvalidity,
        uid=item.uid,
        message_id=result.message_id,
        outcome=outcome,
        at=now,
    )


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
    ins = upsert_insert(session.get_bind().dialect.name, SourceCursor)
    stmt = ins.values(**values).on_conflict_do_update(
        index_elements=["source", "folder"],
        set_={k: v for k, v in values.items() if k not in ("source", "folder")},
    )
    session.execute(stmt)


def _insert(session: Session, model: type[Base], rows: list[dict[str, Any]]) -> None:
    """One executemany on the table. Not `insert(model)`: the ORM's bulk path splits the rows
    wherever their None values differ and sent most of them one INSERT each."""
    if rows:
        session.execute(insert(cast(Table, model.__table__)), rows)
