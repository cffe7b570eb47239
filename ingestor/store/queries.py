"""Read-side queries behind the CLI's exports and answers; plain dicts out, no ORM objects."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ingestor.store.profile import completeness
from ingestor.store.recruiting_view import documents_json, recruiting_json
from ingestor.store.schema import (
    Contact,
    ContactEmail,
    ContactPhone,
    Interaction,
    InteractionParticipant,
    InteractionSource,
    LedgerEntry,
    Suggestion,
    live_contact,
)
from ingestor.store.suppression import hashed_message_id
from ingestor.store.tasks import all_tasks

CHUNK = 2000


def _iso(d: datetime | None) -> str | None:
    return d.isoformat() if d is not None else None


def contacts(session: Session) -> list[dict[str, Any]]:
    emails: dict[int, list[str]] = defaultdict(list)
    details: dict[int, list[dict[str, Any]]] = defaultdict(list)
    gone: set[str] = set()  # hard-bounced on two days: never the primary (first) address
    for e in session.scalars(select(ContactEmail).order_by(ContactEmail.id)):
        details[e.contact_id].append(
            {"address": e.address, "status": e.status, "bounced_at": _iso(e.bounced_at)}
        )
        emails[e.contact_id].append(e.address)
        if len(e.bounce_days or []) >= 2:
            gone.add(e.address)
    for addresses in emails.values():
        addresses.sort(key=lambda a: a in gone)  # stable: the rest keep their order
    phones: dict[int, list[dict[str, str]]] = defaultdict(list)
    for cid, number, ptype in session.execute(
        select(ContactPhone.contact_id, ContactPhone.number, ContactPhone.type).order_by(
            ContactPhone.id
        )
    ):
        phones[cid].append({"number": number, "type": ptype})
    rows = session.scalars(select(Contact).where(live_contact()).order_by(Contact.id))
    documents = documents_json(session, None)
    return [
        {
            "id": c.id,
            "name": c.name,
            "emails": emails.get(c.id, []),
            "phones": phones.get(c.id, []),
            "title": c.title,
            "company": c.company,
            "location": c.location,
            "origin": c.origin,
            "last_interaction_at": _iso(c.last_interaction_at),
            "completeness": completeness(c, len(phones.get(c.id, [])), len(emails.get(c.id, []))),
            "do_not_contact": bool(c.do_not_contact),
            "email_details": details.get(c.id, []),
            **recruiting_json(c),
            "documents": documents.get(c.id, []),
        }
        for c in rows
    ]


def _chunks(session: Session, model: Any) -> Iterator[list[Any]]:
    """All rows of `model` in id order, CHUNK at a time (keyset paging: no OFFSET scans)."""
    last_id = 0
    while True:
        batch = list(
            session.scalars(select(model).where(model.id > last_id).order_by(model.id).limit(CHUNK))
        )
        if not batch:
            return
        yield batch
        last_id = batch[-1].id


def interactions(session: Session) -> Iterator[dict[str, Any]]:
    for batch in _chunks(session, Interaction):
        yield from interaction_dicts(session, batch)


def interaction_dicts(session: Session, batch: list[Interaction]) -> list[dict[str, Any]]:
    """The export/API form of interactions, with participants and sources (3 queries)."""
    ids = [i.id for i in batch]
    parts: dict[int, list[dict[str, Any]]] = defaultdict(list)
    sources: dict[int, list[str]] = defaultdict(list)
    if not ids:
        return []
    # A rejected contact is no contact to the CRM: its mail reads as unlinked, as when
    # rejecting deleted it.
    for p, status in session.execute(
        select(InteractionParticipant, Contact.status)
        .outerjoin(Contact, Contact.id == InteractionParticipant.contact_id)
        .where(InteractionParticipant.interaction_id.in_(ids))
        .order_by(InteractionParticipant.id)
    ):
        parts[p.interaction_id].append(
            {
                "email": p.address,
                "name": p.name,
                "contact_id": p.contact_id if status == "active" else None,
                "role": p.role,
                "partstat": p.partstat,
            }
        )
    for iid, src in session.execute(
        select(InteractionSource.interaction_id, InteractionSource.source)
        .where(InteractionSource.interaction_id.in_(ids))
        .order_by(InteractionSource.id)
    ):
        if src not in sources[iid]:
            sources[iid].append(src)
    return [
        {
            "id": i.id,
            "kind": i.kind,
            "occurred_at": _iso(i.occurred_at),
            "ends_at": _iso(i.ends_at),
            "subject": i.subject,
            "snippet": i.snippet,
            "message_id": i.message_id,
            "thread_id": i.thread_id,
            "ical_uid": i.ical_uid,
            "recurrence_id": i.recurrence_id,
            "status": i.status,
            "direction": i.direction,
            "location": i.location,
            "conference_url": i.conference_url,
            "participants": parts.get(i.id, []),
            "sources": sources.get(i.id, []),
            **(
                {"phone": i.phone, "call_status": i.call_status, "duration_s": i.duration_s}
                if i.kind == "call"
                else {}
            ),
        }
        for i in batch
    ]


def ledger(session: Session) -> Iterator[LedgerEntry]:
    for batch in _chunks(session, LedgerEntry):
        yield from batch


def export(session: Session) -> dict[str, Any]:
    entries = list(ledger(session))
    return {
        "contacts": contacts(session),
        "interactions": list(interactions(session)),
        "ledger": [
            {
                "source": e.source,
                "folder": e.folder,
                "uid": e.uid,
                "message_id": e.message_id,
                "outcome": e.outcome,
                "reason": e.reason,
            }
            for e in entries
        ],
        "quarantine": [
            {"source": e.source, "ref": e.ref, "reason": e.reason}
            for e in entries
            if e.outcome == "quarantined"
        ],
        "tasks": all_tasks(session),
        "suggestions": [
            {
                "id": s.id,
                "kind": s.kind,
                "contact_id": s.contact_id,
                "field": s.field,
                "old": s.old_value,
                "new": s.new_value,
                "status": s.status,
                "interaction_id": next(
                    (e.get("interaction_id") for e in s.evidence or [] if e.get("interaction_id")),
                    None,
                ),
            }
            for s in session.scalars(select(Suggestion).order_by(Suggestion.id))
        ],
    }


def why(session: Session, message_id: str) -> list[str]:
    """What happened to a message, as sentences for an admin."""
    mid = message_id.strip()
    mid = mid if mid.startswith("<") else f"<{mid.strip('<>')}>"
    # Mail of a forgotten person is in the ledger under a salted hash of its Message-ID.
    keys = [mid, *filter(None, [hashed_message_id(session, mid)])]
    entries = list(
        session.scalars(
            select(LedgerEntry).where(LedgerEntry.message_id.in_(keys)).order_by(LedgerEntry.id)
        )
    )
    if not entries:
        return [f"{mid}: never seen by any source"]
    lines = []
    for e in entries:
        where = (
            f"{e.source} {e.folder or ''} uid {e.uid}"
            if e.uid is not None
            else f"{e.source} {e.ref}"
        )
        because = f": {e.reason}" if e.reason else ""
        lines.append(f"{mid}: {e.outcome} from {where.strip()} at {_iso(e.at)}{because}")
    interaction = session.scalar(select(Interaction).where(Interaction.message_id == mid))
    if interaction is not None:
        linked = session.execute(
            select(
                InteractionParticipant.role,
                InteractionParticipant.address,
                InteractionParticipant.contact_id,
            )
            .where(InteractionParticipant.interaction_id == interaction.id)
            .order_by(InteractionParticipant.id)
        ).all()
        lines.append(
            f"interaction {interaction.id}: {interaction.kind}, {interaction.direction}, {_iso(interaction.occurred_at)}"
        )
        for role, address, cid in linked:
            target = f"contact {cid}" if cid is not None else "no contact (excluded by policy)"
            lines.append(f"  {role}: {address} -> {target}")
    return lines
