"""Recurring series keep producing occurrences as the expansion window moves with the clock.

Calendar sources hand over only changed events, and series are expanded only inside a window
around "now"; so every REEXPAND_DAYS each calendar hands over every event again (see
ingestor/sources/reexpand.py). Here time is frozen and moved by hand: the pipeline's idea of
now (the `clock` stage of sync_source) and the sources' `clock` move together.
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
from ingestor.pipeline import Stages, sync_source
from ingestor.sources import make_source
from ingestor.sources.base import FolderChanges
from ingestor.sources.reexpand import REEXPAND_DAYS
from ingestor.store import queries
from ingestor.store.schema import LedgerEntry
from tests.factories import OWNER, defaults, source_config
from tests.servers.radicale import CalDAVTestServer, RadicaleServer
from tests.servers.xandikos import XandikosServer

pytestmark = pytest.mark.integration

PAST_DAYS, FUTURE_DAYS = 30, 28
# Noon, while the series meets at 09:00: no occurrence ever sits on a window's edge.
START = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
SERIES_START = (START - timedelta(days=14)).replace(hour=9)
USER, PASSWORD, PASSWORD_ENV = "recruiter", "secret", "INGESTOR_TEST_WINDOW_PASSWORD"


def stamp(d: datetime) -> str:
    return d.strftime("%Y%m%dT%H%M%SZ")


def calendar(*events: str) -> str:
    return (
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n" + "".join(events) + "END:VCALENDAR\n"
    )


def vevent(uid: str, start: datetime, summary: str, rrule: str | None = None) -> str:
    return (
        f"BEGIN:VEVENT\nUID:{uid}\nDTSTAMP:20260101T000000Z\nDTSTART:{stamp(start)}\n"
        f"DTEND:{stamp(start + timedelta(minutes=30))}\nSUMMARY:{summary}\n"
        + (f"RRULE:{rrule}\n" if rrule else "")
        + f"ORGANIZER:mailto:{OWNER}\nATTENDEE;PARTSTAT=ACCEPTED:mailto:hm@client.example\n"
        "END:VEVENT\n"
    )


WEEKLY = vevent("weekly@agency.example", SERIES_START, "Weekly sync", "FREQ=WEEKLY")
ONE_OFF = vevent("once@agency.example", START + timedelta(days=3), "Intro call")


class Feed:
    """A calendar that tests put events in and take them out of, and its source config."""

    cfg: SourceConfig

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
    def __init__(self, server: CalDAVTestServer) -> None:
        self.server = server
        url = server.make_calendar(USER, "work", "Work")
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
    return source_config(calendar_past_days=PAST_DAYS, calendar_future_days=FUTURE_DAYS, **kw)


@dataclass
class Clock:
    now: datetime

    def advance(self, days: int) -> None:
        self.now += timedelta(days=days)


@pytest.fixture
def clock() -> Clock:
    """Frozen time for the pipeline (its window) and for every source it makes (re-expansion),
    handed to sync_source as its stages."""
    return Clock(START)


def stages(clock: Clock) -> Stages:
    def make_timed_source(cfg: SourceConfig) -> Any:
        source = make_source(cfg)
        source.clock = lambda: clock.now
        return source

    return Stages(clock=lambda: clock.now, sources=make_timed_source)


@pytest.fixture(params=["ics", "radicale", "xandikos"])
def feed(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Feed]:
    if request.param == "ics":
        yield IcsFeed(tmp_path / "team.ics")
        return
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    server_class = RadicaleServer if request.param == "radicale" else XandikosServer
    with server_class(tmp_path / request.param, users={USER: PASSWORD}) as server:
        yield DavFeed(server)


def sync(feed: Feed, sessions: Any, clock: Clock) -> int:
    """One sync pass; the number of items the source handed over that the ledger did not hold."""
    summary = sync_source(feed.cfg, defaults(), sessions, stages=stages(clock))
    assert summary.ok, summary.error
    return summary.seen


def occurrences(sessions: Any, uid: str) -> list[dict[str, Any]]:
    with sessions() as s:
        return [i for i in queries.interactions(s) if i["ical_uid"] == uid]


def weekly_starts(first: datetime, last: datetime) -> list[str]:
    """The series' occurrences inside [first, last], as the store shows them."""
    out, at = [], SERIES_START
    while at <= last:
        if at >= first:
            out.append(at.isoformat())
        at += timedelta(days=7)
    return out


def test_weekly_series_grows_as_time_moves(feed: Feed, sessions: Any, clock: Clock) -> None:
    feed.put("weekly", WEEKLY)
    feed.put("once", ONE_OFF)
    assert sync(feed, sessions, clock) == 2
    series = occurrences(sessions, "weekly@agency.example")
    first_window = (START - timedelta(days=PAST_DAYS), START + timedelta(days=FUTURE_DAYS))
    assert sorted(o["occurred_at"] for o in series) == weekly_starts(*first_window)

    # Within REEXPAND_DAYS of the first read, an unchanged calendar hands over nothing.
    clock.advance(REEXPAND_DAYS - 1)
    assert sync(feed, sessions, clock) == 0

    # A month on: every event is handed over again, under refs the ledger has not seen, and
    # the series gains the occurrences that entered the window. The one-off event vanished
    # meanwhile: that deletion is still noticed in the same round.
    clock.advance(30 - (REEXPAND_DAYS - 1))
    feed.delete("once")
    assert sync(feed, sessions, clock) == 2  # the series again, and the deletion
    series = occurrences(sessions, "weekly@agency.example")
    keys = Counter(o["recurrence_id"] for o in series)
    assert all(n == 1 for n in keys.values()), "duplicate occurrences"
    now = clock.now
    expected = weekly_starts(first_window[0], now + timedelta(days=FUTURE_DAYS))
    assert sorted(o["occurred_at"] for o in series) == expected
    assert max(expected) > first_window[1].isoformat()  # new future occurrences exist
    assert {o["status"] for o in series} == {"confirmed"}  # those that slid out stay
    (once,) = occurrences(sessions, "once@agency.example")
    assert once["status"] == "cancelled"

    # The round is done: a poll days later hands over nothing again ...
    clock.advance(REEXPAND_DAYS - 1)
    assert sync(feed, sessions, clock) == 0
    # ... until the next round, which again uses refs of its own.
    clock.advance(1)
    assert sync(feed, sessions, clock) == 1
    with sessions() as s:
        refs = list(s.scalars(select(LedgerEntry.ref).where(LedgerEntry.source == feed.cfg.name)))
    weekly_refs = [r for r in refs if "weekly" in r]
    assert len(weekly_refs) == 3 and len(set(weekly_refs)) == 3
    series_after = occurrences(sessions, "weekly@agency.example")
    assert len(series_after) == len(
        weekly_starts(first_window[0], clock.now + timedelta(days=FUTURE_DAYS))
    )


def poll(cfg: SourceConfig, at: datetime, cursor: FolderCursor | None) -> FolderChanges:
    """One changes() call in a fresh source whose clock says `at`; cursors go through JSON."""
    if cursor is not None:
        cursor = FolderCursor(cursor.folder, state=json.loads(json.dumps(cursor.state)))
    source = make_source(cfg)
    source.clock = lambda: at  # type: ignore[attr-defined]
    with source:
        (folder,) = source.folders()
        return source.changes(folder, cursor)


def test_an_interrupted_round_goes_on_under_its_own_date(feed: Feed) -> None:
    for name in ("a", "b", "c"):
        feed.put(name, vevent(f"{name}@agency.example", SERIES_START, name, "FREQ=WEEKLY"))
    first = poll(feed.cfg, START, None)
    assert len(first.refs) == 3
    assert first.refs[0].cursor.state["expanded_on"] == START.date().isoformat()
    due = START + timedelta(days=REEXPAND_DAYS)
    assert poll(feed.cfg, due - timedelta(days=1), first.cursor).refs == []
    round_ = poll(feed.cfg, due, first.cursor)
    assert len(round_.refs) == 3 and not {r.ref for r in round_.refs} & {r.ref for r in first.refs}
    assert round_.cursor.state["expanded_on"] == due.date().isoformat()

    # Stopped after the first item; resumed the next day, the round goes on as it was.
    resumed = poll(feed.cfg, due + timedelta(days=1), round_.refs[0].cursor)
    if isinstance(feed, IcsFeed):
        # The feed is handed over whole again, under the same refs: the ledger skips the first.
        assert [r.ref for r in resumed.refs] == [r.ref for r in round_.refs]
    else:
        assert [r.ref for r in resumed.refs] == [r.ref for r in round_.refs[1:]]
    assert resumed.cursor.state["expanded_on"] == due.date().isoformat()
    assert "reexpanding" not in resumed.cursor.state
    assert poll(feed.cfg, due + timedelta(days=2), resumed.cursor).refs == []
