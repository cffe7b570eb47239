"""Shared fixtures: a store on SQLite and on the PostgreSQL server of this machine.

Every store test runs against both backends. PostgreSQL gets one database per test run,
created here and dropped at the end; if the server is unreachable the tests fail, not skip.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from ingestor.store.database import open_store
from ingestor.store.schema import Base


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    from tests.servers.postgres import temporary_database

    with temporary_database("ingestor_test") as url:
        yield url


@pytest.fixture(scope="session")
def _postgres_sessions(postgres_url: str) -> sessionmaker[Session]:
    return open_store(postgres_url)


@pytest.fixture
def empty_postgres_url(_postgres_sessions: sessionmaker[Session], postgres_url: str) -> str:
    """The run's PostgreSQL database, emptied for this test."""
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with _postgres_sessions.begin() as s:
        s.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    return postgres_url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ingestor.db'}"
    return str(request.getfixturevalue("empty_postgres_url"))


@pytest.fixture
def sessions(store_url: str) -> sessionmaker[Session]:
    return open_store(store_url)
