"""Fixtures for the web tests: a seeded store (SQLite and PostgreSQL), the app, browsers."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker
from starlette.applications import Starlette

from ingestor.store.unit import Store
from ingestor.web.app import create_app
from tests.web.helpers import Browser, TestClient
from tests.web.seed import CHEAP, Seeded, add_users, seed
from tests.web.seed_tasks import SeededTasks, seed_tasks


@pytest.fixture
def seeded(sessions: sessionmaker[Session]) -> Seeded:
    add_users(sessions)
    return seed(sessions)


@pytest.fixture
def app(sessions: sessionmaker[Session], seeded: Seeded) -> Starlette:
    return create_app(Store(sessions, hasher=CHEAP))


@pytest.fixture
def client(app: Starlette) -> TestClient:
    return TestClient(app, raise_server_exceptions=True)


@pytest.fixture
def anna(client: TestClient) -> Browser:
    return Browser(client, "anna")


@pytest.fixture
def admin(app: Starlette) -> Browser:
    return Browser(TestClient(app, raise_server_exceptions=True), "admin")


@pytest.fixture
def tasks(sessions: sessionmaker[Session], seeded: Seeded) -> SeededTasks:
    """Open, snoozed, done and expired tasks (tests/web/seed_tasks.py), due around today."""
    return seed_tasks(sessions, seeded)
