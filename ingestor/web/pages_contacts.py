"""The /contacts list and search, one contact's page (edit, merge), and the /sources page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ingestor.resolve.fuzzy import name_key
from ingestor.web import decisions
from ingestor.web.context import (
    error_page,
    form_field,
    in_tx,
    int_param,
    page,
    render,
    user_of,
    utcnow,
)
from ingestor.web.decisions import PHONE_TYPES, DecisionError
from ingestor.web.directory import ContactRow, Filters, companies, find, load_rows
from ingestor.web.directory import resolve_contact_ref as _resolve
from ingestor.web.health import format_lag, source_health
from ingestor.web.profile import load_profile, timeline

PAGE_SIZE = 50
TIMELINE_SIZE = 50


def _filters(request: Request) -> Filters:
    q = request.query_params
    idle = q.get("idle", "").strip()
    return Filters(
        q=q.get("q", "")[:200],
        incomplete=q.get("incomplete") == "1",
        idle_days=int(idle) if idle.isdigit() and int(idle) < 100000 else None,
        company=q.get("company", "")[:200],
    )


def _list(session: Session, filters: Filters, now: datetime) -> tuple[list[ContactRow], list[str]]:
    return find(session, filters, now), companies(session)


@page()
async def contact_list(request: Request) -> Response:
    """Contacts, filtered and fuzzy-searched, 50 to a page."""
    filters = _filters(request)
    rows, company_names = await in_tx(request, _list, filters, utcnow())
    page_no = int_param(request, "page", 1, low=1)
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    shown = rows[(page_no - 1) * PAGE_SIZE : page_no * PAGE_SIZE]
    query = {k: v for k, v in request.query_params.items() if k != "page"}
    return render(
        request,
        "contacts.html",
        filters=filters,
        rows=shown,
        total=len(rows),
        page_no=page_no,
        pages=pages,
        query=query,
        companies=company_names,
    )


def _duplicates(session: Session, row: ContactRow) -> list[ContactRow]:
    key = name_key(row.name)
    if key is None:
        return []
    return [r for r in load_rows(session) if r.id != row.id and name_key(r.name) == key]


def _contact_page(session: Session, contact_id: int, offset: int) -> dict[str, Any] | None:
    profile = load_profile(session, contact_id)
    if profile is None:
        return None
    return {
        "profile": profile,
        "timeline": timeline(session, contact_id, offset, TIMELINE_SIZE + 1),
        "duplicates": _duplicates(session, profile.contact) if profile.merged_into is None else [],
    }


async def _show_contact(
    request: Request, contact_id: int, error: str | None = None, status: int = 200
) -> Response:
    page_no = int_param(request, "page", 1, low=1)
    data = await in_tx(request, _contact_page, contact_id, (page_no - 1) * TIMELINE_SIZE)
    if data is None:
        return error_page(request, 404, f"There is no contact {contact_id}.")
    more = len(data["timeline"]) > TIMELINE_SIZE
    data["timeline"] = data["timeline"][:TIMELINE_SIZE]
    done = request.query_params.get("done", "")
    message = {"saved": "Saved; edited fields are now locked.", "merged": "Merged."}.get(done, "")
    return render(
        request,
        "contact.html",
        status=status,
        page_no=page_no,
        more=more,
        message=message,
        error=error,
        phone_types=PHONE_TYPES,
        now=utcnow(),
        **data,
    )


@page()
async def contact_detail(request: Request) -> Response:
    """One contact: fields with provenance, emails, phones, timeline, edit and merge."""
    return await _show_contact(request, request.path_params["contact_id"])


@page()
async def contact_edit(request: Request) -> Response:
    """Write the fields a person typed; each one written is locked against extraction."""
    contact_id = request.path_params["contact_id"]
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    try:
        await in_tx(
            request,
            decisions.update_contact,
            contact_id,
            values,
            user_of(request).username,
            utcnow(),
        )
    except DecisionError as e:
        return await _show_contact(request, contact_id, error=str(e), status=409)
    return RedirectResponse(f"/contacts/{contact_id}?done=saved", status_code=303)


def _merge_preview(session: Session, keep_id: int, ref: str) -> tuple[ContactRow, ContactRow]:
    other_id = _resolve(session, ref)
    if other_id is None:
        raise DecisionError(f"no contact matches {ref!r}: give its number or one of its addresses")
    rows = {r.id: r for r in load_rows(session, [keep_id, other_id])}
    if other_id == keep_id:
        raise DecisionError("a contact cannot be merged with itself")
    if keep_id not in rows or other_id not in rows:
        raise DecisionError(f"contact {other_id} does not exist or was already merged")
    return rows[keep_id], rows[other_id]


@page()
async def contact_merge(request: Request) -> Response:
    """Merge another contact into this one: a confirmation page first, then the merge."""
    keep_id = request.path_params["contact_id"]
    ref = await form_field(request, "other")
    try:
        keep, other = await in_tx(request, _merge_preview, keep_id, ref)
        if await form_field(request, "confirm") != "1":
            return render(request, "merge_confirm.html", keep=keep, other=other)
        await in_tx(
            request, decisions.merge, keep.id, other.id, user_of(request).username, utcnow()
        )
    except DecisionError as e:
        return await _show_contact(request, keep_id, error=str(e), status=409)
    return RedirectResponse(f"/contacts/{keep_id}?done=merged", status_code=303)


@page(admin=True)
async def sources(request: Request) -> Response:
    """Admin view of each source: last success, lag, last error, ledger counts."""
    health = await in_tx(request, source_health)
    now = utcnow()
    return render(
        request,
        "sources.html",
        health=health,
        lags={h.source: format_lag(h.lag(now)) for h in health},
        outcomes=("ingested", "skipped", "quarantined", "duplicate"),
    )
