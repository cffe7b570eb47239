"""Throw-away HTTP(S) servers for the calendar sources' HTTP client: a feed, and a Digest gate.

- :func:`self_signed_certificate` makes a key and a certificate for 127.0.0.1 with
  ``cryptography`` (no openssl binary needed).
- :class:`FeedServer` serves one iCalendar feed with an ETag, over HTTP or HTTPS; it can also
  stream a body that never ends (to test size caps) and counts the bytes it got out.
- :class:`DigestGate` is a reverse proxy that admits HTTP Digest (RFC 7616, MD5, qop=auth)
  only and forwards to a CalDAV test server (or a feed) with that server's own Basic login.
  Radicale and Xandikos speak no Digest; this puts a real CalDAV server behind it.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import http.client
import http.server
import ipaddress
import re
import secrets
import ssl
import threading
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from .radicale import CalDAVTestServer

__all__ = ["DigestGate", "FeedServer", "self_signed_certificate"]

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "upgrade", "trailer"}
TIMEOUT = 10.0


def self_signed_certificate(directory: Path, host: str = "127.0.0.1") -> tuple[Path, Path]:
    """(certificate, key) PEM files for ``host``, valid for a day, in ``directory``."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        # Hostname checks read the subjectAltName; an IP address must be listed as one.
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(host))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class _Threaded:
    """A ThreadingHTTPServer on a free 127.0.0.1 port, optionally behind TLS."""

    host = "127.0.0.1"

    def __init__(self, tls_dir: Path | None = None) -> None:
        self.tls_dir = tls_dir
        self.cert_path: Path | None = None
        self._server: http.server.ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.lock = threading.Lock()

    @property
    def port(self) -> int:
        assert self._server is not None, "not started"
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"{'https' if self.tls_dir else 'http'}://{self.host}:{self.port}/"

    def handle(self, h: http.server.BaseHTTPRequestHandler) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            timeout = TIMEOUT  # a stuck client cannot hold a thread for ever

            def __getattr__(self, name: str) -> Any:
                if name.startswith("do_"):
                    return lambda: owner.handle(self)
                raise AttributeError(name)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer((self.host, 0), Handler)
        self._server.daemon_threads = True
        if self.tls_dir is not None:
            self.cert_path, key_path = self_signed_certificate(self.tls_dir, self.host)
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(self.cert_path, key_path)
            self._server.socket = ctx.wrap_socket(self._server.socket, server_side=True)
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


class FeedServer(_Threaded):
    """One iCalendar feed at ``/team.ics`` with an ETag and If-None-Match.

    Other paths answer 301 to it: ``<base_url>old.ics`` is a moved feed.
    ``endless = True`` streams a body that never ends (chunked, no Content-Length) until the
    client hangs up; ``sent`` counts the body bytes written, so a test can tell that the client
    stopped reading. ``requests`` keeps each request's If-None-Match (None when absent).
    """

    CHUNK = 64 * 1024

    def __init__(self, body: bytes = b"", tls_dir: Path | None = None) -> None:
        super().__init__(tls_dir)
        self.body = body
        self.endless = False
        self.status: int | None = None  # answer every request with this status instead
        self.headers: dict[str, str] = {}  # ... and these headers
        self.sent = 0
        self.requests: list[str | None] = []
        self.authorizations: list[str | None] = []  # each request's Authorization header
        self.done = threading.Event()  # set when an endless stream ended

    @property
    def url(self) -> str:
        return f"{self.base_url}team.ics"

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'

    def handle(self, h: http.server.BaseHTTPRequestHandler) -> None:
        match = h.headers.get("If-None-Match")
        with self.lock:
            self.requests.append(match)
            self.authorizations.append(h.headers.get("Authorization"))
        if h.path != "/team.ics":
            h.send_response(301)
            h.send_header("Location", self.url)
            h.send_header("Content-Length", "0")
            h.end_headers()
            return
        if self.endless:
            self._stream_forever(h)
            return
        if self.status is not None:
            h.send_response(self.status)
            for k, v in self.headers.items():
                h.send_header(k, v)
            h.send_header("Content-Length", "0")
            h.end_headers()
            return
        if match == self.etag:
            h.send_response(304)
            h.send_header("ETag", self.etag)
            h.send_header("Content-Length", "0")
            h.end_headers()
            return
        h.send_response(200)
        h.send_header("Content-Type", "text/calendar; charset=utf-8")
        h.send_header("ETag", self.etag)
        h.send_header("Content-Length", str(len(self.body)))
        h.end_headers()
        h.wfile.write(self.body)

    def _stream_forever(self, h: http.server.BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/calendar")
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        line = b"X-FILLER:" + b"x" * 60 + b"\r\n"
        chunk = b"BEGIN:VCALENDAR\r\n" + line * (self.CHUNK // len(line))
        framed = f"{len(chunk):X}\r\n".encode() + chunk + b"\r\n"
        try:
            while True:
                h.wfile.write(framed)
                with self.lock:
                    self.sent += len(chunk)
        except OSError:
            h.close_connection = True  # the client hung up: what the test wants to see
        finally:
            self.done.set()


class DigestGate(_Threaded):
    """A Digest-only reverse proxy in front of a CalDAV test server (see the module docstring).

    ``basic_attempts`` counts requests that offered Basic credentials (refused with the Digest
    challenge), ``admitted`` those that passed a Digest check.
    """

    REALM = "ingestor-test"

    def __init__(
        self,
        upstream: CalDAVTestServer | FeedServer,
        users: dict[str, str] | None = None,
        tls_dir: Path | None = None,
    ) -> None:
        super().__init__(tls_dir)
        self.upstream = upstream
        # A CalDAV server's own users by default; a feed server takes any login.
        self.users = users if users is not None else getattr(upstream, "users", {})
        self.basic_attempts = 0
        self.admitted = 0
        self.refused = 0
        self._nonces: set[str] = set()

    def url_for(self, upstream_url: str) -> str:
        """The gate's URL for one of the upstream server's URLs."""
        origin = f"http://{self.upstream.host}:{self.upstream.port}/"
        assert upstream_url.startswith(origin), upstream_url
        return self.base_url + upstream_url[len(origin) :]

    def _challenge(self, h: http.server.BaseHTTPRequestHandler) -> None:
        nonce = secrets.token_hex(16)
        with self.lock:
            self._nonces.add(nonce)
            self.refused += 1
        h.send_response(401)
        h.send_header(
            "WWW-Authenticate",
            f'Digest realm="{self.REALM}", qop="auth", nonce="{nonce}", algorithm=MD5',
        )
        h.send_header("Content-Length", "0")
        h.end_headers()

    def user_of(self, method: str, authorization: str) -> str | None:
        """The user whose Digest response checks out, else None."""
        if not authorization.startswith("Digest "):
            return None
        pairs = re.findall(r'(\w+)=(?:"([^"]*)"|([^,\s]*))', authorization)
        fields = {k: quoted or bare for k, quoted, bare in pairs}
        user, nonce = fields.get("username", ""), fields.get("nonce", "")
        password = self.users.get(user)
        with self.lock:
            known = nonce in self._nonces
        if password is None or not known or fields.get("qop") != "auth":
            return None

        def md5(text: str) -> str:
            return hashlib.md5(text.encode()).hexdigest()

        ha1 = md5(f"{user}:{self.REALM}:{password}")
        ha2 = md5(f"{method}:{fields.get('uri', '')}")
        expected = md5(
            f"{ha1}:{nonce}:{fields.get('nc', '')}:{fields.get('cnonce', '')}:auth:{ha2}"
        )
        return user if secrets.compare_digest(expected, fields.get("response", "")) else None

    def handle(self, h: http.server.BaseHTTPRequestHandler) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        authorization = h.headers.get("Authorization", "")
        if authorization.startswith("Basic "):
            with self.lock:
                self.basic_attempts += 1
        user = self.user_of(h.command, authorization)
        if user is None:
            self._challenge(h)
            return
        with self.lock:
            self.admitted += 1
        headers = {
            k: v
            for k, v in h.headers.items()
            if k.lower() not in HOP_BY_HOP | {"authorization", "host", "content-length"}
        }
        login = f"{user}:{self.users[user]}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(login).decode()
        conn = http.client.HTTPConnection(self.upstream.host, self.upstream.port, timeout=TIMEOUT)
        try:
            conn.request(h.command, h.path, body=body, headers=headers)
            reply = conn.getresponse()
            data = reply.read()
        finally:
            conn.close()
        h.send_response(reply.status)
        for k, v in reply.getheaders():
            if k.lower() not in HOP_BY_HOP | {"content-length"}:
                h.send_header(k, v)
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)
