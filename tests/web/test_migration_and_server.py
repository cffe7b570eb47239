"""Migration 0002 matches the web models on both backends; the server runs in a thread."""

from __future__ import annotations

import socket
from typing import Any

import httpx
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.orm import Session, sessionmaker

import ingestor.store.web_schema  # noqa: F401  (registers the web tables on Base)
from ingestor.store.schema import Base
from ingestor.store.unit import Store
from ingestor.web.server import WebError, start_background

WEB_TABLES = {"web_user", "web_session", "web_login_attempt", "api_token", "web_decision"}


def _tables_in(diff: Any) -> set[str]:
    found: set[str] = set()
    items = diff if isinstance(diff, list) else [diff]
    for item in items:
        for part in item if isinstance(item, tuple) else (item,):
            name = getattr(part, "name", None)
            table = getattr(part, "table", None)
            if table is not None and getattr(table, "name", None):
                found.add(table.name)
            elif isinstance(name, str):
                found.add(name)
    return found


def test_migration_matches_models(sessions: sessionmaker[Session]) -> None:
    engine = sessions.kw["bind"]
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    web_diffs = [d for d in diffs if _tables_in(d) & WEB_TABLES]
    assert web_diffs == []


def test_background_server_serves_and_stops(sessions: sessionmaker[Session]) -> None:
    server = start_background(Store(sessions), "127.0.0.1", 0)
    try:
        response = httpx.get(f"http://127.0.0.1:{server.port}/login", timeout=10)
        assert response.status_code == 200
        assert response.headers["x-frame-options"] == "DENY"
        assert "server" not in response.headers
    finally:
        server.stop()
    assert not server.thread.is_alive()


def test_port_in_use_is_a_clear_error(sessions: sessionmaker[Session]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        with pytest.raises(WebError, match=f"cannot listen on 127.0.0.1:{port}"):
            start_background(Store(sessions), "127.0.0.1", port)
