"""The recording proxy itself: it passes big replies through intact, and its faults do what
tests rely on (REPORT kinds refused with 501, an object's bytes replaced in GET and multiget)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from ingestor.sources.davxml import multiget_body, multiget_data, parse_reply, sync_collection_body
from tests.servers.radicale import RadicaleServer
from tests.servers.recording_proxy import RecordingProxy

pytestmark = pytest.mark.integration

BIG = bytes(range(256)) * (8 * 1024 * 1024 // 256)  # 8 MiB, every byte value
EVENT = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//ingestor tests//EN\r\n"
    "BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260302T100000Z\r\n"
    "SUMMARY:{uid}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


@pytest.fixture
def upstream() -> Iterator[str]:
    """A server with a big object, sent with Content-Length (/sized) or chunked (/chunked)."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802
            # The proxy stops reading when its client does: the reset is expected here.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._send_big()

        def _send_big(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            if self.path == "/sized":
                self.send_header("Content-Length", str(len(BIG)))
                self.end_headers()
                self.wfile.write(BIG)
                return
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for start in range(0, len(BIG), 1_000_000):
                part = BIG[start : start + 1_000_000]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize("path", ["sized", "chunked"])
def test_big_replies_stream_through_intact(upstream: str, path: str) -> None:
    with RecordingProxy(upstream) as proxy, httpx.Client() as client:
        # A reader that stops early (as the CalDAV source does over its size cap) ...
        with client.stream("GET", proxy.url_for(upstream + path)) as reply:
            assert reply.status_code == 200
            first = next(reply.iter_raw(64 * 1024))
        assert BIG.startswith(first)
        # ... leaves the proxy serving the next one, which gets every byte.
        reply = client.get(proxy.url_for(upstream + path))
        assert reply.status_code == 200 and reply.content == BIG
        if path == "sized":
            assert reply.headers["Content-Length"] == str(len(BIG))
        else:
            assert reply.headers["Transfer-Encoding"] == "chunked"
    assert [(r.method, r.path) for r in proxy.requests] == [("GET", f"/{path}")] * 2


def test_faults_refuse_reports_and_replace_an_object(tmp_path: Path) -> None:
    with RadicaleServer(tmp_path, users={"recruiter": "secret"}) as server:
        url = server.make_calendar("recruiter", "work", "Work")
        for uid in ("a", "b"):
            server.put_event("recruiter", "work", EVENT.format(uid=uid), f"{uid}.ics")
        with (
            RecordingProxy(server.url) as proxy,
            httpx.Client(auth=("recruiter", "secret")) as client,
        ):
            cal = proxy.url_for(url)
            home = urlsplit(url).path

            def report(body: str) -> httpx.Response:
                headers = {"Depth": "1", "Content-Type": "application/xml"}
                return client.request("REPORT", cal, content=body.encode(), headers=headers)

            proxy.refused_reports.add("sync-collection")
            assert report(sync_collection_body("")).status_code == 501
            assert report(multiget_body([f"{home}a.ics"])).status_code == 207
            proxy.refused_reports.discard("sync-collection")
            assert report(sync_collection_body("")).status_code == 207
            assert [r.report for r in proxy.requests] == [
                "sync-collection",
                "calendar-multiget",
                "sync-collection",
            ]

            proxy.replace_object(f"{url}b.ics", b"this is not a calendar")
            assert client.get(f"{cal}b.ics").content == b"this is not a calendar"
            assert b"UID:a\r\n" in client.get(f"{cal}a.ics").content
            reply = report(multiget_body([f"{home}a.ics", f"{home}b.ics"]))
            data, gone = multiget_data(parse_reply(reply.content, reply.headers["Content-Type"]))
            by_name = {path.rsplit("/", 1)[-1]: d for path, d in data.items()}
            assert by_name["b.ics"] == b"this is not a calendar" and not gone
            assert b"UID:a" in by_name["a.ics"] and b"not a calendar" not in by_name["a.ics"]
