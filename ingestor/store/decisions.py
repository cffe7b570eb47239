"""The review queue, write side: accept, edit or reject a suggestion, and edit a contact.

Every decision stamps the suggestion (status, decided_by, decided_at) and adds a `Decision`
row to the audit trail. A value a person accepted or typed is locked on the contact, so
extraction only ever proposes changes to it again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import phonenumbers
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ingestor.errors import IngestorError
from ingestor.resolve.merge import MergeError, merge_contacts, merge_target
from ingestor.store.audit import record_for_contact
from ingestor.store.schema import (
    Contact,
    ContactEmail,
    ContactPhone,
    InteractionParticipant,
    Suggestion,
)
from ingestor.store.web_schema import Decision

TEXT_FIELDS = ("name", "title", "company", "location")
PHONE_TYPES = ("mobile", "work", "fax", "other")


class DecisionError(IngestorError):
    """A decision cannot be applied: unknown item, already decided, or a bad value."""


class NotFound(DecisionError):
    """The suggestion or contact named does not exist."""


def _clean(field: str, value: str | None) -> str:
    text = " ".join((value or "").split())
    if not text:
        raise DecisionError(f"{field}: a value is required")
    if len(text) > 200:
        raise DecisionError(f"{field}: at most 200 characters")
    return text


def normalise_phone(value: str) -> str:
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        raise DecisionError(
            f"phone {value!r}: write it with its country code, like +49 30 1234567"
        ) from None
    if not phonenumbers.is_possible_number(number):
        raise DecisionError(f"phone {value!r}: not a possible number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _lock(contact: Contact, field: str) -> None:
    if field not in (contact.locked_fields or []):
        contact.locked_fields = [*(contact.locked_fields or []), field]


def write_field(
    session: Session,
    contact: Contact,
    field: str,
    value: str,
    now: datetime,
    phone_type: str = "other",
    raw: str | None = None,
) -> str:
    """Set one field as a person confirmed it, and lock it. Phones are added, never replaced."""
    if field in TEXT_FIELDS:
        text = _clean(field, value)
        setattr(contact, field, text)
    elif field == "phone":
        text = normalise_phone(_clean(field, value))
        exists = session.scalar(
            select(ContactPhone).where(
                ContactPhone.contact_id == contact.id, ContactPhone.number == text
            )
        )
        if exists is None:
            session.add(
                ContactPhone(
                    contact_id=contact.id,
                    number=text,
                    type=phone_type if phone_type in PHONE_TYPES else "other",
                    raw=(raw or value)[:100],
                    created_at=now,
                )
            )
    elif field == "email":
        text = _clean(field, value).lower()
        owner = session.scalar(select(ContactEmail).where(ContactEmail.address == text))
        if owner is not None and owner.contact_id != contact.id:
            raise DecisionError(
                f"{text} belongs to contact {owner.contact_id}: merge the two contacts instead"
            )
        if owner is None:
            session.add(ContactEmail(contact_id=contact.id, address=text))
    else:
        raise DecisionError(f"unknown field {field!r}")
    _lock(contact, field)
    contact.updated_at = now
    return text


def _record(
    session: Session,
    actor: str,
    action: str,
    now: datetime,
    suggestion: Suggestion | None = None,
    contact_id: int | None = None,
    **detail: Any,
) -> None:
    session.add(
        Decision(
            at=now,
            actor=actor,
            action=action,
            suggestion_id=suggestion.id if suggestion else None,
            contact_id=contact_id
            if contact_id is not None
            else (suggestion and suggestion.contact_id),
            detail={"kind": suggestion.kind if suggestion else None, **detail},
        )
    )


def _pending(session: Session, suggestion_id: int) -> Suggestion:
    s = session.get(Suggestion, suggestion_id, with_for_update=True)
    if s is None:
        raise NotFound(f"suggestion {suggestion_id} does not exist")
    if s.status != "pending":
        raise DecisionError(
            f"suggestion {suggestion_id} was already {s.status} by {s.decided_by or 'the system'}"
        )
    return s


def _contact_of(session: Session, s: Suggestion) -> Contact:
    contact = session.get(Contact, s.contact_id) if s.contact_id is not None else None
    if contact is None or contact.merged_into is not None:
        raise DecisionError(f"suggestion {s.id}: its contact no longer exists")
    return contact


def accept(
    session: Session,
    suggestion_id: int,
    actor: str,
    now: datetime,
    edits: dict[str, str] | None = None,
    keep_id: int | None = None,
) -> Suggestion:
    """Apply a suggestion, as proposed or as edited; `keep_id` picks the survivor of a merge."""
    s = _pending(session, suggestion_id)
    edited = {k: v for k, v in (edits or {}).items() if v is not None}
    if s.kind in ("field_update", "name_fix"):
        field = s.field or "name"
        value = edited.get("value", s.new_value)
        if value is None:
            raise DecisionError(f"suggestion {s.id} proposes no value")
        contact = _contact_of(session, s)
        payload = s.payload or {}
        written = write_field(
            session,
            contact,
            field,
            value,
            now,
            phone_type=str(payload.get("type") or payload.get("phone_type") or "other"),
            raw=payload.get("raw"),
        )
        if written != s.new_value:
            s.payload = {**payload, "proposed_value": s.new_value}
            s.new_value = written
    elif s.kind == "new_contact":
        contact = _contact_of(session, s)
        for name in TEXT_FIELDS:
            new = (edited.get(name) or "").strip()
            if new and new != getattr(contact, name):
                write_field(session, contact, name, new, now)
    elif s.kind == "job_change":
        # They left: the company (and the title that went with it) no longer hold, unless
        # the recruiter typed the new ones in.
        contact = _contact_of(session, s)
        for name in ("company", "title"):
            new = (edited.get(name) or "").strip()
            if new:
                write_field(session, contact, name, new, now)
            elif getattr(contact, name) is not None and name not in (contact.locked_fields or []):
                setattr(contact, name, None)
                contact.updated_at = now
    elif s.kind == "merge":
        other = merge_target(s)
        if s.contact_id is None or other is None:
            raise DecisionError(f"suggestion {s.id} does not name two contacts")
        keep = keep_id if keep_id is not None else s.contact_id
        if keep not in (s.contact_id, other):
            raise DecisionError(f"contact {keep} is not part of suggestion {s.id}")
        drop = other if keep == s.contact_id else s.contact_id
        try:
            merge_contacts(session, keep, drop, actor, now, suggestion=s)
        except MergeError as e:
            raise DecisionError(str(e)) from None
    else:
        raise DecisionError(f"suggestion {s.id}: unknown kind {s.kind!r}")
    s.status = "accepted"
    s.decided_by = actor
    s.decided_at = now
    _record(session, actor, "edit" if edited else "accept", now, s, edits=edited or None)
    if s.kind == "merge" or edited:
        kind = "merge" if s.kind == "merge" else "edit"
        assert s.contact_id is not None
        record_for_contact(session, actor, kind, now, s.contact_id, max(len(edited), 1))
    return s


def reject(session: Session, suggestion_id: int, actor: str, now: datetime) -> Suggestion:
    """Turn a suggestion down. For an auto-created contact, that removes the contact.

    The contact's mail stays, unlinked, and the suggestion keeps a snapshot of who it was.
    """
    s = _pending(session, suggestion_id)
    if s.kind == "new_contact" and s.contact_id is not None:
        contact = session.get(Contact, s.contact_id)
        if contact is not None and contact.merged_into is None:
            _remove_contact(session, s, contact)
    s.status = "rejected"
    s.decided_by = actor
    s.decided_at = now
    _record(
        session, actor, "reject", now, s, contact_id=s.contact_id or s.payload.get("contact_id")
    )
    return s


def _remove_contact(session: Session, s: Suggestion, contact: Contact) -> None:
    if session.scalar(select(Contact.id).where(Contact.merged_into == contact.id).limit(1)):
        raise DecisionError(
            f"contact {contact.id} has other contacts merged into it; it cannot be removed"
        )
    emails = list(
        session.scalars(select(ContactEmail.address).where(ContactEmail.contact_id == contact.id))
    )
    s.payload = {
        **(s.payload or {}),
        "contact_id": contact.id,
        "removed": {"name": contact.name, "emails": emails, "company": contact.company},
    }
    s.contact_id = None  # keep the record when the contact row goes
    session.flush()
    session.execute(
        update(InteractionParticipant)
        .where(InteractionParticipant.contact_id == contact.id)
        .values(contact_id=None)
    )
    session.execute(
        update(Suggestion)
        .where(Suggestion.contact_id == contact.id, Suggestion.status == "pending")
        .values(status="obsolete")
    )
    session.delete(contact)


def update_contact(
    session: Session, contact_id: int, values: dict[str, str], actor: str, now: datetime
) -> list[str]:
    """Write the fields a person changed on the profile page; returns the changed names."""
    contact = session.get(Contact, contact_id)
    if contact is None or contact.merged_into is not None:
        raise NotFound(f"contact {contact_id} does not exist")
    changed = []
    for name in TEXT_FIELDS:
        if name not in values:
            continue
        new = " ".join(values[name].split())
        if new and new != (getattr(contact, name) or ""):
            write_field(session, contact, name, new, now)
            changed.append(name)
    phone = (values.get("phone") or "").strip()
    if phone:
        write_field(session, contact, "phone", phone, now, values.get("phone_type") or "other")
        changed.append("phone")
    if changed:
        _record(
            session,
            actor,
            "update_contact",
            now,
            contact_id=contact_id,
            fields={n: values[n] for n in changed},
        )
        record_for_contact(session, actor, "edit", now, contact_id, len(changed))
    return changed


def merge(session: Session, keep_id: int, other_id: int, actor: str, now: datetime) -> int:
    """Merge two contacts from the profile page; returns the id of the record suggestion."""
    try:
        result = merge_contacts(session, keep_id, other_id, actor, now)
    except MergeError as e:
        raise DecisionError(str(e)) from None
    _record(session, actor, "merge", now, contact_id=keep_id, merged=other_id, moved=result.moved)
    record_for_contact(session, actor, "merge", now, keep_id, sum(result.moved.values()))
    assert result.suggestion_id is not None
    return result.suggestion_id
