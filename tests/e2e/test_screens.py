"""#16: the README's screenshots are taken here, from the bundled demo data, so they show the
UI as it is. Every run checks that the three pages render what the pictures show; with
INGESTOR_UPDATE_SCREENS=1 it also writes docs/screens/*.png (commit them with the change)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from ingestor.store.schema import Contact
from ingestor.store.web_schema import WebUser
from tests.e2e.conftest import Live, checked_page, sign_in

SCREENS = Path(__file__).parents[2] / "docs" / "screens"
VIEWPORT = {"width": 1100, "height": 800}
ZONE = "Europe/Berlin"


@pytest.fixture
def shot(browser: Any, demo: Live) -> Iterator[Any]:
    """A signed-in page over the demo at the screenshots' size, times in Berlin."""
    with checked_page(browser, demo.url, viewport=VIEWPORT, timezone_id=ZONE) as page:
        sign_in(page)
        for _ in range(50):  # app.js sends the browser's zone once, in the background
            with demo.sessions() as s:
                if s.scalar(select(WebUser.time_zone).where(WebUser.username == "anna")):
                    break
            page.wait_for_timeout(100)
        yield page


def _save(page: Any, name: str) -> None:
    if os.environ.get("INGESTOR_UPDATE_SCREENS") == "1":
        SCREENS.mkdir(parents=True, exist_ok=True)
        page.mouse.move(0, 0)  # no hover state in the picture
        page.screenshot(path=str(SCREENS / f"{name}.png"))


def test_review_screen(shot: Any) -> None:
    shot.goto("/review")
    expect(shot.get_by_role("heading", name="Review", exact=True)).to_be_visible()
    expect(shot.locator("article.item").first).to_be_visible()
    expect(shot.locator(".evidence time").first).to_have_attribute(
        "title", re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d UTC\+0[12]:00 \(Europe/Berlin\)$")
    )
    _save(shot, "review")


def test_contact_screen(shot: Any, demo: Live) -> None:
    with demo.sessions() as s:
        sophie = s.scalar(select(Contact.id).where(Contact.name == "Sophie Martin"))
    shot.goto(f"/contacts/{sophie}")
    expect(shot.get_by_role("heading", level=1)).to_contain_text("Sophie Martin")
    expect(shot.locator("main")).to_contain_text("+33142685300")
    expect(shot.locator(".timeline li").first).to_be_visible()
    expect(shot.locator(".timeline time").first).to_contain_text(re.compile(r" CES?T$"))
    _save(shot, "contact")


def test_tasks_screen(shot: Any) -> None:
    shot.goto("/tasks")
    expect(shot.get_by_role("heading", name="Tasks", exact=True)).to_be_visible()
    expect(shot.locator("[data-item]")).to_have_count(3)  # the demo's three quiet contacts
    _save(shot, "tasks")
