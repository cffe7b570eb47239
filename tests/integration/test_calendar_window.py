"""Series are expanded from the store as the bound moves; calendars are not read again for it.

The history rule: one-off events and finite series are stored whatever their age; an infinite
series only inside [now - calendar_history_days, now + calendar_future_days]. As the clock moves,
or when the bound is raised, the stored masters are expanded again (ingestor/seriesjob.py), so a
calendar's objects are downloaded only when they change. Time is frozen and moved by hand: the
`clock` stage of sync_source, which the job reads too.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from ingestor.config import PasswordSpec, SourceConfig
from ingestor.model import FolderCursor
from ingestor.pipeline import Stages, expand_stored_series, sync_source
from ingestor.sources import make_source
from ingestor.sources.base import FolderChanges
from ingestor.store import queries
from ingestor.store.schema import CalendarSeries, LedgerEntry
from tests.factories import OWNER, defaults, source_config
from tests.servers.radicale import CalDAVTestServer, RadicaleServer
from tests.servers.recording_proxy import RecordingProxy
from tests.servers.xandikos import XandikosServer

pytestmark = pytest.mark.integration

HISTORY_DAYS, FUTURE_DAYS = 30, 28
# Noon, while the series meets at 09:00: no occurrence ever sits on a bound's edge.
START = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
SERIES_START = (START - timedelta(days=98)).replace(hour=9)  # older than the history bound
USER, PASSWORD, PASSWORD_ENV = "recruiter", "secret", "INGESTOR_TEST_WINDOW_PASSWORD"


def stamp(d: datetime) -> str:
    return d.strftime("%Y%m%dT%H%M%SZ")


def calendar(*events: str) -> str:
    return (
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n" + "".join(events) + "END:VCALENDAR\n"
    )


def vevent(
    uid: str, start: datetime, summary: str, rrule: str | None = None, sequence: int = 0
) -> str:
    return (
        f"BEGIN:VEVENT\nUID:{uid}\nDTSTAMP:20260101T000000Z\nDTSTART:{stamp(start)}\n"
        f"DTEND:{stamp(start + timedelta(minutes=30))}\nSUMMARY:{summary}\nSEQUENCE:{sequence}\n"
        + (f"RRULE:{rrule}\n" if rrule else "")
        + f"ORGANIZER:mailto:{OWNER}\nATTENDEE;PARTSTAT=ACCEPTED:mailto:hm@client.example\n"
        "END:VEVENT\n"
    )


WEEKLY_UID = "weekly@agency.example"
WEEKLY = vevent(WEEKLY_UID, SERIES_START, "Weekly sync", "FREQ=WEEKLY")
ONE_OFF = vevent("once@agency.example", START + timedelta(days=3), "Intro call")
# Three interviews two years ago: a finite series, kept whatever its age.
LOOP_START = (START - timedelta(days=730)).replace(hour=15)
LOOP = vevent("loop@agency.example", LOOP_START, "Interview loop", "FREQ=WEEKLY;COUNT=3")


class Feed:
    """A calendar that tests put events in and take them out of, and its source config."""

    cfg: SourceConfig
    proxy: RecordingProxy | None = None

    def put(self, name: str, ics: str) -> None:
        raise NotImplementedError

    def delete(self, name: str) -> None:
        raise NotImplementedError


class IcsFeed(Feed):
    def __init__(self, path: Path) -> None:
        self.path = path
        self.events: dict[str, str] = {}
        self.cfg = window_config(name="cal", type="ics", path=str(path))

    def put(self, name: str, ics: str) -> None:
        self.events[name] = ics
        self.path.write_text(calendar(*self.events.values()))

    def delete(self, name: str) -> None:
        del self.events[name]
        self.path.write_text(calendar(*self.events.values()))


class DavFeed(Feed):
    def __init__(self, server: CalDAVTestServer, proxy: RecordingProxy) -> None:
        self.server = server
        self.proxy = proxy
        url = proxy.url_for(server.make_calendar(USER, "work", "Work"))
        self.cfg = window_config(
            name="dav",
            type="caldav",
            url=url,
            username=USER,
            password=PasswordSpec(env=PASSWORD_ENV),
            timeout=10.0,
        )

    def put(self, name: str, ics: str) -> None:
        self.server.put_event(USER, "work", calendar(ics), f"{name}.ics")

    def delete(self, name: str) -> None:
        self.server.delete_event(USER, "work", f"{name}.ics")


def window_config(**kw: Any) -> SourceConfig:
    return source_config(calendar_future_days=FUTURE_DAYS, calendar_history_days=HISTORY_DAYS, **kw)


def with_history(cfg: SourceConfig, days: int) -> SourceConfig:
    """`cfg` with another calendar_history_days."""
    return cfg.model_copy(update={"calendar_history_days": days})


@dataclass
class Clock:
    now: datetime

    def advance(self, days: int) -> None:
        self.now += timedelta(days=days)

    def stages(self) -> Stages:
        """The pipeline's stages with this clock: its bound, and its run of the job."""
        return Stages(clock=lambda: self.now)


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture(params=["ics", "radicale", "xandikos"])
def feed(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Feed]:
    if request.param == "ics":
        yield IcsFeed(tmp_path / "team.ics")
        return
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    server_class = RadicaleServer if request.param == "radicale" else XandikosServer
    server = server_class(tmp_path / request.param, users={USER: PASSWORD})
    with server, RecordingProxy(server.url) as proxy:
        yield DavFeed(server, proxy)


def sync(cfg: SourceConfig, sessions: Any, clock: Clock) -> int:
    """One sync pass; the number of items the source handed over that the ledger did not hold."""
    summary = sync_source(cfg, defaults(), sessions, stages=clock.stages())
    assert summary.ok, summary.error
    return summary.seen


def occurrences(sessions: Any, uid: str) -> list[dict[str, Any]]:
    with sessions() as s:
        return [i for i in queries.interactions(s) if i["ical_uid"] == uid]


def weekly_starts(first: datetime, last: datetime) -> list[str]:
    """The weekly series' occurrences inside [first, last], as the store shows them."""
    out, at = [], SERIES_START
    while at <= last:
        if at >= first:
            out.append(at.isoformat())
        at += timedelta(days=7)
    return out


def object_downloads(feed: Feed, since: int) -> list[str]:
    """What the server was asked for objects after request number `since`: GETs and
    calendar-multiget REPORTs (a sync-collection REPORT lists hrefs and etags only)."""
    if feed.proxy is None:
        return []
    return [
        f"{r.method} {r.path}"
        for r in feed.proxy.requests[since:]
        if r.method == "GET" or (r.method == "REPORT" and b"calendar-multiget" in r.body)
    ]


def requests_so_far(feed: Feed) -> int:
    return len(feed.proxy.requests) if feed.proxy is not None else 0


def test_series_grow_from_the_store_as_time_moves(feed: Feed, sessions: Any, clock: Clock) -> None:
    feed.put("weekly", WEEKLY)
    feed.put("once", ONE_OFF)
    feed.put("loop", LOOP)
    assert sync(feed.cfg, sessions, clock) == 3
    first_bound = (START - timedelta(days=HISTORY_DAYS), START + timedelta(days=FUTURE_DAYS))
    series = occurrences(sessions, WEEKLY_UID)
    assert sorted(o["occurred_at"] for o in series) == weekly_starts(*first_bound)
    # The finite series from two years ago is there in full, and the one-off event.
    loop = occurrences(sessions, "loop@agency.example")
    assert sorted(o["occurred_at"] for o in loop) == [
        (LOOP_START + timedelta(days=7 * k)).isoformat() for k in range(3)
    ]
    assert len(occurrences(sessions, "once@agency.example")) == 1

    # A month on, the job expands the stored series into the moved bound: nothing is asked of
    # the server at all.
    clock.advance(30)
    before = requests_so_far(feed)
    assert feed.proxy is None or before > 0  # the proxy does see the sync's requests
    assert expand_stored_series(feed.cfg, defaults(), sessions, clock.stages()) == 1
    assert requests_so_far(feed) == before
    moved_end = clock.now + timedelta(days=FUTURE_DAYS)
    expected = weekly_starts(first_bound[0], moved_end)
    series = occurrences(sessions, WEEKLY_UID)
    assert sorted(o["occurred_at"] for o in series) == expected
    assert max(expected) > first_bound[1].isoformat()  # new future occurrences exist
    # Those that slid out of the history bound are kept: they were not deleted.
    assert {o["status"] for o in series} == {"confirmed"}
    # The new occurrences went through resolve like synced ones: the attendee is a contact.
    attendees = {
        p["contact_id"] for o in series for p in o["participants"] if p["role"] == "attendee"
    }
    assert len(attendees) == 1 and None not in attendees
    assert all(n == 1 for n in Counter(o["recurrence_id"] for o in series).values())
    # Run again in the same bound: nothing is due.
    assert expand_stored_series(feed.cfg, defaults(), sessions, clock.stages()) == 0

    # A sync of the unchanged calendar hands over nothing and downloads no object.
    before = requests_so_far(feed)
    assert sync(feed.cfg, sessions, clock) == 0
    assert object_downloads(feed, before) == []

    # The series is edited: its new expansion cancels nothing outside the bound, and the
    # one-off event's deletion is still noticed.
    feed.put("weekly", vevent(WEEKLY_UID, SERIES_START, "Weekly sync (new room)", "FREQ=WEEKLY", 1))
    feed.delete("once")
    assert sync(feed.cfg, sessions, clock) == 2
    series = occurrences(sessions, WEEKLY_UID)
    assert sorted(o["occurred_at"] for o in series) == expected
    assert {o["status"] for o in series} == {"confirmed"}
    (once,) = occurrences(sessions, "once@agency.example")
    assert once["status"] == "cancelled"
    with sessions() as s:
        keys = set(s.scalars(select(CalendarSeries.object_key)))
    assert not any("once" in k for k in keys) and any("weekly" in k for k in keys)


def test_raising_the_history_bound_fills_in_older_occurrences(
    feed: Feed, sessions: Any, clock: Clock
) -> None:
    feed.put("weekly", WEEKLY)
    assert sync(feed.cfg, sessions, clock) == 1
    assert (
        min(o["occurred_at"] for o in occurrences(sessions, WEEKLY_UID)) > SERIES_START.isoformat()
    )

    # The bound is a cap, not a data loss: raised, the next sync fills in from the store.
    raised = with_history(feed.cfg, 200)
    before = requests_so_far(feed)
    assert sync(raised, sessions, clock) == 0  # nothing new from the calendar itself
    assert object_downloads(feed, before) == []
    series = occurrences(sessions, WEEKLY_UID)
    assert sorted(o["occurred_at"] for o in series) == weekly_starts(
        SERIES_START, START + timedelta(days=FUTURE_DAYS)
    )
    with sessions() as s:
        refs = list(s.scalars(select(LedgerEntry.ref).where(LedgerEntry.source == feed.cfg.name)))
    assert len([r for r in refs if "@expanded-" in r]) == 1


def poll(cfg: SourceConfig, cursor: FolderCursor | None) -> FolderChanges:
    """One changes() call in a fresh source; cursors go through JSON."""
    if cursor is not None:
        cursor = FolderCursor(cursor.folder, state=json.loads(json.dumps(cursor.state)))
    source = make_source(cfg)
    with source:
        (folder,) = source.folders()
        return source.changes(folder, cursor)


def test_a_cursor_from_before_the_store_hands_everything_over_once(feed: Feed) -> None:
    for name in ("a", "b", "c"):
        feed.put(name, vevent(f"{name}@agency.example", SERIES_START, name, "FREQ=WEEKLY"))
    first = poll(feed.cfg, None)
    assert len(first.refs) == 3
    assert poll(feed.cfg, first.cursor).refs == []
    # What the weekly re-download left in cursors: its keys, and no sign of stored masters.
    old = {k: v for k, v in first.cursor.state.items() if k != "masters_stored"}
    old |= {"expanded_on": "2026-01-01", "reexpanding": "2026-01-01"}
    again = poll(feed.cfg, FolderCursor(first.cursor.folder, state=old))
    assert len(again.refs) == 3 and not {r.ref for r in again.refs} & {r.ref for r in first.refs}
    assert again.cursor.state["masters_stored"] is True
    assert poll(feed.cfg, again.cursor).refs == []
