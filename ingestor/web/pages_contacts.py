"""The /contacts list and search, one contact's page (edit, merge), and the /sources page."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ingestor.metrics import read_views
from ingestor.resolve.kinship import Person, shared_traits
from ingestor.runtime import Runtime
from ingestor.store import decisions
from ingestor.store.contact_view import contact_page, merge_preview
from ingestor.store.decisions import PHONE_TYPES, DecisionError
from ingestor.store.directory import ContactRow, Filters, listing
from ingestor.store.health import OUTCOMES
from ingestor.store.recruiting_view import stored_document
from ingestor.store.timeline import KINDS, TimelineFilter
from ingestor.web.context import (
    BATCH,
    error_page,
    form_field,
    in_tx,
    int_param,
    page,
    render,
    user_of,
    utcnow,
)

PAGE_SIZE = 50


def _person(row: ContactRow) -> Person:
    return Person(row.name, tuple(row.emails), row.company, tuple(p["number"] for p in row.phones))


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


@page()
async def contact_list(request: Request) -> Response:
    """Contacts, filtered and fuzzy-searched, 50 to a page."""
    filters = _filters(request)
    rows, company_names = await in_tx(request, listing, filters, utcnow())
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


async def _show_contact(
    request: Request, contact_id: int, error: str | None = None, status: int = 200
) -> Response:
    page_no = int_param(request, "page", 1, low=1)
    q = request.query_params
    shown = TimelineFilter(
        kind=q.get("kind") if q.get("kind") in KINDS else None,
        source=q.get("source", "")[:200] or None,
    )
    data = await in_tx(
        request,
        contact_page,
        contact_id,
        (page_no - 1) * TIMELINE_SIZE,
        TIMELINE_SIZE,
        utcnow(),
        shown,
    )
    if data is None:
        return error_page(request, 404, f"There is no contact {contact_id}.")
    done = request.query_params.get("done", "")
    message = {"saved": "Saved; edited fields are now locked.", "merged": "Merged."}.get(done, "")
    batch = request.query_params.get("undo", "")
    return render(
        request,
        "contact.html",
        status=status,
        page_no=page_no,
        message=message,
        error=error,
        undo_batch=batch if done == "merged" and BATCH.fullmatch(batch) else None,
        phone_types=PHONE_TYPES,
        now=utcnow(),
        shown=shown,
        kinds=KINDS,
        timeline_query=lambda **kw: _timeline_query(shown, **kw),
        **data,
    )


def _timeline_query(shown: TimelineFilter, **changes: object) -> str:
    """The query string of a timeline link: the filters in force, with `changes` applied."""
    params: dict[str, object] = {"kind": shown.kind, "source": shown.source} | changes
    kept = {k: v for k, v in params.items() if v not in (None, "") and (k, v) != ("page", 1)}
    return "?" + urlencode(kept)


@page()
async def contact_detail(request: Request) -> Response:
    """One contact: fields with provenance, emails, phones, timeline, edit and merge."""
    return await _show_contact(request, request.path_params["contact_id"])


@page()
async def contact_document(request: Request) -> Response:
    """A stored CV or card, as a download: never shown inline, whatever it claims to be."""
    contact_id = request.path_params["contact_id"]
    found = await in_tx(request, stored_document, contact_id, request.path_params["document_id"])
    if found is None:
        return error_page(request, 404, "That document is not stored.")
    name, _, data = found
    safe = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in name)[:100] or "document"
    return Response(
        data,
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": f'attachment; filename="{safe}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


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


@page()
async def contact_merge(request: Request) -> Response:
    """Merge another contact into this one: a confirmation page first, then the merge."""
    keep_id = request.path_params["contact_id"]
    ref = await form_field(request, "other")
    try:
        keep, other = await in_tx(request, merge_preview, keep_id, ref)
        if await form_field(request, "confirm") != "1":
            shared = shared_traits(_person(keep), _person(other))
            return render(request, "merge_confirm.html", keep=keep, other=other, shared=shared)
        batch = decisions.new_batch()
        await in_tx(
            request, decisions.merge, keep.id, other.id, user_of(request).username, utcnow(), batch
        )
    except DecisionError as e:
        return await _show_contact(request, keep_id, error=str(e), status=409)
    return RedirectResponse(f"/contacts/{keep_id}?done=merged&undo={batch}", status_code=303)


@page(admin=True)
async def sources(request: Request) -> Response:
    """Admin view of each source: lease owner, last success, lag, the self-check's flags,
    ledger counts, the last error, and the progress of passes running in this process."""
    runtime: Runtime = request.app.state.runtime
    now = utcnow()
    views = await in_tx(request, read_views, runtime, now)
    clock = runtime.progress.clock()
    synced = {v.health.source for v in views if v.health.last_success_at is not None}
    running = {
        name: (p, p.describe(clock), name not in synced)
        for name, p in runtime.progress.snapshot().items()
        if p.items_total
    }
    return render(
        request,
        "sources.html",
        views=views,
        lags={v.health.source: format_lag(v.health.lag(now)) for v in views},
        running=running,
        outcomes=OUTCOMES,
        daemon=runtime.instance is not None,
    )


def format_lag(lag: timedelta | None) -> str:
    if lag is None:
        return "never synced"
    seconds = int(lag.total_seconds())
    if seconds < 90:
        return f"{seconds} s"
    if seconds < 5400:
        return f"{seconds // 60} min"
    if seconds < 172800:
        return f"{seconds // 3600} h {seconds % 3600 // 60} min"
    return f"{seconds // 86400} days"
