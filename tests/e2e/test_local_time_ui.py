"""#16: times in the user's own zone, with the offset on hover; the browser's zone is taken
on the first sign-in; a phone's "since" is the date of the email it came from."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect
from sqlalchemy import select

from ingestor.store.schema import Contact
from ingestor.store.web_schema import WebUser
from tests.e2e.conftest import Live, checked_page, sign_in

# The seed's mail from Jürgen: 2026-11-15 12:00 UTC.
JUERGEN_MAIL = 'time[datetime="2026-11-15T12:00:00+00:00"]'


def test_times_in_the_zone_set_on_the_profile_page(page: Any, live: Live) -> None:
    sign_in(page)
    page.get_by_role("link", name="anna").click()  # the header's link to the profile
    expect(page.get_by_role("heading", name="Profile anna")).to_be_visible()
    page.select_option("#time_zone", "America/Los_Angeles")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text(
        "Saved: times are now shown in America/Los_Angeles."
    )
    page.goto(f"/contacts/{live.seeded.juergen}")
    when = page.locator(f".timeline {JUERGEN_MAIL}")
    expect(when).to_have_text("2026-11-15 04:00 PST")
    # The offset is what the pointer shows: the title is the browser's own tooltip.
    expect(when).to_have_attribute("title", "2026-11-15 04:00 UTC−08:00 (America/Los_Angeles)")


def test_the_browsers_zone_is_the_default_on_first_sign_in(browser: Any, live: Live) -> None:
    with checked_page(browser, live.url, timezone_id="Asia/Tokyo") as page:
        sign_in(page)
        zone = None
        for _ in range(50):  # app.js posts it in the background, once
            with live.sessions() as s:
                zone = s.scalar(select(WebUser.time_zone).where(WebUser.username == "anna"))
            if zone:
                break
            page.wait_for_timeout(100)
        assert zone == "Asia/Tokyo"
        page.goto(f"/contacts/{live.seeded.juergen}")
        expect(page.locator(f".timeline {JUERGEN_MAIL}")).to_have_text("2026-11-15 21:00 JST")
        expect(page.locator("#tz-auto")).to_have_count(0)  # asked once, not again


def test_without_javascript_times_stay_utc(browser: Any, live: Live) -> None:
    with checked_page(
        browser, live.url, timezone_id="Asia/Tokyo", java_script_enabled=False
    ) as page:
        sign_in(page)
        page.goto(f"/contacts/{live.seeded.juergen}")
        expect(page.locator(f".timeline {JUERGEN_MAIL}")).to_have_text("2026-11-15 12:00 UTC")


def test_a_phone_is_since_the_date_of_its_email(browser: Any, demo: Live) -> None:
    """The demo's mail is read on 2026-12-01; Maria's number came in her mail of 2026-06-03."""
    with demo.sessions() as s:
        maria = s.scalar(select(Contact.id).where(Contact.name == "Maria López"))
    assert maria is not None
    with checked_page(browser, demo.url) as page:
        _phone_since(page, maria)


def _phone_since(page: Any, maria: int) -> None:
    sign_in(page)
    page.goto("/profile")
    page.select_option("#time_zone", "Europe/Madrid")
    page.get_by_role("button", name="Save").click()
    page.goto(f"/contacts/{maria}")
    phone = page.locator("td", has_text="+34612345678").locator("div").first
    expect(phone).to_contain_text("since 2026-06-03")
    expect(phone.locator("time")).to_have_attribute(
        "title", re.compile(r"^2026-06-03 19:42 UTC\+02:00 \(Europe/Madrid\)$")
    )
