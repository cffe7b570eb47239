"""The OpenAPI 3.1 document of the REST API: operations written next to the handlers in
api.py, schemas generated from the models in api_models.py that the handlers build on."""

from __future__ import annotations

import functools
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, models_json_schema
from pydantic_core import core_schema

from ingestor import __version__
from ingestor.web.api_models import RESPONSES, AcceptBody, ForgetBody, SnoozeBody
from ingestor.web.openapi_privacy import privacy_paths
from ingestor.web.openapi_tasks import task_paths

REF = "#/components/schemas/{model}"


class _Schemas(GenerateJsonSchema):
    """pydantic's JSON Schema without the noise: no titles, no defaults."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> dict[str, Any]:
        return self.generate_inner(schema["schema"])


@functools.cache
def schemas() -> dict[str, Any]:
    """Component schemas of every response model and of the accept body."""
    pairs: list[Any] = [(m, "serialization") for m in RESPONSES] + [
        (AcceptBody, "validation"),
        (SnoozeBody, "validation"),
        (ForgetBody, "validation"),
    ]
    _, top = models_json_schema(pairs, ref_template=REF, schema_generator=_Schemas)
    defs: dict[str, Any] = top["$defs"]
    for schema in defs.values():
        schema.pop("title", None)
    return defs


def _ref(name: str) -> dict[str, str]:
    return {"$ref": REF.format(model=name)}


def _param(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


_PAGING = [
    _param(
        "limit",
        "Items per page (1-500, default 50).",
        {"type": "integer", "minimum": 1, "maximum": 500},
    ),
    _param("cursor", "The `next_cursor` of the previous page.", {"type": "string"}),
]


def _ok(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return _ok(_ref("Error"), description)


_ERRORS = {
    "400": _error("Bad parameter"),
    "401": _error("Missing or invalid bearer token"),
}


def _decision(verb: str) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": f"{verb.capitalize()} a pending suggestion",
        "operationId": f"{verb}Suggestion",
        "parameters": [
            {"name": "suggestion_id", "in": "path", "required": True, "schema": {"type": "integer"}}
        ],
        "responses": {
            "200": _ok(_ref("Suggestion")),
            "404": _error("No such suggestion"),
            "409": _error("Already decided, or cannot be applied"),
            **_ERRORS,
        },
    }
    if verb == "accept":
        op["requestBody"] = {
            "required": False,
            "content": {"application/json": {"schema": _ref("AcceptBody")}},
        }
    return op


def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "ingestor API",
            "version": __version__,
            "description": "Contacts, interactions, suggestions and tasks ingested from recruiters' mail and calendars. Authenticate with `Authorization: Bearer <token>` (create one with `ingestor tokens create NAME`).",
        },
        "servers": [{"url": "/api"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas(),
        },
        "paths": {
            "/contacts": {
                "get": {
                    "summary": "List or search contacts",
                    "operationId": "listContacts",
                    "parameters": [
                        _param(
                            "q",
                            "Fuzzy search: tolerant to typos and transliteration; ranked by score.",
                            {"type": "string"},
                        ),
                        _param(
                            "updated_since",
                            "Only contacts updated at or after this time (ISO 8601; naive means UTC).",
                            {"type": "string", "format": "date-time"},
                        ),
                        *_PAGING,
                    ],
                    "responses": {"200": _ok(_ref("ContactPage")), **_ERRORS},
                }
            },
            "/contacts/{contact_id}": {
                "get": {
                    "summary": "One contact, also a merged one (see merged_into)",
                    "operationId": "getContact",
                    "parameters": [
                        {
                            "name": "contact_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "responses": {
                        "200": _ok(_ref("Contact")),
                        "404": _error("No such contact"),
                        **_ERRORS,
                    },
                }
            },
            "/interactions": {
                "get": {
                    "summary": "List interactions (emails, meetings, calls), oldest id first",
                    "operationId": "listInteractions",
                    "parameters": [
                        _param(
                            "contact_id",
                            "Only interactions this contact took part in.",
                            {"type": "integer"},
                        ),
                        _param(
                            "since",
                            "Only interactions that occurred at or after this time.",
                            {"type": "string", "format": "date-time"},
                        ),
                        *_PAGING,
                    ],
                    "responses": {"200": _ok(_ref("InteractionPage")), **_ERRORS},
                }
            },
            "/interactions/{interaction_id}": {
                "get": {
                    "summary": "One interaction, with the email's own words and its thread",
                    "operationId": "getInteraction",
                    "parameters": [
                        {
                            "name": "interaction_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "responses": {
                        "200": _ok(_ref("InteractionDetail")),
                        "404": _error("No such interaction"),
                        **_ERRORS,
                    },
                }
            },
            "/suggestions": {
                "get": {
                    "summary": "List suggestions",
                    "operationId": "listSuggestions",
                    "parameters": [
                        _param(
                            "status",
                            "pending (default), accepted, rejected, obsolete or all.",
                            {"type": "string"},
                        ),
                        _param(
                            "kind",
                            "new_contact, field_update, merge or name_fix.",
                            {"type": "string"},
                        ),
                        _param(
                            "contact_id", "Only this contact's suggestions.", {"type": "integer"}
                        ),
                        *_PAGING,
                    ],
                    "responses": {"200": _ok(_ref("SuggestionPage")), **_ERRORS},
                }
            },
            "/suggestions/{suggestion_id}/accept": {"post": _decision("accept")},
            "/suggestions/{suggestion_id}/reject": {"post": _decision("reject")},
            **task_paths(_ok, _error, _param, _ref, _PAGING, _ERRORS),
            **privacy_paths(_ok, _error, _param, _ref, _PAGING, _ERRORS),
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "security": [],
                    "operationId": "openapi",
                    "responses": {"200": {"description": "OpenAPI 3.1"}},
                }
            },
        },
    }
