"""A reverse HTTP proxy in front of a test server: it records every request, and can misbehave.

What a server saw, whatever HTTP library the client uses: tests point a source at `url_for`
and read `requests` (method, path, the kind of a REPORT, the start of the body).

A test can also make the server look like a poorer one, at the HTTP level, so the client under
test is not patched:

* `refused_reports` names REPORT kinds (the body's root element, e.g. ``sync-collection`` or
  ``calendar-multiget``) that are answered ``501 Not Implemented`` without asking the server,
  as a server without RFC 6578 or without calendar-multiget would;
* `replace_object(path, data)` hands out `data` as that object's bytes, in a GET of it and in
  its ``calendar-data`` of any REPORT reply (servers refuse invalid iCalendar on PUT, so this
  is how a broken object reaches the client).

Replies stream through in chunks, with the server's Content-Length, or chunked when it sent
none, so a client that stops reading a big object early sees what it would see from the server.
Only a reply that is rewritten is read whole.
"""

from __future__ import annotations

import http.client
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Self
from urllib.parse import unquote, urlsplit

_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}
_DAV = "{DAV:}"
_CALENDAR_DATA = "{urn:ietf:params:xml:ns:caldav}calendar-data"
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    body: bytes  # its first 500 bytes
    report: str | None = None  # a REPORT's kind: its body's root element (`report_kind`)


def report_kind(body: bytes) -> str | None:
    """The local name of a REPORT body's root element (``sync-collection``), None if unreadable."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        return None
    return root.tag.rsplit("}", 1)[-1]


def replace_calendar_data(reply: bytes, objects: dict[str, bytes]) -> bytes:
    """A multistatus `reply` with the calendar-data of each path in `objects` replaced.

    Paths are compared unquoted, so an href may be absolute or percent-encoded. A reply that is
    not XML is returned as it is.
    """
    try:
        root = ET.fromstring(reply)
    except ET.ParseError:
        return reply
    changed = False
    for response in root.iter(_DAV + "response"):
        href = response.findtext(_DAV + "href") or ""
        data = objects.get(unquote(urlsplit(href.strip()).path))
        if data is None:
            continue
        for element in response.iter(_CALENDAR_DATA):
            element.text = data.decode("utf-8")
            changed = True
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) if changed else reply


class RecordingProxy:
    """Forwards every request to `upstream`, records it, and applies the faults tests set.

    Tests change `refused_reports` and the replaced objects between requests; handler threads
    only read them.
    """

    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        self.upstream_host = parts.hostname or "127.0.0.1"
        self.upstream_port = parts.port or 80
        self.requests: list[Seen] = []
        self.refused_reports: set[str] = set()
        self._objects: dict[str, bytes] = {}
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                kind = report_kind(body) if self.command == "REPORT" else None
                proxy.requests.append(Seen(self.command, self.path, body[:500], kind))
                if kind is not None and kind in proxy.refused_reports:
                    self._send_whole(501, "Not Implemented", [], b"REPORT not implemented\n")
                    return
                conn = http.client.HTTPConnection(
                    proxy.upstream_host, proxy.upstream_port, timeout=30
                )
                try:
                    # A reply that may be rewritten must come uncompressed.
                    dropped = _HOP | ({"accept-encoding"} if proxy._objects else set())
                    headers = {k: v for k, v in self.headers.items() if k.lower() not in dropped}
                    headers["Host"] = f"{proxy.upstream_host}:{proxy.upstream_port}"
                    try:
                        conn.request(self.command, self.path, body=body or None, headers=headers)
                        reply = conn.getresponse()
                    except ConnectionRefusedError:
                        self._send_whole(502, "Bad Gateway", [], b"the server is not running\n")
                        return
                    kept = [(k, v) for k, v in reply.getheaders() if k.lower() not in _HOP]
                    replaced = proxy._replacement(self.command, self.path, reply.status)
                    if replaced is not None:
                        self._send_whole(reply.status, reply.reason, kept, replaced(reply.read()))
                    else:
                        self._stream(reply, kept)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the client stopped reading: as from a server
                finally:
                    conn.close()

            def _send_whole(
                self, status: int, reason: str, headers: list[tuple[str, str]], data: bytes
            ) -> None:
                self.send_response(status, reason)
                for k, v in headers:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(
                self, reply: http.client.HTTPResponse, headers: list[tuple[str, str]]
            ) -> None:
                self.send_response(reply.status, reply.reason)
                for k, v in headers:
                    self.send_header(k, v)
                length = reply.getheader("Content-Length")
                no_body = self.command == "HEAD" or reply.status in (204, 304)
                chunked = length is None and not no_body
                if length is not None:
                    self.send_header("Content-Length", length)
                elif chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                elif no_body:
                    self.send_header("Content-Length", "0")
                self.end_headers()
                if no_body:
                    return
                while chunk := reply.read(_CHUNK):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
                if chunked:
                    self.wfile.write(b"0\r\n\r\n")

            do_GET = do_PUT = do_DELETE = do_PROPFIND = do_REPORT = do_OPTIONS = _forward
            do_HEAD = do_POST = do_MKCALENDAR = do_MKCOL = do_PROPPATCH = _forward

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url_for(self, upstream_url: str) -> str:
        """`upstream_url` with the proxy in place of the server."""
        parts = urlsplit(upstream_url)
        return parts._replace(netloc=f"127.0.0.1:{self.port}").geturl()

    def replace_object(self, path_or_url: str, data: bytes) -> None:
        """From now on, the object at `path_or_url` reads as `data` (GET and REPORT replies)."""
        self._objects[unquote(urlsplit(path_or_url).path)] = data

    def _replacement(self, method: str, path: str, status: int) -> Callable[[bytes], bytes] | None:
        """How to rewrite the reply to `method path`, None to stream it as the server sent it."""
        objects = dict(self._objects)
        if not objects or status not in (200, 207):
            return None
        if method == "GET" and status == 200:
            data = objects.get(unquote(urlsplit(path).path))
            return None if data is None else (lambda _reply: data)
        if method == "REPORT" and status == 207:
            return lambda reply: replace_calendar_data(reply, objects)
        return None

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
