"""Schema creation on SQLite is atomic: kill -9 anywhere in a first start, the next start works.

The kill tests fork every first start from one helper process that has already paid for the
imports (about 0.6 s a process), so 50 starts cost 50 migrations, not 50 interpreters. Half of
the starts die when their WAL reaches a random size, half by SIGKILL after a random delay.

The size kill is done by the kernel, not by a parent polling the file: RLIMIT_FSIZE with
SIGXFSZ at its default action kills the child at the very write() that would pass the limit,
leaving exactly that many bytes of WAL (a torn frame included). Polling cannot do this: with the
migrations in one transaction the whole WAL (about 230 kB) is written at COMMIT in about a
millisecond, and on a loaded machine the poller is rarely on a CPU in that millisecond, so the
child finished before the kill. The delay kills cover the statements before COMMIT, which write
nothing to the WAL and so cannot be reached by size.
"""

from __future__ import annotations

import json
import logging
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import event, text

import ingestor.store.web_schema  # noqa: F401  (registers the web tables on Base)
from ingestor.errors import StoreError
from ingestor.store import database
from ingestor.store.database import alembic_config, open_engine, open_store, upgrade
from ingestor.store.schema import Base
from ingestor.store.searchindex import outside_models

log = logging.getLogger(__name__)
KILLS = 50
SEED = int(os.environ.get("MIGRATION_CRASH_SEED", "17"))

# Reads one JSON job a line, forks a child that opens the store, kills it when the job says,
# and answers one JSON line: how the child ended and how far its WAL had got.
LAUNCHER = r"""
import json, os, resource, signal, sys, time
from pathlib import Path
from ingestor.store import database

resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
for line in sys.stdin:
    job = json.loads(line)
    migrations = Path(job["migrations"]) if job.get("migrations") else database.MIGRATIONS
    wal = job["path"] + "-wal"
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        if job["mode"] == "wal":
            # The kernel kills the child (SIGXFSZ; Python ignores it, so restore the default)
            # at the first write past this offset: with a fresh store that is the WAL's.
            signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
            resource.setrlimit(resource.RLIMIT_FSIZE, (job["bytes"], resource.RLIM_INFINITY))
        try:
            database.open_store("sqlite:///" + job["path"], migrations=migrations)
        except BaseException as e:
            sys.stderr.write(f"first start failed: {type(e).__name__}: {e}\n")
            os._exit(3)
        os._exit(0)
    done, status = 0, 0
    if job["mode"] == "delay":
        while time.perf_counter() - started < job["seconds"]:
            done, status = os.waitpid(pid, os.WNOHANG)  # a child that ended is reaped here
            if done:
                break
        else:
            os.kill(pid, signal.SIGKILL)
    if not done:
        _, status = os.waitpid(pid, 0)
    try:
        size = os.stat(wal).st_size
    except FileNotFoundError:
        size = 0
    print(json.dumps({
        "killed": os.WIFSIGNALED(status),
        "exit": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
        "wal": size,
        "seconds": time.perf_counter() - started,
    }), flush=True)
"""


class Launcher:
    def __init__(self, tmp: Path) -> None:
        self.stderr = (tmp / "launcher.err").open("w+")
        self.proc = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            text=True,
            cwd=Path(__file__).parents[2],
        )

    def run(self, **job: Any) -> dict[str, Any]:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps(job) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise AssertionError(f"the launcher died: {self.errors()}")
        return dict(json.loads(line))

    def errors(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read()

    def close(self) -> None:
        assert self.proc.stdin
        self.proc.stdin.close()
        self.proc.wait(timeout=10)
        self.stderr.close()


@pytest.fixture
def launcher(tmp_path: Path) -> Iterator[Launcher]:
    launcher = Launcher(tmp_path)
    yield launcher
    launcher.close()


def schema_of(path: Path) -> list[tuple[str, str, str]]:
    """Every object's SQL, with a table's constraints in sorted order: Alembic's batch copy
    (SQLite's way to add a foreign key) writes them in an order that differs from run to run."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
        ).fetchall()
    conn.close()
    return [(kind, name, _constraints_sorted(sql or "")) for kind, name, sql in rows]


def _constraints_sorted(sql: str) -> str:
    lines = [line.strip().rstrip(",") for line in sql.splitlines()]
    constraints = sorted(line for line in lines if line.startswith("CONSTRAINT "))
    return "\n".join([line for line in lines if not line.startswith("CONSTRAINT ")] + constraints)


def versions_of(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT version_num FROM alembic_version")]
    finally:
        conn.close()


def head() -> str:
    engine = open_engine("sqlite://")
    (only,) = ScriptDirectory.from_config(alembic_config(engine)).get_heads()
    engine.dispose()
    return only


def open_and_close(path: Path) -> None:
    sessions = open_store(f"sqlite:///{path}")
    sessions.kw["bind"].dispose()


def check_store(path: Path, reference: list[tuple[str, str, str]], version: str) -> str | None:
    """None if the store opens and is complete, else what is wrong with it."""
    try:
        open_and_close(path)
    except Exception as e:
        return f"{type(e).__name__}: {e}"
    tables = {name for kind, name, _ in schema_of(path) if kind == "table"}
    missing = {name for kind, name, _ in reference if kind == "table"} - tables
    if missing:
        return f"opened, but tables are missing: {sorted(missing)}"
    if schema_of(path) != reference:
        return "opened, but the schema differs from a clean store's"
    if versions_of(path) != [version]:
        return f"opened, but alembic_version is {versions_of(path)}, not [{version!r}]"
    with sqlite3.connect(path) as conn:
        ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
    conn.close()
    return None if ok == "ok" else f"integrity_check: {ok}"


def kill_jobs(rng: random.Random, wal_bytes: int, seconds: float) -> list[dict[str, Any]]:
    """Every other kill by WAL size, the rest by time since the fork."""
    jobs: list[dict[str, Any]] = []
    for i in range(KILLS):
        if i % 2 == 0:
            jobs.append({"mode": "wal", "bytes": rng.randint(1, max(wal_bytes, 1))})
        else:
            jobs.append({"mode": "delay", "seconds": rng.uniform(0, seconds)})
    return jobs


def test_kill_9_at_random_points_of_a_first_start_leaves_a_store_that_opens(
    tmp_path: Path, launcher: Launcher
) -> None:
    clean = tmp_path / "clean.db"
    calibration = launcher.run(path=str(clean), mode="none")
    assert calibration["exit"] == 0, calibration
    reference = schema_of(clean)
    modelled = [r for r in reference if r[0] == "table" and outside_models(r[1], "table", {})]
    assert len(modelled) == len(Base.metadata.tables) + 1  # + alembic_version; FTS5 apart

    rng = random.Random(SEED)
    broken: list[str] = []
    killed = 0
    started = time.perf_counter()
    for i, job in enumerate(kill_jobs(rng, calibration["wal"], calibration["seconds"])):
        path = tmp_path / f"kill{i}.db"
        result = launcher.run(path=str(path), **job)
        killed += result["killed"]
        assert result["killed"] or result["exit"] == 0, (job, result, launcher.errors())
        problem = check_store(path, reference, head())
        if problem:
            broken.append(f"#{i} {job} (WAL at {result['wal']} B): {problem}")
    elapsed = time.perf_counter() - started
    log.info(
        "%d of %d first starts killed, %d stores broken, %.1f s",
        killed,
        KILLS,
        len(broken),
        elapsed,
    )
    assert not broken, f"{len(broken)} of {KILLS} stores broken:\n" + "\n".join(broken)
    # Most starts must really die midway, or the test proves nothing.
    assert killed >= KILLS * 7 // 10, f"only {killed} of {KILLS} first starts were killed"


BATCH_MIGRATION = '''"""recreate contact with a wider title (a batch copy on SQLite)"""

import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "{down}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contact", recreate="always") as batch_op:
        batch_op.alter_column("title", type_=sa.String(300))


def downgrade() -> None:
    with op.batch_alter_table("contact", recreate="always") as batch_op:
        batch_op.alter_column("title", type_=sa.String(200))
'''


@pytest.fixture
def batch_migrations(tmp_path: Path) -> Path:
    """The real migrations plus one that copies `contact`, the parent of cascading children."""
    copy = tmp_path / "migrations"
    shutil.copytree(database.MIGRATIONS, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "versions" / "9999_batch.py").write_text(BATCH_MIGRATION.format(down=head()))
    return copy


def store_with_children(path: Path, contacts: int) -> None:
    open_and_close(path)
    with sqlite3.connect(path) as conn:
        now = "2026-01-01 00:00:00.000000"
        conn.executemany(
            "INSERT INTO contact (id, name, origin, locked_fields, created_at, updated_at)"
            " VALUES (?, ?, 'auto', '[]', ?, ?)",
            [(i, f"Person {i}", now, now) for i in range(1, contacts + 1)],
        )
        conn.executemany(
            "INSERT INTO contact_email (contact_id, address) VALUES (?, ?)",
            [(i, f"p{i}@example.org") for i in range(1, contacts + 1)],
        )
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the template is one file, to copy
    conn.close()


def counts(path: Path) -> tuple[int, int]:
    conn = sqlite3.connect(path)
    try:
        return (
            conn.execute("SELECT count(*) FROM contact").fetchone()[0],
            conn.execute("SELECT count(*) FROM contact_email").fetchone()[0],
        )
    finally:
        conn.close()


def test_a_batch_copy_keeps_the_cascading_children_and_foreign_keys_come_back_on(
    tmp_path: Path, batch_migrations: Path
) -> None:
    # With PRAGMA foreign_keys=ON, DROP TABLE contact inside the copy would delete every
    # contact_email row through ON DELETE CASCADE; the migration connection turns them off.
    path = tmp_path / "store.db"
    store_with_children(path, 50)
    sessions = open_store(f"sqlite:///{path}", migrations=batch_migrations)
    with sessions() as s:
        assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1
    sessions.kw["bind"].dispose()
    assert versions_of(path) == ["9999"]
    assert counts(path) == (50, 50)
    assert "VARCHAR(300)" in dict((n, sql) for _, n, sql in schema_of(path))["contact"]


def test_kill_9_during_a_batch_copy_leaves_the_old_schema_or_the_new_one(
    tmp_path: Path, launcher: Launcher, batch_migrations: Path
) -> None:
    template = tmp_path / "template.db"
    store_with_children(template, 3000)
    old_schema, old_version = schema_of(template), versions_of(template)

    first = tmp_path / "first.db"
    shutil.copy(template, first)
    done = launcher.run(path=str(first), mode="none", migrations=str(batch_migrations))
    assert done["exit"] == 0, done
    new_schema = schema_of(first)

    rng = random.Random(SEED + 1)
    for i in range(10):
        path = tmp_path / f"kill{i}.db"
        shutil.copy(template, path)
        # By size, the limit also catches SQLite's temporary files (the copy's statement
        # journal, the index sorter): a kill in the copy either way.
        if i % 2 == 0:
            job = {"mode": "wal", "bytes": rng.randint(1, done["wal"])}
        else:
            job = {"mode": "delay", "seconds": rng.uniform(0, done["seconds"])}
        launcher.run(path=str(path), migrations=str(batch_migrations), **job)
        schema, version = schema_of(path), versions_of(path)
        assert (schema, version) in ((old_schema, old_version), (new_schema, ["9999"])), job
        assert counts(path) == (3000, 3000), job


def test_a_second_start_waits_for_a_migration_in_progress(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    url = f"sqlite:///{path}"
    engine = open_engine(url)
    second: list[subprocess.Popen[str]] = []

    def pause_midway(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().startswith("CREATE TABLE web_user") and not second:
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    "import sys; from ingestor.store.database import open_store\n"
                    "print('imported', flush=True)\n"
                    "open_store(sys.argv[1]); print('opened', flush=True)",
                    url,
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                cwd=Path(__file__).parents[2],
            )
            second.append(proc)
            assert proc.stdout and proc.stdout.readline() == "imported\n"
            time.sleep(1.0)  # long enough for the second start to reach the lock and wait
            assert proc.poll() is None, proc.communicate()

    event.listen(engine, "before_cursor_execute", pause_midway)
    upgrade(engine)
    engine.dispose()
    (proc,) = second
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert out == "opened\n"
    assert versions_of(path) == [head()]
    clean = tmp_path / "clean.db"
    open_and_close(clean)
    assert schema_of(path) == schema_of(clean)


def test_a_start_that_cannot_get_the_lock_fails_clearly_and_writes_nothing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "store.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("CREATE TABLE contact (id INTEGER PRIMARY KEY)")  # a migration, half-way
    with pytest.raises(StoreError) as raised:
        open_store(f"sqlite:///{path}", busy_timeout=0.5)
    message = str(raised.value)
    assert "\n" not in message
    assert "locked" in message and "another process" in message and "try again" in message
    holder.execute("ROLLBACK")
    assert schema_of(path) == []
    holder.close()
    open_and_close(path)
    assert versions_of(path) == [head()]


def half_built(path: Path, tables: list[str]) -> None:
    """What a kill during the first start left before this fix: some tables, no version."""
    engine = open_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine, tables=[Base.metadata.tables[t] for t in tables])
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL,"
            " CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
        )
    engine.dispose()


def test_a_half_built_store_from_an_interrupted_first_start_is_rebuilt(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "store.db"
    half_built(path, ["contact", "interaction", "source_cursor", "contact_email"])
    with caplog.at_level(logging.WARNING, logger="ingestor.store.database"):
        open_and_close(path)
    assert versions_of(path) == [head()]
    clean = tmp_path / "clean.db"
    open_and_close(clean)
    assert schema_of(path) == schema_of(clean)
    (warning,) = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "interrupted first start" in warning.getMessage()


def test_a_stamp_less_store_with_data_is_not_touched(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    half_built(path, ["contact", "contact_email"])
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO contact (name, origin, locked_fields, created_at, updated_at)"
            " VALUES ('Ann', 'auto', '[]', '2026-01-01', '2026-01-01')"
        )
    conn.close()
    before = schema_of(path)
    with pytest.raises(StoreError) as raised:
        open_and_close(path)
    message = str(raised.value)
    assert "\n" not in message
    assert "no schema version" in message and "contact" in message and "move" in message
    assert schema_of(path) == before
    assert counts_contacts(path) == 1


def counts_contacts(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM contact").fetchone()[0])
    finally:
        conn.close()


def test_other_applications_tables_are_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        conn.execute("INSERT INTO notes (body) VALUES ('keep me')")
    conn.close()
    open_and_close(path)
    assert versions_of(path) == [head()]
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT body FROM notes").fetchall() == [("keep me",)]
    conn.close()
