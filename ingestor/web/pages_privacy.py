"""Admin pages of the privacy duties: forget a person (a confirmation first), export what is
held about them as JSON, and the audit log with what retention would erase now."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import Response

from ingestor.runtime import Runtime
from ingestor.store.api_views import PageSpec
from ingestor.store.audit import KINDS
from ingestor.store.decisions import NotFound
from ingestor.store.privacy_views import (
    audit_page,
    export_contact,
    forget_contact,
    forget_preview,
    retention_due,
)
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

AUDIT_PAGE = 100
MAX_REASON = 500


@page(admin=True)
async def contact_forget(request: Request) -> Response:
    """POST without confirm=1: what would be erased, and a button; with it: erase."""
    contact_id = request.path_params["contact_id"]
    runtime: Runtime = request.app.state.runtime
    try:
        if await form_field(request, "confirm") != "1":
            who = await in_tx(request, forget_preview, contact_id)
            return render(request, "forget_confirm.html", who=who)
        reason = (await form_field(request, "reason"))[:MAX_REASON]
        done = await in_tx(
            request,
            forget_contact,
            contact_id,
            runtime.agency,
            user_of(request).username,
            utcnow(),
            reason,
        )
    except NotFound:
        return error_page(request, 404, f"There is no contact {contact_id}.")
    return render(request, "forget_done.html", done=done)


@page(admin=True)
async def contact_export(request: Request) -> Response:
    """Everything held about the person, as the JSON file an access request is answered with."""
    contact_id = request.path_params["contact_id"]
    try:
        doc = await in_tx(request, export_contact, contact_id, user_of(request).username, utcnow())
    except NotFound:
        return error_page(request, 404, f"There is no contact {contact_id}.")
    return Response(
        json.dumps(doc, ensure_ascii=False, indent=2),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="person-{contact_id}.json"'},
    )


@page(admin=True)
async def audit_log(request: Request) -> Response:
    """The audit log, newest first, 100 to a page; and what retention would erase today."""
    kind = request.query_params.get("kind") or None
    kind = kind if kind in KINDS else None
    before = int_param(request, "before", 0)
    runtime: Runtime = request.app.state.runtime
    items, more = await in_tx(request, audit_page, kind, PageSpec(AUDIT_PAGE, before))
    due = await in_tx(request, retention_due, runtime.retention, utcnow())
    return render(
        request,
        "audit.html",
        items=items,
        more=more,
        kind=kind,
        kinds=KINDS,
        due=due,
        next_before=items[-1]["id"] if items and more else None,
    )
