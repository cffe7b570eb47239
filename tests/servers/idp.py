"""A small OAuth2 identity provider for tests: the stand-in for Entra ID / Google / Keycloak.

:class:`IdentityProvider` serves plain HTTP on a free ``127.0.0.1`` port from a thread
(stdlib ``http.server``), keeps all state in memory and records every request it answers.
Dovecot's ``passdb { driver = oauth2 }`` checks tokens against its introspection endpoint, so
the same provider drives both the OAuth client under test and the IMAP server.

Endpoints (all URLs are attributes of the running provider)::

    POST /token              token_url: grant_type = refresh_token | authorization_code (PKCE)
                             | urn:ietf:params:oauth:grant-type:device_code
    POST /device/code        device_authorization_url (RFC 8628)
    GET  /device             verification_uri (a page that only says "enter the code")
    GET  /authorize          authorize_url: auto-approves as ``authorize_user`` and redirects
                             (302) to ``redirect_uri?code=…&state=…``
    POST|GET /introspect     introspection_url (RFC 7662): the token comes as the form field
                             ``token`` (Dovecot ``introspection_mode = post``), an
                             ``Authorization: Bearer`` header (``auth``) or ``?token=`` (``get``)
    GET  /.well-known/openid-configuration   the URLs above (RFC 8414 names)

Behaviour, as strict as the real providers or stricter:

- Clients are ``clients = {client_id: secret or None}``; a secret makes the client
  confidential (``client_secret`` in the form or HTTP Basic, else 401 ``invalid_client``).
  Every token-endpoint and device request must name its client; an unknown one is
  ``invalid_client``. Refresh tokens, device codes and authorization codes are bound to the
  client they were issued to (another client: ``invalid_grant``).
- Access tokens live ``access_token_lifetime`` seconds (``expires_in`` in the response;
  ``exp`` in introspection), after which introspection says ``{"active": false}``.
- ``rotate_refresh_tokens=True`` (Microsoft): every refresh returns a new refresh token and the
  old one is dead at once; presenting it again is ``invalid_grant`` and is listed in
  :meth:`IdentityProvider.reused_refresh_tokens`. ``False`` (Google): the refresh response
  carries no ``refresh_token`` and the old one stays valid.
- Authorization codes need PKCE S256 (``code_challenge`` at /authorize, ``code_verifier`` at
  /token), are single-use, live 60 s and must be redeemed with the same ``redirect_uri``.
- Device polling: ``slow_down`` whenever a poll comes sooner than the code's current interval
  after the previous one (the interval then grows by ``slow_down_increment``; this is checked
  before approval, so a client that ignores it never gets tokens), else
  ``authorization_pending`` until :meth:`~IdentityProvider.approve`, ``access_denied`` after
  :meth:`~IdentityProvider.deny`, ``expired_token`` after ``device_expires_in``, then tokens
  once; the device code is then spent.
- Errors are RFC 6749 JSON: ``{"error": "invalid_grant", "error_description": "…"}``.
- Tokens are opaque random strings prefixed ``at-`` (access), ``rt-`` (refresh), ``ac-``
  (authorization code) and ``dc-`` (device code). The default client is ``ingestor-test``
  (public), the default scope ``imap offline_access``.

Test-side API (thread-safe)::

    with IdentityProvider(access_token_lifetime=2) as idp:
        refresh = idp.provision("recruiter")            # a grant made "elsewhere"
        access = idp.issue_access_token("recruiter")    # skip the token endpoint entirely
        idp.approve(user_code, "recruiter"); idp.deny(user_code)
        idp.authorize_user = "anna"                     # who /authorize signs in (None: denies)
        idp.revoke("recruiter")                         # grants and access tokens: dead
        idp.expire_access_tokens("recruiter")           # as if their lifetime had passed
        idp.advance(3600)                               # move the provider's clock forward
        idp.refresh_token_of("recruiter")               # the live refresh token, if any
        idp.requests / idp.token_requests("refresh_token") / idp.reused_refresh_tokens()
        idp.issued_tokens()                             # every secret issued, for leak checks

Time is the provider's own clock (``time.time()`` plus whatever :meth:`advance` added); a
client under test that sleeps for real moves it too.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import http.client
import json
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

__all__ = [
    "DEVICE_GRANT",
    "IdentityProvider",
    "RecordedRequest",
    "get_redirect",
]

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
DEFAULT_CLIENT = "ingestor-test"
DEFAULT_SCOPE = "imap offline_access"
CODE_LIFETIME = 60.0
ROTATED_OUT = "refresh token was already rotated out"


@dataclass(frozen=True)
class RecordedRequest:
    """One request the provider answered, as the client sent it."""

    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    headers: dict[str, str]  # names lower-cased
    client_id: str | None  # from the form or HTTP Basic
    status: int
    response: dict[str, Any]  # the JSON answer; {"location": …} for a redirect
    at: float  # the provider's clock

    @property
    def grant_type(self) -> str | None:
        return self.form.get("grant_type")

    @property
    def error(self) -> str | None:
        error = self.response.get("error")
        return str(error) if error is not None else None


@dataclass
class _Grant:
    """One sign-in of a user to a client; its refresh token may rotate."""

    user: str
    client_id: str
    scope: str
    refresh_token: str
    rotated_out: list[str] = field(default_factory=list)
    revoked: bool = False


@dataclass
class _AccessToken:
    user: str
    client_id: str
    scope: str
    issued_at: float
    expires_at: float
    grant: _Grant | None
    revoked: bool = False


@dataclass
class _DeviceCode:
    client_id: str
    scope: str
    user_code: str
    expires_at: float
    interval: int
    last_poll: float | None = None
    user: str | None = None  # set by approve()
    denied: bool = False
    spent: bool = False


@dataclass
class _AuthCode:
    client_id: str
    redirect_uri: str
    scope: str
    user: str
    challenge: str
    expires_at: float
    spent: bool = False


class _OAuthError(Exception):
    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status = status


def _pkce_s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _with_query(url: str, params: Mapping[str, str]) -> str:
    parts = urlsplit(url)
    query = "&".join(q for q in (parts.query, urlencode(params)) if q)
    return urlunsplit(parts._replace(query=query))


def get_redirect(url: str, timeout: float = 5.0) -> str:
    """GET ``url`` without following a redirect and return its ``Location`` (a browser stand-in).

    For the paste flow: open the provider's authorize URL and get the URL the admin would copy
    from the address bar.
    """
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.netloc, timeout=timeout)
    try:
        conn.request("GET", urlunsplit(("", "", parts.path, parts.query, "")))
        response = conn.getresponse()
        response.read()
        location = response.getheader("Location")
        if response.status not in (301, 302, 303, 307) or location is None:
            raise RuntimeError(f"GET {url} answered {response.status}, not a redirect")
        return location
    finally:
        conn.close()


class IdentityProvider:
    """An in-memory OAuth2 provider on ``http://127.0.0.1:<port>``; see the module docstring."""

    def __init__(
        self,
        *,
        clients: Mapping[str, str | None] | None = None,
        access_token_lifetime: float = 3600.0,
        rotate_refresh_tokens: bool = True,
        authorize_user: str | None = "recruiter",
        device_interval: int = 5,
        device_expires_in: int = 900,
        slow_down_increment: int = 5,
        default_scope: str = DEFAULT_SCOPE,
        email_domain: str = "example.test",
    ) -> None:
        self.clients: dict[str, str | None] = (
            dict(clients) if clients is not None else {DEFAULT_CLIENT: None}
        )
        self.access_token_lifetime = access_token_lifetime
        self.rotate_refresh_tokens = rotate_refresh_tokens
        self.authorize_user = authorize_user
        self.device_interval = device_interval
        self.device_expires_in = device_expires_in
        self.slow_down_increment = slow_down_increment
        self.default_scope = default_scope
        self.email_domain = email_domain
        self.host = "127.0.0.1"
        self.port = 0
        self._lock = threading.RLock()
        self._offset = 0.0
        self._grants: list[_Grant] = []
        self._access: dict[str, _AccessToken] = {}
        self._devices: dict[str, _DeviceCode] = {}
        self._codes: dict[str, _AuthCode] = {}
        self._requests: list[RecordedRequest] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        """Bind a free port (or the previous one on a restart) and serve from a thread."""
        if self._server is not None:
            return
        handler = type("Handler", (_Handler,), {"idp": self})
        self._server = ThreadingHTTPServer((self.host, self.port), handler)
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"idp-{self.port}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving; state (grants, recorded requests) is kept for assertions."""
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def token_url(self) -> str:
        return f"{self.url}/token"

    @property
    def device_authorization_url(self) -> str:
        return f"{self.url}/device/code"

    @property
    def verification_uri(self) -> str:
        return f"{self.url}/device"

    @property
    def authorize_url(self) -> str:
        return f"{self.url}/authorize"

    @property
    def introspection_url(self) -> str:
        return f"{self.url}/introspect"

    # ------------------------------------------------------------------ clock

    def now(self) -> float:
        """The provider's clock: wall time plus everything :meth:`advance` added."""
        return time.time() + self._offset

    def advance(self, seconds: float) -> None:
        """Move the provider's clock forward (access tokens, codes and polls age with it)."""
        with self._lock:
            self._offset += seconds

    # ------------------------------------------------------------------ test controls

    def provision(
        self, user: str, client_id: str = DEFAULT_CLIENT, scope: str | None = None
    ) -> str:
        """Create a grant for ``user`` as if they had signed in elsewhere; return its refresh
        token (what ``ingestor auth import`` would be given)."""
        with self._lock:
            return self._new_grant(user, client_id, scope or self.default_scope).refresh_token

    def issue_access_token(
        self,
        user: str,
        client_id: str = DEFAULT_CLIENT,
        scope: str | None = None,
        lifetime: float | None = None,
    ) -> str:
        """An access token for ``user`` without going through the token endpoint."""
        with self._lock:
            return self._new_access(user, client_id, scope or self.default_scope, None, lifetime)

    def approve(self, user_code: str, user: str) -> None:
        """The user signs in at the verification page and enters ``user_code``."""
        with self._lock:
            self._device_by_user_code(user_code).user = user

    def deny(self, user_code: str) -> None:
        """The user declines the device sign-in: polling then gives ``access_denied``."""
        with self._lock:
            self._device_by_user_code(user_code).denied = True

    def revoke(self, user: str) -> int:
        """Revoke every grant and access token of ``user``; return how many grants died.

        Refreshing any of their refresh tokens then gives ``invalid_grant``; introspection of
        their access tokens says ``{"active": false}``.
        """
        with self._lock:
            grants = [g for g in self._grants if g.user == user and not g.revoked]
            for grant in grants:
                grant.revoked = True
            for token in self._access.values():
                if token.user == user:
                    token.revoked = True
            return len(grants)

    def expire_access_tokens(self, user: str | None = None) -> None:
        """End the lifetime of the access tokens of ``user`` (of everyone if None) now."""
        with self._lock:
            now = self.now()
            for token in self._access.values():
                if user is None or token.user == user:
                    token.expires_at = min(token.expires_at, now)

    def refresh_token_of(self, user: str, client_id: str = DEFAULT_CLIENT) -> str | None:
        """The newest live refresh token of ``user`` for ``client_id``, or None."""
        with self._lock:
            live = [
                g
                for g in self._grants
                if g.user == user and g.client_id == client_id and not g.revoked
            ]
            return live[-1].refresh_token if live else None

    def access_token_active(self, token: str) -> bool:
        """What introspection would say about ``token`` right now."""
        with self._lock:
            return self._active(token) is not None

    def issued_tokens(self) -> set[str]:
        """Every secret ever issued (access, refresh, device and authorization codes)."""
        with self._lock:
            tokens = set(self._access) | set(self._devices) | set(self._codes)
            for grant in self._grants:
                tokens.add(grant.refresh_token)
                tokens.update(grant.rotated_out)
            return tokens

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request answered so far, oldest first (a copy)."""
        with self._lock:
            return list(self._requests)

    def requests_to(self, path: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == path]

    def token_requests(self, grant_type: str | None = None) -> list[RecordedRequest]:
        """Requests to /token, optionally only those of one ``grant_type``."""
        return [
            r
            for r in self.requests_to("/token")
            if grant_type is None or r.grant_type == grant_type
        ]

    def reused_refresh_tokens(self) -> list[RecordedRequest]:
        """Refresh requests that presented a refresh token already rotated out at the time."""
        return [
            r
            for r in self.token_requests("refresh_token")
            if r.response.get("error_description") == ROTATED_OUT
        ]

    # ------------------------------------------------------------------ state (lock held)

    def _new_grant(self, user: str, client_id: str, scope: str) -> _Grant:
        if client_id not in self.clients:
            raise KeyError(f"unknown client {client_id!r}")
        grant = _Grant(user, client_id, scope, "rt-" + secrets.token_urlsafe(24))
        self._grants.append(grant)
        return grant

    def _new_access(
        self,
        user: str,
        client_id: str,
        scope: str,
        grant: _Grant | None,
        lifetime: float | None = None,
    ) -> str:
        token = "at-" + secrets.token_urlsafe(24)
        now = self.now()
        life = self.access_token_lifetime if lifetime is None else lifetime
        self._access[token] = _AccessToken(user, client_id, scope, now, now + life, grant)
        return token

    def _token_response(self, grant: _Grant, include_refresh: bool = True) -> dict[str, Any]:
        access = self._new_access(grant.user, grant.client_id, grant.scope, grant)
        body: dict[str, Any] = {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": max(1, round(self.access_token_lifetime)),
            "scope": grant.scope,
        }
        if include_refresh:
            body["refresh_token"] = grant.refresh_token
        return body

    def _device_by_user_code(self, user_code: str) -> _DeviceCode:
        wanted = user_code.strip().upper()
        for device in self._devices.values():
            if device.user_code == wanted:
                return device
        raise KeyError(f"no device authorization with user code {user_code!r}")

    def _active(self, token: str) -> _AccessToken | None:
        entry = self._access.get(token)
        if entry is None or entry.revoked or entry.expires_at <= self.now():
            return None
        if entry.grant is not None and entry.grant.revoked:
            return None
        return entry

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    # ------------------------------------------------------------------ endpoints

    def _authenticate_client(self, form: dict[str, str], basic: tuple[str, str] | None) -> str:
        client_id, secret = basic if basic else (form.get("client_id"), form.get("client_secret"))
        if not client_id:
            raise _OAuthError("invalid_client", "no client_id", 401)
        if client_id not in self.clients:
            raise _OAuthError("invalid_client", f"unknown client {client_id!r}", 401)
        expected = self.clients[client_id]
        if expected is not None and secret != expected:
            raise _OAuthError("invalid_client", "client authentication failed", 401)
        return client_id

    def token_endpoint(self, form: dict[str, str], client_id: str) -> dict[str, Any]:
        grant_type = form.get("grant_type")
        with self._lock:
            if grant_type == "refresh_token":
                return self._refresh(form, client_id)
            if grant_type == "authorization_code":
                return self._redeem_code(form, client_id)
            if grant_type == DEVICE_GRANT:
                return self._poll_device(form, client_id)
        raise _OAuthError("unsupported_grant_type", f"grant_type {grant_type!r}")

    def _refresh(self, form: dict[str, str], client_id: str) -> dict[str, Any]:
        token = form.get("refresh_token")
        if not token:
            raise _OAuthError("invalid_request", "refresh_token missing")
        for grant in self._grants:
            if token == grant.refresh_token:
                break
            if token in grant.rotated_out:
                raise _OAuthError("invalid_grant", ROTATED_OUT)
        else:
            raise _OAuthError("invalid_grant", "unknown refresh token")
        if grant.revoked:
            raise _OAuthError("invalid_grant", "the grant was revoked")
        if grant.client_id != client_id:
            raise _OAuthError("invalid_grant", "refresh token was issued to another client")
        if not self.rotate_refresh_tokens:
            return self._token_response(grant, include_refresh=False)
        grant.rotated_out.append(grant.refresh_token)
        grant.refresh_token = "rt-" + secrets.token_urlsafe(24)
        return self._token_response(grant)

    def _redeem_code(self, form: dict[str, str], client_id: str) -> dict[str, Any]:
        code = self._codes.get(form.get("code", ""))
        if code is None:
            raise _OAuthError("invalid_grant", "unknown authorization code")
        if code.spent:
            raise _OAuthError("invalid_grant", "authorization code already used")
        code.spent = True
        if code.expires_at <= self.now():
            raise _OAuthError("invalid_grant", "authorization code expired")
        if code.client_id != client_id:
            raise _OAuthError("invalid_grant", "authorization code was issued to another client")
        if form.get("redirect_uri") != code.redirect_uri:
            raise _OAuthError("invalid_grant", "redirect_uri does not match the authorize request")
        verifier = form.get("code_verifier")
        if not verifier:
            raise _OAuthError("invalid_request", "code_verifier missing (PKCE is required)")
        if _pkce_s256(verifier) != code.challenge:
            raise _OAuthError("invalid_grant", "PKCE verification failed")
        return self._token_response(self._new_grant(code.user, client_id, code.scope))

    def _poll_device(self, form: dict[str, str], client_id: str) -> dict[str, Any]:
        device = self._devices.get(form.get("device_code", ""))
        if device is None or device.spent:
            raise _OAuthError("invalid_grant", "unknown or already used device code")
        if device.client_id != client_id:
            raise _OAuthError("invalid_grant", "device code was issued to another client")
        now = self.now()
        if device.expires_at <= now:
            raise _OAuthError("expired_token", "the device code expired")
        previous, device.last_poll = device.last_poll, now
        if previous is not None and now - previous < device.interval:
            device.interval += self.slow_down_increment
            raise _OAuthError("slow_down", f"poll at most every {device.interval} s")
        if device.denied:
            device.spent = True
            raise _OAuthError("access_denied", "the user declined the sign-in")
        if device.user is None:
            raise _OAuthError("authorization_pending", "the user has not signed in yet")
        device.spent = True
        return self._token_response(self._new_grant(device.user, client_id, device.scope))

    def device_endpoint(self, form: dict[str, str], client_id: str) -> dict[str, Any]:
        with self._lock:
            device_code = "dc-" + secrets.token_urlsafe(24)
            alphabet = "BCDFGHJKLMNPQRSTVWXZ"
            raw = "".join(secrets.choice(alphabet) for _ in range(8))
            user_code = f"{raw[:4]}-{raw[4:]}"
            self._devices[device_code] = _DeviceCode(
                client_id=client_id,
                scope=form.get("scope") or self.default_scope,
                user_code=user_code,
                expires_at=self.now() + self.device_expires_in,
                interval=self.device_interval,
            )
        return {
            "device_code": device_code,
            "user_code": user_code,
            "verification_uri": self.verification_uri,
            "verification_uri_complete": _with_query(
                self.verification_uri, {"user_code": user_code}
            ),
            "expires_in": self.device_expires_in,
            "interval": self.device_interval,
            "message": f"To sign in, open {self.verification_uri} and enter {user_code}.",
        }

    def authorize_endpoint(self, query: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """Answer /authorize: (302, {"location": …}) or (400, error) if there is no safe
        redirect target."""
        client_id = query.get("client_id", "")
        redirect_uri = query.get("redirect_uri", "")
        if client_id not in self.clients:
            return 400, {"error": "invalid_client", "error_description": "unknown client_id"}
        if urlsplit(redirect_uri).scheme not in ("http", "https"):
            return 400, {"error": "invalid_request", "error_description": "bad redirect_uri"}
        reply: dict[str, str] = {}
        if query.get("response_type") != "code":
            reply["error"] = "unsupported_response_type"
        elif not query.get("code_challenge") or query.get("code_challenge_method") != "S256":
            reply["error"] = "invalid_request"
            reply["error_description"] = "PKCE with code_challenge_method=S256 is required"
        elif self.authorize_user is None:
            reply["error"] = "access_denied"
        else:
            code = "ac-" + secrets.token_urlsafe(24)
            with self._lock:
                self._codes[code] = _AuthCode(
                    client_id=client_id,
                    redirect_uri=redirect_uri,
                    scope=query.get("scope") or self.default_scope,
                    user=self.authorize_user,
                    challenge=query["code_challenge"],
                    expires_at=self.now() + CODE_LIFETIME,
                )
            reply["code"] = code
        if "state" in query:
            reply["state"] = query["state"]
        return 302, {"location": _with_query(redirect_uri, reply)}

    def introspect(self, token: str | None) -> dict[str, Any]:
        with self._lock:
            entry = self._active(token) if token else None
            if entry is None:
                return {"active": False}
            email = entry.user if "@" in entry.user else f"{entry.user}@{self.email_domain}"
            return {
                "active": True,
                "username": entry.user,
                "email": email,
                "sub": entry.user,
                "client_id": entry.client_id,
                "scope": entry.scope,
                "token_type": "Bearer",
                "iat": int(entry.issued_at),
                "exp": int(entry.expires_at),
            }

    def metadata(self) -> dict[str, Any]:
        return {
            "issuer": self.url,
            "token_endpoint": self.token_url,
            "device_authorization_endpoint": self.device_authorization_url,
            "authorization_endpoint": self.authorize_url,
            "introspection_endpoint": self.introspection_url,
            "grant_types_supported": ["refresh_token", "authorization_code", DEVICE_GRANT],
            "code_challenge_methods_supported": ["S256"],
        }


class _Handler(BaseHTTPRequestHandler):
    """Parses a request, hands it to the provider, records it and writes the JSON answer."""

    idp: IdentityProvider  # set on the per-provider subclass
    protocol_version = "HTTP/1.1"  # keep-alive, as Dovecot's HTTP client expects
    timeout = 10  # idle keep-alive connections end after this

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def _basic_auth(self) -> tuple[str, str] | None:
        header = self.headers.get("Authorization", "")
        if not header.lower().startswith("basic "):
            return None
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return user, password

    def _handle(self) -> None:
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        form = dict(parse_qsl(body, keep_blank_values=True)) if self.command == "POST" else {}
        basic = self._basic_auth()
        client_id = basic[0] if basic else form.get("client_id") or query.get("client_id")
        idp = self.idp
        status, answer = 200, {}
        try:
            route = (self.command, parts.path)
            if route == ("POST", "/token"):
                answer = idp.token_endpoint(form, idp._authenticate_client(form, basic))
            elif route == ("POST", "/device/code"):
                answer = idp.device_endpoint(form, idp._authenticate_client(form, basic))
            elif route == ("GET", "/authorize"):
                status, answer = idp.authorize_endpoint(query)
            elif parts.path == "/introspect":
                authorization = self.headers.get("Authorization", "")
                bearer = authorization[7:] if authorization.lower().startswith("bearer ") else None
                answer = idp.introspect(form.get("token") or query.get("token") or bearer)
            elif route == ("GET", "/device"):
                answer = {"message": "enter the code shown on your device"}
            elif route == ("GET", "/.well-known/openid-configuration"):
                answer = idp.metadata()
            else:
                status, answer = 404, {"error": "not_found"}
        except _OAuthError as error:
            status = error.status
            answer = {"error": error.error, "error_description": error.description}
        idp._record(
            RecordedRequest(
                method=self.command,
                path=parts.path,
                query=query,
                form=form,
                headers={k.lower(): v for k, v in self.headers.items()},
                client_id=client_id,
                status=status,
                response=answer,
                at=idp.now(),
            )
        )
        self._reply(status, answer)

    def _reply(self, status: int, answer: dict[str, Any]) -> None:
        payload = b"" if status == 302 else json.dumps(answer).encode()
        self.send_response(status, HTTPStatus(status).phrase)
        if status == 302:
            self.send_header("Location", answer["location"])
        else:
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
        if status == 401:
            self.send_header("WWW-Authenticate", 'Basic realm="idp"')
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
