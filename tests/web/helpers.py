"""A signed-in browser for HTTP tests: logs in through the real form and posts with CSRF."""

from __future__ import annotations

import re
import warnings
from typing import Any

# Starlette asks for httpx2; the httpx it still supports is what is installed.
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")

import httpx  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from tests.web.seed import PASSWORD  # noqa: E402

CSRF = re.compile(r'name="csrf_token" value="([^"]*)"')


def csrf_in(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no csrf_token field in the page"
    return found.group(1)


def login(
    client: TestClient, username: str = "anna", password: str = PASSWORD, next: str = ""
) -> httpx.Response:
    page = client.get("/login" + (f"?next={next}" if next else ""))
    token = csrf_in(page.text)
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token, "next": next},
        follow_redirects=False,
    )


class Browser:
    """A TestClient with a session: `post` adds the page's CSRF token."""

    def __init__(self, client: TestClient, username: str = "anna") -> None:
        self.client = client
        response = login(client, username)
        assert response.status_code == 303, response.text
        self.csrf = csrf_in(client.get("/review").text)

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.client.get(path, **kw)

    def post(self, path: str, data: dict[str, Any] | None = None, **kw: Any) -> httpx.Response:
        kw.setdefault("follow_redirects", False)
        return self.client.post(path, data={"csrf_token": self.csrf, **(data or {})}, **kw)
