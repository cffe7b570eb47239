"""A store outage is a source failure like any other: logged once per attempt, backed off,
retried, and neither the other sources nor the daemon go down with it.

A dedicated PostgreSQL database is made to refuse connections (`ALLOW_CONNECTIONS false`, its
sessions terminated) while the daemon syncs, then allowed again: the daemon recovers by itself
and the store ends up with every message exactly once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from functools import partial

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from ingestor.config import PasswordSpec, Settings
from ingestor.daemon import Daemon, backoff_delay
from ingestor.store.database import open_store
from ingestor.store.schema import Interaction, LedgerEntry, SourceStatus
from tests.factories import defaults, make_message, source_config, write_maildir
from tests.servers.postgres import admin_conninfo, temporary_database

pytestmark = pytest.mark.integration


@pytest.fixture
def outage_url() -> Iterator[str]:
    """A database of its own: refusing its connections must not touch the run's shared one."""
    with temporary_database("ingestor_outage") as url:
        try:
            yield url
        finally:
            set_connections(url, allowed=True)  # so that it can be dropped cleanly


def set_connections(url: str, allowed: bool) -> None:
    name = make_url(url).database
    with psycopg.connect(admin_conninfo(), autocommit=True) as admin:
        admin.execute(
            sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS {}").format(
                sql.Identifier(name), sql.SQL("true" if allowed else "false")
            )
        )
        if not allowed:  # and cut the sessions already open, mid-transaction or not
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting until {what}")
        time.sleep(0.05)


def mail(prefix: str, count: int) -> list[bytes]:
    return [
        make_message(
            sender=f"Person {i} <{prefix}{i}@example.org>",
            subject=f"{prefix} {i}",
            message_id=f"<{prefix}{i}@test>",
            body=f"Body {i}\n" + "lorem ipsum " * 40,
        )
        for i in range(count)
    ]


def test_the_daemon_rides_out_a_store_that_refuses_connections(
    tmp_path, outage_url, monkeypatch, caplog
):
    # Retry fast so that a few failed polls fit in seconds (the schedule is the daemon's own).
    monkeypatch.setenv("OUTAGE_PW", "x")
    caplog.set_level(logging.INFO)
    sessions = open_store(outage_url)
    big = write_maildir(tmp_path / "big", {"INBOX": mail("big", 300)})
    small = write_maildir(tmp_path / "small", {"INBOX": mail("small", 10)})
    sources = (
        source_config(name="big", path=str(big), poll_interval=0.5, batch_messages=10),
        source_config(name="small", path=str(small), poll_interval=0.5),
        source_config(  # fails for reasons of its own, store or no store
            name="dead",
            type="imap",
            host="127.0.0.1",
            port=1,
            security="none",
            username="u",
            password=PasswordSpec(env="OUTAGE_PW"),
            poll_interval=0.5,
        ),
    )
    settings = Settings(path="test", store_url=outage_url, defaults=defaults(), sources=sources)
    daemon = Daemon(
        settings, sessions, backoff=partial(backoff_delay, min_retry=0.3, max_backoff=1.5)
    )

    def stored() -> int:
        with sessions() as s:
            return s.scalar(select(func.count()).select_from(LedgerEntry)) or 0

    daemon.start()
    try:
        # Cut the store while the big mailbox is half-way: batches in flight must roll back.
        wait_for(lambda: stored() >= 20, 60, "the first batches are stored")
        before = stored()
        set_connections(outage_url, allowed=False)
        outage_started = len(caplog.records)
        assert before < 300, "the big mailbox was synced before the cut: make it bigger"
        write_maildir(big, {"INBOX": mail("late", 5)})  # mail keeps arriving meanwhile
        wait_for(
            lambda: all(daemon.failures.get(n, 0) >= 3 for n in ("big", "small", "dead")),
            60,
            "every source has failed 3 times in a row",
        )
        assert daemon.scheduler.running
        assert daemon.health.unwritten["small"].failures >= 1  # counted where it can be kept
        outage = caplog.records[outage_started:]

        set_connections(outage_url, allowed=True)
        wait_for(lambda: stored() == 315, 90, "all 315 messages are stored")
        wait_for(
            lambda: not daemon.failures.get("big") and not daemon.failures.get("small"),
            30,
            "the mail sources have recovered",
        )
        wait_for(lambda: "dead" not in daemon.health.unwritten, 30, "dead's failures written")
    finally:
        daemon.stop()
        sessions.kw["bind"].dispose()  # the database is dropped next

    # Every message exactly once: nothing lost in the rolled-back batches, nothing doubled.
    with sessions() as s:
        refs = [tuple(r) for r in s.execute(select(LedgerEntry.source, LedgerEntry.ref))]
        outcomes = set(s.scalars(select(LedgerEntry.outcome)))
        ids = list(s.scalars(select(Interaction.message_id)))
        status = {r.source: r for r in s.scalars(select(SourceStatus))}
    assert len(refs) == len(set(refs)) == 315 and outcomes == {"ingested"}
    assert sorted(ids) == sorted(
        [f"<big{i}@test>" for i in range(300)]
        + [f"<late{i}@test>" for i in range(5)]
        + [f"<small{i}@test>" for i in range(10)]
    )
    for name in ("big", "small"):
        assert status[name].last_error is None and status[name].consecutive_failures == 0
    # The failures made while the store was down were counted, and written once it was back.
    assert status["dead"].consecutive_failures == daemon.failures["dead"]
    assert (
        status["dead"].last_error
        == "source dead: cannot connect to 127.0.0.1:1: Connection refused"
    )

    # Logged once per attempt, one line each: no tracebacks, no scheduler errors, no bugs.
    errors = [r for r in outage if r.levelno >= logging.ERROR]
    assert errors and all(r.exc_info is None and r.name == "ingestor.pipeline" for r in errors)
    for name in ("big", "small"):
        lines = [r.getMessage() for r in errors if r.getMessage().startswith(f"{name}: ")]
        assert lines and all("store error" in line for line in lines), lines
        attempts = sum(
            1 for r in outage if r.getMessage().startswith(f"{name}: failure ")
        )  # the daemon's backoff line, one per failed attempt
        assert len(lines) in (attempts, attempts + 1)  # the last may not have been counted yet
