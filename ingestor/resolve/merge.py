"""Merging two contacts that are one person: what wins (pure), then moving every row over.

`plan_fields` decides: the kept contact's values win, the other one fills blanks, and a field
a person locked on either side stays locked. `merge_contacts` does it: emails, phones,
participants, observations and suggestions move to the kept contact; the merged one stays in
the table with `merged_into` set, as the record of what it was, next to an accepted `merge`
suggestion naming who merged and when.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ingestor.errors import IngestorError
from ingestor.store.schema import (
    Contact,
    ContactDocument,
    ContactEmail,
    ContactPhone,
    InteractionParticipant,
    Observation,
    Suggestion,
)

FIELDS = ("name", "title", "company", "location")
# Recruiting fields: the kept contact's win, the other one's fill blanks (salary as one value).
RECRUITING = (
    ("salary_amount", "salary_currency", "salary_period", "salary_basis"),
    ("notice_period",),
    ("available_from",),
    ("languages",),
)


class MergeError(IngestorError):
    """The merge cannot be done: a contact is missing, already merged, or the same one."""


@dataclass(frozen=True)
class FieldPlan:
    values: dict[str, str | None]
    locked: list[str]
    taken_from_other: list[str]


def plan_fields(
    keep: Mapping[str, str | None],
    other: Mapping[str, str | None],
    keep_locked: list[str],
    other_locked: list[str],
) -> FieldPlan:
    """Field values after a merge. A locked value beats an unlocked one; otherwise `keep` wins."""
    values: dict[str, str | None] = {}
    taken: list[str] = []
    locked = set(keep_locked)
    for name in FIELDS:
        mine, theirs = keep.get(name), other.get(name)
        take_theirs = bool(theirs) and (
            not mine or (name in other_locked and name not in keep_locked)
        )
        values[name] = theirs if take_theirs else mine
        if take_theirs:
            taken.append(name)
            if name in other_locked:
                locked.add(name)
    locked.update(f for f in other_locked if f not in FIELDS)  # e.g. "phone"
    return FieldPlan(values, sorted(locked), taken)


@dataclass
class MergeResult:
    kept_id: int
    merged_id: int
    moved: dict[str, int] = field(default_factory=dict)
    suggestion_id: int | None = None
    # What store.undo needs to take the merge back: the kept contact before, and the ids of
    # every row moved or changed (JSON-ready).
    undo: dict[str, Any] = field(default_factory=dict)


def json_value(value: object) -> object:
    """A column's value as the undo record keeps it: dates and times as ISO strings."""
    return value.isoformat() if isinstance(value, date) else value


def _ids(session: Session, table: Any, contact_id: int) -> list[int]:
    return list(session.scalars(select(table.id).where(table.contact_id == contact_id)))


def _suggestion_states(session: Session, pair: tuple[int, int]) -> dict[int, list[Any]]:
    """The pending suggestions a merge of `pair` may change: [contact_id, status, target]."""
    return {
        s.id: [s.contact_id, s.status, (s.payload or {}).get("other_contact_id")]
        for s in session.scalars(
            select(Suggestion).where(
                Suggestion.status == "pending",
                Suggestion.contact_id.in_(pair) | (Suggestion.kind == "merge"),
            )
        )
    }


def _live(session: Session, contact_id: int) -> Contact:
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise MergeError(f"contact {contact_id} does not exist")
    if contact.merged_into is not None:
        raise MergeError(f"contact {contact_id} was already merged into {contact.merged_into}")
    if contact.status != "active":
        raise MergeError(f"contact {contact_id} was rejected as not a contact: restore it first")
    return contact


def merge_contacts(
    session: Session,
    keep_id: int,
    other_id: int,
    by: str,
    now: datetime,
    suggestion: Suggestion | None = None,
) -> MergeResult:
    """Merge `other_id` into `keep_id` inside the caller's transaction.

    `suggestion` is the pending merge suggestion being accepted, if any; otherwise one is
    created, already accepted, to record the merge.
    """
    if keep_id == other_id:
        raise MergeError("a contact cannot be merged with itself")
    keep, other = _live(session, keep_id), _live(session, other_id)
    snapshot = {f: getattr(other, f) for f in FIELDS}
    undo: dict[str, Any] = {
        "kept": keep_id,
        "merged": other_id,
        "before": {
            "fields": {f: getattr(keep, f) for f in FIELDS},
            "locked": list(keep.locked_fields or []),
            "origin": keep.origin,
            "last_interaction_at": json_value(keep.last_interaction_at),
            "created_at": json_value(keep.created_at),
        },
        "emails": _ids(session, ContactEmail, other_id),
        "participants": _ids(session, InteractionParticipant, other_id),
        "observations": _ids(session, Observation, other_id),
        "repointed": list(
            session.scalars(select(Contact.id).where(Contact.merged_into == other_id))
        ),
        "suggestion": None
        if suggestion is None
        else {"contact_id": suggestion.contact_id, "payload": dict(suggestion.payload or {})},
    }
    states = _suggestion_states(session, (keep_id, other_id))
    plan = plan_fields(
        {f: getattr(keep, f) for f in FIELDS},
        snapshot,
        list(keep.locked_fields or []),
        list(other.locked_fields or []),
    )
    for name, value in plan.values.items():
        setattr(keep, name, value)
    keep.locked_fields = plan.locked
    if keep.origin != "manual" and other.origin == "manual":
        keep.origin = "manual"
    if other.last_interaction_at and (
        keep.last_interaction_at is None or keep.last_interaction_at < other.last_interaction_at
    ):
        keep.last_interaction_at = other.last_interaction_at
    keep.created_at = min(keep.created_at, other.created_at)
    keep.updated_at = now
    undo["recruiting_filled"] = {}  # column → the value the merge filled in (JSON-ready)
    for group in RECRUITING:
        if not getattr(keep, group[0]) and getattr(other, group[0]):
            for column in group:
                value = getattr(other, column)
                setattr(keep, column, value)
                undo["recruiting_filled"][column] = json_value(value)

    result = MergeResult(keep_id, other_id)
    result.moved["emails"] = _move(session, ContactEmail, other_id, keep_id)
    moved_phones, dropped = _move_phones(session, keep_id, other_id)
    result.moved["phones"] = len(moved_phones)
    undo["phones"], undo["dropped_phones"] = moved_phones, dropped
    result.moved["participants"] = _move(session, InteractionParticipant, other_id, keep_id)
    result.moved["observations"] = _move(session, Observation, other_id, keep_id)
    undo["documents"] = _move_documents(session, keep_id, other_id)
    result.moved["documents"] = len(undo["documents"])
    result.moved["suggestions"] = _move_suggestions(session, keep_id, other_id)
    # Contacts merged into `other` earlier now point at the survivor: no chains to follow.
    session.execute(
        update(Contact).where(Contact.merged_into == other_id).values(merged_into=keep_id)
    )
    other.merged_into = keep_id
    other.updated_at = now
    session.flush()
    undo["after"] = {f: getattr(keep, f) for f in FIELDS}
    undo["suggestions"] = {
        str(sid): state
        for sid, state in states.items()
        if (row := session.get(Suggestion, sid)) is not None
        and [row.contact_id, row.status, (row.payload or {}).get("other_contact_id")] != state
    }

    record: dict[str, Any] = {
        "other_contact_id": other_id,
        "merged": {"kept": keep_id, "merged": other_id},
        "moved": dict(result.moved),
        "snapshot": snapshot,
        "fields_taken": plan.taken_from_other,
    }
    if suggestion is None:
        suggestion = Suggestion(contact_id=keep_id, kind="merge", evidence=[], created_at=now)
        session.add(suggestion)
    suggestion.contact_id = keep_id
    suggestion.payload = {**(suggestion.payload or {}), **record}
    suggestion.status = "accepted"
    suggestion.decided_by = by
    suggestion.decided_at = now
    session.flush()
    result.suggestion_id = suggestion.id
    result.undo = undo
    return result


def _move(session: Session, table: Any, old: int, new: int) -> int:
    res = session.execute(update(table).where(table.contact_id == old).values(contact_id=new))
    return int(getattr(res, "rowcount", 0) or 0)


def _move_documents(session: Session, keep_id: int, other_id: int) -> list[int]:
    """The other contact's CVs and cards; one both have (same hash) is kept once, and the
    observations read from the other's copy point at the kept one. → the ids moved."""
    kept = {
        d.sha256: d.id
        for d in session.scalars(
            select(ContactDocument).where(ContactDocument.contact_id == keep_id)
        )
    }
    moved: list[int] = []
    for doc in session.scalars(
        select(ContactDocument).where(ContactDocument.contact_id == other_id)
    ):
        same = kept.get(doc.sha256)
        if same is None:
            doc.contact_id = keep_id
            moved.append(doc.id)
            continue
        session.execute(
            update(Observation).where(Observation.document_id == doc.id).values(document_id=same)
        )
        session.delete(doc)
    session.flush()
    return moved


def _move_phones(
    session: Session, keep_id: int, other_id: int
) -> tuple[list[int], list[dict[str, Any]]]:
    """Move the other's phones over: (ids moved, the rows dropped as the kept one's already)."""
    have = set(
        session.scalars(select(ContactPhone.number).where(ContactPhone.contact_id == keep_id))
    )
    moved: list[int] = []
    dropped: list[dict[str, Any]] = []
    for phone in session.scalars(select(ContactPhone).where(ContactPhone.contact_id == other_id)):
        if phone.number in have:
            dropped.append(
                {
                    "number": phone.number,
                    "type": phone.type,
                    "raw": phone.raw,
                    "created_at": json_value(phone.created_at),
                }
            )
            session.delete(phone)  # the same number twice adds nothing
        else:
            phone.contact_id = keep_id
            have.add(phone.number)
            moved.append(phone.id)
    session.flush()
    return moved, dropped


def _move_suggestions(session: Session, keep_id: int, other_id: int) -> int:
    """Pending work follows the person; proposals about the pair itself are now moot."""
    moved = 0
    pending = session.scalars(
        select(Suggestion).where(
            Suggestion.status == "pending",
            Suggestion.contact_id.in_((keep_id, other_id)),
        )
    )
    for s in pending:
        if s.kind == "merge":
            target = merge_target(s)
            if target in (keep_id, other_id):
                s.status = "obsolete"
                continue
        if s.contact_id == other_id:
            if s.kind == "new_contact":
                s.status = "obsolete"  # the person already had a contact
            s.contact_id = keep_id
            moved += 1
    # Merge proposals elsewhere that name the merged contact now name the survivor.
    for s in session.scalars(
        select(Suggestion).where(Suggestion.status == "pending", Suggestion.kind == "merge")
    ):
        if merge_target(s) == other_id:
            s.payload = {**s.payload, "other_contact_id": keep_id}
            if s.contact_id == keep_id:
                s.status = "obsolete"
    return moved


def merge_target(s: Suggestion) -> int | None:
    """The other contact of a merge suggestion: payload `other_contact_id`, else `new_value`."""
    raw = (s.payload or {}).get("other_contact_id")
    if raw is None and s.new_value and s.new_value.strip().isdigit():
        raw = s.new_value.strip()
    try:
        return int(raw) if raw is not None else None
    except (TypeError, ValueError):
        return None
