"""Everything held about one person, as one JSON document (GDPR Art. 15, an access request).

The person is found as `forget` finds them (an address or a contact id, with every contact
merged into theirs). Rows are written out column by column from the models, so a column added
later (a stored body, a new status) is in the export without a change here. Each piece says
where it came from: observations name their extractor and interaction, interactions the
sources and mailbox items they were read from.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ingestor.store.audit import record
from ingestor.store.forget import UnknownPerson, find_person
from ingestor.store.schema import (
    Base,
    Contact,
    ContactEmail,
    ContactPhone,
    Interaction,
    InteractionParticipant,
    InteractionSource,
    Observation,
    PendingSignal,
    Suggestion,
    Task,
)
from ingestor.store.suppression import person_hash

FORMAT = "ingestor-person-export/1"
_INTERNAL = frozenset({"dedup_key"})


def export_person(session: Session, target: str, actor: str, now: datetime) -> dict[str, Any]:
    """The document for `target`; raises UnknownPerson when nothing is held."""
    person = find_person(session, target)
    ids = person.contact_ids or {-1}
    contacts = list(
        session.scalars(select(Contact).where(Contact.id.in_(ids)).order_by(Contact.id))
    )
    tels = {f"tel:{p}" for p in person.phones}
    mine = or_(
        InteractionParticipant.contact_id.in_(ids),
        InteractionParticipant.address.in_(person.addresses | tels or {""}),
    )
    roles: dict[int, list[str]] = {}
    for iid, role in session.execute(
        select(InteractionParticipant.interaction_id, InteractionParticipant.role).where(mine)
    ):
        roles.setdefault(iid, []).append(role)
    interactions = list(
        session.scalars(
            select(Interaction)
            .where(Interaction.id.in_(roles or {-1}))
            .order_by(Interaction.occurred_at)
        )
    )
    sources: dict[int, list[dict[str, Any]]] = {}
    for src in session.scalars(
        select(InteractionSource).where(InteractionSource.interaction_id.in_(roles or {-1}))
    ):
        sources.setdefault(src.interaction_id, []).append(
            {"source": src.source, "ref": src.ref, "seen_at": _json(src.seen_at)}
        )
    pending = (
        list(
            session.scalars(
                select(PendingSignal).where(PendingSignal.address.in_(person.addresses))
            )
        )
        if person.addresses
        else []
    )
    if not (contacts or interactions or pending):
        raise UnknownPerson(f"nothing is held about {target}")
    doc: dict[str, Any] = {
        "format": FORMAT,
        "generated_at": now.isoformat(),
        "addresses": sorted(person.addresses),
        "contacts": [_contact(session, c) for c in contacts],
        "interactions": [
            {
                **_row(i),
                "their_roles": sorted(roles.get(i.id, [])),
                "seen_in": sources.get(i.id, []),
            }
            for i in interactions
        ],
        "tasks": [
            _row(t)
            for t in session.scalars(select(Task).where(Task.contact_id.in_(ids)).order_by(Task.id))
        ],
        "suggestions": [
            _row(s)
            for s in session.scalars(
                select(Suggestion).where(Suggestion.contact_id.in_(ids)).order_by(Suggestion.id)
            )
        ],
        "pending_signals": [_row(p) for p in pending],
    }
    rows = sum(len(v) for v in doc.values() if isinstance(v, list))
    record(
        session,
        actor,
        "export",
        now,
        rows,
        person_hash(session, person.primary),
        {k: len(v) for k, v in doc.items() if isinstance(v, list) and k != "addresses"},
    )
    return doc


def _contact(session: Session, c: Contact) -> dict[str, Any]:
    out = _row(c)
    out["emails"] = [
        _row(e)
        for e in session.scalars(select(ContactEmail).where(ContactEmail.contact_id == c.id))
    ]
    out["phones"] = [
        _row(p)
        for p in session.scalars(select(ContactPhone).where(ContactPhone.contact_id == c.id))
    ]
    out["provenance"] = [
        _row(o)
        for o in session.scalars(
            select(Observation).where(Observation.contact_id == c.id).order_by(Observation.seen_at)
        )
    ]
    return out


def _row(obj: Base) -> dict[str, Any]:
    table = obj.__table__
    return {c.key: _json(getattr(obj, c.key)) for c in table.columns if c.key not in _INTERNAL}


def _json(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value


__all__ = ["FORMAT", "UnknownPerson", "export_person"]
