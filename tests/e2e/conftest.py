"""Browser tests: Debian's chromium driven by Playwright, against a live server on a free port.

Playwright's own browser download does not work here, so the browser is /usr/bin/chromium
(apt-get install chromium). A missing browser or a missing Playwright fails the tests: they
never skip. Each test gets a fresh seeded SQLite store and its own server thread.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

import pytest
from sqlalchemy.orm import Session, sessionmaker

from ingestor.config import settings_from_dict
from ingestor.demo import demo_config
from ingestor.pipeline import Stages, sync_source
from ingestor.store.database import open_store
from ingestor.store.followups import set_check_ins
from ingestor.store.unit import Store
from ingestor.web.server import start_background
from tests.web.seed import CHEAP, PASSWORD, Seeded, add_users, seed

CHROMIUM = Path("/usr/bin/chromium")
# The demo's mail is read as on this day (as tests/golden/demo-export.json was), and its quiet
# contacts get check-ins as `ingestor sync` sets them with `check_in_after = DEMO_CHECK_IN`
# (its reply-based follow-ups were all superseded by later replies).
DEMO_CLOCK = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
DEMO_CHECK_IN = 30
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


@dataclass
class Live:
    url: str
    seeded: Seeded
    sessions: sessionmaker[Session]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail(
            "Playwright for Python is missing: pip install playwright (no `playwright install`)"
        )
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    sessions = open_store(f"sqlite:///{tmp_path / 'e2e.db'}")
    add_users(sessions)
    seeded = seed(sessions)
    server = start_background(Store(sessions, hasher=CHEAP), "127.0.0.1", 0)
    try:
        yield Live(f"http://127.0.0.1:{server.port}", seeded, sessions)
    finally:
        server.stop()


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Live]:
    """A live server over the bundled demo data (`ingestor demo`), read as on DEMO_CLOCK, with
    check-ins and the users of the seed (anna, admin); `seeded` is left empty."""
    settings = settings_from_dict(demo_config(tmp_path), "demo", tmp_path)
    sessions = open_store(settings.store_url)
    for cfg in settings.sources:
        summary = sync_source(
            cfg, settings.defaults, sessions, stages=Stages(clock=lambda: DEMO_CLOCK)
        )
        assert summary.ok, summary.error
    with sessions.begin() as s:
        set_check_ins(s, DEMO_CLOCK, DEMO_CHECK_IN)
    add_users(sessions)
    server = start_background(Store(sessions, hasher=CHEAP), "127.0.0.1", 0)
    try:
        yield Live(f"http://127.0.0.1:{server.port}", cast(Seeded, None), sessions)
    finally:
        server.stop()


@pytest.fixture
def page(browser: Any, live: Live) -> Iterator[Any]:
    """A fresh browser context; fails the test on any alert() or any non-local request."""
    with checked_page(browser, live.url) as pg:
        yield pg


@contextmanager
def checked_page(browser: Any, url: str, **options: Any) -> Iterator[Any]:
    """A page in a fresh context (`options` for new_context: timezone_id, viewport, ...);
    fails on any alert() or any non-local request."""
    context = browser.new_context(base_url=url, **options)
    context.set_default_timeout(10_000)
    pg = context.new_page()
    dialogs: list[str] = []
    remote: list[str] = []
    local = urlsplit(url).netloc

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    def on_request(request: Any) -> None:
        if urlsplit(request.url).netloc != local:
            remote.append(request.url)

    pg.on("dialog", on_dialog)
    pg.on("request", on_request)
    try:
        yield pg
    finally:
        context.close()
    assert dialogs == [], f"script from hostile text ran: {dialogs}"
    assert remote == [], f"remote content was requested: {remote}"


def sign_in(page: Any, username: str = "anna", password: str = PASSWORD) -> None:
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/review")
