"""The OpenAPI paths of the privacy endpoints (web/api_privacy.py), built with openapi.py's
helpers like the task paths."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Json = dict[str, Any]


def privacy_paths(
    ok: Callable[..., Json],
    error: Callable[[str], Json],
    param: Callable[[str, str, Json], Json],
    ref: Callable[[str], Json],
    paging: list[Json],
    errors: Json,
) -> Json:
    contact_id = {
        "name": "contact_id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer"},
    }
    return {
        "/contacts/{contact_id}/forget": {
            "post": {
                "summary": "Forget a person: erase the contact (and those merged into it) and "
                "everything about them, in one transaction, and keep future mail from "
                "bringing them back",
                "operationId": "forgetContact",
                "parameters": [contact_id],
                "requestBody": {
                    "required": False,
                    "content": {"application/json": {"schema": ref("ForgetBody")}},
                },
                "responses": {
                    "200": ok(ref("Forgotten")),
                    "404": error("No such contact"),
                    **errors,
                },
            }
        },
        "/contacts/{contact_id}/export": {
            "get": {
                "summary": "Everything held about the person, for an access request",
                "operationId": "exportPerson",
                "parameters": [contact_id],
                "responses": {
                    "200": ok(ref("PersonExport")),
                    "404": error("No such contact"),
                    **errors,
                },
            }
        },
        "/audit": {
            "get": {
                "summary": "The audit log (forget, export, retention, merge, edit), newest first",
                "operationId": "listAudit",
                "parameters": [
                    param(
                        "kind",
                        "Only this kind: forget, export, retention, merge or edit.",
                        {"type": "string"},
                    ),
                    *paging,
                ],
                "responses": {"200": ok(ref("AuditPage")), **errors},
            }
        },
        "/retention": {
            "get": {
                "summary": "How long [retention] keeps data, and what its daily job would "
                "erase now (a dry run)",
                "operationId": "getRetention",
                "responses": {"200": ok(ref("Retention")), **errors},
            }
        },
    }
