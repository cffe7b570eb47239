"""Forgetting a person (GDPR Art. 17), in the caller's one transaction.

`forget` finds the person (by address or contact id, with every contact merged into theirs),
deletes what is theirs (contacts, emails, phones, observations, suggestions, tasks, decisions,
pending signals, search keys), deletes the interactions where they were the only participant
outside the agency and removes their participant rows from the others, hashes the message-ids
of the ledger rows of what was deleted, then sweeps every table for text that still names them
(store.erase_sweep). Their addresses and numbers go on the suppression list, and one audit row
says how many rows went, naming the person only by a salted hash.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, or_, select, text, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from ingestor.errors import IngestorError
from ingestor.store.audit import record
from ingestor.store.dialect import in_chunks
from ingestor.store.erase_sweep import sweep
from ingestor.store.privacy_schema import Suppression
from ingestor.store.redact import Agency, Needles
from ingestor.store.schema import (
    Contact,
    ContactEmail,
    ContactPhone,
    ContactSearch,
    ContactSearchTerm,
    Interaction,
    InteractionParticipant,
    InteractionSource,
    LedgerEntry,
    Observation,
    PendingSignal,
    Suggestion,
    Task,
)
from ingestor.store.searchindex import TRIGRAM_FTS, WORDS_FTS, prune_words
from ingestor.store.suppression import (
    hold_for_forget,
    person_hash,
    salted_hash,
    store_salt,
    suppress,
)
from ingestor.store.web_schema import Decision


class UnknownPerson(IngestorError):
    """Nothing is held about the address or contact named."""


@dataclass
class ForgetResult:
    subject: str  # the salted hash of the person's first address (or contact id)
    counts: dict[str, int] = field(default_factory=dict)
    already_on: str | None = None  # nothing was left: forgotten before, on this day

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    def line(self) -> str:
        if self.already_on and not self.rows:
            return f"already forgotten on {self.already_on}: nothing left to erase"
        parts = ", ".join(f"{n} {k}" for k, n in sorted(self.counts.items()) if n)
        return f"forgotten: {parts or 'nothing but the address'}"


@dataclass
class Person:
    """Everything that identifies one person in the store."""

    contact_ids: set[int]
    addresses: set[str]
    names: set[str]
    phones: set[str]
    primary: str = ""  # what the audit log's hash is of: the first address of their contact

    def needles(self) -> Needles:
        return Needles.of(self.addresses, self.names, self.phones)


def find_person(session: Session, target: str) -> Person:
    """The person `target` names: a contact id or an address, with all merged into them."""
    target = target.strip()
    ids: set[int] = set()
    addresses: set[str] = set()
    if target.isdigit():
        contact = session.get(Contact, int(target))
        if contact is None:
            raise UnknownPerson(f"no contact {target}")
        root = contact.merged_into or contact.id
        ids = {root}
    else:
        address = target.lower()
        addresses.add(address)
        owner = session.scalar(
            select(ContactEmail.contact_id).where(ContactEmail.address == address)
        )
        if owner is not None:
            contact = session.get(Contact, owner)
            assert contact is not None
            ids = {contact.merged_into or contact.id}
    primary = target.lower()
    if ids:
        root = min(ids)
        first = session.scalar(
            select(ContactEmail.address)
            .where(ContactEmail.contact_id == root)
            .order_by(ContactEmail.id)
            .limit(1)
        )
        primary = first or f"contact:{root}"
    ids = _with_merged(session, ids)
    person = Person(ids, addresses, set(), set(), primary)
    if ids:
        person.addresses |= set(
            session.scalars(select(ContactEmail.address).where(ContactEmail.contact_id.in_(ids)))
        )
        person.names |= {
            n for n in session.scalars(select(Contact.name).where(Contact.id.in_(ids))) if n
        }
        person.phones |= set(
            session.scalars(select(ContactPhone.number).where(ContactPhone.contact_id.in_(ids)))
        )
    _rejected_snapshots(session, person)
    tels = {f"tel:{p}" for p in person.phones}
    person.names |= {
        n
        for n in session.scalars(
            select(InteractionParticipant.name).where(_participant_of(person, tels))
        )
        if n
    }
    return person


def _with_merged(session: Session, ids: set[int]) -> set[int]:
    out, frontier = set(ids), set(ids)
    while frontier:
        frontier = (
            set(session.scalars(select(Contact.id).where(Contact.merged_into.in_(frontier)))) - out
        )
        out |= frontier
    return out


def _rejected_snapshots(session: Session, person: Person) -> None:
    """A rejected auto-created contact survives as a snapshot in its suggestion: its name."""
    for payload in session.scalars(
        select(Suggestion.payload).where(Suggestion.kind == "new_contact")
    ):
        removed = (payload or {}).get("removed") or {}
        if set(removed.get("emails") or []) & person.addresses:
            person.names |= {removed["name"]} if removed.get("name") else set()
            person.addresses |= set(removed.get("emails") or [])


def _participant_of(person: Person, tels: set[str]) -> ColumnElement[bool]:
    return or_(
        InteractionParticipant.contact_id.in_(person.contact_ids or {-1}),
        InteractionParticipant.address.in_(person.addresses | tels or {""}),
    )


def forget(
    session: Session, target: str, agency: Agency, actor: str, now: datetime, reason: str = ""
) -> ForgetResult:
    """Erase the person `target` names; raises UnknownPerson when nothing at all is held."""
    hold_for_forget(session)
    person = find_person(session, target)
    result = ForgetResult(subject=person_hash(session, person.primary))
    result.counts = erase(session, person, agency, now)
    if not result.rows:
        on = _forgotten_on(session, person.addresses)
        if on is None:
            raise UnknownPerson(f"nothing is held about {target}")
        result.already_on = on
    compact_search_index(session)
    suppress(session, person.addresses | {f"tel:{p}" for p in person.phones}, now.date())
    detail = {k: v for k, v in result.counts.items() if v}
    if reason:
        detail["with_reason"] = 1  # the reason's words may name the person: only that it had one
    record(session, actor, "forget", now, result.rows, result.subject, detail)
    return result


def _forgotten_on(session: Session, addresses: Iterable[str]) -> str | None:
    salt = store_salt(session)
    hashes = [salted_hash(salt, a) for a in addresses]
    if not hashes:
        return None
    on = session.scalar(select(Suppression.forgotten_on).where(Suppression.hash.in_(hashes)))
    return on.isoformat() if on else None


def erase(session: Session, person: Person, agency: Agency, now: datetime) -> dict[str, int]:
    """Delete and cut everything about `person`; → rows by kind. Also retention's worker."""
    counts: dict[str, int] = {}
    ids = person.contact_ids or {-1}
    tels = {f"tel:{p}" for p in person.phones}
    salt = store_salt(session)
    session.flush()

    def n(kind: str, res: object) -> None:
        counts[kind] = counts.get(kind, 0) + int(getattr(res, "rowcount", 0) or 0)

    mine = _participant_of(person, tels)
    candidates = set(session.scalars(select(InteractionParticipant.interaction_id).where(mine)))
    if person.phones:
        candidates |= set(
            session.scalars(select(Interaction.id).where(Interaction.phone.in_(person.phones)))
        )
    others: dict[int, bool] = {i: False for i in candidates}
    for iid, address, role in session.execute(
        select(
            InteractionParticipant.interaction_id,
            InteractionParticipant.address,
            InteractionParticipant.role,
        ).where(InteractionParticipant.interaction_id.in_(candidates or {-1}), ~mine)
    ):
        if agency.person(address, role):
            others[iid] = True
    doomed = sorted(i for i, kept in others.items() if not kept)
    for kind, rows in delete_interactions(session, doomed, salt).items():
        counts[kind] = counts.get(kind, 0) + rows
    n("participant rows", session.execute(delete(InteractionParticipant).where(mine)))
    n("observations", session.execute(delete(Observation).where(Observation.contact_id.in_(ids))))
    n("tasks", session.execute(delete(Task).where(Task.contact_id.in_(ids))))
    if person.addresses:
        n(
            "pending signals",
            session.execute(
                delete(PendingSignal).where(PendingSignal.address.in_(person.addresses))
            ),
        )
    gone = set(session.scalars(select(Suggestion.id).where(Suggestion.contact_id.in_(ids))))
    gone |= _suggestions_naming(session, person)
    for chunk in in_chunks(sorted(gone)):
        n("suggestions", session.execute(delete(Suggestion).where(Suggestion.id.in_(chunk))))
    n(
        "decisions",
        session.execute(
            delete(Decision).where(
                or_(Decision.contact_id.in_(ids), Decision.suggestion_id.in_(gone or {-1}))
            )
        ),
    )
    if person.contact_ids:
        n(
            "search keys",
            session.execute(delete(ContactSearchTerm).where(ContactSearchTerm.contact_id.in_(ids))),
        )
        words = {
            w
            for doc in session.scalars(
                select(ContactSearch.doc).where(ContactSearch.contact_id.in_(ids))
            )
            for w in doc.split()
        }
        session.execute(delete(ContactSearch).where(ContactSearch.contact_id.in_(ids)))
        n("emails", session.execute(delete(ContactEmail).where(ContactEmail.contact_id.in_(ids))))
        n("phones", session.execute(delete(ContactPhone).where(ContactPhone.contact_id.in_(ids))))
        session.execute(update(Contact).where(Contact.id.in_(ids)).values(merged_into=None))
        n("contacts", session.execute(delete(Contact).where(Contact.id.in_(ids))))
        prune_words(session.connection(), words)  # the vocabulary forgets their name too
    for table, rows in sweep(session, person.needles()).items():
        counts[f"{table} rows cut"] = rows
    return {k: v for k, v in counts.items() if v}


def compact_search_index(session: Session) -> None:
    """SQLite's FTS5 index keeps a deleted document's tokens in old segments until they are
    merged: merge them all, so no word of an erased person is left in the file. (Also those
    of contacts deleted earlier, by a rejection, say.)"""
    if session.get_bind().dialect.name == "sqlite":
        for fts in (WORDS_FTS, TRIGRAM_FTS):
            session.execute(text(f"INSERT INTO {fts}({fts}) VALUES ('optimize')"))


def delete_interactions(session: Session, ids: list[int], salt: bytes) -> dict[str, int]:
    """Delete interactions with their participants and sources; their ledger rows stay, with
    their outcome, unlinked and with a salted hash for a message-id. Forget's and retention's."""
    counts = {"interactions": 0, "ledger rows hashed": 0}
    for chunk in in_chunks(sorted(ids)):
        ledger = session.execute(
            select(LedgerEntry.id, LedgerEntry.message_id).where(
                LedgerEntry.interaction_id.in_(chunk)
            )
        ).all()
        for lid, mid in ledger:
            hashed = mid if not mid or mid.startswith("hash:") else f"hash:{salted_hash(salt, mid)}"
            session.execute(
                update(LedgerEntry)
                .where(LedgerEntry.id == lid)
                .values(interaction_id=None, message_id=hashed)
            )
        counts["ledger rows hashed"] += len(ledger)
        session.execute(
            update(Observation)
            .where(Observation.interaction_id.in_(chunk))
            .values(interaction_id=None)
        )
        session.execute(
            update(Task).where(Task.interaction_id.in_(chunk)).values(interaction_id=None)
        )
        for model in (InteractionParticipant, InteractionSource):
            session.execute(delete(model).where(model.interaction_id.in_(chunk)))
        res = session.execute(delete(Interaction).where(Interaction.id.in_(chunk)))
        counts["interactions"] += int(getattr(res, "rowcount", 0) or 0)
    return counts


def _suggestions_naming(session: Session, person: Person) -> set[int]:
    """Suggestions of other contacts that are about this person: merges and duplicates naming
    one of their contacts, and rejected auto-created contacts' snapshots of their address."""
    out: set[int] = set()
    for sid, kind, payload, new_value in session.execute(
        select(Suggestion.id, Suggestion.kind, Suggestion.payload, Suggestion.new_value).where(
            Suggestion.kind.in_(("merge", "new_contact"))
        )
    ):
        p = payload or {}
        if kind == "merge":
            named = {p.get("other_contact_id"), (p.get("merged") or {}).get("merged")}
            if new_value and new_value.strip().isdigit():
                named.add(int(new_value))
            if {
                int(x) for x in named if isinstance(x, int | str) and str(x).isdigit()
            } & person.contact_ids:
                out.add(sid)
        elif set((p.get("removed") or {}).get("emails") or []) & person.addresses or (
            p.get("contact_id") in person.contact_ids
        ):
            out.add(sid)
    return out
