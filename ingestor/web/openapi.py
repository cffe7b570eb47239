"""The OpenAPI 3.1 document of the REST API, written by hand next to the handlers in api.py."""

from __future__ import annotations

from typing import Any

from ingestor import __version__

_NULLABLE_STR = {"type": ["string", "null"]}
_TIME = {"type": ["string", "null"], "format": "date-time"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _page_of(name: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["items", "next_cursor"],
        "properties": {
            "items": {"type": "array", "items": _ref(name)},
            "next_cursor": {
                "type": ["string", "null"],
                "description": "Pass as `cursor` for the next page; null on the last page.",
            },
        },
    }


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
_ERRORS = {
    "400": {
        "description": "Bad parameter",
        "content": {"application/json": {"schema": _ref("Error")}},
    },
    "401": {
        "description": "Missing or invalid bearer token",
        "content": {"application/json": {"schema": _ref("Error")}},
    },
}


def _ok(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _decision(verb: str) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": f"{verb.capitalize()} a pending suggestion",
        "operationId": f"{verb}Suggestion",
        "parameters": [
            {"name": "suggestion_id", "in": "path", "required": True, "schema": {"type": "integer"}}
        ],
        "responses": {
            "200": _ok(_ref("Suggestion")),
            "404": {"description": "No such suggestion"},
            "409": {
                "description": "Already decided, or cannot be applied",
                "content": {"application/json": {"schema": _ref("Error")}},
            },
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
    contact = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "name": _NULLABLE_STR,
            "emails": {"type": "array", "items": {"type": "string"}},
            "phones": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "number": {"type": "string", "description": "E.164"},
                        "type": {"type": "string", "enum": ["mobile", "work", "fax", "other"]},
                    },
                },
            },
            "title": _NULLABLE_STR,
            "company": _NULLABLE_STR,
            "location": _NULLABLE_STR,
            "origin": {"type": "string", "enum": ["auto", "manual"]},
            "locked_fields": {"type": "array", "items": {"type": "string"}},
            "missing_fields": {"type": "array", "items": {"type": "string"}},
            "last_interaction_at": _TIME,
            "created_at": _TIME,
            "updated_at": _TIME,
            "score": {"type": "number", "description": "Match score 0-100, only when searching"},
            "merged_into": {
                "type": ["integer", "null"],
                "description": "Only on GET /contacts/{id}",
            },
        },
    }
    participant = {
        "type": "object",
        "properties": {
            "email": {"type": "string"},
            "name": _NULLABLE_STR,
            "contact_id": {"type": ["integer", "null"]},
            "role": {"type": "string"},
            "partstat": _NULLABLE_STR,
        },
    }
    interaction = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "kind": {"type": "string", "enum": ["email", "meeting", "call"]},
            "occurred_at": _TIME,
            "ends_at": _TIME,
            **{
                k: _NULLABLE_STR
                for k in (
                    "subject",
                    "snippet",
                    "message_id",
                    "thread_id",
                    "ical_uid",
                    "recurrence_id",
                    "status",
                    "direction",
                    "location",
                    "conference_url",
                )
            },
            "participants": {"type": "array", "items": participant},
            "sources": {"type": "array", "items": {"type": "string"}},
        },
    }
    suggestion = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "kind": {
                "type": "string",
                "enum": ["new_contact", "field_update", "merge", "name_fix"],
            },
            "contact_id": {"type": ["integer", "null"]},
            "field": _NULLABLE_STR,
            "old_value": _NULLABLE_STR,
            "new_value": _NULLABLE_STR,
            "payload": {"type": "object"},
            "evidence": {"type": "array", "items": {"type": "object"}},
            "status": {"type": "string", "enum": ["pending", "accepted", "rejected", "obsolete"]},
            "decided_by": _NULLABLE_STR,
            "decided_at": _TIME,
            "created_at": _TIME,
        },
    }
    accept_body = {
        "type": "object",
        "description": "Optional edits: `value` for field updates and name fixes; name/title/company/location for new contacts; keep_contact_id for merges.",
        "properties": {
            "value": {"type": "string"},
            "name": {"type": "string"},
            "title": {"type": "string"},
            "company": {"type": "string"},
            "location": {"type": "string"},
            "keep_contact_id": {"type": "integer"},
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "ingestor API",
            "version": __version__,
            "description": "Contacts, interactions and suggestions ingested from recruiters' mail and calendars. Authenticate with `Authorization: Bearer <token>` (create one with `ingestor tokens create NAME`).",
        },
        "servers": [{"url": "/api"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Contact": contact,
                "Interaction": interaction,
                "Suggestion": suggestion,
                "AcceptBody": accept_body,
                "Error": {"type": "object", "properties": {"error": {"type": "string"}}},
            },
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
                    "responses": {"200": _ok(_page_of("Contact")), **_ERRORS},
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
                        "404": {"description": "No such contact"},
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
                    "responses": {"200": _ok(_page_of("Interaction")), **_ERRORS},
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
                    "responses": {"200": _ok(_page_of("Suggestion")), **_ERRORS},
                }
            },
            "/suggestions/{suggestion_id}/accept": {"post": _decision("accept")},
            "/suggestions/{suggestion_id}/reject": {"post": _decision("reject")},
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
