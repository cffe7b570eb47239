"""kill -9 at random moments, SIGTERM mid-sync: the database ends the same as a clean run."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ingestor.store import queries
from ingestor.store.database import open_store
from ingestor.store.schema import Interaction, LedgerEntry
from tests.factories import make_message, write_maildir
from tests.servers.dovecot import DovecotServer

pytestmark = pytest.mark.integration
N = 400


def corpus() -> list[bytes]:
    people = [f"Person {i} <p{i}@example.org>" for i in range(60)]
    return [
        make_message(
            sender=people[i % 60],
            cc=people[(i * 7) % 60],
            subject=f"Role {i}",
            message_id=f"<crash{i}@test>",
            body=f"Body {i}\n" + "lorem ipsum " * (i % 50),
        )
        for i in range(N)
    ]


def write_config(tmp: Path, store_url: str, source: str) -> Path:
    path = tmp / "ingestor.toml"
    path.write_text(
        f"""
[store]
url = "{store_url}"
[defaults]
internal_domains = ["agency.example"]
batch_messages = 15
# PostgreSQL: a killed `sync --once` leaves its lease, which the re-run waits out.
lease_period = "2s"
{source}
"""
    )
    return path


def run_cli(config: Path, *args: str, **kw) -> subprocess.Popen[bytes]:
    env = dict(os.environ, INGESTOR_CONFIG=str(config))
    return subprocess.Popen(
        [sys.executable, "-m", "ingestor.cli", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **kw,
    )


def snapshot(store_url: str) -> tuple[object, ...]:
    """The database's meaning, without ids and timestamps."""
    with open_store(store_url)() as s:
        data = queries.export(s)
        ledger_rows = s.scalar(select(func.count()).select_from(LedgerEntry))
        distinct_refs = s.scalar(select(func.count(func.distinct(LedgerEntry.ref))))
        interactions = s.scalar(select(func.count()).select_from(Interaction))
    contacts = sorted((tuple(c["emails"]), c["name"]) for c in data["contacts"])
    by_id = {c["id"]: c["emails"][0] for c in data["contacts"]}
    links = sorted(
        (i["message_id"], p["role"], p["email"], by_id.get(p["contact_id"]))
        for i in data["interactions"]
        for p in i["participants"]
    )
    outcomes = sorted((e["message_id"], e["outcome"]) for e in data["ledger"])
    return contacts, links, outcomes, ledger_rows, distinct_refs, interactions


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_kill_9_at_random_points_then_rerun_equals_clean_run(tmp_path, backend, request):
    with DovecotServer(tmp_path / "dovecot", users={"recruiter": "pw"}) as server:
        server.bulk_load("recruiter", "INBOX", corpus())
        os.environ["CRASH_TEST_PW"] = "pw"
        source = f"""
[[sources]]
name = "imap"
type = "imap"
host = "{server.host}"
port = {server.port}
security = "none"
username = "recruiter"
password_env = "CRASH_TEST_PW"
folders = ["INBOX"]
owner_addresses = ["anna@agency.example"]
"""
        clean_url = f"sqlite:///{tmp_path / 'clean.db'}"
        if backend == "sqlite":
            crash_url = f"sqlite:///{tmp_path / 'crash.db'}"
        else:
            crash_url = request.getfixturevalue("empty_postgres_url")

        clean = run_cli(write_config(_dir(tmp_path / "c"), clean_url, source), "sync", "--once")
        assert clean.wait(timeout=120) == 0, clean.stderr.read() if clean.stderr else ""

        crash_cfg = write_config(_dir(tmp_path / "k"), crash_url, source)
        open_store(crash_url)  # schema first, so kills land in the sync, not the migration
        rng = random.Random(int(os.environ.get("CRASH_SEED", "20261127")))
        kills = 0
        for _ in range(6):
            proc = run_cli(crash_cfg, "sync", "--once")
            time.sleep(rng.uniform(0.3, 2.0))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                kills += 1
            proc.wait(timeout=30)
        final = run_cli(crash_cfg, "sync", "--once")
        out, err = final.communicate(timeout=120)
        assert final.returncode == 0, err.decode()
        assert kills >= 1, "every run finished before it could be killed: make the corpus bigger"

        assert snapshot(crash_url) == snapshot(clean_url)
        contacts, links, outcomes, ledger_rows, distinct_refs, interactions = snapshot(crash_url)
        assert interactions == N and ledger_rows == N and distinct_refs == N
        assert {m for m, _ in outcomes} == {f"<crash{i}@test>" for i in range(N)}


def _dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def test_sigterm_finishes_the_batch_and_exits_quickly(tmp_path):
    root = write_maildir(tmp_path / "mail", {"INBOX": corpus()})
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    source = f"""
[[sources]]
name = "local"
type = "maildir"
path = "{root}"
poll_interval = "1h"
"""
    cfg = write_config(tmp_path, url, source)
    sessions = open_store(url)
    proc = run_cli(cfg, "run")
    # Mid-sync: once the first batch is in (a fixed sleep can land before the daemon is even
    # up on a busy machine).
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        with sessions() as s:
            if s.scalar(select(func.count()).select_from(LedgerEntry)):
                break
        time.sleep(0.02)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=10)  # the service contract: SIGTERM commits and exits within 10 s
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
    # Whatever was committed is consistent: a re-run completes the rest exactly once.
    again = run_cli(cfg, "sync", "--once")
    assert again.wait(timeout=120) == 0
    with open_store(url)() as s:
        assert s.scalar(select(func.count()).select_from(Interaction)) == N
        assert s.scalar(select(func.count()).select_from(LedgerEntry)) == N
