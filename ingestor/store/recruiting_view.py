"""A contact's recruiting fields and documents as the export, the API and the review UI show
them: salary expectation (amount, currency, period, basis), notice period, start date,
languages; each document with its type, size, hash and the interaction it came with."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ingestor.store.schema import Contact, ContactDocument, Interaction


def recruiting_json(c: Contact) -> dict[str, Any]:
    salary = None
    if c.salary_amount is not None:
        salary = {
            "amount": c.salary_amount,
            "currency": c.salary_currency,
            "period": c.salary_period,
            "basis": c.salary_basis,
        }
    return {
        "salary_expectation": salary,
        "notice_period": c.notice_period,
        "available_from": c.available_from.isoformat() if c.available_from else None,
        "languages": list(c.languages or []),
    }


def documents_json(
    session: Session, contact_ids: list[int] | None
) -> dict[int, list[dict[str, Any]]]:
    """Each contact's documents, oldest first; `contact_ids` None: every contact's."""
    stmt = (
        select(ContactDocument, Interaction.subject, Interaction.occurred_at)
        .outerjoin(Interaction, Interaction.id == ContactDocument.interaction_id)
        .order_by(ContactDocument.id)
    )
    if contact_ids is not None:
        if not contact_ids:
            return {}
        stmt = stmt.where(ContactDocument.contact_id.in_(contact_ids))
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for d, subject, occurred_at in session.execute(stmt):
        out[d.contact_id].append(
            {
                "id": d.id,
                "file_name": d.file_name,
                "content_type": d.content_type,
                "kind": d.kind,
                "size": d.size,
                "sha256": d.sha256,
                "interaction_id": d.interaction_id,
                "subject": subject,
                "received_at": occurred_at.isoformat() if occurred_at else None,
                "stored": d.data is not None,
            }
        )
    return dict(out)


def stored_document(
    session: Session, contact_id: int, document_id: int
) -> tuple[str, str, bytes] | None:
    """(file name, content type, bytes) of a stored document of the contact, else None."""
    d = session.get(ContactDocument, document_id)
    if d is None or d.contact_id != contact_id or d.data is None:
        return None
    return d.file_name, d.content_type, d.data
