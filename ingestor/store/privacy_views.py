"""The privacy duties as the web calls them (store functions taking a Tx, returning JSON-ready
data): forget a contact, export what is held about one, page through the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from ingestor.store.api_views import PageSpec
from ingestor.store.audit import list_audit
from ingestor.store.decisions import NotFound
from ingestor.store.export_person import export_person
from ingestor.store.forget import UnknownPerson, forget
from ingestor.store.redact import Agency
from ingestor.store.schema import Contact


def _known(session: Session, contact_id: int) -> None:
    if session.get(Contact, contact_id) is None:
        raise NotFound(f"contact {contact_id} does not exist")


def forget_contact(
    session: Session, contact_id: int, agency: Agency, actor: str, now: datetime, reason: str = ""
) -> dict[str, Any]:
    """Forget contact `contact_id` (and all merged into it); → what was erased."""
    _known(session, contact_id)
    try:
        result = forget(session, str(contact_id), agency, actor, now, reason)
    except UnknownPerson as e:  # pragma: no cover - a contact always holds itself
        raise NotFound(str(e)) from None
    return {
        "contact_id": contact_id,
        "rows": result.rows,
        "counts": dict(sorted(result.counts.items())),
        "subject": result.subject,
        "summary": result.line(),
    }


def export_contact(session: Session, contact_id: int, actor: str, now: datetime) -> dict[str, Any]:
    _known(session, contact_id)
    return export_person(session, str(contact_id), actor, now)


def audit_page(
    session: Session, kind: str | None, spec: PageSpec
) -> tuple[list[dict[str, Any]], bool]:
    """Newest first; `spec.after` is the lowest id already seen (0: from the newest)."""
    entries = list_audit(session, kind, spec.limit + 1, spec.after or None)
    items = [e.as_json() for e in entries[: spec.limit]]
    return items, len(entries) > spec.limit


def forget_preview(session: Session, contact_id: int) -> dict[str, Any]:
    """What the confirmation page shows: who, with which addresses, and how much goes."""
    from ingestor.store.forget import find_person

    _known(session, contact_id)
    person = find_person(session, str(contact_id))
    contact = session.get(Contact, contact_id)
    assert contact is not None
    root = contact.merged_into or contact.id
    return {
        "id": root,
        "name": (session.get(Contact, root) or contact).name,
        "addresses": sorted(person.addresses),
        "phones": sorted(person.phones),
        "merged": sorted(person.contact_ids - {root}),
    }


def retention_due(session: Session, policy: Any, now: datetime) -> dict[str, int]:
    from ingestor.store.retention import due

    return due(session, policy, now)
