"""The OpenAPI paths of the task endpoints (web/api_tasks.py), built with openapi.py's helpers
so that they read like the rest of the document."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Json = dict[str, Any]


def task_paths(
    ok: Callable[..., Json],
    error: Callable[[str], Json],
    param: Callable[[str, str, Json], Json],
    ref: Callable[[str], Json],
    paging: list[Json],
    errors: Json,
) -> Json:
    task_id = {"name": "task_id", "in": "path", "required": True, "schema": {"type": "integer"}}

    def action(verb: str, summary: str, body: bool = False) -> Json:
        op: Json = {
            "summary": summary,
            "operationId": f"{verb}Task",
            "parameters": [task_id],
            "responses": {
                "200": ok(ref("Task")),
                "404": error("No such task"),
                "409": error(
                    "The task is done or dismissed already (an expired one can still be "
                    "marked done or dismissed, not snoozed)"
                ),
                **errors,
            },
        }
        if body:
            op["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": ref("SnoozeBody")}},
            }
            op["responses"]["400"] = error("Bad body, or a date that is not after today")
        return {"post": op}

    return {
        "/tasks": {
            "get": {
                "summary": "List tasks (follow-ups, call-backs, check-ins), oldest id first",
                "operationId": "listTasks",
                "parameters": [
                    param(
                        "status",
                        "open (default: open, and snoozed ones whose snooze has ended), done, "
                        "dismissed, snoozed, expired or all.",
                        {"type": "string"},
                    ),
                    param(
                        "due_before",
                        "Only tasks due before this day (YYYY-MM-DD).",
                        {"type": "string", "format": "date"},
                    ),
                    param("contact_id", "Only this contact's tasks.", {"type": "integer"}),
                    *paging,
                ],
                "responses": {"200": ok(ref("TaskPage")), **errors},
            }
        },
        "/tasks/{task_id}/done": action("done", "Mark a task done"),
        "/tasks/{task_id}/dismiss": action("dismiss", "Dismiss a task (nothing to do)"),
        "/tasks/{task_id}/snooze": action(
            "snooze", "Snooze a task until a later day; it is due then", body=True
        ),
    }
