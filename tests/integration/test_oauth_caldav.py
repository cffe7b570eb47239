"""OAuth2 CalDAV sources end to end: `ingestor auth import`, then syncs from Radicale through a
bearer-checking reverse proxy across access-token expiry, a refused token and revocation.

Radicale cannot check bearer tokens, so it runs with `auth type = http_x_remote_user` behind
:class:`BearerProxy`, which validates each `Authorization: Bearer` token at the test identity
provider's introspection endpoint (RFC 7662) and forwards the request with `X-Remote-User`, or
answers 401 itself - what Google's CalDAV endpoint does with an expired or revoked token.
"""

from __future__ import annotations

import http.client
import http.server
import io
import json
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import pytest

from ingestor.config import load_settings
from ingestor.sources import make_source
from tests.integration.oauth_cli import run
from tests.servers.dovecot import free_port
from tests.servers.idp import IdentityProvider
from tests.servers.radicale import RadicaleServer

pytestmark = pytest.mark.integration

USER = "recruiter"
SCOPES = "calendar offline_access"
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "upgrade", "trailer"}


def event(uid: str, summary: str) -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//ingestor tests//EN\r\n"
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260101T000000Z\r\n"
        "DTSTART:20260302T100000Z\r\nDTEND:20260302T110000Z\r\n"
        f"SUMMARY:{summary}\r\nORGANIZER:mailto:recruiter@agency.example\r\n"
        "ATTENDEE:mailto:candidate@example.org\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )


class RemoteUserRadicale(RadicaleServer):
    """Radicale trusting the `X-Remote-User` header; the fixture helpers (calendars, events)
    send it themselves, the source under test only gets in through :class:`BearerProxy`."""

    def request(
        self,
        method: str,
        url: str,
        user: str,
        body: bytes | None = None,
        content_type: str | None = None,
        headers: dict[str, str] | None = None,
        expect: tuple[int, ...] = (200, 201, 204, 207),
    ) -> tuple[int, dict[str, str], bytes]:
        headers = {**(headers or {}), "X-Remote-User": user}
        return super().request(method, url, user, body, content_type, headers, expect)

    def _command(self) -> list[str]:
        command = super()._command()
        text = self.config_path.read_text()
        start, end = text.index("[auth]"), text.index("[rights]")
        self.config_path.write_text(
            text[:start] + "[auth]\ntype = http_x_remote_user\n\n" + text[end:]
        )
        return command


class BearerProxy:
    """A threaded reverse proxy on a free 127.0.0.1 port that admits bearer tokens only."""

    TIMEOUT = 10.0

    def __init__(self, upstream: RadicaleServer, introspection_url: str) -> None:
        self.upstream = upstream
        self.introspection_url = introspection_url
        self.host = "127.0.0.1"
        self.port = free_port()
        self.refused = 0  # 401s answered
        self.forwarded = 0
        self.basic_attempts = 0  # requests that tried anything but a bearer token
        self.refuse_all = False
        self._lock = threading.Lock()
        self._server: http.server.ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def principal_url(self, user: str) -> str:
        return f"{self.url}{urllib.parse.quote(user)}/"

    def __enter__(self) -> Self:
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            timeout = proxy.TIMEOUT  # a stuck client cannot hold a thread for ever

            def __getattr__(self, name: str) -> Any:
                if name.startswith("do_"):
                    return self.handle_any
                raise AttributeError(name)

            def handle_any(self) -> None:
                proxy.handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # request lines only; kept quiet

        self._server = http.server.ThreadingHTTPServer((self.host, self.port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._server is not None and self._thread is not None
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def user_of(self, authorization: str | None) -> str | None:
        if self.refuse_all:
            return None
        if not authorization or not authorization.startswith("Bearer "):
            if authorization:
                with self._lock:
                    self.basic_attempts += 1
            return None
        form = urllib.parse.urlencode({"token": authorization[len("Bearer ") :]}).encode()
        request = urllib.request.Request(self.introspection_url, data=form, method="POST")
        with urllib.request.urlopen(request, timeout=self.TIMEOUT) as reply:
            answer = json.load(reply)
        return answer.get("username") if answer.get("active") else None

    def handle(self, h: http.server.BaseHTTPRequestHandler) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        user = self.user_of(h.headers.get("Authorization"))
        if user is None:
            with self._lock:
                self.refused += 1
            h.send_response(401)
            h.send_header("WWW-Authenticate", 'Bearer realm="caldav", error="invalid_token"')
            h.send_header("Content-Length", "0")
            h.end_headers()
            return
        headers = {
            k: v
            for k, v in h.headers.items()
            if k.lower() not in HOP_BY_HOP | {"authorization", "host", "x-remote-user"}
        }
        headers["X-Remote-User"] = user
        conn = http.client.HTTPConnection(
            self.upstream.host, self.upstream.port, timeout=self.TIMEOUT
        )
        try:
            conn.request(h.command, h.path, body=body, headers=headers)
            reply = conn.getresponse()
            data = reply.read()
            h.send_response(reply.status)
            for k, v in reply.getheaders():
                if k.lower() not in HOP_BY_HOP | {"content-length"}:
                    h.send_header(k, v)
            h.send_header("Content-Length", str(len(data)))
            h.end_headers()
            h.wfile.write(data)
        finally:
            conn.close()
        with self._lock:
            self.forwarded += 1


@pytest.fixture
def idp() -> Iterator[IdentityProvider]:
    with IdentityProvider(access_token_lifetime=2, default_scope=SCOPES) as provider:
        yield provider


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[RadicaleServer]:
    with RemoteUserRadicale(tmp_path / "radicale", users={USER: "unused"}) as server:
        server.make_calendar(USER, "work", "Work")
        yield server


@pytest.fixture
def proxy(radicale: RadicaleServer, idp: IdentityProvider) -> Iterator[BearerProxy]:
    with BearerProxy(radicale, idp.introspection_url) as p:
        yield p


def write_config(tmp_path: Path, idp: IdentityProvider, proxy: BearerProxy) -> Path:
    path = tmp_path / "ingestor.toml"
    path.write_text(
        f'[store]\nurl = "sqlite:///{tmp_path / "db.sqlite"}"\n'
        f'[secrets]\nkey_file = "{tmp_path / "token.key"}"\n'
        '[[sources]]\nname = "anna"\ntype = "caldav"\n'
        f'url = "{proxy.principal_url(USER)}"\n'
        f'username = "{USER}"\nauth = "oauth2"\n'
        'oauth_client_id = "ingestor-test"\n'
        f'oauth_token_url = "{idp.token_url}"\n'
        f'oauth_authorize_url = "{idp.authorize_url}"\n'
        f"oauth_scopes = {json.dumps(SCOPES.split())}\n"
        'timeout = "10s"\n'
    )
    return path


def signed_in(
    tmp_path: Path,
    idp: IdentityProvider,
    proxy: BearerProxy,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Path:
    """A config whose source has a refresh token imported with `ingestor auth import`."""
    config = write_config(tmp_path, idp, proxy)
    assert run(capsys, config, "auth", "keygen", str(tmp_path / "token.key"))[0] == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(idp.provision(USER, scope=SCOPES) + "\n"))
    rc, out = run(capsys, config, "auth", "import", "anna", "--refresh-token-stdin")
    assert rc == 0, out
    return config


def test_import_then_sync_across_expiry_and_revocation(
    tmp_path: Path,
    idp: IdentityProvider,
    radicale: RadicaleServer,
    proxy: BearerProxy,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level("DEBUG")
    config = signed_in(tmp_path, idp, proxy, capsys, monkeypatch)
    outputs: list[str] = []
    refreshes = len(idp.token_requests("refresh_token"))  # the import's own

    for i in range(2):
        radicale.put_event(USER, "work", event(f"ev{i}", f"Interview {i}"), f"ev{i}.ics")
        rc, out = run(capsys, config, "sync", "--once")
        outputs.append(out)
        assert rc == 0, out + radicale.log_tail()
        assert "anna: ok: 1 new" in out, out
        time.sleep(2.2)  # the 2 s access token has expired by the next sync

    new_refreshes = idp.token_requests("refresh_token")[refreshes:]
    assert len(new_refreshes) == 2 and all(r.status == 200 for r in new_refreshes)
    assert idp.reused_refresh_tokens() == []
    assert proxy.forwarded > 0 and proxy.basic_attempts == 0

    rc, out = run(capsys, config, "auth", "status")
    outputs.append(out)
    assert rc == 0 and "anna: refresh token present" in out, out

    # Revoked while this process still holds an access token it thinks is fresh: the server's
    # 401 makes it refresh, and the refused refresh is the one-line instruction.
    rc, out = run(capsys, config, "sync", "--once")  # a fresh token again
    outputs.append(out)
    assert rc == 0, out
    idp.revoke(USER)
    refused = proxy.refused
    rc, out = run(capsys, config, "sync", "--once")
    outputs.append(out)
    assert rc == 1
    assert out.strip().splitlines() == [
        "anna: FAILED: source anna: the sign-in for recruiter was revoked or has expired; "
        'run "ingestor auth login anna"'
    ]
    assert proxy.refused == refused + 1  # one 401, then no retry with a dead sign-in

    tokens = idp.issued_tokens()
    assert len(tokens) >= 4
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("db.sqlite*"))
    text = caplog.text + "".join(outputs)
    leaked = [t for t in tokens if t.encode() in stored or t in text]
    assert leaked == []


def test_a_refused_access_token_is_refreshed_once(
    tmp_path: Path,
    idp: IdentityProvider,
    radicale: RadicaleServer,
    proxy: BearerProxy,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    idp.access_token_lifetime = 600  # fresh by the client's clock throughout
    config = signed_in(tmp_path, idp, proxy, capsys, monkeypatch)
    radicale.put_event(USER, "work", event("a", "Intro"), "a.ics")
    source = make_source(load_settings(config).source("anna"))
    source.open()
    folders = source.folders()
    assert len(folders) == 1
    source.close()
    refreshes = len(idp.token_requests("refresh_token"))

    idp.expire_access_tokens(USER)  # the server now refuses it although the client thinks not
    refused = proxy.refused
    source.open()
    assert source.folders() == folders
    source.close()
    assert proxy.refused == refused + 1
    assert len(idp.token_requests("refresh_token")) == refreshes + 1
    assert idp.reused_refresh_tokens() == []


def test_a_token_the_server_keeps_refusing_is_one_line(
    tmp_path: Path,
    idp: IdentityProvider,
    radicale: RadicaleServer,
    proxy: BearerProxy,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = signed_in(tmp_path, idp, proxy, capsys, monkeypatch)
    proxy.refuse_all = True  # a token without the calendar scope, say
    rc, out = run(capsys, config, "sync", "--once")
    assert rc == 1
    assert out.strip() == (
        f"anna: FAILED: source anna: {proxy.principal_url(USER)} refused a freshly refreshed "
        "access token for recruiter; check the scopes and that CalDAV access is enabled for the "
        'account, then run "ingestor auth login anna"'
    )
