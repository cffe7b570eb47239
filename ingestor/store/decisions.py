"""The review queue, write side: accept, edit or reject a suggestion, and edit a contact.

Every decision stamps the suggestion (status, decided_by, decided_at) and adds a `Decision`
row to the audit trail, in the `batch` of its click, with what it changed (`detail["undo"]`:
the contact's fields before, the phones and addresses it added), which store.undo takes back.
A value a person accepted or typed is locked on the contact, so extraction only ever proposes
changes to it again. Rejecting a new contact hides it (status `rejected`); nothing is deleted.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

import phonenumbers
from sqlalchemy import select
from sqlalchemy.orm import Session

from ingestor.errors import IngestorError
from ingestor.extractors.recruiting import read_salary
from ingestor.resolve.merge import MergeError, MergeResult, merge_contacts, merge_target
from ingestor.store.audit import record_for_contact
from ingestor.store.schema import (
    Contact,
    ContactEmail,
    ContactPhone,
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
    since: datetime | None = None,
) -> str:
    """Set one field as a person confirmed it, and lock it. Phones are added, never replaced;
    a new one is dated `since` (the email it came from), else `now`."""
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
                    created_at=since or now,
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
    elif field == "salary_expectation":
        salary = read_salary(_clean(field, value))
        if salary is None:
            raise DecisionError(f"{field}: write an amount and a currency, like 95000 EUR gross")
        contact.salary_amount, contact.salary_currency = salary.amount, salary.currency
        contact.salary_period, contact.salary_basis = salary.period, salary.basis
        text = str(salary)
    elif field == "notice_period":
        text = _clean(field, value)[:40]
        contact.notice_period = text
    else:
        raise DecisionError(f"unknown field {field!r}")
    _lock(contact, field)
    contact.updated_at = now
    return text


def new_batch() -> str:
    """The id that groups the decisions of one click, for Undo."""
    return secrets.token_hex(8)


def _record(
    session: Session,
    actor: str,
    action: str,
    now: datetime,
    suggestion: Suggestion | None = None,
    contact_id: int | None = None,
    batch: str | None = None,
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
            batch=batch,
        )
    )


def _state(session: Session, contact: Contact) -> dict[str, Any]:
    """What an accepted suggestion can change on a contact, to compare before and after."""
    session.flush()
    return {
        "fields": {f: getattr(contact, f) for f in TEXT_FIELDS},
        "locked": list(contact.locked_fields or []),
        "phones": set(
            session.scalars(
                select(ContactPhone.number).where(ContactPhone.contact_id == contact.id)
            )
        ),
        "emails": set(
            session.scalars(
                select(ContactEmail.address).where(ContactEmail.contact_id == contact.id)
            )
        ),
    }


def _changes(session: Session, contact: Contact, before: dict[str, Any]) -> dict[str, Any]:
    """What Undo needs to put `contact` back as it was `before` (see `_state`)."""
    after = _state(session, contact)
    return {
        "contact_id": contact.id,
        "fields": {
            f: [old, after["fields"][f]]
            for f, old in before["fields"].items()
            if old != after["fields"][f]
        },
        "locked": before["locked"],
        "phones": sorted(after["phones"] - before["phones"]),
        "emails": sorted(after["emails"] - before["emails"]),
    }


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
    batch: str | None = None,
) -> Suggestion:
    """Apply a suggestion, as proposed or as edited; `keep_id` picks the survivor of a merge.
    `batch` groups it with the other decisions of the same click (a new one by default)."""
    s = _pending(session, suggestion_id)
    edited = {k: v for k, v in (edits or {}).items() if v is not None}
    merged: MergeResult | None = None
    changed: Contact | None = None if s.kind == "merge" else _contact_of(session, s)
    before = _state(session, changed) if changed is not None else None
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
            since=_evidence_date(s),
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
            merged = merge_contacts(session, keep, drop, actor, now, suggestion=s)
        except MergeError as e:
            raise DecisionError(str(e)) from None
    else:
        raise DecisionError(f"suggestion {s.id}: unknown kind {s.kind!r}")
    s.status = "accepted"
    s.decided_by = actor
    s.decided_at = now
    undo = merged.undo if merged is not None else None
    if changed is not None and before:
        undo = _changes(session, changed, before)
    _record(
        session,
        actor,
        "edit" if edited else "accept",
        now,
        s,
        batch=batch or new_batch(),
        edits=edited or None,
        undo=undo,
    )
    if s.kind == "merge" or edited:
        kind = "merge" if s.kind == "merge" else "edit"
        assert s.contact_id is not None
        record_for_contact(session, actor, kind, now, s.contact_id, max(len(edited), 1))
    return s


def _evidence_date(s: Suggestion) -> datetime | None:
    """The date of the email a suggestion came from: a phone accepted from it is "since" then."""
    for e in s.evidence or []:
        raw = e.get("occurred_at") if isinstance(e, dict) else None
        if isinstance(raw, str):
            try:
                found = datetime.fromisoformat(raw)
            except ValueError:
                continue
            if found.tzinfo is not None:
                return found
    return None


def reject(
    session: Session, suggestion_id: int, actor: str, now: datetime, batch: str | None = None
) -> Suggestion:
    """Turn a suggestion down. An auto-created contact is hidden (status `rejected`), with
    its mail still linked, so that its addresses never create it again and Undo or Restore
    brings it back whole; the merges proposed for it are set aside until then."""
    s = _pending(session, suggestion_id)
    undo: dict[str, Any] = {}
    if s.kind == "new_contact" and s.contact_id is not None:
        contact = session.get(Contact, s.contact_id)
        if contact is not None and contact.merged_into is None and contact.status == "active":
            contact.status = "rejected"
            contact.rejected_at = now
            undo = {"hidden": contact.id, "set_aside": _set_aside_merges(session, contact.id)}
    s.status = "rejected"
    s.decided_by = actor
    s.decided_at = now
    _record(
        session,
        actor,
        "reject",
        now,
        s,
        contact_id=s.contact_id or s.payload.get("contact_id"),
        batch=batch or new_batch(),
        undo=undo,
    )
    return s


def _set_aside_merges(session: Session, contact_id: int) -> list[int]:
    """Pending merges naming the contact, on either side, become obsolete; returns their ids."""
    ids = []
    for m in session.scalars(
        select(Suggestion).where(Suggestion.status == "pending", Suggestion.kind == "merge")
    ):
        if contact_id in (m.contact_id, merge_target(m)):
            m.status = "obsolete"
            ids.append(m.id)
    return ids


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


def merge(
    session: Session,
    keep_id: int,
    other_id: int,
    actor: str,
    now: datetime,
    batch: str | None = None,
) -> int:
    """Merge two contacts from the profile page; returns the id of the record suggestion."""
    try:
        result = merge_contacts(session, keep_id, other_id, actor, now)
    except MergeError as e:
        raise DecisionError(str(e)) from None
    record_for_contact(session, actor, "merge", now, keep_id, sum(result.moved.values()))
    assert result.suggestion_id is not None
    _record(
        session,
        actor,
        "merge",
        now,
        session.get(Suggestion, result.suggestion_id),
        contact_id=keep_id,
        batch=batch or new_batch(),
        merged=other_id,
        moved=result.moved,
        undo=result.undo,
    )
    return result.suggestion_id
