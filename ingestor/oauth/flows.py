"""Getting a source's first tokens: the device flow (RFC 8628) and the authorization-code flow
with PKCE (RFC 7636) on a 127.0.0.1 redirect (loopback) or with the redirected URL pasted back.

`say` shows the admin what to do (the CLI prints it); it never receives a token or a code.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

from ingestor.oauth.client import OAuthClient, OAuthError, TokenResponse

SLOW_DOWN_STEP = 5.0  # RFC 8628 §3.5: add 5 seconds to the interval on every slow_down
LOOPBACK_TIMEOUT_S = 300.0
PASTE_REDIRECT = "http://127.0.0.1/"

Say = Callable[[str], None]


def device_flow(
    client: OAuthClient,
    say: Say,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> TokenResponse:
    device = client.device_start()
    say(f"To sign in, open {device.verification_uri} and enter the code {device.user_code}")
    if device.verification_uri_complete:
        say(f"(or open {device.verification_uri_complete})")
    interval = device.interval
    deadline = clock() + device.expires_in
    while True:
        sleep(interval)
        if clock() >= deadline:
            raise OAuthError("expired_token", "nobody signed in before the code expired")
        try:
            return client.device_poll(device)
        except OAuthError as e:
            if e.error == "authorization_pending":
                continue
            if e.error == "slow_down":
                interval += SLOW_DOWN_STEP
                continue
            raise


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorize_url(client: OAuthClient, redirect_uri: str, state: str, challenge: str) -> str:
    if client.oauth.authorize_url is None:
        raise OAuthError(None, "no authorization endpoint configured (oauth_authorize_url)")
    params = {
        "response_type": "code",
        "client_id": client.oauth.client_id,
        "redirect_uri": redirect_uri,
        "scope": " ".join(client.oauth.scopes),
        "state": state,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "access_type": "offline",  # Google: return a refresh token
        "prompt": "consent",
    }
    sep = "&" if "?" in client.oauth.authorize_url else "?"
    return f"{client.oauth.authorize_url}{sep}{urlencode(params)}"


def _code_from(query: dict[str, str], state: str) -> str:
    if query.get("state") != state:
        raise OAuthError(None, "the redirect's state does not match this sign-in; start again")
    if "error" in query:
        raise OAuthError(query["error"], query.get("error_description", "sign-in refused"))
    code = query.get("code")
    if not code:
        raise OAuthError(None, "the redirect carries no authorization code")
    return code


def loopback_flow(
    client: OAuthClient, say: Say, timeout: float = LOOPBACK_TIMEOUT_S
) -> TokenResponse:
    """Authorization code + PKCE, redirected to a one-shot server on 127.0.0.1."""
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(16)
    received: dict[str, str] = {}
    done = threading.Event()

    class Redirect(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            query = dict(parse_qsl(urlsplit(self.path).query))
            if "state" not in query:
                self.send_error(404)
                return
            received.update(query)
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.end_headers()
            self.wfile.write(b"ingestor: sign-in received; you can close this window.\n")
            done.set()

        def log_message(self, format: str, *args: object) -> None:
            pass  # the query holds the code: keep it out of stderr

    server = HTTPServer(("127.0.0.1", 0), Redirect)
    redirect_uri = f"http://127.0.0.1:{server.server_address[1]}/"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.daemon = True
    thread.start()
    try:
        say("Open this URL in a browser on this machine and sign in:")
        say(authorize_url(client, redirect_uri, state, challenge))
        if not done.wait(timeout):
            raise OAuthError(None, f"no sign-in arrived at {redirect_uri} within {timeout:g} s")
    finally:
        server.shutdown()
        server.server_close()
    return client.exchange_code(_code_from(received, state), redirect_uri, verifier)


def paste_flow(client: OAuthClient, say: Say, read_line: Callable[[], str]) -> TokenResponse:
    """Authorization code + PKCE for a headless server: the admin pastes the redirected URL."""
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(16)
    say("Open this URL in any browser and sign in:")
    say(authorize_url(client, PASTE_REDIRECT, state, challenge))
    say(
        f"The browser then fails to open {PASTE_REDIRECT}…; paste that whole URL from its "
        "address bar here:"
    )
    pasted = read_line().strip()
    query = dict(parse_qsl(urlsplit(pasted).query))
    return client.exchange_code(_code_from(query, state), PASTE_REDIRECT, verifier)
