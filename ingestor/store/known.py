"""What resolve needs from the store, read at the start of a batch's transaction.

Also the two steps that come before resolve in that transaction: items already in the ledger
(a replayed batch) are dropped, and messages that came back under a new UIDVALIDITY are
re-matched to their ledger rows (see rematch).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ingestor.extractors.signaltypes import PhoneCall
from ingestor.model import ItemResult
from ingestor.resolve.batch import email_keys, mentioned_addresses
from ingestor.resolve.plan import KnownContact, KnownState
from ingestor.store.rematch import rematch
from ingestor.store.schema import (
    Contact,
    ContactEmail,
    ContactPhone,
    Interaction,
    LedgerEntry,
    Suggestion,
)

MAX_QUARANTINE_BYTES = 32 * 1024 * 1024


def fresh_results(
    session: Session, source: str, results: list[ItemResult]
) -> tuple[list[ItemResult], int]:
    """The results still to write, and how many were already in the ledger."""
    refs = [r.item.ref for r in results]
    seen = (
        set(
            session.scalars(
                select(LedgerEntry.ref).where(
                    LedgerEntry.source == source, LedgerEntry.ref.in_(refs)
                )
            )
        )
        if refs
        else set()
    )
    out, batch_refs = [], set()
    for r in results:
        if r.item.ref not in seen and r.item.ref not in batch_refs:
            out.append(r)
            batch_refs.add(r.item.ref)
    return rematch(session, source, out, MAX_QUARANTINE_BYTES), len(seen)


def load_known(session: Session, results: list[ItemResult]) -> KnownState:
    addresses = mentioned_addresses(results)
    contacts: dict[str, KnownContact] = {}
    if addresses:
        # Loaded as ORM objects: the writer finds them in the session's identity map.
        rows = session.execute(
            select(ContactEmail.address, Contact)
            .join(Contact, Contact.id == ContactEmail.contact_id)
            .where(ContactEmail.address.in_(addresses))
        )
        for address, c in rows:
            contacts[address] = _known(c)
    keys = email_keys(results)
    interactions: dict[str, int] = {}
    if keys:
        found = session.execute(
            select(Interaction.dedup_key, Interaction.id).where(Interaction.dedup_key.in_(keys))
        )
        interactions = {key: id_ for key, id_ in found}
    numbers = {
        r.findings.signal.number_e164
        for r in results
        if r.findings is not None
        and isinstance(r.findings.signal, PhoneCall)
        and r.findings.signal.number_e164
    } | {
        phone.number
        for r in results
        if r.findings is not None
        for d in r.findings.documents
        for person in d.people
        for phone in person.phones
    }
    phones: dict[str, int] = {}
    if numbers:
        # Callers are found by number; they are known under "tel:<number>" too, the address
        # their calls' participant rows carry.
        found_phones = session.execute(
            select(ContactPhone.number, Contact)
            .join(Contact, Contact.id == ContactPhone.contact_id)
            .where(ContactPhone.number.in_(numbers))
        )
        for number, c in found_phones:
            phones[number] = c.id
            contacts[f"tel:{number}"] = _known(c)
    unknown = addresses - contacts.keys()  # (the tel: keys are no addresses to look up)
    rejected = rejected_addresses(session) if unknown else frozenset()
    return KnownState(contacts, rejected, interactions, phones)


def _known(c: Contact) -> KnownContact:
    return KnownContact(c.id, c.name, tuple(c.locked_fields or ()), c.last_interaction_at)


def rejected_addresses(session: Session) -> frozenset[str]:
    """Addresses whose auto-created contact a recruiter rejected: never created again."""
    payloads = session.scalars(
        select(Suggestion.payload).where(
            Suggestion.kind == "new_contact", Suggestion.status == "rejected"
        )
    )
    return frozenset(
        address
        for payload in payloads
        for address in ((payload or {}).get("removed") or {}).get("emails", [])
    )
