"""Undo: taking back the decisions of one click, and restoring what was rejected.

Every accept, edit and reject is recorded (store.decisions) in the `batch` of its click with
what it changed. Undoing a batch walks its decisions newest first and puts each one back:
the contact's fields as they were, the phones and addresses it added removed, the locks as
before, a hidden contact shown again with the merges set aside for it, a merge split with
every row that moved going back, and the suggestion pending once more. A value a person
changed since is not overwritten: that batch is refused whole (the transaction rolls back). The undone decisions keep their rows, stamped
`undone_at`, and an `undo` decision records who undid them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from ingestor.resolve.merge import json_value, merge_target
from ingestor.store.decisions import DecisionError, NotFound, new_batch
from ingestor.store.dialect import in_chunks
from ingestor.store.review import KIND_TITLES, build_items, describe
from ingestor.store.schema import (
    Contact,
    ContactDocument,
    ContactEmail,
    ContactPhone,
    InteractionParticipant,
    Observation,
    Suggestion,
)
from ingestor.store.web_schema import Decision

UNDOABLE = ("accept", "edit", "reject", "merge")
MAX_BATCH = 500  # a bulk decision is at most one page of the queue


@dataclass(frozen=True)
class Undone:
    count: int
    what: str  # the first item, in a few words ("new contact Eve Evil")


def undo_batch(session: Session, batch: str, actor: str, now: datetime) -> Undone:
    """Undo every decision of `batch` still in force; the whole batch or nothing."""
    rows = list(
        session.scalars(
            select(Decision)
            .where(
                Decision.batch == batch[:32],
                Decision.undone_at.is_(None),
                Decision.action.in_(UNDOABLE),
            )
            .order_by(Decision.id.desc())
            .limit(MAX_BATCH)
        )
    )
    if not rows:
        raise NotFound("nothing to undo: it was undone already, or it is no decision")
    return _undo(session, rows, actor, now)


def decided(session: Session, suggestion_id: int, batch: str) -> tuple[str, bool]:
    """A decided suggestion in a few words, and whether its batch can be undone."""
    can = session.scalar(
        select(func.count()).where(
            Decision.batch == batch[:32],
            Decision.undone_at.is_(None),
            Decision.action.in_(UNDOABLE),
        )
    )
    return describe(session, suggestion_id), bool(can)


def _what(session: Session, d: Decision) -> str:
    return describe(session, d.suggestion_id) if d.suggestion_id else "a decision"


def restore(session: Session, suggestion_id: int, actor: str, now: datetime) -> Undone:
    """Undo the rejection of one suggestion (the Restore button of /review?show=rejected)."""
    s = session.get(Suggestion, suggestion_id)
    if s is None:
        raise NotFound(f"suggestion {suggestion_id} does not exist")
    if s.status != "rejected":
        raise DecisionError(f"suggestion {suggestion_id} is {s.status}, not rejected")
    found = session.scalar(
        select(Decision)
        .where(
            Decision.suggestion_id == suggestion_id,
            Decision.action == "reject",
            Decision.undone_at.is_(None),
        )
        .order_by(Decision.id.desc())
        .limit(1)
    )
    if found is None:
        raise DecisionError(f"suggestion {suggestion_id}: no record of its rejection to undo")
    return _undo(session, [found], actor, now)


def _undo(session: Session, rows: list[Decision], actor: str, now: datetime) -> Undone:
    for d in rows:
        _undo_one(session, d, now)
        d.undone_at = now
    first = rows[-1]  # the batch's first decision, in the order the items were decided
    what = _what(session, first)
    session.add(
        Decision(
            at=now,
            actor=actor,
            action="undo",
            contact_id=first.contact_id if len(rows) == 1 else None,
            suggestion_id=first.suggestion_id if len(rows) == 1 else None,
            detail={
                "undid": [d.id for d in rows],
                "undid_actions": sorted({d.action for d in rows}),
                "of_batch": first.batch,
            },
            batch=new_batch(),
        )
    )
    return Undone(len(rows), what)


def _undo_one(session: Session, d: Decision, now: datetime) -> None:
    s = session.get(Suggestion, d.suggestion_id, with_for_update=True) if d.suggestion_id else None
    if s is None:
        raise NotFound(f"decision {d.id}: its suggestion no longer exists")
    wanted = "rejected" if d.action == "reject" else "accepted"
    if s.status != wanted:
        raise DecisionError(f"suggestion {s.id} is {s.status} now: it cannot be undone")
    undo: dict[str, Any] | None = (d.detail or {}).get("undo")
    if undo is None:  # recorded by hand or by an older version: nothing says what it changed
        raise DecisionError(f"{describe(session, s.id)}: no record of what to undo")
    if d.action == "reject":
        _unreject(session, undo, now)
    elif s.kind == "merge":
        _unmerge(session, s, undo, now)
    else:
        _unaccept(session, s, undo, now)
    # A merge made by hand on a contact's page was never in the queue: it does not go there.
    s.status = "obsolete" if d.action == "merge" else "pending"
    s.decided_by = None
    s.decided_at = None


def _unreject(session: Session, undo: dict[str, Any], now: datetime) -> None:
    hidden = undo.get("hidden")
    if isinstance(hidden, int):
        contact = session.get(Contact, hidden)
        if contact is None:
            raise NotFound(f"contact {hidden} no longer exists")
        contact.status = "active"
        contact.rejected_at = None
        contact.updated_at = now
    for sid in undo.get("set_aside") or []:
        m = session.get(Suggestion, sid)
        if m is not None and m.status == "obsolete":
            m.status = "pending"


def _unaccept(session: Session, s: Suggestion, undo: dict[str, Any], now: datetime) -> None:
    contact = session.get(Contact, undo["contact_id"])
    if contact is None or contact.merged_into is not None:
        raise DecisionError(f"contact {undo['contact_id']} was merged or no longer exists")
    who = contact.name or f"contact #{contact.id}"
    for field, (old, new) in (undo.get("fields") or {}).items():
        if getattr(contact, field) != new:
            raise DecisionError(f"the {field} of {who} was changed since: not undone")
        setattr(contact, field, old)
    if phones := undo.get("phones"):
        session.execute(
            delete(ContactPhone).where(
                ContactPhone.contact_id == contact.id, ContactPhone.number.in_(phones)
            )
        )
    if emails := undo.get("emails"):
        session.execute(
            delete(ContactEmail).where(
                ContactEmail.contact_id == contact.id, ContactEmail.address.in_(emails)
            )
        )
    contact.locked_fields = list(undo.get("locked") or [])
    contact.updated_at = now
    payload = dict(s.payload or {})
    if "proposed_value" in payload:  # accepted as edited: propose what was proposed
        s.new_value = payload.pop("proposed_value")
        s.payload = payload


def _unmerge(session: Session, s: Suggestion, undo: dict[str, Any], now: datetime) -> None:
    """Split a merge: the merged contact lives again with every row that moved, the kept one
    gets its fields back, and the suggestions the merge changed are as they were."""
    keep = session.get(Contact, undo["kept"])
    other = session.get(Contact, undo["merged"])
    if keep is None or other is None:
        raise NotFound("one of the merged contacts no longer exists")
    who = keep.name or f"contact #{keep.id}"
    if other.merged_into != keep.id or keep.merged_into is not None:
        raise DecisionError(f"{who} was merged again since: not undone")
    before = undo["before"]
    for field, value in (undo.get("after") or {}).items():
        if getattr(keep, field) != value:
            raise DecisionError(f"the {field} of {who} was changed since: not undone")
        setattr(keep, field, before["fields"].get(field))
    # The recruiting fields the merge filled into blanks are blank again, unless newer mail or
    # a person has changed them since (then they are no longer the merge's doing).
    for column, filled in (undo.get("recruiting_filled") or {}).items():
        if json_value(getattr(keep, column)) == filled:
            setattr(keep, column, None)
    keep.locked_fields = list(before["locked"])
    keep.origin = before["origin"]
    keep.last_interaction_at = _time(before["last_interaction_at"])
    keep.created_at = _time(before["created_at"]) or keep.created_at
    keep.updated_at = now
    back: dict[str, Any] = {
        "emails": ContactEmail,
        "phones": ContactPhone,
        "participants": InteractionParticipant,
        "observations": Observation,
        "documents": ContactDocument,  # a file both had stays with the kept one
    }
    for name, model in back.items():
        for chunk in in_chunks(undo.get(name) or []):
            session.execute(
                update(model)
                .where(model.id.in_(chunk), model.contact_id == keep.id)
                .values(contact_id=other.id)
            )
    # Mail that came after the merge from the merged contact's addresses is theirs again.
    addresses = select(ContactEmail.address).where(ContactEmail.contact_id == other.id)
    session.execute(
        update(InteractionParticipant)
        .where(
            InteractionParticipant.contact_id == keep.id,
            InteractionParticipant.address.in_(addresses),
        )
        .values(contact_id=other.id)
    )
    for row in undo.get("dropped_phones") or []:
        session.add(
            ContactPhone(
                contact_id=other.id,
                number=row["number"],
                type=row["type"],
                raw=row["raw"],
                created_at=_time(row["created_at"]) or now,
            )
        )
    for sid, (contact_id, status, target) in (undo.get("suggestions") or {}).items():
        row = session.get(Suggestion, int(sid))
        if row is None or row.id == s.id:
            continue
        row.contact_id, row.status = contact_id, status
        if target is not None:
            row.payload = {**(row.payload or {}), "other_contact_id": target}
    if undo.get("repointed"):
        session.execute(
            update(Contact).where(Contact.id.in_(undo["repointed"])).values(merged_into=other.id)
        )
    other.merged_into = None
    other.updated_at = now
    if (own := undo.get("suggestion")) is not None:
        s.contact_id, s.payload = own["contact_id"], own["payload"]


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True)
class RejectedItem:
    id: int
    kind: str
    title: str
    what: str
    decided_by: str | None
    decided_at: datetime | None
    restorable: bool
    card: Any  # review.Card of the contact, when there still is one


def rejected_page(session: Session, page_no: int, size: int) -> dict[str, Any]:
    """/review?show=rejected: rejected suggestions, latest decision first."""
    total = session.scalar(select(func.count()).where(Suggestion.status == "rejected")) or 0
    rows = list(
        session.scalars(
            select(Suggestion)
            .where(Suggestion.status == "rejected")
            .order_by(Suggestion.decided_at.desc(), Suggestion.id.desc())
            .offset((page_no - 1) * size)
            .limit(size)
        )
    )
    cards = {i.id: i for i in build_items(session, rows)}
    items = []
    for s in rows:
        # Rejected before rejections were undoable: the contact was deleted, only its name kept.
        gone = s.kind == "new_contact" and s.contact_id is None
        item = cards[s.id]
        items.append(
            RejectedItem(
                s.id,
                s.kind,
                KIND_TITLES.get(s.kind, s.kind),
                describe(session, s.id)
                if not gone
                else f"new contact {((s.payload or {}).get('removed') or {}).get('name') or '?'}",
                s.decided_by,
                s.decided_at,
                not gone and (s.kind != "merge" or merge_target(s) is not None),
                item.contact,
            )
        )
    return {"rejected": items, "total": int(total), "pages": max(1, -(-int(total) // size))}
