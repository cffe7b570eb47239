"""Per-test PostgreSQL databases on the machine's running server.

The server (127.0.0.1:5432, trust auth) is shared with CI and other runs, so every test gets a
uniquely named database that is dropped (``WITH (FORCE)``) when it is done. An unreachable
server is an error, never a skip.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql

__all__ = ["PostgresUnavailable", "admin_conninfo", "temporary_database"]

DEFAULT_HOST = os.environ.get("INGESTOR_TEST_PGHOST", "127.0.0.1")
DEFAULT_PORT = int(os.environ.get("INGESTOR_TEST_PGPORT", "5432"))
DEFAULT_USER = os.environ.get("INGESTOR_TEST_PGUSER", "postgres")


class PostgresUnavailable(RuntimeError):
    """The test PostgreSQL server could not be reached or refused the request."""


def admin_conninfo(
    host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, user: str = DEFAULT_USER
) -> str:
    """libpq conninfo for the maintenance database ``postgres``."""
    return f"host={host} port={port} user={user} dbname=postgres connect_timeout=5"


def _admin_connect(host: str, port: int, user: str) -> psycopg.Connection:
    try:
        return psycopg.connect(admin_conninfo(host, port, user), autocommit=True)
    except psycopg.OperationalError as error:
        raise PostgresUnavailable(
            f"cannot reach PostgreSQL at {host}:{port} as {user!r} (tests need a running server "
            f"with trust auth; start it, e.g. `pg_ctlcluster 15 main start`): {error}"
        ) from error


@contextmanager
def temporary_database(
    prefix: str = "ingestor_test",
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    user: str = DEFAULT_USER,
) -> Iterator[str]:
    """Create a fresh database and yield its SQLAlchemy URL; drop it on exit.

    Yields ``postgresql+psycopg://<user>@<host>:<port>/<prefix>_<uuid hex>``. Connections still
    open at exit are terminated by ``DROP DATABASE … WITH (FORCE)``.
    """
    name = f"{prefix}_{uuid.uuid4().hex}".lower()
    if len(name) > 63:
        raise ValueError(f"database name {name!r} exceeds PostgreSQL's 63-byte limit")
    with _admin_connect(host, port, user) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"postgresql+psycopg://{user}@{host}:{port}/{name}"
    finally:
        with _admin_connect(host, port, user) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
