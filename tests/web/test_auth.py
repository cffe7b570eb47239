"""Sign-in, sessions, CSRF, rate limiting and security headers, over HTTP."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker
from starlette.applications import Starlette

from ingestor.store.accounts import MAX_FAILURES_PER_USER_IP
from ingestor.store.web_schema import LoginAttempt, WebSession
from ingestor.web.security import LOGIN_CSRF_COOKIE, SESSION_COOKIE
from tests.web.helpers import Browser, TestClient, csrf_in, login
from tests.web.seed import NOW, PASSWORD


def test_login_form_has_the_fields_and_a_csrf_token(client: TestClient) -> None:
    page = client.get("/login")
    assert page.status_code == 200
    for field in ('name="username"', 'name="password"', 'name="csrf_token"'):
        assert field in page.text
    assert csrf_in(page.text) == client.cookies.get(LOGIN_CSRF_COOKIE)


def test_sign_in_sets_an_httponly_samesite_cookie(client: TestClient) -> None:
    response = login(client)
    assert response.status_code == 303
    assert response.headers["location"] == "/review"
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE)
    )
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain http on loopback
    assert client.get("/review").status_code == 200


def test_cookie_is_secure_over_https(app: Starlette) -> None:
    client = TestClient(app, base_url="https://testserver")
    response = login(client)
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE)
    )
    assert "Secure" in cookie


def test_wrong_password_and_unknown_user_are_refused_alike(client: TestClient) -> None:
    wrong = login(client, "anna", "not the password")
    unknown = login(client, "nobody", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong username or password" in wrong.text
    assert SESSION_COOKIE not in client.cookies
    assert client.get("/review", follow_redirects=False).status_code == 303


def test_login_without_csrf_token_is_refused(client: TestClient) -> None:
    client.get("/login")
    response = client.post("/login", data={"username": "anna", "password": PASSWORD})
    assert response.status_code == 403
    assert SESSION_COOKIE not in client.cookies


def test_login_with_a_forged_csrf_token_is_refused(client: TestClient) -> None:
    client.get("/login")
    response = client.post(
        "/login", data={"username": "anna", "password": PASSWORD, "csrf_token": "forged"}
    )
    assert response.status_code == 403


def test_pages_send_strangers_to_login_and_back(client: TestClient) -> None:
    response = client.get("/contacts?q=x", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fcontacts%3Fq%3Dx"
    after = login(client, next="/contacts?q=x")
    assert after.headers["location"] == "/contacts?q=x"


def test_login_never_redirects_off_site(client: TestClient) -> None:
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        client.cookies.clear()
        response = login(client, next=target)
        assert response.headers["location"] == "/review"


def test_rate_limit_per_username_and_address(app: Starlette) -> None:
    client = TestClient(app, client=("10.0.0.1", 5000))
    for _ in range(MAX_FAILURES_PER_USER_IP):
        assert login(client, "anna", "guess").status_code == 401
    blocked = login(client, "anna", PASSWORD)  # even the right password waits now
    assert blocked.status_code == 429
    assert "Too many failed attempts" in blocked.text
    # Another user from the same address, and the same user elsewhere, still get in.
    assert login(TestClient(app, client=("10.0.0.1", 5001)), "admin").status_code == 303
    assert login(TestClient(app, client=("10.0.0.2", 5000)), "anna").status_code == 303


def test_rate_limit_window_passes(app: Starlette, sessions: sessionmaker[Session]) -> None:
    client = TestClient(app, client=("10.0.0.3", 5000))
    for _ in range(MAX_FAILURES_PER_USER_IP):
        login(client, "anna", "guess")
    assert login(client, "anna", PASSWORD).status_code == 429
    with sessions.begin() as s:
        s.execute(update(LoginAttempt).values(at=NOW - timedelta(days=400)))
    assert login(client, "anna", PASSWORD).status_code == 303


def test_logout_needs_csrf_and_ends_the_session(anna: Browser) -> None:
    token = anna.client.cookies.get(SESSION_COOKIE)
    refused = anna.client.post("/logout", data={}, follow_redirects=False)
    assert refused.status_code == 403
    assert anna.get("/review").status_code == 200
    done = anna.post("/logout")
    assert done.status_code == 303
    anna.client.cookies.set(SESSION_COOKIE, token or "")
    assert anna.get("/review", follow_redirects=False).status_code == 303


def test_every_state_changing_form_checks_csrf(anna: Browser, seeded: object) -> None:
    posts = [
        ("/review/decide", {"action": "accept:1"}),
        ("/contacts/1/edit", {"title": "Boss"}),
        ("/contacts/1/merge", {"other": "2", "confirm": "1"}),
        ("/logout", {}),
    ]
    for path, data in posts:
        missing = anna.client.post(path, data=data, follow_redirects=False)
        wrong = anna.client.post(
            path, data={**data, "csrf_token": "x" * 43}, follow_redirects=False
        )
        assert missing.status_code == wrong.status_code == 403, path
    assert anna.get("/contacts/1").status_code == 200  # still signed in, nothing changed


def test_csrf_token_of_another_session_is_refused(app: Starlette) -> None:
    first = Browser(TestClient(app), "anna")
    second = Browser(TestClient(app), "anna")
    assert first.csrf != second.csrf
    response = second.client.post(
        "/contacts/1/edit", data={"csrf_token": first.csrf, "title": "x"}, follow_redirects=False
    )
    assert response.status_code == 403


def test_expired_session_is_refused(anna: Browser, sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as s:
        s.execute(update(WebSession).values(expires_at=NOW - timedelta(days=1)))
    assert anna.get("/review", follow_redirects=False).status_code == 303


def test_sessions_are_stored_hashed(anna: Browser, sessions: sessionmaker[Session]) -> None:
    token = anna.client.cookies.get(SESSION_COOKIE)
    with sessions() as s:
        ids = list(s.scalars(select(WebSession.id)))
    assert token and token not in ids and len(ids) == 1


def test_sources_page_is_for_admins(anna: Browser, admin: Browser) -> None:
    assert anna.get("/sources").status_code == 403
    assert "/sources" not in anna.get("/review").text
    assert admin.get("/sources").status_code == 200


def test_security_headers(client: TestClient) -> None:
    for path in ("/login", "/static/style.css", "/nope"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp
        assert "unsafe-inline" not in csp and "http" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["x-content-type-options"] == "nosniff"
    assert client.get("/login").headers["cache-control"] == "no-store"


def test_production_hashing_is_argon2id_with_strong_parameters() -> None:
    from ingestor.store import accounts as auth

    hashed = auth.DEFAULT_HASHER.hash("a long password")
    assert hashed.startswith("$argon2id$") and "m=65536,t=3" in hashed
