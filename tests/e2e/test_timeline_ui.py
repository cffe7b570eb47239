"""#16 items 4 and 5 in a real browser: a readable timeline (series collapsed with count and
next date, upcoming apart from past, kind filter, conference boilerplate gone, its join link
kept) and the message page (hostile HTML shown as text, no dialog; the thread around it).

The `page` fixture fails a test on any dialog (alert) and on any request off the local server
(an <img> from a body that was not escaped would fetch)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Live, sign_in
from tests.web.seed_timeline import HOSTILE_BODY, TEAMS_URL, SeededTimeline, seed_timeline


@pytest.fixture
def tl(live: Live) -> SeededTimeline:
    return seed_timeline(live.sessions, live.seeded.juergen)


def _ids(locator: Any) -> list[int]:
    return [int(x) for x in locator.evaluate_all("els => els.map(e => e.dataset.item)")]


def test_series_collapsed_with_count_and_next_date(page: Any, tl: SeededTimeline) -> None:
    sign_in(page)
    page.goto(f"/contacts/{tl.contact}")
    upcoming = page.locator('ol[data-section="upcoming"] > li')
    past = page.locator('ol[data-section="past"] > li')
    # Upcoming is the first section, soonest first: tomorrow's interview, then the series.
    assert _ids(upcoming) == [tl.zoom, tl.series_next]
    series = page.locator("li.series")
    expect(series).to_have_count(1)
    expect(series.locator(".occurrences")).to_have_text("15 occurrences, 1 cancelled")
    expect(series.locator(".when")).to_have_text(f"next {tl.next_sync:%Y-%m-%d %H:%M} UTC")
    # Past, newest first, holds none of the series' occurrences.
    shown = _ids(past)
    assert not set(shown) & set(tl.series_past)
    mine = [i for i in shown if i in (tl.call, tl.loose, tl.hostile, tl.first, tl.unrelated)]
    assert mine == [tl.call, tl.loose, tl.hostile, tl.first, tl.unrelated]
    box_up = page.locator("#h-upcoming").bounding_box()
    box_past = page.locator("#h-past").bounding_box()
    assert box_up["y"] < box_past["y"]


def test_kind_filter_is_a_plain_link(page: Any, tl: SeededTimeline) -> None:
    sign_in(page)
    page.goto(f"/contacts/{tl.contact}")
    page.click('.timeline-filters a[data-kind="call"]')
    page.wait_for_url(f"**/contacts/{tl.contact}?kind=call")
    assert _ids(page.locator("ol.timeline > li")) == [tl.call]
    expect(page.locator('.timeline-filters a[data-kind="call"]')).to_have_attribute(
        "aria-current", "true"
    )
    page.click('.timeline-filters a[data-kind="email"]')
    page.wait_for_url(f"**/contacts/{tl.contact}?kind=email")
    kinds = page.locator("ol.timeline > li").evaluate_all("els => els.map(e => e.className)")
    assert kinds and all(k == "kind-email" for k in kinds)
    page.click('.timeline-filters a[data-source="tom-mailbox"]')
    page.wait_for_url(f"**/contacts/{tl.contact}?kind=email&source=tom-mailbox")
    assert _ids(page.locator("ol.timeline > li")) == [tl.hostile]


def test_boilerplate_stripped_and_the_join_link_kept(page: Any, tl: SeededTimeline) -> None:
    sign_in(page)
    page.goto(f"/contacts/{tl.contact}")
    series = page.locator("li.series")
    expect(series.locator(".snippet")).to_have_text(
        "Weekly sync on the Senior Data Scientist search."
    )
    section = page.locator(".timeline-section").inner_text()
    for boiler in ("____", "Meeting ID", "Passcode", "Join on your computer", "One tap mobile"):
        assert boiler not in section
    join = series.locator(".join a")
    expect(join).to_have_attribute("href", TEAMS_URL)
    expect(series.locator(".join")).to_contain_text("Join: ")


def test_message_page_shows_hostile_html_as_text(page: Any, tl: SeededTimeline) -> None:
    sign_in(page)
    page.goto(f"/contacts/{tl.contact}")
    page.click(f"#i-{tl.hostile} .subject a")
    page.wait_for_url(f"**/messages/{tl.hostile}")
    body = page.locator("#body")
    # The text itself, tags and all: nothing ran, nothing was fetched (the fixture checks).
    assert body.inner_text() == HOSTILE_BODY
    expect(page.locator("main script")).to_have_count(0)
    expect(page.locator("main img")).to_have_count(0)
    expect(body.locator("a")).to_have_count(0)  # links in the body are not made
    assert body.evaluate("e => getComputedStyle(e).whiteSpace") == "pre-wrap"
    headers = page.locator(".message-headers").inner_text()
    assert "Jürgen Müller" in headers and "tom-mailbox" in headers


def test_the_thread_around_a_message(page: Any, tl: SeededTimeline) -> None:
    sign_in(page)
    page.goto(f"/messages/{tl.hostile}")
    thread = page.locator("ol.thread > li")
    assert _ids(thread) == [tl.first, tl.hostile, tl.loose]
    expect(page.locator('ol.thread > li[aria-current="true"]')).to_contain_text("this message")
    page.click(f'ol.thread > li[data-item="{tl.loose}"] a')
    page.wait_for_url(f"**/messages/{tl.loose}")
    expect(page.locator("h1")).to_have_text("AW: Lebenslauf")
    expect(page.locator("#body")).to_contain_text("Noch die Zeugnisse anbei.")


def test_timeline_and_message_page_fit_a_phone(page: Any, tl: SeededTimeline) -> None:
    page.set_viewport_size({"width": 375, "height": 812})
    sign_in(page)
    for path in (
        f"/contacts/{tl.contact}",
        f"/messages/{tl.hostile}",
        f"/messages/{tl.series_next}",
    ):
        page.goto(path)
        wider = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert wider <= 0, f"{path} is {wider} px wider than a phone"
