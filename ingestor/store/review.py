"""The review queue, read side: pending suggestions with the evidence a recruiter needs.

Likely duplicates that nobody proposed yet (same name in any script or word order) are turned
into `merge` suggestions first, so that every decision, including "these are two different
people", is recorded and not asked again.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from ingestor.resolve.merge import merge_target
from ingestor.store.schema import (
    Contact,
    ContactEmail,
    ContactPhone,
    Interaction,
    InteractionParticipant,
    Suggestion,
)

KINDS = ("field_update", "job_change", "name_fix", "merge", "new_contact")
KIND_TITLES = {
    "field_update": "Proposed updates",
    "job_change": "Left their company",
    "name_fix": "Name corrections",
    "merge": "Likely duplicates",
    "new_contact": "New contacts",
}


@dataclass(frozen=True)
class Evidence:
    interaction_id: int | None
    subject: str | None
    snippet: str | None
    occurred_at: datetime | None


@dataclass
class Card:
    """A contact as a review item shows it."""

    id: int
    name: str | None
    title: str | None
    company: str | None
    location: str | None
    emails: list[str] = field(default_factory=list)
    phones: list[dict[str, str]] = field(default_factory=list)  # {"number": E.164, "type"}


@dataclass
class ReviewItem:
    id: int
    kind: str
    field: str | None
    old_value: str | None
    new_value: str | None
    current_value: str | None
    contact: Card | None
    other: Card | None
    evidence: list[Evidence]
    created_at: datetime
    job_change: bool = False


def review_queue(
    session: Session, kind: str | None, page_no: int, now: datetime, size: int
) -> dict[str, Any]:
    """The /review page: counts per kind, and `size` pending items of one kind or of each.
    Duplicates were proposed when the contacts were written (store.duplicates)."""
    counts = pending_counts(session)
    kinds = [kind] if kind else list(KINDS)
    sections = [
        {
            "kind": k,
            "title": KIND_TITLES[k],
            "count": counts[k],
            "items": pending(session, k, (page_no - 1) * size if kind else 0, size),
        }
        for k in kinds
    ]
    pages = max(1, -(-counts[kind] // size)) if kind else 1
    return {"counts": counts, "sections": sections, "pages": pages, "size": size}


def in_queue() -> ColumnElement[bool]:
    """Pending, and not about a contact rejected as "not a contact" (those wait, hidden, for
    its restore: mail that still comes from the address can propose changes meanwhile)."""
    hidden = select(Contact.id).where(Contact.status != "active")
    return and_(
        Suggestion.status == "pending",
        or_(Suggestion.contact_id.is_(None), Suggestion.contact_id.not_in(hidden)),
    )


def pending_counts(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(Suggestion.kind, func.count()).where(in_queue()).group_by(Suggestion.kind)
    ).all()
    counts = {k: 0 for k in KINDS}
    counts.update({kind: int(n) for kind, n in rows})
    return counts


def pending(session: Session, kind: str, offset: int, limit: int) -> list[ReviewItem]:
    rows = list(
        session.scalars(
            select(Suggestion)
            .where(in_queue(), Suggestion.kind == kind)
            .order_by(Suggestion.created_at, Suggestion.id)
            .offset(offset)
            .limit(limit)
        )
    )
    return build_items(session, rows)


def build_items(session: Session, rows: list[Suggestion]) -> list[ReviewItem]:
    contact_ids: set[int] = set()
    for s in rows:
        if s.contact_id is not None:
            contact_ids.add(s.contact_id)
        target = merge_target(s) if s.kind == "merge" else None
        if target is not None:
            contact_ids.add(target)
    cards = load_cards(session, contact_ids)
    evidence = _evidence(session, rows)
    items = []
    for s in rows:
        contact = cards.get(s.contact_id) if s.contact_id is not None else None
        other_id = merge_target(s) if s.kind == "merge" else None
        current = getattr(contact, s.field, None) if contact and s.field else None
        items.append(
            ReviewItem(
                id=s.id,
                kind=s.kind,
                field=s.field or ("name" if s.kind == "name_fix" else None),
                old_value=s.old_value,
                new_value=s.new_value,
                current_value=current if isinstance(current, str) else None,
                contact=contact,
                other=cards.get(other_id) if other_id is not None else None,
                evidence=evidence.get(s.id, []),
                created_at=s.created_at,
                job_change=bool((s.payload or {}).get("job_change")),
            )
        )
    return items


def load_cards(session: Session, ids: set[int]) -> dict[int, Card]:
    if not ids:
        return {}
    cards = {
        c.id: Card(c.id, c.name, c.title, c.company, c.location)
        for c in session.scalars(select(Contact).where(Contact.id.in_(ids)))
    }
    for cid, address in session.execute(
        select(ContactEmail.contact_id, ContactEmail.address)
        .where(ContactEmail.contact_id.in_(ids))
        .order_by(ContactEmail.id)
    ):
        cards[cid].emails.append(address)
    for cid, number, kind in session.execute(
        select(ContactPhone.contact_id, ContactPhone.number, ContactPhone.type)
        .where(ContactPhone.contact_id.in_(ids))
        .order_by(ContactPhone.id)
    ):
        cards[cid].phones.append({"number": number, "type": kind})
    return cards


def _parse_time(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


def _evidence(session: Session, rows: list[Suggestion]) -> dict[int, list[Evidence]]:
    """Evidence as stored, completed from the interactions it names.

    A new contact carries no evidence of its own: the first interaction with them stands in.
    """
    wanted: set[int] = set()
    for s in rows:
        for e in s.evidence or []:
            if isinstance(e, dict) and isinstance(e.get("interaction_id"), int):
                wanted.add(e["interaction_id"])
    first_seen: dict[int, int] = {}
    bare = [s.contact_id for s in rows if not s.evidence and s.contact_id is not None]
    if bare:
        for cid, iid in session.execute(
            select(InteractionParticipant.contact_id, func.min(Interaction.id))
            .join(Interaction, Interaction.id == InteractionParticipant.interaction_id)
            .where(InteractionParticipant.contact_id.in_(bare))
            .group_by(InteractionParticipant.contact_id)
        ):
            if cid is not None and iid is not None:
                first_seen[int(cid)] = int(iid)
                wanted.add(int(iid))
    interactions = (
        {i.id: i for i in session.scalars(select(Interaction).where(Interaction.id.in_(wanted)))}
        if wanted
        else {}
    )
    out: dict[int, list[Evidence]] = defaultdict(list)
    for s in rows:
        entries = [e for e in (s.evidence or []) if isinstance(e, dict)]
        if not entries and s.contact_id is not None and s.contact_id in first_seen:
            entries = [{"interaction_id": first_seen[s.contact_id]}]
        for e in entries[:5]:
            ref = e.get("interaction_id")
            i = interactions.get(ref) if isinstance(ref, int) else None
            out[s.id].append(
                Evidence(
                    interaction_id=i.id if i else None,
                    subject=str(e.get("subject") or (i.subject if i else "") or "") or None,
                    snippet=str(e.get("snippet") or (i.snippet if i else "") or "") or None,
                    occurred_at=_parse_time(e.get("occurred_at")) or (i.occurred_at if i else None),
                )
            )
    return out


def describe(session: Session, suggestion_id: int) -> str:
    """A suggestion in a few words, for the message after a decision ("new contact Maria
    Lopez", "title of David Chen: Lead Data Scientist")."""
    s = session.get(Suggestion, suggestion_id)
    if s is None:
        return f"suggestion {suggestion_id}"
    contact = session.get(Contact, s.contact_id) if s.contact_id is not None else None
    who = (
        (contact.name if contact else None) or (s.payload or {}).get("email") or f"#{s.contact_id}"
    )
    if s.kind == "new_contact":
        return f"new contact {who}"
    if s.kind == "merge":
        other_id = merge_target(s)
        other = session.get(Contact, other_id) if other_id is not None else None
        return f"merge of {who} and {(other.name if other else None) or f'#{other_id}'}"
    if s.kind == "job_change":
        return f"job change of {who}"
    return f"{(s.field or 'name').replace('_', ' ')} of {who}: {s.new_value or '(empty)'}"
