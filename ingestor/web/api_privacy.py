"""The REST API's privacy endpoints: forget a contact, export a person, read the audit log.

Same rules as the rest of /api/ (web/api.py): bearer tokens, `{"error": ...}` errors, paging
by cursor. The audit log pages from the newest entry down.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ingestor.store.audit import KINDS
from ingestor.store.privacy_views import (
    audit_page,
    export_contact,
    forget_contact,
    retention_due,
)
from ingestor.store.retention import RULES
from ingestor.web import api_models as shape
from ingestor.web.api import BadRequest, _body, _json, _paged, _spec, bearer
from ingestor.web.context import in_tx, utcnow

MAX_REASON = 500


@bearer
async def forget(request: Request) -> Response:
    body = await _body(request)
    reason = body.get("reason") or ""
    if not isinstance(reason, str) or len(reason) > MAX_REASON:
        raise BadRequest(f"reason: text of at most {MAX_REASON} characters")
    runtime = request.app.state.runtime
    done = await in_tx(
        request,
        forget_contact,
        request.path_params["contact_id"],
        runtime.agency,
        request.state.actor,
        utcnow(),
        reason,
    )
    return _json(shape.Forgotten, done)


@bearer
async def export(request: Request) -> Response:
    doc = await in_tx(
        request, export_contact, request.path_params["contact_id"], request.state.actor, utcnow()
    )
    return _json(shape.PersonExport, doc)


@bearer
async def audit(request: Request) -> Response:
    kind = request.query_params.get("kind") or None
    if kind is not None and kind not in KINDS:
        raise BadRequest(f"kind: one of {', '.join(KINDS)}")
    spec = _spec(request)
    items, more = await in_tx(request, audit_page, kind, spec)
    return _paged(shape.AuditPage, items, more, {"after": items[-1]["id"] if items else 0})


@bearer
async def retention(request: Request) -> Response:
    policy = request.app.state.runtime.retention
    due = await in_tx(request, retention_due, policy, utcnow())
    keep = {rule: getattr(policy, rule) for rule in RULES}
    return _json(shape.Retention, {"keep_days": keep, "due": due})


def routes() -> list[BaseRoute]:
    return [
        Route("/contacts/{contact_id:int}/forget", forget, methods=["POST"]),
        Route("/contacts/{contact_id:int}/export", export),
        Route("/audit", audit),
        Route("/retention", retention),
    ]
