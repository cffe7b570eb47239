"""The REST API under /api/: bearer tokens, JSON, cursor paging, and its OpenAPI document.

Only bearer tokens authenticate here, never the UI's session cookie, so no API call can be
forged by another web page (no CSRF surface). Errors are `{"error": "..."}` with the status.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from ingestor.store import api_views
from ingestor.store.api_tokens import verify_token
from ingestor.store.api_views import (
    PageSpec,
    interactions_page,
    suggestions_page,
)
from ingestor.store.contact_view import contacts_page_json, one_contact_json
from ingestor.store.decisions import DecisionError, NotFound
from ingestor.store.directory import Filters
from ingestor.store.messages import interaction_json
from ingestor.web import api_models as shape
from ingestor.web.context import in_tx, utcnow
from ingestor.web.openapi import document

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
Endpoint = Callable[[Request], Awaitable[Response]]


class BadRequest(Exception):
    """A query parameter or body the API cannot use; the message says which and why."""


def error(status: int, message: str, **headers: str) -> JSONResponse:
    """The API's one error shape, `{"error": message}`; app.py uses it for /api/ 404s and 500s."""
    return JSONResponse(
        shape.body(shape.Error, {"error": message}), status_code=status, headers=headers or None
    )


def _json(model: type[shape.Closed], data: dict[str, Any]) -> JSONResponse:
    return JSONResponse(shape.body(model, data))


def bearer(endpoint: Endpoint) -> Endpoint:
    """Require `Authorization: Bearer <token>`; turn bad input into 400s."""

    async def guarded(request: Request) -> Response:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        name = (
            await in_tx(request, verify_token, token.strip(), utcnow())
            if scheme.lower() == "bearer" and token.strip()
            else None
        )
        if name is None:
            return error(401, "a valid bearer token is required", **{"WWW-Authenticate": "Bearer"})
        request.state.actor = f"token:{name}"
        try:
            return await endpoint(request)
        except BadRequest as e:
            return error(400, str(e))
        except NotFound as e:
            return error(404, str(e))
        except DecisionError as e:
            return error(409, str(e))

    guarded.__name__ = endpoint.__name__
    return guarded


def encode_cursor(data: dict[str, int]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _cursor(request: Request) -> dict[str, int]:
    raw = request.query_params.get("cursor")
    if not raw:
        return {}
    try:
        data = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise BadRequest("cursor: not a cursor this API returned") from None
    if not isinstance(data, dict) or not all(
        k in ("after", "offset") and isinstance(v, int) and v >= 0 for k, v in data.items()
    ):
        raise BadRequest("cursor: not a cursor this API returned")
    return data


def _spec(request: Request) -> PageSpec:
    raw = request.query_params.get("limit", "")
    if raw and (not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT):
        raise BadRequest(f"limit: a whole number from 1 to {MAX_LIMIT}")
    cur = _cursor(request)
    return PageSpec(int(raw or DEFAULT_LIMIT), cur.get("after", 0), cur.get("offset", 0))


def _int(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    if not raw.isdigit():
        raise BadRequest(f"{name}: a whole number")
    return int(raw)


def _time(request: Request, name: str) -> datetime | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.strip().replace(" ", "+"))
    except ValueError:
        raise BadRequest(f"{name}: an ISO 8601 time, like 2026-11-02T09:30:00+00:00") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)  # naive means UTC


def _paged(
    model: type[shape.Closed],
    items: list[dict[str, Any]],
    more: bool,
    next_cursor: dict[str, int],
) -> JSONResponse:
    return _json(
        model, {"items": items, "next_cursor": encode_cursor(next_cursor) if more else None}
    )


@bearer
async def list_contacts(request: Request) -> Response:
    spec = _spec(request)
    filters = Filters(
        q=request.query_params.get("q", "")[:200],
        updated_since=_time(request, "updated_since"),
    )
    items, more = await in_tx(request, contacts_page_json, filters, spec, utcnow())
    if filters.q.strip():
        return _paged(shape.ContactPage, items, more, {"offset": spec.offset + len(items)})
    return _paged(
        shape.ContactPage, items, more, {"after": items[-1]["id"] if items else spec.after}
    )


@bearer
async def get_contact(request: Request) -> Response:
    contact_id = request.path_params["contact_id"]
    found = await in_tx(request, one_contact_json, contact_id)
    if found is None:
        raise NotFound(f"contact {contact_id} does not exist")
    return _json(shape.Contact, found)


@bearer
async def list_interactions(request: Request) -> Response:
    spec = _spec(request)
    items, more = await in_tx(
        request, interactions_page, _int(request, "contact_id"), _time(request, "since"), spec
    )
    return _paged(
        shape.InteractionPage, items, more, {"after": items[-1]["id"] if items else spec.after}
    )


@bearer
async def get_interaction(request: Request) -> Response:
    interaction_id = request.path_params["interaction_id"]
    found = await in_tx(request, interaction_json, interaction_id)
    if found is None:
        raise NotFound(f"interaction {interaction_id} does not exist")
    return _json(shape.InteractionDetail, found)


@bearer
async def list_suggestions(request: Request) -> Response:
    spec = _spec(request)
    status = request.query_params.get("status", "pending")
    items, more = await in_tx(
        request,
        suggestions_page,
        None if status == "all" else status,
        request.query_params.get("kind") or None,
        _int(request, "contact_id"),
        spec,
    )
    return _paged(
        shape.SuggestionPage, items, more, {"after": items[-1]["id"] if items else spec.after}
    )


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        raise BadRequest("body: not JSON") from None
    if not isinstance(data, dict):
        raise BadRequest("body: a JSON object")
    return data


@bearer
async def accept_suggestion(request: Request) -> Response:
    body = await _body(request)
    edits = {
        k: str(body[k]) for k in ("value", "name", "title", "company", "location") if body.get(k)
    }
    keep = body.get("keep_contact_id")
    if keep is not None and not isinstance(keep, int):
        raise BadRequest("keep_contact_id: a contact id")
    decided = await in_tx(
        request,
        api_views.accept_suggestion,
        request.path_params["suggestion_id"],
        request.state.actor,
        utcnow(),
        edits or None,
        keep,
    )
    return _json(shape.Suggestion, decided)


@bearer
async def reject_suggestion(request: Request) -> Response:
    decided = await in_tx(
        request,
        api_views.reject_suggestion,
        request.path_params["suggestion_id"],
        request.state.actor,
        utcnow(),
    )
    return _json(shape.Suggestion, decided)


async def openapi(request: Request) -> Response:
    return JSONResponse(document())


def routes() -> list[BaseRoute]:
    return [
        Route("/openapi.json", openapi),
        Route("/contacts", list_contacts),
        Route("/contacts/{contact_id:int}", get_contact),
        Route("/interactions", list_interactions),
        Route("/interactions/{interaction_id:int}", get_interaction),
        Route("/suggestions", list_suggestions),
        Route("/suggestions/{suggestion_id:int}/accept", accept_suggestion, methods=["POST"]),
        Route("/suggestions/{suggestion_id:int}/reject", reject_suggestion, methods=["POST"]),
    ]
