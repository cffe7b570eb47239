"""Opening the store: engine settings per backend, and Alembic migrations to the latest schema."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from ingestor.errors import StoreError
from ingestor.store import privacy_schema, web_schema  # noqa: F401  (every open store knows them)
from ingestor.store.schema import Base
from ingestor.store.searchindex import install as install_search_keys

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"


# How long a start waits for another process's write lock (a migration, a batch) before it gives up.
BUSY_TIMEOUT_S = 30.0
# PostgreSQL: how long a transaction may sit idle before the server ends it (the daemon and
# the CLI use the lease period: a paused instance's open batch must not outlive its lease).
IDLE_IN_TRANSACTION_S = 60.0


def open_engine(
    url: str, busy_timeout: float = BUSY_TIMEOUT_S, idle_timeout: float = IDLE_IN_TRANSACTION_S
) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(f"store.url: not a database URL: {url!r}") from None
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": busy_timeout}
    elif parsed.get_backend_name() == "postgresql":
        # No server-side prepared statements: they are session state, which PgBouncer in
        # transaction mode does not keep (psycopg prepares after 5 runs of a query otherwise).
        kwargs["connect_args"] = {"connect_timeout": 10, "prepare_threshold": None}
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(parsed, **kwargs)
    except (ArgumentError, ImportError) as e:
        raise StoreError(
            f"store.url: cannot use {parsed.render_as_string(hide_password=True)}: {e}"
        ) from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", partial(_sqlite_pragmas, busy_timeout=busy_timeout))
    elif engine.dialect.name == "postgresql":
        event.listen(engine, "begin", partial(_idle_cap, ms=int(idle_timeout * 1000)))
    return engine


def _idle_cap(conn: Connection, ms: int) -> None:
    """A transaction left idle this long (its process paused, hung or cut off) is ended by the
    server, so its row locks cannot hold up the instance that took its source over. SET LOCAL:
    per transaction, so it works behind PgBouncer in transaction mode too."""
    conn.exec_driver_sql(f"SET LOCAL idle_in_transaction_session_timeout = {ms}")


def _sqlite_pragmas(dbapi_conn: Any, _record: Any, busy_timeout: float) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    # NORMAL is durable across application crashes (kill -9) in WAL mode; only power loss can
    # drop the last transactions, and then the cursor rolls back together with the rows.
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
    cur.close()


def alembic_config(engine: Engine, migrations: Path = MIGRATIONS) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(migrations))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(
    engine: Engine, migrations: Path = MIGRATIONS, busy_timeout: float = BUSY_TIMEOUT_S
) -> None:
    """Bring the schema to the latest migration (idempotent).

    All pending migrations and the version stamp run in one transaction on every backend, so a
    crash at any point leaves the old schema or the new one, and a start that finds a migration
    in progress waits for it (up to `busy_timeout` s) and then finds nothing left to do.
    """
    cfg = alembic_config(engine, migrations)
    try:
        if engine.dialect.name == "sqlite" and _at_head(engine, cfg):
            return  # the usual start: no write lock, so it never waits behind a running batch
        with migration_connection(engine) as conn:
            if conn.dialect.name == "sqlite":
                _drop_half_built_schema(conn, engine)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except OperationalError as e:
        if "database is locked" in str(e.orig):
            raise StoreError(
                f"cannot open the store {_shown(engine)}: it is locked by another process (a "
                f"schema migration or a long write) for over {busy_timeout:g} s; try again "
                "when that has finished"
            ) from None
        raise StoreError(f"cannot open the store {_shown(engine)}: {_first_line(e)}") from None


@contextmanager
def migration_connection(engine: Engine) -> Iterator[Connection]:
    """A connection inside the one transaction that the migrations and the version stamp share.

    PostgreSQL has transactional DDL: `engine.begin()` is enough. SQLite has it too, but the
    sqlite3 driver (in its legacy transaction control, the default before Python 3.16) begins
    transactions only before INSERT/UPDATE/DELETE, so every CREATE TABLE committed on its own.
    Here the driver's transaction control is switched off and the transaction is begun with
    BEGIN IMMEDIATE: the write lock is taken before the version is read, so a second process
    waits (busy_timeout) instead of migrating a half-built schema alongside, and COMMIT makes
    the whole schema and its stamp visible at once. Foreign keys are off for the duration,
    because a batch migration's table copy drops the old table, and with foreign keys on that
    DROP deletes (ON DELETE CASCADE) or refuses over every referencing row; `PRAGMA
    foreign_keys` cannot change inside a transaction, so it is set before BEGIN, and
    `foreign_key_check` runs before COMMIT, as SQLite's own procedure for schema changes does.
    The connection comes back from the pool with the driver's settings and foreign keys
    restored, or is discarded.
    """
    if engine.dialect.name != "sqlite":
        with engine.begin() as conn:
            yield conn
        return
    with engine.connect() as conn:
        driver = conn.connection.driver_connection
        assert driver is not None
        saved_isolation = driver.isolation_level
        restored = False
        try:
            # The driver emits no BEGIN of its own (legacy transaction control, the default of
            # sqlite3 through Python 3.15; SQLAlchemy's own recipe for transactional DDL).
            driver.isolation_level = None
            driver.execute("PRAGMA foreign_keys=OFF")
            with conn.begin():  # SQLAlchemy's begin is a no-op for sqlite3; COMMIT is real
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                yield conn
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    table, rowid, parent, _ = broken[0]
                    raise StoreError(
                        f"migrating the store {_shown(engine)} would leave {len(broken)} rows "
                        f"whose foreign keys point nowhere (first: {table} rowid {rowid} -> "
                        f"{parent}); nothing was changed"
                    )
            driver.execute("PRAGMA foreign_keys=ON")
            driver.isolation_level = saved_isolation
            restored = True
        finally:
            if not restored:
                conn.invalidate()


def _at_head(engine: Engine, cfg: AlembicConfig) -> bool:
    heads = set(ScriptDirectory.from_config(cfg).get_heads())
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"transactional_ddl": True})
        return set(context.get_current_heads()) == heads


def _drop_half_built_schema(conn: Connection, engine: Engine) -> None:
    """Drop what a kill during a first start left before migrations were atomic on SQLite.

    Such a store has some of ingestor's tables and an empty (or no) alembic_version, and every
    start failed with `table contact already exists`. No ingestor code writes a row before the
    schema is stamped, so if all of ingestor's tables present are empty, dropping them loses
    nothing and the migrations rebuild them, in the same transaction. Tables of other
    applications are never touched; if any of ingestor's tables holds rows, nothing is done and
    the store is refused, since nobody knows which schema those rows were written for.
    """
    names = set(
        conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).scalars()
    )
    if (
        "alembic_version" in names
        and conn.exec_driver_sql("SELECT 1 FROM alembic_version LIMIT 1").first()
    ):
        return
    ours = sorted(names & set(Base.metadata.tables))
    if not ours:
        return
    filled = [t for t in ours if conn.exec_driver_sql(f'SELECT 1 FROM "{t}" LIMIT 1').first()]
    if filled:
        raise StoreError(
            f"the store {_shown(engine)} has ingestor tables but no schema version, and "
            f"{', '.join(filled)} hold rows: it is not safe to migrate; move the file away (or "
            "restore a backup) and start again"
        )
    log.warning(
        "the store %s was left half-built by an interrupted first start (%d of %d tables, no "
        "schema version): the tables are empty, rebuilding the schema",
        _shown(engine),
        len(ours),
        len(Base.metadata.tables),
    )
    for table in [*ours, *(["alembic_version"] if "alembic_version" in names else [])]:
        conn.exec_driver_sql(f'DROP TABLE "{table}"')


def open_store(
    url: str,
    migrate: bool = True,
    migrations: Path = MIGRATIONS,
    busy_timeout: float = BUSY_TIMEOUT_S,
    idle_timeout: float = IDLE_IN_TRANSACTION_S,
) -> sessionmaker[Session]:
    """Sessions on the store at `url`, its schema brought to the latest of `migrations`;
    `busy_timeout`: how long to wait for another process's write lock (SQLite)."""
    engine = open_engine(url, busy_timeout, idle_timeout)
    try:
        if migrate:
            upgrade(engine, migrations, busy_timeout)
        elif not inspect(engine).has_table("alembic_version"):
            raise StoreError(
                f"the store {_shown(engine)} has no schema yet: run `ingestor db upgrade`"
            )
    except SQLAlchemyError as e:
        raise StoreError(f"cannot open the store {_shown(engine)}: {_first_line(e)}") from None
    return install_search_keys(sessionmaker(engine, expire_on_commit=False))


def _shown(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def _first_line(e: BaseException) -> str:
    text = str(getattr(e, "orig", None) or e)
    return text.strip().splitlines()[0] if text.strip() else type(e).__name__
