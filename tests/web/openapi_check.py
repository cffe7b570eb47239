"""Every API response a test receives, checked against the API's own /api/openapi.json.

`SchemaCheckedClient` is a TestClient that looks up the operation (path template, method,
status) of each /api/ response in the served document and validates the JSON body against
its schema, `$ref`s resolved into the document's components. A body with a field the schema
does not declare, or without a required one, or a status the operation does not document,
fails the test that received it.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
from jsonschema import Draft202012Validator
from starlette.testclient import TestClient

API = "/api"


def _operation(doc: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    for template, operations in doc["paths"].items():
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path) and method.lower() in operations:
            op: dict[str, Any] = operations[method.lower()]
            return op
    raise AssertionError(f"{method} {API}{path} is not in /api/openapi.json")


def response_schema(
    doc: dict[str, Any], method: str, path: str, status: int
) -> dict[str, Any] | None:
    """The schema of a documented response's JSON body (None: the body is not described)."""
    responses = _operation(doc, method, path)["responses"]
    documented = responses.get(str(status)) or responses.get("default")
    assert documented is not None, f"{method} {API}{path}: status {status} is not documented"
    content = documented.get("content")
    if content is None:
        return None
    assert "application/json" in content, f"{method} {API}{path} {status}: not JSON"
    schema: dict[str, Any] = content["application/json"]["schema"]
    return schema


def check_body(doc: dict[str, Any], method: str, path: str, status: int, body: Any) -> None:
    """Raise jsonschema.ValidationError if `body` is not what the document promises."""
    schema = response_schema(doc, method, path, status)
    if schema is not None:
        Draft202012Validator({**schema, "components": doc["components"]}).validate(body)


class SchemaCheckedClient(TestClient):
    """A TestClient whose every /api/ response is validated against /api/openapi.json."""

    checked = 0
    _doc: dict[str, Any] | None = None

    def document(self) -> dict[str, Any]:
        if self._doc is None:
            response = super().request("GET", f"{API}/openapi.json")
            assert response.status_code == 200, response.text
            self._doc = response.json()
        return self._doc

    def request(self, method: str, url: Any, *args: Any, **kwargs: Any) -> httpx.Response:
        response = super().request(method, url, *args, **kwargs)
        path = response.request.url.path
        if path.startswith(f"{API}/"):
            assert response.headers["content-type"] == "application/json", path
            check_body(
                self.document(), method, path[len(API) :], response.status_code, response.json()
            )
            type(self).checked += 1
        return response
