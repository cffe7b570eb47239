"""The REST API's tasks: list them, mark one done, dismiss it, snooze it.

Same rules as the rest of /api/ (web/api.py): bearer tokens, `{"error": ...}` errors, keyset
paging by id. A task that does not exist is a 404, one already closed a 409, a bad or past
snooze date a 400.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from ingestor.store import tasks
from ingestor.store.tasks import STATUSES, BadSnooze, NoSuchTask, TaskClosed
from ingestor.web import api_models as shape
from ingestor.web.api import BadRequest, _body, _int, _paged, _spec, bearer, error
from ingestor.web.context import in_tx, utcnow

Endpoint = Callable[[Request], Awaitable[Response]]


def _task_errors(endpoint: Endpoint) -> Endpoint:
    """Turn the store's task errors into the API's statuses (inside `bearer`)."""

    async def guarded(request: Request) -> Response:
        try:
            return await endpoint(request)
        except NoSuchTask as e:
            return error(404, str(e))
        except TaskClosed as e:
            return error(409, str(e))
        except BadSnooze as e:
            return error(400, str(e))

    guarded.__name__ = endpoint.__name__
    return guarded


def _date(raw: object, name: str) -> date:
    """A calendar date written YYYY-MM-DD, nothing looser."""
    text = raw.strip() if isinstance(raw, str) else ""
    if len(text) == 10:
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise BadRequest(f"{name}: a date, YYYY-MM-DD, like 2026-12-24")


def _json(data: dict[str, object]) -> JSONResponse:
    return JSONResponse(shape.body(shape.Task, data))


@bearer
async def list_tasks(request: Request) -> Response:
    spec = _spec(request)
    status = request.query_params.get("status", "open") or "open"
    if status not in (*STATUSES, "all"):
        raise BadRequest(f"status: one of {', '.join(STATUSES)} or all")
    raw_due = request.query_params.get("due_before")
    due_before = _date(raw_due, "due_before") if raw_due else None
    items, more = await in_tx(
        request,
        tasks.tasks_page,
        None if status == "all" else status,
        due_before,
        _int(request, "contact_id"),
        spec.after,
        spec.limit,
        utcnow().date(),
    )
    return _paged(shape.TaskPage, items, more, {"after": items[-1]["id"] if items else spec.after})


@bearer
@_task_errors
async def task_done(request: Request) -> Response:
    row = await in_tx(
        request, tasks.done, request.path_params["task_id"], request.state.actor, utcnow()
    )
    return _json(row.as_json())


@bearer
@_task_errors
async def task_dismiss(request: Request) -> Response:
    row = await in_tx(
        request, tasks.dismiss, request.path_params["task_id"], request.state.actor, utcnow()
    )
    return _json(row.as_json())


@bearer
@_task_errors
async def task_snooze(request: Request) -> Response:
    body = await _body(request)
    unknown = sorted(set(body) - {"until"})
    if unknown:
        raise BadRequest(f"{unknown[0]}: not a field of the snooze body (only until)")
    if "until" not in body:
        raise BadRequest("until: required, a date (YYYY-MM-DD)")
    until = _date(body["until"], "until")
    row = await in_tx(
        request,
        tasks.snooze,
        request.path_params["task_id"],
        until,
        request.state.actor,
        utcnow(),
    )
    return _json(row.as_json())


def routes() -> list[BaseRoute]:
    return [
        Route("/tasks", list_tasks),
        Route("/tasks/{task_id:int}/done", task_done, methods=["POST"]),
        Route("/tasks/{task_id:int}/dismiss", task_dismiss, methods=["POST"]),
        Route("/tasks/{task_id:int}/snooze", task_snooze, methods=["POST"]),
    ]
