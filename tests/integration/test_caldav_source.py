"""The CalDAV source against real servers: Radicale and Xandikos, started by the tests.

Both servers must start: a missing `radicale` or `xandikos` package fails these tests, it does
not skip them. Tests that count requests or need a poorer server put a `RecordingProxy` between
the source and the server: it records what the server was asked, and answers REPORT kinds with
501 or rewrites an object's bytes, so the source itself runs unpatched.
"""

from __future__ import annotations

import http.server
import json
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from ingestor.config import PasswordSpec
from ingestor.errors import SourceError
from ingestor.model import FolderCursor, RawItem
from ingestor.sources import make_source
from ingestor.sources.base import BatchLimits
from ingestor.sources.caldav import CalDavSource
from tests.factories import source_config
from tests.servers.dovecot import free_port
from tests.servers.radicale import CalDAVTestServer, RadicaleServer
from tests.servers.recording_proxy import RecordingProxy, Seen
from tests.servers.xandikos import XandikosServer

pytestmark = pytest.mark.integration

USER = "recruiter"
PASSWORD = "secret"
PASSWORD_ENV = "INGESTOR_TEST_CALDAV_PASSWORD"
SERVERS: dict[str, Callable[[Path], CalDAVTestServer]] = {
    "radicale": lambda root: RadicaleServer(root, users={USER: PASSWORD}),
    "xandikos": lambda root: XandikosServer(root, users={USER: PASSWORD}),
}


def event(uid: str, summary: str = "Interview", extra: str = "") -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//ingestor tests//EN\r\n"
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260101T000000Z\r\n"
        "DTSTART:20260302T100000Z\r\nDTEND:20260302T110000Z\r\n"
        f"SUMMARY:{summary}\r\nORGANIZER:mailto:recruiter@agency.example\r\n"
        f"ATTENDEE:mailto:candidate@example.org\r\n{extra}END:VEVENT\r\nEND:VCALENDAR\r\n"
    )


RECURRING = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//ingestor tests//EN\r\n"
    "BEGIN:VEVENT\r\nUID:weekly@agency.example\r\nDTSTAMP:20260101T000000Z\r\n"
    "DTSTART:20260302T090000Z\r\nDTEND:20260302T093000Z\r\nRRULE:FREQ=WEEKLY;COUNT=4\r\n"
    "SUMMARY:Weekly sync\r\nATTENDEE:mailto:hm@client.example\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:weekly@agency.example\r\nDTSTAMP:20260101T000000Z\r\n"
    "RECURRENCE-ID:20260309T090000Z\r\nDTSTART:20260309T100000Z\r\nDTEND:20260309T103000Z\r\n"
    "SUMMARY:Weekly sync (moved)\r\nATTENDEE:mailto:hm@client.example\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)


# ---------------------------------------------------------------------------- fixtures


@pytest.fixture(params=sorted(SERVERS))
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CalDAVTestServer]:
    # No importorskip: a server that cannot start is an error of the test run.
    with SERVERS[request.param](tmp_path / request.param) as s:
        yield s


@pytest.fixture(autouse=True)
def _password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)


@pytest.fixture
def proxy(server: CalDAVTestServer) -> Iterator[RecordingProxy]:
    """The server behind a recording proxy; sources given `proxy.url_for(url)` go through it."""
    with RecordingProxy(server.url) as p:
        yield p


@pytest.fixture
def requests_log(proxy: RecordingProxy) -> list[Seen]:
    """Every HTTP request the server was sent through the proxy, in order."""
    return proxy.requests


def asked(log: list[Seen]) -> list[str]:
    """The requests of `log` by kind: the method, and for a REPORT which one."""
    return [f"REPORT {r.report}" if r.method == "REPORT" else r.method for r in log]


def caldav_source(url: str, **kw: Any) -> CalDavSource:
    kw.setdefault("username", USER)
    kw.setdefault("password", PasswordSpec(env=PASSWORD_ENV))
    kw.setdefault("timeout", 10.0)
    cfg = source_config(name="calendar", type="caldav", url=url, **kw)
    source = make_source(cfg)
    assert isinstance(source, CalDavSource)
    return source


def stored(cursor: FolderCursor) -> FolderCursor:
    """The cursor as the store gives it back: through JSON."""
    return FolderCursor(cursor.folder, state=json.loads(json.dumps(cursor.state)))


@dataclass
class Ledger:
    """What the store would hold: cursors per folder and every item, deduplicated by ref."""

    url: str
    calendars: tuple[str, ...] = ()
    cursors: dict[str, FolderCursor] = field(default_factory=dict)
    refs: set[str] = field(default_factory=set)
    duplicates: list[str] = field(default_factory=list)  # refs handed out twice
    options: dict[str, Any] = field(default_factory=dict)  # more source config

    def poll(self, max_items: int = 2) -> list[RawItem]:
        """One sync pass in a fresh source, as the daemon runs it; returns the new items."""
        new: list[RawItem] = []
        with caldav_source(self.url, calendars=self.calendars, **self.options) as source:
            for batch in source.batches(self.cursors, BatchLimits(max_items=max_items)):
                for item in batch.items:
                    if item.ref in self.refs:
                        self.duplicates.append(item.ref)
                    else:
                        self.refs.add(item.ref)
                        new.append(item)
                self.cursors[batch.folder] = stored(batch.cursor)
        return new


def summary(item: RawItem) -> str:
    for line in item.data.decode().splitlines():
        if line.startswith("SUMMARY:"):
            return line[len("SUMMARY:") :]
    return ""


def changes_of(items: list[RawItem]) -> list[tuple[str, str]]:
    """(kind of change, what) per item, sorted: ("deleted", href) or ("event", summary)."""
    out = []
    for i in items:
        if i.deleted:
            assert i.object_key is not None
            out.append(("deleted", i.object_key.rsplit("/", 1)[-1]))
        else:
            out.append(("event", summary(i)))
    return sorted(out)


# ---------------------------------------------------------------------------- first sync


def test_first_sync_lists_every_event(server: CalDAVTestServer) -> None:
    url = server.make_calendar(USER, "work", "Work")
    server.put_event(
        USER, "work", event("a@agency.example", "Screening call"), "a@agency.example.ics"
    )
    server.put_event(USER, "work", event("b", "Client intro"), "b.ics")
    server.put_event(USER, "work", RECURRING, "weekly.ics")

    with caldav_source(url) as source:
        assert source.folders() == ["Work"]
        changes = source.changes("Work", None)
        assert len(changes.refs) == 3
        items = list(source.fetch("Work", changes.refs))

    assert sorted(summary(i) for i in items) == ["Client intro", "Screening call", "Weekly sync"]
    cal_path = server.calendar_url(USER, "work").split(str(server.port), 1)[1]
    by_key = {i.object_key: i for i in items}
    assert set(by_key) == {
        f"{cal_path}a@agency.example.ics#a@agency.example",
        f"{cal_path}b.ics#b",
        f"{cal_path}weekly.ics#weekly@agency.example",
    }
    for item in items:
        assert item.kind == "calendar" and not item.deleted and item.folder == "Work"
        assert item.ref.startswith(f"Work:{item.object_key}@")
        assert item.data.startswith(b"BEGIN:VCALENDAR") and item.data.rstrip().endswith(
            b"END:VCALENDAR"
        )
    # The override travels with its master: one item per UID.
    weekly = by_key[f"{cal_path}weekly.ics#weekly@agency.example"]
    assert weekly.data.count(b"BEGIN:VEVENT") == 2 and b"RECURRENCE-ID" in weekly.data
    state = changes.cursor.state
    assert state["sync_token"] and len(state["etags"]) == 3  # type: ignore[arg-type]
    assert changes.refs[-1].cursor == changes.cursor


# ---------------------------------------------------------------------------- cost of a poll


def test_no_change_poll_costs_one_request_per_calendar(
    server: CalDAVTestServer, proxy: RecordingProxy, requests_log: list[Seen]
) -> None:
    work = server.make_calendar(USER, "work", "Work")
    server.make_calendar(USER, "home", "Personal")
    server.put_event(USER, "work", event("a"), "a.ics")
    server.put_event(USER, "home", event("p", "Dentist"), "p.ics")
    principal = proxy.url_for(server.principal_url(USER))
    ledger = Ledger(principal)
    assert len(ledger.poll()) == 2
    before = dict(ledger.cursors)

    requests_log.clear()
    with caldav_source(principal) as source:
        discovery = list(requests_log)
        requests_log.clear()
        # Discovery read each calendar's sync-token; equal to the cursor's means no request.
        for folder in source.folders():
            changes = source.changes(folder, ledger.cursors[folder])
            assert changes.refs == [] and changes.cursor == before[folder]
        assert requests_log == []
        # Asked again in the same session: exactly one sync REPORT per calendar.
        for folder in source.folders():
            changes = source.changes(folder, ledger.cursors[folder])
            assert changes.refs == [] and changes.cursor == before[folder]
        assert asked(requests_log) == ["REPORT sync-collection", "REPORT sync-collection"]
    # Principal URL: one PROPFIND of the principal, one depth-1 PROPFIND of the home.
    assert asked(discovery) == ["PROPFIND", "PROPFIND"]

    # A calendar URL: the whole no-change poll is a single request.
    cal_ledger = Ledger(proxy.url_for(work))
    cal_ledger.poll()
    requests_log.clear()
    assert cal_ledger.poll() == []
    assert asked(requests_log) == ["PROPFIND"]


# ---------------------------------------------------------------------------- incremental


def test_add_modify_delete_show_only_that_change(
    server: CalDAVTestServer, proxy: RecordingProxy, requests_log: list[Seen]
) -> None:
    url = proxy.url_for(server.make_calendar(USER, "work", "Work"))
    for uid in ("a", "b", "c"):
        server.put_event(USER, "work", event(uid, f"Meeting {uid}"), f"{uid}.ics")
    ledger = Ledger(url)
    assert len(ledger.poll()) == 3

    server.put_event(USER, "work", event("d", "Meeting d"), "d.ics")
    assert changes_of(ledger.poll()) == [("event", "Meeting d")]

    server.put_event(USER, "work", event("b", "Meeting b rescheduled"), "b.ics")
    requests_log.clear()
    assert changes_of(ledger.poll()) == [("event", "Meeting b rescheduled")]
    # discovery, sync REPORT, one calendar-multiget for the changed object
    assert asked(requests_log) == [
        "PROPFIND",
        "REPORT sync-collection",
        "REPORT calendar-multiget",
    ]

    server.delete_event(USER, "work", "c.ics")
    deleted = ledger.poll()
    assert changes_of(deleted) == [("deleted", "c.ics#")]
    assert deleted[0].data == b"" and deleted[0].kind == "calendar"
    assert deleted[0].ref.startswith("Work:") and "@deleted-" in deleted[0].ref

    assert ledger.poll() == []

    # The same object re-created and deleted again is a new deletion, not a duplicate ref.
    server.put_event(USER, "work", event("c", "Meeting c"), "c.ics")
    assert changes_of(ledger.poll()) == [("event", "Meeting c")]
    server.delete_event(USER, "work", "c.ics")
    again = ledger.poll()
    assert changes_of(again) == [("deleted", "c.ics#")]
    assert again[0].ref != deleted[0].ref

    # Edited back to the very first bytes: the server's etag was seen before, the ref was not.
    server.put_event(USER, "work", event("b", "Meeting b"), "b.ics")
    assert changes_of(ledger.poll()) == [("event", "Meeting b")]
    assert ledger.duplicates == []


def test_several_changes_between_polls(server: CalDAVTestServer) -> None:
    url = server.make_calendar(USER, "work", "Work")
    for uid in ("a", "b", "c"):
        server.put_event(USER, "work", event(uid, f"Meeting {uid}"), f"{uid}.ics")
    ledger = Ledger(url)
    ledger.poll()
    server.put_event(USER, "work", event("d", "Meeting d"), "d.ics")
    server.put_event(USER, "work", event("b", "Meeting b2"), "b.ics")
    server.delete_event(USER, "work", "c.ics")
    server.put_event(USER, "work", event("e", "Meeting e"), "e.ics")
    server.delete_event(USER, "work", "e.ics")  # never seen: nothing to cancel
    assert changes_of(ledger.poll()) == [
        ("deleted", "c.ics#"),
        ("event", "Meeting b2"),
        ("event", "Meeting d"),
    ]
    assert len(ledger.cursors["Work"].state["etags"]) == 3  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- discovery


def test_principal_discovery_and_calendar_filter(server: CalDAVTestServer) -> None:
    server.make_calendar(USER, "work", "Work")
    server.make_calendar(USER, "personal", "Personal")
    server.put_event(USER, "work", event("w", "Work meeting"), "w.ics")
    server.put_event(USER, "personal", event("p", "Dentist"), "p.ics")
    principal = server.principal_url(USER)

    with caldav_source(principal) as source:
        assert sorted(source.folders()) == ["Personal", "Work"]

    ledger = Ledger(principal, calendars=("Work",))
    items = ledger.poll()
    assert [summary(i) for i in items] == ["Work meeting"]
    assert list(ledger.cursors) == ["Work"]

    with caldav_source(principal, calendars=("personal",)) as source:  # by URL segment
        assert source.folders() == ["Personal"]
        lines = source.describe()
    assert lines[0].startswith(f"{principal}: calendar home ")
    assert any("'Personal'" in line and ": read;" in line for line in lines)
    assert any("'Work'" in line and "not read" in line for line in lines)

    with pytest.raises(SourceError, match=r"calendar 'Holidays' not found at .*found: "):
        caldav_source(principal, calendars=("Holidays",)).open()

    # The server root: the calendars are found through current-user-principal.
    with caldav_source(server.url) as source:
        assert sorted(source.folders()) == ["Personal", "Work"]


def test_duplicate_display_names_get_unique_folders(server: CalDAVTestServer) -> None:
    server.make_calendar(USER, "work", "Work")
    server.make_calendar(USER, "work2", "Work")
    with caldav_source(server.principal_url(USER)) as source:
        assert sorted(source.folders()) == ["Work (work)", "Work (work2)"]


# ---------------------------------------------------------------------------- fallback


def test_fallback_to_ctag_and_etags(
    server: CalDAVTestServer, proxy: RecordingProxy, requests_log: list[Seen]
) -> None:
    # A server without RFC 6578: its sync-collection REPORT is answered 501 Not Implemented.
    proxy.refused_reports.add("sync-collection")
    url = proxy.url_for(server.make_calendar(USER, "work", "Work"))
    for uid in ("a", "b", "c"):
        server.put_event(USER, "work", event(uid, f"Meeting {uid}"), f"{uid}.ics")
    ledger = Ledger(url)
    assert len(ledger.poll()) == 3
    # discovery, the refused sync REPORT, depth-1 PROPFIND of etags, a multiget per batch of 2
    assert asked(requests_log) == [
        "PROPFIND",
        "REPORT sync-collection",
        "PROPFIND",
        "REPORT calendar-multiget",
        "REPORT calendar-multiget",
    ]
    state = ledger.cursors["Work"].state
    assert state["sync_token"] is None and state["ctag"] and len(state["etags"]) == 3  # type: ignore[arg-type]
    assert state["sync_failed_at"]

    # No change: discovery's ctag settles it; asked again in-session, one depth-0 PROPFIND.
    requests_log.clear()
    assert ledger.poll() == []
    assert asked(requests_log) == ["PROPFIND"]
    with caldav_source(url) as source:
        source.changes("Work", ledger.cursors["Work"])
        requests_log.clear()
        changes = source.changes("Work", ledger.cursors["Work"])
    assert changes.refs == [] and changes.cursor == ledger.cursors["Work"]
    assert asked(requests_log) == ["PROPFIND"]

    server.put_event(USER, "work", event("d", "Meeting d"), "d.ics")
    server.put_event(USER, "work", event("b", "Meeting b2"), "b.ics")
    server.delete_event(USER, "work", "c.ics")
    requests_log.clear()
    assert changes_of(ledger.poll(max_items=100)) == [
        ("deleted", "c.ics#"),
        ("event", "Meeting b2"),
        ("event", "Meeting d"),
    ]
    # discovery (ctag differs), depth-1 PROPFIND of etags, one multiget of the two changed;
    # sync is not asked again before the retry interval is over.
    assert asked(requests_log) == ["PROPFIND", "PROPFIND", "REPORT calendar-multiget"]
    assert ledger.poll() == []

    # Once the retry interval is over and the server syncs again: a full listing against the
    # known etags, nothing repeated, and the cursor holds a sync token again.
    proxy.refused_reports.discard("sync-collection")
    aged = {**ledger.cursors["Work"].state, "sync_failed_at": 1.0}
    ledger.cursors["Work"] = FolderCursor("Work", state=aged)
    requests_log.clear()
    assert ledger.poll() == []
    assert "REPORT sync-collection" in asked(requests_log)
    assert "REPORT calendar-multiget" not in asked(requests_log)
    assert ledger.cursors["Work"].state["sync_token"]
    assert "sync_failed_at" not in ledger.cursors["Work"].state


def test_rejected_sync_token_lists_again(server: CalDAVTestServer) -> None:
    url = server.make_calendar(USER, "work", "Work")
    for uid in ("a", "b"):
        server.put_event(USER, "work", event(uid, f"Meeting {uid}"), f"{uid}.ics")
    ledger = Ledger(url)
    ledger.poll()
    server.delete_event(USER, "work", "a.ics")
    server.put_event(USER, "work", event("c", "Meeting c"), "c.ics")
    old = ledger.cursors["Work"]
    # A token the server does not know (expired, or the calendar was restored from a backup).
    ledger.cursors["Work"] = FolderCursor(
        "Work", state={**old.state, "sync_token": f"{old.state['sync_token']}0"}
    )
    assert changes_of(ledger.poll()) == [("deleted", "a.ics#"), ("event", "Meeting c")]
    assert ledger.cursors["Work"].state["sync_token"] != f"{old.state['sync_token']}0"
    assert ledger.poll() == []


# ---------------------------------------------------------------------------- resume


def test_resume_after_interrupted_run(server: CalDAVTestServer) -> None:
    url = server.make_calendar(USER, "work", "Work")
    for uid in ("a", "b", "c", "d", "e"):
        server.put_event(USER, "work", event(uid, f"Meeting {uid}"), f"{uid}.ics")

    # The first run dies after storing only the first item.
    with caldav_source(url) as source:
        changes = source.changes("Work", None)
        assert len(changes.refs) == 5
        first = list(source.fetch("Work", changes.refs[:1]))
    ledger = Ledger(
        url, refs={i.ref for i in first}, cursors={"Work": stored(changes.refs[0].cursor)}
    )

    rest = ledger.poll()
    # Exactly five: the stored first one is neither fetched nor handed out again.
    assert changes_of(first + rest) == [("event", f"Meeting {u}") for u in "abcde"]
    assert ledger.duplicates == []
    assert len(ledger.cursors["Work"].state["etags"]) == 5  # type: ignore[arg-type]
    assert "pending" not in ledger.cursors["Work"].state

    # Again with a mix of changes, and the server changing while the run was down.
    server.put_event(USER, "work", event("b", "Meeting b2"), "b.ics")
    server.delete_event(USER, "work", "c.ics")
    server.put_event(USER, "work", event("f", "Meeting f"), "f.ics")
    with caldav_source(url) as source:
        changes = source.changes("Work", ledger.cursors["Work"])
        assert len(changes.refs) == 3  # b.ics, c.ics, f.ics in href order
        first = list(source.fetch("Work", changes.refs[:1]))
    assert changes_of(first) == [("event", "Meeting b2")]
    ledger.refs |= {i.ref for i in first}
    ledger.cursors["Work"] = stored(changes.refs[0].cursor)
    server.put_event(USER, "work", event("a", "Meeting a2"), "a.ics")

    rest = ledger.poll(max_items=1)
    assert ledger.duplicates == []  # nothing stored before the interruption came again
    assert changes_of(rest) == [
        ("deleted", "c.ics#"),
        ("event", "Meeting a2"),
        ("event", "Meeting f"),
    ]
    assert ledger.poll() == []


# ---------------------------------------------------------------------------- objects


@pytest.mark.parametrize("multiget", [True, False], ids=["multiget", "get"])
def test_malformed_object_is_an_item_not_an_error(
    server: CalDAVTestServer, proxy: RecordingProxy, requests_log: list[Seen], multiget: bool
) -> None:
    # Servers refuse invalid iCalendar on PUT, so the proxy hands out broken bytes instead.
    url = server.make_calendar(USER, "work", "Work")
    server.put_event(USER, "work", event("a", "Fine"), "a.ics")
    server.put_event(USER, "work", event("b", "Broken"), "b.ics")
    proxy.replace_object(f"{url}b.ics", b"this is not a calendar")
    if not multiget:
        proxy.refused_reports.add("calendar-multiget")
    items = Ledger(proxy.url_for(url)).poll()
    gets = [r.path.rsplit("/", 1)[-1] for r in requests_log if r.method == "GET"]
    assert "REPORT calendar-multiget" in asked(requests_log)
    assert sorted(gets) == ([] if multiget else ["a.ics", "b.ics"])
    broken = [i for i in items if i.object_key and i.object_key.endswith("/b.ics#")]
    assert [summary(i) for i in items if i not in broken] == ["Fine"]
    assert len(broken) == 1 and broken[0].data == b"this is not a calendar"
    assert broken[0].kind == "calendar" and not broken[0].deleted


@pytest.mark.parametrize("multiget", [True, False], ids=["multiget", "get"])
def test_objects_over_the_size_cap_are_not_handed_on(
    server: CalDAVTestServer, proxy: RecordingProxy, requests_log: list[Seen], multiget: bool
) -> None:
    url = server.make_calendar(USER, "work", "Work")
    server.put_event(USER, "work", event("small", "Small"), "small.ics")
    big = event("big", "Big", "DESCRIPTION:" + "x" * 70 + "\r\n " + "y" * 70 * 60 + "\r\n")
    server.put_event(USER, "work", big, "big.ics")
    if not multiget:  # a server that answers calendar-multiget with 501 Not Implemented
        proxy.refused_reports.add("calendar-multiget")
    items = Ledger(proxy.url_for(url), options={"max_message_size": 2000}).poll()  # cap: 2000
    by_name = {i.object_key.rsplit("/", 1)[-1]: i for i in items if i.object_key}
    assert summary(by_name["small.ics#small"]) == "Small"
    assert by_name["big.ics#"].truncated and by_name["big.ics#"].data == b""
    gets = [r.path for r in requests_log if r.method == "GET"]
    if multiget:
        assert gets == []
    elif server.name == "xandikos":
        # Xandikos gives getcontentlength in the sync report: the big object is never fetched.
        assert [u.rsplit("/", 1)[-1] for u in gets] == ["small.ics"]
    else:
        # Radicale does not: the download stops once it passes the cap.
        assert sorted(u.rsplit("/", 1)[-1] for u in gets) == ["big.ics", "small.ics"]


# ---------------------------------------------------------------------------- errors


def test_wrong_password_is_a_clear_error(tmp_path: Path) -> None:
    # Radicale only: Xandikos does not check passwords over plain HTTP (see its harness).
    with RadicaleServer(tmp_path, users={USER: PASSWORD}) as server:
        url = server.make_calendar(USER, "work", "Work")
        source = caldav_source(url, password=PasswordSpec(command=("echo", "hunter2")))
        with pytest.raises(SourceError) as e:
            source.open()
    message = str(e.value)
    assert message == (
        f"source calendar: login as 'recruiter' on {url} was rejected: wrong username or password"
    )
    assert "hunter2" not in message and "\n" not in message


def test_unreachable_server_is_a_clear_error() -> None:
    url = f"http://127.0.0.1:{free_port()}/recruiter/"
    with pytest.raises(
        SourceError, match=r"^source calendar: cannot connect to .*: Connection refused$"
    ):
        caldav_source(url).open()


def test_server_gone_mid_poll_names_the_calendar(server: CalDAVTestServer) -> None:
    url = server.make_calendar(USER, "work", "Work")
    server.put_event(USER, "work", event("a"), "a.ics")
    with caldav_source(url) as source:
        server.stop()
        with pytest.raises(
            SourceError, match=r"^source calendar \(Work\): cannot connect to "
        ) as e:
            source.changes("Work", None)
    assert "\n" not in str(e.value)


def test_silent_server_times_out() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/"
        with pytest.raises(SourceError, match=r"did not answer within 1 s$"):
            caldav_source(url, timeout=1.0).open()


def test_missing_calendar_is_a_clear_error(server: CalDAVTestServer) -> None:
    server.make_calendar(USER, "work", "Work")
    url = server.calendar_url(USER, "nope")
    with pytest.raises(SourceError, match=r"PROPFIND .*/nope/: not found \(HTTP 404\)$"):
        caldav_source(url).open()


@dataclass
class FakeDav:
    """A one-trick HTTP(S) server: answers every request with the same status and body."""

    status: int = 207
    body: bytes = b""
    content_type: str = "text/xml; charset=utf-8"
    tls: ssl.SSLContext | None = None

    def __enter__(self) -> str:
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self.send_response(fake.status)
                self.send_header("Content-Type", fake.content_type)
                self.send_header("Content-Length", str(len(fake.body)))
                self.end_headers()
                self.wfile.write(fake.body)

            do_PROPFIND = do_REPORT = do_GET = _answer  # noqa: N815

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if self.tls is not None:
            self.httpd.socket = self.tls.wrap_socket(self.httpd.socket, server_side=True)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self.httpd.server_address[1]}/cal/"

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.mark.parametrize(
    ("body", "content_type", "match"),
    [
        (b"<multistatus xmlns='DAV:'><response>", "text/xml", "malformed XML"),
        (
            b"<html><body>Login</body></html>",
            "text/html",
            r"malformed reply \(no DAV:multistatus\)",
        ),
    ],
    ids=["broken-xml", "not-dav"],
)
def test_malformed_server_reply_is_a_clear_error(
    body: bytes, content_type: str, match: str
) -> None:
    with (
        FakeDav(body=body, content_type=content_type) as url,
        pytest.raises(SourceError, match=match) as e,
    ):
        caldav_source(url).open()
    assert "\n" not in str(e.value) and url in str(e.value)


def test_tls_failure_is_a_clear_error(tmp_path: Path) -> None:
    openssl = shutil.which("openssl")
    assert openssl, "openssl is needed to make a self-signed certificate"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    with FakeDav(tls=ctx) as url, pytest.raises(SourceError) as e:
        caldav_source(url).open()
    assert str(e.value).startswith(
        f"source calendar: TLS failure talking to {url}: certificate verification failed"
    )
    assert "\n" not in str(e.value)


def test_cursor_survives_garbage_state(server: CalDAVTestServer) -> None:
    """A cursor from an older build or a hand-edited database is read, not trusted blindly."""
    url = server.make_calendar(USER, "work", "Work")
    server.put_event(USER, "work", event("a", "Meeting a"), "a.ics")
    garbage = FolderCursor(
        "Work", state={"sync_token": 7, "etags": [1, 2], "pending": "x", "done": -3}
    )
    with caldav_source(url) as source:
        changes = source.changes("Work", garbage)
        assert [summary(i) for i in source.fetch("Work", changes.refs)] == ["Meeting a"]
