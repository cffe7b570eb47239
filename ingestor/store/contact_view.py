"""One contact in full: fields with their provenance, emails, phones, and the timeline.

The timeline (store.timeline) is every interaction (email, meeting, call) the contact took
part in, from every mailbox and calendar, upcoming apart from past, series collapsed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ingestor.resolve.fuzzy import name_key
from ingestor.store.api_views import PageSpec, contact_json, contacts_page
from ingestor.store.decisions import DecisionError
from ingestor.store.directory import ContactRow, Filters, load_rows, resolve_contact_ref
from ingestor.store.recruiting_view import documents_json, recruiting_json
from ingestor.store.schema import (
    Contact,
    ContactDocument,
    ContactEmail,
    ContactPhone,
    Interaction,
    Observation,
    Suggestion,
)
from ingestor.store.tasks import pending_tasks
from ingestor.store.timeline import EVERYTHING, TimelineFilter, contact_timeline
from ingestor.store.web_schema import Decision


@dataclass(frozen=True)
class Provenance:
    value: str
    extractor: str
    confidence: float
    seen_at: datetime
    interaction_id: int | None
    subject: str | None
    document: str | None = None  # the CV or card it was read from


@dataclass(frozen=True)
class PhoneView:
    number: str
    type: str
    raw: str | None
    created_at: datetime


@dataclass(frozen=True)
class Reachability:
    """Whether to write to the contact at all, and which addresses bounce."""

    do_not_contact: bool
    bounced: list[tuple[str, datetime | None]]  # address, its last hard bounce


@dataclass
class Profile:
    contact: ContactRow
    merged_into: int | None
    phones: list[PhoneView]
    provenance: dict[str, list[Provenance]]
    merged_from: list[tuple[int, str | None]]
    pending: int
    history: list[tuple[datetime, str, str]]
    rejected_at: datetime | None = None  # "not a contact": hidden until restored
    rejected_suggestion: int | None = None  # the new-contact suggestion whose Restore undoes it


def load_profile(session: Session, contact_id: int) -> Profile | None:
    c = session.get(Contact, contact_id)
    if c is None:
        return None
    row = load_rows(session, [contact_id], live=False)[0]
    # "Since" is the date of the first email that showed the number: phones written before
    # that was stored with them carry their ingestion time, so the provenance decides.
    first_seen = dict(
        session.execute(
            select(Observation.value, func.min(Observation.seen_at))
            .where(Observation.contact_id == contact_id, Observation.field == "phone")
            .group_by(Observation.value)
        ).all()
    )
    phones = [
        PhoneView(
            p.number, p.type, p.raw, min(p.created_at, first_seen.get(p.number, p.created_at))
        )
        for p in session.scalars(
            select(ContactPhone)
            .where(ContactPhone.contact_id == contact_id)
            .order_by(ContactPhone.id)
        )
    ]
    provenance: dict[str, list[Provenance]] = defaultdict(list)
    for o, subject, document in session.execute(
        select(Observation, Interaction.subject, ContactDocument.file_name)
        .outerjoin(Interaction, Interaction.id == Observation.interaction_id)
        .outerjoin(ContactDocument, ContactDocument.id == Observation.document_id)
        .where(Observation.contact_id == contact_id)
        .order_by(Observation.seen_at.desc(), Observation.id.desc())
    ):
        if len(provenance[o.field]) < 10:
            provenance[o.field].append(
                Provenance(
                    o.value,
                    o.extractor,
                    o.confidence,
                    o.seen_at,
                    o.interaction_id,
                    subject,
                    document,
                )
            )
    merged_from = [
        (cid, name)
        for cid, name in session.execute(
            select(Contact.id, Contact.name).where(Contact.merged_into == contact_id)
        )
    ]
    pending = len(
        list(
            session.scalars(
                select(Suggestion.id).where(
                    Suggestion.contact_id == contact_id, Suggestion.status == "pending"
                )
            )
        )
    )
    history = [
        (d.at, d.actor, _describe(d.action, d.detail or {}))
        for d in session.scalars(
            select(Decision)
            .where(Decision.contact_id == contact_id)
            .order_by(Decision.at.desc(), Decision.id.desc())
            .limit(20)
        )
    ]
    return Profile(
        row,
        c.merged_into,
        phones,
        dict(provenance),
        merged_from,
        pending,
        history,
        c.rejected_at if c.status == "rejected" else None,
        session.scalar(
            select(func.max(Suggestion.id)).where(
                Suggestion.contact_id == contact_id,
                Suggestion.kind == "new_contact",
                Suggestion.status == "rejected",
            )
        )
        if c.status == "rejected"
        else None,
    )


def _describe(action: str, detail: dict[str, Any]) -> str:
    kind = detail.get("kind")
    if action == "update_contact":
        return "edited " + ", ".join(sorted(detail.get("fields") or {}))
    if action == "merge":
        return f"merged contact {detail.get('merged')} into this one"
    if action == "undo":
        return "undid " + ", ".join(str(a) for a in detail.get("undid_actions") or ["a decision"])
    return f"{action} {str(kind).replace('_', ' ')}" if kind else action


def _duplicates(session: Session, row: ContactRow) -> list[ContactRow]:
    key = name_key(row.name)
    if key is None:
        return []
    return [r for r in load_rows(session) if r.id != row.id and name_key(r.name) == key]


def contact_page(
    session: Session,
    contact_id: int,
    offset: int,
    limit: int,
    now: datetime,
    filters: TimelineFilter = EVERYTHING,
) -> dict[str, Any] | None:
    """A contact's page: its profile, one page of its timeline (store.timeline), contacts of
    the same name, its open tasks, and whether it may be written to."""
    profile = load_profile(session, contact_id)
    if profile is None:
        return None
    contact = session.get(Contact, contact_id)
    assert contact is not None
    return {
        "profile": profile,
        "recruiting": recruiting_json(contact),
        "documents": documents_json(session, [contact_id]).get(contact_id, []),
        "tasks": pending_tasks(session, contact_id=contact_id),
        "reach": reachability(session, contact_id),
        "timeline": contact_timeline(session, contact_id, now, filters, offset, limit),
        "duplicates": _duplicates(session, profile.contact) if profile.merged_into is None else [],
    }


def reachability(session: Session, contact_id: int) -> Reachability:
    contact = session.get(Contact, contact_id)
    bounced = [
        (address, at)
        for address, at in session.execute(
            select(ContactEmail.address, ContactEmail.bounced_at)
            .where(ContactEmail.contact_id == contact_id, ContactEmail.status == "bounced")
            .order_by(ContactEmail.id)
        )
    ]
    return Reachability(bool(contact and contact.do_not_contact), bounced)


def with_reach(session: Session, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """API contacts with `do_not_contact` and `email_details` added, in the export's shape."""
    reach = reach_json(session, [c["id"] for c in items])
    return [{**c, **reach.get(c["id"], {})} for c in items]


def contacts_page_json(
    session: Session, filters: Filters, spec: PageSpec, now: datetime
) -> tuple[list[dict[str, Any]], bool]:
    """`api_views.contacts_page` with reachability, in the same transaction."""
    items, more = contacts_page(session, filters, spec, now)
    return with_reach(session, items), more


def one_contact_json(session: Session, contact_id: int) -> dict[str, Any] | None:
    """`api_views.contact_json` with reachability, in the same transaction."""
    found = contact_json(session, contact_id)
    return with_reach(session, [found])[0] if found else None


def reach_json(session: Session, ids: list[int]) -> dict[int, dict[str, Any]]:
    """`do_not_contact` and `email_details` of these contacts, by contact id."""
    out: dict[int, dict[str, Any]] = {
        cid: {"do_not_contact": bool(dnc), "email_details": []}
        for cid, dnc in session.execute(
            select(Contact.id, Contact.do_not_contact).where(Contact.id.in_(ids))
        )
    }
    for e in session.scalars(
        select(ContactEmail).where(ContactEmail.contact_id.in_(ids)).order_by(ContactEmail.id)
    ):
        out[e.contact_id]["email_details"].append(
            {
                "address": e.address,
                "status": e.status,
                "bounced_at": e.bounced_at.isoformat() if e.bounced_at else None,
            }
        )
    return out


def merge_preview(session: Session, keep_id: int, ref: str) -> tuple[ContactRow, ContactRow]:
    """The two contacts a merge from the profile page would join; `ref` names the other one."""
    other_id = resolve_contact_ref(session, ref)
    if other_id is None:
        raise DecisionError(f"no contact matches {ref!r}: give its number or one of its addresses")
    rows = {r.id: r for r in load_rows(session, [keep_id, other_id])}
    if other_id == keep_id:
        raise DecisionError("a contact cannot be merged with itself")
    if keep_id not in rows or other_id not in rows:
        raise DecisionError(f"contact {other_id} does not exist or was already merged")
    return rows[keep_id], rows[other_id]
