"""The test identity provider, alone and behind Dovecot's ``passdb { driver = oauth2 }``.

Everything here speaks to the servers directly (urllib for OAuth, imapclient for IMAP), so the
harnesses are proven before any ingestor OAuth code relies on them.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from imapclient import IMAPClient
from imapclient.exceptions import LoginError

from tests.servers.dovecot import DovecotServer, OAuth2Passdb
from tests.servers.idp import DEVICE_GRANT, IdentityProvider, get_redirect

pytestmark = pytest.mark.integration

CLIENT = "ingestor-test"
USER = "recruiter"
MESSAGE = (
    b"From: Candidate <candidate@example.com>\r\nTo: recruiter@example.com\r\n"
    b"Subject: CV\r\nMessage-ID: <cv@example.com>\r\n\r\nHello.\r\n"
)
Mechanism = Literal["XOAUTH2", "OAUTHBEARER"]


@pytest.fixture
def idp() -> Iterator[IdentityProvider]:
    with IdentityProvider(
        access_token_lifetime=2, device_interval=1, slow_down_increment=1
    ) as provider:
        yield provider


@pytest.fixture
def dovecot(tmp_path: Path, idp: IdentityProvider) -> Iterator[DovecotServer]:
    oauth2 = OAuth2Passdb(idp.introspection_url)
    with DovecotServer(tmp_path / "dovecot", oauth2=oauth2) as server:
        server.deliver(USER, "INBOX", MESSAGE)
        yield server


def post(
    url: str, form: dict[str, str], basic: tuple[str, str] | None = None
) -> tuple[int, dict[str, Any]]:
    """POST a form; return the status and the JSON answer (error answers too)."""
    request = urllib.request.Request(url, data=urlencode(form).encode(), method="POST")
    if basic is not None:
        credentials = base64.b64encode(":".join(basic).encode()).decode()
        request.add_header("Authorization", f"Basic {credentials}")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


def refresh(idp: IdentityProvider, token: str, client_id: str = CLIENT) -> tuple[int, dict]:
    form = {"grant_type": "refresh_token", "refresh_token": token, "client_id": client_id}
    return post(idp.token_url, form)


def poll(idp: IdentityProvider, device_code: str) -> tuple[int, dict[str, Any]]:
    form = {"grant_type": DEVICE_GRANT, "device_code": device_code, "client_id": CLIENT}
    return post(idp.token_url, form)


def login(server: DovecotServer, user: str, token: str, mechanism: Mechanism) -> IMAPClient:
    client = IMAPClient(server.host, port=server.port, ssl=False, timeout=5)
    try:
        if mechanism == "XOAUTH2":
            client.oauth2_login(user, token)
        else:
            client.oauthbearer_login(user, token)
    except BaseException:
        client.shutdown()
        raise
    return client


def inbox_count(client: IMAPClient) -> int:
    assert "INBOX" in {name for _flags, _delim, name in client.list_folders()}
    return int(client.select_folder("INBOX", readonly=True)[b"EXISTS"])


def assert_refused(
    server: DovecotServer, user: str, token: str, mechanism: Mechanism = "XOAUTH2"
) -> None:
    with pytest.raises(LoginError, match="AUTHENTICATIONFAILED"):
        login(server, user, token, mechanism).logout()


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


# ---------------------------------------------------------------------------- through Dovecot


def test_refresh_grant_token_logs_in_with_xoauth2_and_oauthbearer(
    idp: IdentityProvider, dovecot: DovecotServer
) -> None:
    refresh_token = idp.provision(USER)
    status, body = refresh(idp, refresh_token)
    assert status == 200, body
    assert body["token_type"] == "Bearer" and body["expires_in"] == 2
    assert body["refresh_token"] != refresh_token  # rotated, like Microsoft
    token = body["access_token"]

    for mechanism in ("XOAUTH2", "OAUTHBEARER"):
        with login(dovecot, USER, token, mechanism) as client:
            assert inbox_count(client) == 1
    assert dovecot.login_methods(USER, min_logins=2) == ["XOAUTH2", "OAUTHBEARER"]

    [token_request] = idp.token_requests("refresh_token")
    assert token_request.client_id == CLIENT
    introspections = idp.requests_to("/introspect")
    assert [r.form["token"] for r in introspections] == [token, token]
    assert all(r.method == "POST" and r.response["active"] is True for r in introspections)
    assert introspections[0].response["username"] == USER
    assert {refresh_token, token, body["refresh_token"]} <= idp.issued_tokens()


@pytest.mark.parametrize("mode", ["auth", "get"])
def test_other_introspection_modes(
    tmp_path: Path, idp: IdentityProvider, mode: Literal["auth", "get"]
) -> None:
    url = idp.introspection_url + ("?token=" if mode == "get" else "")
    passdb = OAuth2Passdb(url, introspection_mode=mode)
    with DovecotServer(tmp_path / "dovecot", oauth2=passdb) as server:
        token = idp.issue_access_token(USER)
        with login(server, USER, token, "XOAUTH2") as client:
            assert inbox_count(client) == 0
        assert_refused(server, USER, "at-not-issued")
    seen = idp.requests_to("/introspect")[0]
    assert seen.method == "GET"
    if mode == "auth":
        assert seen.headers["authorization"] == f"Bearer {token}"
    else:
        assert seen.query["token"] == token


def test_expired_and_revoked_tokens_are_refused(
    idp: IdentityProvider, dovecot: DovecotServer
) -> None:
    short = idp.issue_access_token(USER, lifetime=0.5)
    with login(dovecot, USER, short, "XOAUTH2") as client:
        assert inbox_count(client) == 1
    time.sleep(0.6)
    assert_refused(dovecot, USER, short)  # expired for real

    status, body = refresh(idp, idp.provision(USER))
    assert status == 200
    idp.advance(3)  # past its 2 s lifetime without waiting
    assert_refused(dovecot, USER, body["access_token"], "OAUTHBEARER")

    status, body = refresh(idp, body["refresh_token"])  # refresh on expiry
    assert status == 200
    with login(dovecot, USER, body["access_token"], "OAUTHBEARER") as client:
        assert inbox_count(client) == 1

    assert idp.revoke(USER) == 1
    assert_refused(dovecot, USER, body["access_token"])
    status, error = refresh(idp, body["refresh_token"])
    assert (status, error["error"]) == (400, "invalid_grant")
    assert idp.refresh_token_of(USER) is None


def test_token_of_another_user_and_token_as_password_are_refused(
    idp: IdentityProvider, dovecot: DovecotServer
) -> None:
    assert_refused(dovecot, USER, idp.issue_access_token("someone-else"))
    with dovecot.connect(USER) as client:  # passwords still work for PLAIN/LOGIN
        assert inbox_count(client) == 1
    client = IMAPClient(dovecot.host, port=dovecot.port, ssl=False, timeout=5)
    try:
        with pytest.raises(LoginError):
            client.login(USER, idp.issue_access_token(USER))
    finally:
        client.shutdown()
    assert dovecot.login_methods(USER, min_logins=1) == ["PLAIN"]  # Dovecot's name for LOGIN


def test_oauth2_only_passdb_takes_a_token_as_plain_password(
    tmp_path: Path, idp: IdentityProvider
) -> None:
    passdb = OAuth2Passdb(idp.introspection_url, passwords=False)
    with DovecotServer(tmp_path / "dovecot", oauth2=passdb) as server:
        with server.connect_oauth2(USER, idp.issue_access_token(USER)) as client:
            assert inbox_count(client) == 0
        client = IMAPClient(server.host, port=server.port, ssl=False, timeout=5)
        with client:
            client.login(USER, idp.issue_access_token(USER))
        assert server.login_methods(USER, min_logins=2) == ["XOAUTH2", "PLAIN"]


def test_device_flow_with_approval(idp: IdentityProvider, dovecot: DovecotServer) -> None:
    status, device = post(
        idp.device_authorization_url, {"client_id": CLIENT, "scope": "imap offline_access"}
    )
    assert status == 200
    assert device["verification_uri"] == idp.verification_uri
    assert (device["interval"], device["expires_in"]) == (1, 900)
    assert device["user_code"] in device["verification_uri_complete"]

    assert poll(idp, device["device_code"])[1]["error"] == "authorization_pending"
    assert poll(idp, device["device_code"])[1]["error"] == "slow_down"  # too soon
    idp.approve(device["user_code"], USER)
    assert poll(idp, device["device_code"])[1]["error"] == "slow_down"  # interval now 3 s
    idp.advance(3)
    status, tokens = poll(idp, device["device_code"])
    assert status == 200, tokens
    assert tokens["scope"] == "imap offline_access" and tokens["refresh_token"]
    assert poll(idp, device["device_code"])[1]["error"] == "invalid_grant"  # spent

    with login(dovecot, USER, tokens["access_token"], "XOAUTH2") as client:
        assert inbox_count(client) == 1
    assert refresh(idp, tokens["refresh_token"])[0] == 200

    _, denied = post(idp.device_authorization_url, {"client_id": CLIENT})
    idp.deny(denied["user_code"])
    assert poll(idp, denied["device_code"])[1]["error"] == "access_denied"
    _, late = post(idp.device_authorization_url, {"client_id": CLIENT})
    idp.advance(901)
    assert poll(idp, late["device_code"])[1]["error"] == "expired_token"


def test_authorization_code_with_pkce(idp: IdentityProvider, dovecot: DovecotServer) -> None:
    redirect_uri = "http://127.0.0.1:8765/callback"
    verifier, challenge = pkce_pair()

    def authorize(challenge: str | None = challenge) -> dict[str, str]:
        params = {
            "response_type": "code",
            "client_id": CLIENT,
            "redirect_uri": redirect_uri,
            "scope": "imap offline_access",
            "state": "xyz",
        }
        if challenge is not None:
            params |= {"code_challenge": challenge, "code_challenge_method": "S256"}
        location = get_redirect(f"{idp.authorize_url}?{urlencode(params)}")
        assert location.startswith(redirect_uri + "?")
        return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}

    def redeem(code: str, verifier: str, uri: str = redirect_uri) -> tuple[int, dict]:
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": uri,
            "client_id": CLIENT,
            "code_verifier": verifier,
        }
        return post(idp.token_url, form)

    reply = authorize()
    assert reply["state"] == "xyz"
    assert redeem(reply["code"], "a-wrong-verifier-" + "x" * 40)[1]["error"] == "invalid_grant"
    assert redeem(reply["code"], verifier)[1]["error"] == "invalid_grant"  # a code is used once
    assert redeem(authorize()["code"], verifier, "http://127.0.0.1:1/")[0] == 400

    status, tokens = redeem(authorize()["code"], verifier)
    assert status == 200, tokens
    with login(dovecot, USER, tokens["access_token"], "OAUTHBEARER") as client:
        assert inbox_count(client) == 1
    assert refresh(idp, tokens["refresh_token"])[0] == 200

    assert authorize(challenge=None)["error"] == "invalid_request"  # PKCE is mandatory
    idp.authorize_user = None
    assert authorize() == {"error": "access_denied", "state": "xyz"}


# ---------------------------------------------------------------------------- provider alone


def test_refresh_token_rotation(idp: IdentityProvider) -> None:
    first = idp.provision(USER)
    status, body = refresh(idp, first)
    assert status == 200
    second = body["refresh_token"]
    assert idp.refresh_token_of(USER) == second

    status, error = refresh(idp, first)  # rotated out
    assert (status, error["error"]) == (400, "invalid_grant")
    assert [r.form["refresh_token"] for r in idp.reused_refresh_tokens()] == [first]
    assert refresh(idp, second)[0] == 200

    idp.rotate_refresh_tokens = False  # Google: the refresh token stays, none is returned
    stable = idp.provision("anna@agency.example")
    for _ in range(2):
        status, body = refresh(idp, stable)
        assert status == 200 and "refresh_token" not in body
    assert idp.refresh_token_of("anna@agency.example") == stable
    assert idp.introspect(body["access_token"])["email"] == "anna@agency.example"


def test_client_authentication(idp: IdentityProvider) -> None:
    idp.clients["confidential"] = "s3cret"
    token = idp.provision(USER)
    form = {"grant_type": "refresh_token", "refresh_token": token}
    assert post(idp.token_url, form) == (
        401,
        {"error": "invalid_client", "error_description": "no client_id"},
    )
    assert refresh(idp, token, "unknown")[1]["error"] == "invalid_client"
    assert refresh(idp, token, "confidential")[0] == 401  # secret missing
    status, error = post(idp.token_url, form, basic=("confidential", "s3cret"))
    assert (status, error["error"]) == (400, "invalid_grant")  # issued to another client
    own = idp.provision(USER, client_id="confidential")
    form = {"grant_type": "refresh_token", "refresh_token": own}
    assert post(idp.token_url, form, basic=("confidential", "s3cret"))[0] == 200
    assert refresh(idp, "rt-unknown")[1]["error"] == "invalid_grant"
    grant = {"grant_type": "password", "client_id": CLIENT}
    assert post(idp.token_url, grant)[1]["error"] == "unsupported_grant_type"
    assert idp.token_requests()[0].error == "invalid_client"

    with urllib.request.urlopen(f"{idp.url}/.well-known/openid-configuration", timeout=5) as r:
        assert json.loads(r.read())["token_endpoint"] == idp.token_url
