"""The REST API's reads and decisions: contacts, interactions, suggestions, as JSON-ready dicts.

Pages are cut by id (keyset), so a client walking the pages while ingestion runs never sees
an item twice or skips one. A fuzzy search is ranked by score, so it pages by position.
The interaction shape is the one of `ingestor export --format json`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from ingestor.store.decisions import accept, reject
from ingestor.store.directory import Filters, find, load_rows
from ingestor.store.queries import interaction_dicts
from ingestor.store.recruiting_view import documents_json
from ingestor.store.review import in_queue
from ingestor.store.schema import (
    Contact,
    Interaction,
    InteractionParticipant,
    Suggestion,
    live_contact,
)


@dataclass(frozen=True)
class PageSpec:
    limit: int
    after: int = 0  # keyset: the last id already seen
    offset: int = 0  # ranked search: how many already seen


def _iso(d: datetime | None) -> str | None:
    return d.isoformat() if d is not None else None


def _keyset(
    session: Session, stmt: Select[Any], key: InstrumentedAttribute[int], spec: PageSpec
) -> tuple[list[Any], bool]:
    """The page of `stmt` after `spec.after` in `key` order, and whether more follow."""
    rows = list(session.scalars(stmt.where(key > spec.after).order_by(key).limit(spec.limit + 1)))
    return rows[: spec.limit], len(rows) > spec.limit


def contacts_page(
    session: Session, filters: Filters, spec: PageSpec, now: datetime
) -> tuple[list[dict[str, Any]], bool]:
    """One page of contacts and whether more follow."""
    if filters.q.strip():
        rows = find(session, filters, now)
        chunk = rows[spec.offset : spec.offset + spec.limit]
        return [r.as_json() for r in chunk], len(rows) > spec.offset + spec.limit
    stmt = select(Contact.id).where(live_contact())
    if filters.updated_since is not None:
        stmt = stmt.where(Contact.updated_at >= filters.updated_since)
    ids, more = _keyset(session, stmt, Contact.id, spec)
    return [r.as_json() for r in load_rows(session, ids)], more


def contact_json(session: Session, contact_id: int) -> dict[str, Any] | None:
    rows = load_rows(session, [contact_id], live=False)
    if not rows:
        return None
    c = session.get(Contact, contact_id)
    return {
        **rows[0].as_json(),
        "merged_into": c.merged_into if c else None,
        "status": c.status if c else "active",
        "documents": documents_json(session, [contact_id]).get(contact_id, []),
    }


def interactions_page(
    session: Session, contact_id: int | None, since: datetime | None, spec: PageSpec
) -> tuple[list[dict[str, Any]], bool]:
    stmt = select(Interaction)
    if contact_id is not None:
        stmt = stmt.where(
            Interaction.id.in_(
                select(InteractionParticipant.interaction_id).where(
                    InteractionParticipant.contact_id == contact_id
                )
            )
        )
    if since is not None:
        stmt = stmt.where(Interaction.occurred_at >= since)
    batch, more = _keyset(session, stmt, Interaction.id, spec)
    return interaction_dicts(session, batch), more


def suggestion_json(s: Suggestion) -> dict[str, Any]:
    return {
        "id": s.id,
        "kind": s.kind,
        "contact_id": s.contact_id,
        "field": s.field,
        "old_value": s.old_value,
        "new_value": s.new_value,
        "payload": s.payload or {},
        "evidence": s.evidence or [],
        "status": s.status,
        "decided_by": s.decided_by,
        "decided_at": _iso(s.decided_at),
        "created_at": _iso(s.created_at),
    }


def suggestions_page(
    session: Session,
    status: str | None,
    kind: str | None,
    contact_id: int | None,
    spec: PageSpec,
) -> tuple[list[dict[str, Any]], bool]:
    stmt = select(Suggestion)
    if status == "pending":  # as the queue has them: not those about a rejected contact
        stmt = stmt.where(in_queue())
    elif status:
        stmt = stmt.where(Suggestion.status == status)
    if kind:
        stmt = stmt.where(Suggestion.kind == kind)
    if contact_id is not None:
        stmt = stmt.where(Suggestion.contact_id == contact_id)
    rows, more = _keyset(session, stmt, Suggestion.id, spec)
    return [suggestion_json(s) for s in rows], more


def accept_suggestion(
    session: Session,
    suggestion_id: int,
    actor: str,
    now: datetime,
    edits: dict[str, str] | None,
    keep_id: int | None,
) -> dict[str, Any]:
    """Accept (as proposed or edited) and return the suggestion as decided."""
    return suggestion_json(accept(session, suggestion_id, actor, now, edits, keep_id))


def reject_suggestion(
    session: Session, suggestion_id: int, actor: str, now: datetime
) -> dict[str, Any]:
    """Reject and return the suggestion as decided."""
    return suggestion_json(reject(session, suggestion_id, actor, now))
