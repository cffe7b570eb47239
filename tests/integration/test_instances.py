"""Several `ingestor run` processes on one PostgreSQL database and one Dovecot: real processes,
kill -9, SIGSTOP past the lease, and PgBouncer in transaction mode.

Each test compares the shared store with a single clean `sync --once` of the same mailboxes
(test_crash_safety.snapshot: contacts, links, outcomes, row counts): no message missing, none
doubled, whatever happened to the instances.
"""

from __future__ import annotations

import math
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from ingestor.store.database import open_store
from ingestor.store.schema import LedgerEntry
from tests.factories import make_message
from tests.integration.test_crash_safety import snapshot
from tests.servers.dovecot import DovecotServer
from tests.servers.pgbouncer import PgBouncer
from tests.servers.postgres import temporary_database

pytestmark = pytest.mark.integration
MAILBOXES = 12
PER_MAILBOX = 120
TOTAL = MAILBOXES * PER_MAILBOX
MORE = 40  # delivered to each mailbox while the instances run
LEASE = 3.0  # seconds: short, so takeovers fit in a test
PASSWORD_ENV = "INSTANCES_TEST_PW"


def mailbox(n: int, start: int = 0, count: int = PER_MAILBOX) -> list[bytes]:
    return [
        make_message(
            sender=f"Person {n}-{i % 9} <p{n}x{i % 9}@example.org>",
            subject=f"Box {n} message {i}",
            message_id=f"<box{n}m{i}@test>",
            body=f"Hello {i}\n" + "lorem ipsum " * 30,
        )
        for i in range(start, start + count)
    ]


def config(tmp: Path, store_url: str, server: DovecotServer) -> Path:
    sources = "".join(
        f"""
[[sources]]
name = "box{n}"
type = "imap"
host = "{server.host}"
port = {server.port}
security = "none"
username = "user{n}"
password_env = "{PASSWORD_ENV}"
folders = ["INBOX"]
owner_addresses = ["anna@agency.example"]
"""
        for n in range(MAILBOXES)
    )
    path = tmp / f"{abs(hash(store_url))}.toml"
    path.write_text(
        f"""
[store]
url = "{store_url}"
[defaults]
internal_domains = ["agency.example"]
batch_messages = 2
poll_interval = "1s"
lease_period = "{LEASE:g}s"
{sources}
"""
    )
    return path


@pytest.fixture
def dovecot(tmp_path: Path) -> Iterator[DovecotServer]:
    users = {f"user{n}": "pw" for n in range(MAILBOXES)}
    with DovecotServer(tmp_path / "dovecot", users=users) as server:
        for n in range(MAILBOXES):
            server.bulk_load(f"user{n}", "INBOX", mailbox(n))
        yield server


def clean_run(tmp_path: Path, dovecot: DovecotServer) -> object:
    """What one clean `sync --once` of the twelve mailboxes, as they are now, stores."""
    url = f"sqlite:///{tmp_path / 'clean.db'}"
    done = cli(config(tmp_path, url, dovecot), "sync", "--once", log=tmp_path / "clean.log")
    assert done.wait(timeout=180) == 0, (tmp_path / "clean.log").read_text()[-3000:]
    return snapshot(url)


@pytest.fixture
def clean(tmp_path: Path, dovecot: DovecotServer, monkeypatch: pytest.MonkeyPatch) -> object:
    monkeypatch.setenv(PASSWORD_ENV, "pw")
    return clean_run(tmp_path, dovecot)


def cli(cfg: Path, *args: str, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "ingestor.cli", "--config", str(cfg), *args],
        stdout=subprocess.DEVNULL,
        stderr=open(log, "wb"),  # noqa: SIM115 - the child owns it
    )


def ledger_rows(url: str) -> int:
    with open_store(url)() as s:
        return int(s.scalar(select(func.count()).select_from(LedgerEntry)) or 0)


def leases(url: str) -> dict[str, str]:
    """Live leases: source → owner PID."""
    with open_store(url)() as s:
        rows = s.execute(
            text("SELECT source, owner FROM source_lease WHERE expires_at > clock_timestamp()")
        )
        return {source: owner.split(":")[1] for source, owner in rows}


def wait_for(
    what: str, done: Callable[[], bool], timeout: float, logs: list[Path], db: str | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if done():
            return
        time.sleep(0.2)
    tails = "\n".join(f"--- {p}\n{p.read_text(errors='replace')[-1500:]}" for p in logs)
    raise AssertionError(f"timed out waiting for {what}\n{tails}\n{activity(db)}")


def activity(url: str | None) -> str:
    """What the server's other sessions are doing (for a failure message)."""
    if url is None:
        return ""
    with open_store(url)() as s:
        rows = s.execute(
            text(
                "SELECT pid, state, wait_event_type, wait_event, "
                "now() - state_change, left(query, 120) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).all()
    return "--- pg_stat_activity\n" + "\n".join(" | ".join(map(str, r)) for r in rows)


@contextmanager
def instances(cfg: Path, tmp: Path, count: int) -> Iterator[list[subprocess.Popen[bytes]]]:
    procs = [cli(cfg, "run", log=tmp / f"run{i}.log") for i in range(count)]
    try:
        yield procs
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGCONT)
                p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def test_three_instances_share_the_sources_and_survive_a_kill_9(
    tmp_path: Path, dovecot: DovecotServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "pw")
    with temporary_database() as url:
        open_store(url)  # the schema first: the instances then only sync
        cfg = config(tmp_path, url, dovecot)
        logs = [tmp_path / f"run{i}.log" for i in range(3)]
        with instances(cfg, tmp_path, 3) as procs:
            pids = {str(p.pid): p for p in procs}
            wait_for(
                "all three instances to hold leases",
                lambda: len(set(leases(url).values())) == 3,
                8 * LEASE,
                logs,
                url,
            )
            # The first one up claimed everything; within a lease period it gives back what
            # is over its share as the others appear.
            wait_for(
                "a fair share each",
                lambda: max(Counter(leases(url).values()).values()) <= math.ceil(MAILBOXES / 3) + 1,
                2 * LEASE,
                logs,
                url,
            )
            held = Counter(leases(url).values())
            # New mail for every mailbox, so that all three are mid-batch when one is killed.
            for n in range(MAILBOXES):
                for raw in mailbox(n, start=PER_MAILBOX, count=MORE):
                    dovecot.deliver(f"user{n}", "INBOX", raw)
            wait_for("the new mail to be read", lambda: ledger_rows(url) > TOTAL, 60, logs, url)

            victim_pid, _ = held.most_common(1)[0]
            victim_sources = {s for s, o in leases(url).items() if o == victim_pid}
            pids[victim_pid].send_signal(signal.SIGKILL)  # mid-batch: polls run all the time
            killed_at = time.monotonic()
            pids[victim_pid].wait(5)
            wait_for(
                "the killed instance's sources to be taken over",
                lambda: victim_sources <= {s for s, o in leases(url).items() if o != victim_pid},
                3 * LEASE,
                logs,
                url,
            )
            taken_over_in = time.monotonic() - killed_at
            everything = TOTAL + MAILBOXES * MORE
            wait_for("every message", lambda: ledger_rows(url) >= everything, 180, logs, url)
            survivors = Counter(leases(url).values())
            assert set(survivors) <= set(pids) - {victim_pid}
            assert max(survivors.values()) <= math.ceil(MAILBOXES / 2) + 1, survivors
        assert taken_over_in <= LEASE * 2.5
        assert snapshot(url) == clean_run(tmp_path, dovecot)


@pytest.mark.parametrize("through", ["postgresql", "pgbouncer"])
def test_an_instance_paused_past_its_lease_commits_no_stale_batch(
    tmp_path: Path, dovecot: DovecotServer, clean: object, through: str
) -> None:
    with temporary_database() as direct:
        open_store(direct)
        # A paused instance's clients queued in PgBouncer hold their slots after BEGIN, before
        # the server's idle limit is set: PgBouncer's own limit frees them (README).
        with PgBouncer(
            tmp_path / "pgbouncer", direct, idle_transaction_timeout=2 * LEASE
        ) as bouncer:
            url = bouncer.url if through == "pgbouncer" else direct
            cfg = config(tmp_path, url, dovecot)
            logs = [tmp_path / "run0.log", tmp_path / "run1.log"]
            with instances(cfg, tmp_path, 1) as (paused,):
                wait_for(
                    "the first instance to hold every lease",
                    lambda: len(leases(direct)) == MAILBOXES and ledger_rows(direct) > 0,
                    8 * LEASE,
                    logs,
                    direct,
                )
                paused.send_signal(signal.SIGSTOP)  # with batches in flight
                stopped_rows = ledger_rows(direct)
                time.sleep(LEASE * 1.5)  # its leases lapse
                (tmp_path / "second").mkdir()
                with instances(cfg, tmp_path / "second", 1) as (second,):
                    wait_for(
                        "the second instance to take every source over",
                        lambda: set(leases(direct).values()) == {str(second.pid)},
                        8 * LEASE,
                        [
                            tmp_path / "second" / "run0.log",
                            tmp_path / "pgbouncer" / "pgbouncer.log",
                        ],
                        direct,
                    )
                    assert ledger_rows(direct) >= stopped_rows
                    paused.send_signal(signal.SIGCONT)
                    wait_for(
                        "every message", lambda: ledger_rows(direct) >= TOTAL, 180, logs, direct
                    )
                    # Both run on: the sources are shared again once the first one is back.
                    wait_for(
                        "the sources to be shared again",
                        lambda: set(leases(direct).values()) == {str(paused.pid), str(second.pid)},
                        8 * LEASE,
                        logs,
                        direct,
                    )
            first_log = (tmp_path / "run0.log").read_text(errors="replace")
            # The paused instance woke up with batches in flight under leases it had lost: each
            # was refused at its commit (fencing), or the server had already ended it (idle in
            # transaction past the lease period, so its locks did not hold the new holder up;
            # PgBouncer ends what was idle longer still).
            refused = "no longer held by this instance" in first_log
            ended = any(
                why in first_log
                for why in ("idle-in-transaction timeout", "idle transaction timeout")
            )  # the server's words, PgBouncer's
            assert refused or ended, first_log[-3000:]
        assert snapshot(direct) == clean
