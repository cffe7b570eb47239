"""Self-tests of the Dovecot, Radicale and PostgreSQL test harnesses."""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
import sqlalchemy
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientAbortError

from ingestor.sources.davxml import (
    DAV,
    parse_multistatus,
    parse_reply,
    prop_text,
    propfind_body,
    sync_collection_body,
)
from tests.servers.dovecot import DovecotServer
from tests.servers.postgres import PostgresUnavailable, temporary_database
from tests.servers.radicale import (
    CalDAVHTTPError,
    CalDAVTestServer,
    RadicaleServer,
    http_request,
)

pytestmark = pytest.mark.integration


def make_message(n: int, subject: str | None = None, message_id: bool = True) -> bytes:
    headers = [
        "From: Candidate <candidate@example.com>",
        "To: recruiter@example.com",
        f"Subject: {subject or f'message {n}'}",
        "Date: Mon, 01 Jan 2024 10:00:00 +0000",
    ]
    if message_id:
        headers.append(f"Message-ID: <msg{n}@example.com>")
    return ("\r\n".join(headers) + f"\r\n\r\nBody of message {n}.\r\n").encode()


@pytest.fixture
def dovecot(tmp_path: Path) -> Iterator[DovecotServer]:
    with DovecotServer(tmp_path / "dovecot") as server:
        yield server


def subjects(client: IMAPClient, folder: str) -> list[str]:
    client.select_folder(folder, readonly=True)
    data = client.fetch(client.search(["ALL"]), ["ENVELOPE"])
    return sorted(item[b"ENVELOPE"].subject.decode() for item in data.values())


# ---------------------------------------------------------------------------- Dovecot


def test_dovecot_login_list_and_deliver(dovecot: DovecotServer) -> None:
    when = datetime(2023, 5, 4, 12, 30, tzinfo=UTC)
    dovecot.deliver("recruiter", "INBOX", make_message(1), internal_date=when)
    dovecot.deliver("recruiter", "INBOX", make_message(2), flags="")
    path = dovecot.deliver("recruiter", "Sent", make_message(3), flags="SR")

    assert path.parent == dovecot.maildir("recruiter") / ".Sent" / "cur"
    assert path.name.endswith(":2,RS")
    assert path.stat().st_uid != 0
    with dovecot.connect("recruiter") as client:
        names = {name for _flags, _delim, name in client.list_folders()}
        assert {"INBOX", "Sent"} <= names
        assert "Sent" in {name for _flags, _delim, name in client.list_sub_folders()}
        assert subjects(client, "INBOX") == ["message 1", "message 2"]
        assert subjects(client, "Sent") == ["message 3"]
        client.select_folder("INBOX", readonly=True)
        data = client.fetch(client.search(["ALL"]), ["INTERNALDATE", "FLAGS"])
        dates = sorted(item[b"INTERNALDATE"] for item in data.values())
        assert dates[0].astimezone(UTC) == when
        assert b"CONDSTORE" in client.capabilities()


def test_dovecot_login_rejects_bad_password(dovecot: DovecotServer) -> None:
    client = IMAPClient(dovecot.host, port=dovecot.port, ssl=False, timeout=5)
    with pytest.raises(Exception, match="(?i)auth|login"):
        client.login("recruiter", "wrong")
    client.shutdown()


def test_dovecot_append_assigns_uid(dovecot: DovecotServer) -> None:
    uid = dovecot.append("recruiter", "Archive/2024", make_message(7), flags=["\\Seen"])
    with dovecot.connect("recruiter") as client:
        client.select_folder("Archive/2024", readonly=True)
        data = client.fetch([uid], ["FLAGS", "BODY.PEEK[HEADER.FIELDS (SUBJECT)]"])
        assert b"\\Seen" in data[uid][b"FLAGS"]
    assert (dovecot.maildir("recruiter") / ".Archive.2024" / "cur").is_dir()


def test_dovecot_bulk_load(dovecot: DovecotServer) -> None:
    count = dovecot.bulk_load("recruiter", "INBOX", (make_message(i) for i in range(300)))
    assert count == 300
    with dovecot.connect("recruiter") as client:
        assert client.select_folder("INBOX", readonly=True)[b"EXISTS"] == 300


def test_dovecot_reset_uidvalidity_keeps_messages(dovecot: DovecotServer) -> None:
    for n in range(3):
        dovecot.deliver("recruiter", "INBOX", make_message(n))
    with dovecot.connect("recruiter") as client:
        before = client.select_folder("INBOX")[b"UIDVALIDITY"]
        subjects_before = subjects(client, "INBOX")

    new = dovecot.reset_uidvalidity("recruiter", "INBOX")

    with dovecot.connect("recruiter") as client:
        info = client.select_folder("INBOX")
        assert info[b"UIDVALIDITY"] == new != before
        assert subjects(client, "INBOX") == subjects_before


def test_dovecot_kick_drops_live_connection(dovecot: DovecotServer) -> None:
    dovecot.deliver("recruiter", "INBOX", make_message(1))
    client = dovecot.connect("recruiter")
    client.select_folder("INBOX")
    assert dovecot.connected_sessions("recruiter") == 1

    dovecot.kill_connections("recruiter")

    with pytest.raises((IMAPClientAbortError, OSError)):
        client.noop()
    client.shutdown()
    assert dovecot.connected_sessions("recruiter") == 0


def test_dovecot_session_bytes(dovecot: DovecotServer) -> None:
    assert dovecot.session_bytes() == []
    with dovecot.connect("recruiter") as client:
        client.select_folder("INBOX")
    sessions = dovecot.session_bytes(min_sessions=1)
    assert len(sessions) == 1
    bytes_in, bytes_out = sessions[0]
    assert 0 < bytes_in < bytes_out


def test_dovecot_flags_snapshot(dovecot: DovecotServer) -> None:
    dovecot.deliver("recruiter", "INBOX", make_message(1), flags="S")
    dovecot.deliver("recruiter", "INBOX", make_message(2), flags="")
    path = dovecot.deliver("recruiter", "Sent", make_message(3, message_id=False), flags="SF")

    snapshot = dovecot.flags_snapshot("recruiter")
    assert snapshot == {
        ("INBOX", "<msg1@example.com>"): frozenset({"\\Seen"}),
        ("INBOX", "<msg2@example.com>"): frozenset(),
        ("Sent", path.name.split(":", 1)[0]): frozenset({"\\Seen", "\\Flagged"}),
    }
    assert dovecot.flags_snapshot("recruiter") == snapshot  # read-only: \Recent not counted

    with dovecot.connect("recruiter") as client:
        client.select_folder("INBOX")
        uids = client.search(["UNSEEN"])
        client.add_flags(uids, ["\\Seen"])
    changed = dovecot.flags_snapshot("recruiter")
    assert changed[("INBOX", "<msg2@example.com>")] == frozenset({"\\Seen"})


def test_dovecot_without_condstore(tmp_path: Path) -> None:
    with DovecotServer(tmp_path, condstore=False) as server:
        with server.connect("recruiter") as client:
            capabilities = client.capabilities()
        assert b"CONDSTORE" not in capabilities
        assert b"QRESYNC" not in capabilities
        assert b"UIDPLUS" in capabilities


def test_dovecot_tls_certificate_verification(tmp_path: Path) -> None:
    with DovecotServer(tmp_path, users={"alice": "pw1", "bob": "pw2"}, tls=True) as server:
        assert server.cafile is not None and server.ssl_port is not None
        context = ssl.create_default_context(cafile=str(server.cafile))
        with IMAPClient(
            "127.0.0.1", port=server.ssl_port, ssl=True, ssl_context=context, timeout=5
        ) as client:
            client.login("bob", "pw2")
            assert client.select_folder("INBOX")[b"EXISTS"] == 0

        with pytest.raises(ssl.SSLCertVerificationError):
            IMAPClient(
                "127.0.0.1",
                port=server.ssl_port,
                ssl=True,
                ssl_context=ssl.create_default_context(),
                timeout=5,
            )
        # The plaintext listener stays available on the same instance.
        with server.connect("alice") as client:
            assert client.select_folder("INBOX")[b"EXISTS"] == 0


# ---------------------------------------------------------------------------- Radicale

EVENT = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//ingestor tests//EN\r
BEGIN:VEVENT\r
UID:interview-1@example.com\r
DTSTAMP:20240101T000000Z\r
DTSTART:20240102T100000Z\r
DTEND:20240102T110000Z\r
SUMMARY:Interview with Candidate\r
END:VEVENT\r
END:VCALENDAR\r
"""


def _xandikos(root: Path) -> CalDAVTestServer:
    pytest.importorskip("xandikos", reason="xandikos is an optional test dependency")
    from tests.servers.xandikos import XandikosServer

    return XandikosServer(root)


@pytest.mark.parametrize("make_server", [RadicaleServer, _xandikos], ids=["radicale", "xandikos"])
def test_caldav_calendar_and_events(
    tmp_path: Path, make_server: Callable[[Path], CalDAVTestServer]
) -> None:
    with make_server(tmp_path) as server:
        url = server.make_calendar("recruiter", "interviews", "Interviews")
        assert url == server.calendar_url("recruiter", "interviews")
        assert url.startswith(f"{server.url}recruiter/")
        etag = server.put_event("recruiter", "interviews", EVENT, "interview-1.ics")
        assert etag

        # Checked with plain HTTP and the pure DAV XML helpers, not with the client under test.
        def dav(method: str, body: str, depth: str) -> list[Any]:
            _, headers, data = server.request(
                method, url, "recruiter", body.encode(), "application/xml", {"Depth": depth}
            )
            return [parse_reply(data, headers.get("Content-Type", ""))]

        def sync_token() -> str | None:
            (tree,) = dav("REPORT", sync_collection_body(""), "0")
            return prop_text(tree.find(DAV + "sync-token"))

        (tree,) = dav("PROPFIND", propfind_body("<D:displayname/><D:getetag/>"), "1")
        entries = {e.path.rstrip("/"): e for e in parse_multistatus(tree)}
        home = url.split(str(server.port), 1)[1].rstrip("/")
        assert prop_text(entries[home].props.get(DAV + "displayname")) == "Interviews"
        assert sorted(p.rsplit("/", 1)[-1] for p in entries if p != home) == ["interview-1.ics"]
        _, _, data = server.request("GET", f"{url}interview-1.ics", "recruiter")
        assert b"SUMMARY:Interview with Candidate" in data
        token = sync_token()
        assert token

        server.delete_event("recruiter", "interviews", "interview-1.ics")
        (tree,) = dav("PROPFIND", propfind_body("<D:getetag/>"), "1")
        assert [e.path.rstrip("/") for e in parse_multistatus(tree)] == [home]
        assert sync_token() not in (None, token)


def test_radicale_rejects_wrong_password(tmp_path: Path) -> None:
    with RadicaleServer(tmp_path) as server, pytest.raises(CalDAVHTTPError, match="401"):
        http_request("PROPFIND", server.url, user="recruiter", password="wrong")


# ---------------------------------------------------------------------------- PostgreSQL


def _database_exists(name: str) -> bool:
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres") as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    return row is not None


def test_postgres_temporary_database_created_and_dropped() -> None:
    with temporary_database() as url:
        name = url.rsplit("/", 1)[1]
        assert url.startswith("postgresql+psycopg://postgres@127.0.0.1:5432/ingestor_test_")
        assert _database_exists(name)
        engine = sqlalchemy.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sqlalchemy.text("CREATE TABLE t (id int)"))
            conn.execute(sqlalchemy.text("INSERT INTO t VALUES (1)"))
        # A connection still open at exit must not block the drop.
        lingering = engine.connect()
        assert lingering.execute(sqlalchemy.text("SELECT count(*) FROM t")).scalar() == 1
    assert not _database_exists(name)
    lingering.invalidate()
    engine.dispose()


def test_postgres_unreachable_raises() -> None:
    with (
        pytest.raises(PostgresUnavailable, match="cannot reach PostgreSQL"),
        temporary_database(port=1),
    ):
        pass  # pragma: no cover
