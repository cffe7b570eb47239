"""#16: at phone width (375 px) the contact list, a contact page, /review and /tasks fit the
screen: no horizontal scrolling, and the contact list becomes one card per contact."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Live, sign_in

PHONE = {"width": 375, "height": 812}


def overflow(page: Any) -> int:
    """How many CSS pixels the page is wider than the screen."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


@pytest.mark.parametrize("path", ["/contacts", "/contacts/{juergen}", "/review", "/tasks"])
def test_pages_fit_a_phone_screen(page: Any, live: Live, path: str) -> None:
    page.set_viewport_size(PHONE)
    sign_in(page)
    page.goto(path.format(juergen=live.seeded.juergen))
    assert overflow(page) <= 0, f"{path} is {overflow(page)} px wider than a phone"


def test_the_contact_list_is_cards_on_a_phone(page: Any, live: Live) -> None:
    page.set_viewport_size(PHONE)
    sign_in(page)
    page.goto("/contacts")
    first = page.locator("table.contacts tbody tr").first
    expect(first).to_be_visible()
    # One contact a card: its cells stack, each as wide as the card (not a letter a line).
    name = first.locator("td").first
    assert name.bounding_box()["width"] > 250
    expect(page.locator("table.contacts thead")).to_be_hidden()
