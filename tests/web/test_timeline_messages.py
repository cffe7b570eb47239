"""The contact timeline (series collapsed, upcoming apart from past, filters, boilerplate
stripped) and the message page (headers, escaped body, thread), and GET /api/interactions/<id>,
on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
from sqlalchemy.orm import Session, sessionmaker
from starlette.applications import Starlette

from ingestor.store.api_tokens import create_token
from tests.web.helpers import Browser, TestClient
from tests.web.openapi_check import SchemaCheckedClient
from tests.web.seed import NOW, Seeded
from tests.web.seed_timeline import TEAMS_URL, ZOOM_URL, SeededTimeline, seed_timeline


@pytest.fixture
def tl(sessions: sessionmaker[Session], seeded: Seeded) -> SeededTimeline:
    return seed_timeline(sessions, seeded.juergen)


def _section(page: str, key: str) -> str:
    m = re.search(rf'<ol class="timeline"[^>]*data-section="{key}">(.*?)</ol>', page, re.S)
    return m.group(1) if m else ""


def _rows(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'data-item="(\d+)"', html)]


def test_series_collapse_into_one_row_with_count_and_next_date(
    anna: Browser, tl: SeededTimeline
) -> None:
    page = anna.get(f"/contacts/{tl.contact}").text
    upcoming, past = _section(page, "upcoming"), _section(page, "past")
    # Upcoming first, soonest first: the Zoom interview tomorrow, then the series.
    assert page.index('data-section="upcoming"') < page.index('data-section="past"')
    assert _rows(upcoming) == [tl.zoom, tl.series_next]
    assert "15 occurrences, 1 cancelled" in upcoming
    assert f"next {tl.next_sync:%Y-%m-%d %H:%M}" in re.sub(r"<[^>]+>", "", upcoming)  # <time>
    # No occurrence of the series has a row of its own in the past.
    assert not set(_rows(past)) & set(tl.series_past)
    # Past: newest first (the series' last occurrence, 5 days ago, among them).
    order = [i for i in _rows(past) if i in (tl.call, tl.loose, tl.hostile, tl.first, tl.unrelated)]
    assert order == [tl.call, tl.loose, tl.hostile, tl.first, tl.unrelated]


def test_boilerplate_is_stripped_and_the_join_link_kept(anna: Browser, tl: SeededTimeline) -> None:
    upcoming = _section(anna.get(f"/contacts/{tl.contact}").text, "upcoming")
    assert "Weekly sync on the Senior Data Scientist search." in upcoming
    for boiler in ("____", "Meeting ID", "Passcode", "Join on your computer", "One tap mobile"):
        assert boiler not in upcoming
    assert upcoming.count("Join: <a ") == 2
    assert f'href="{TEAMS_URL}"' in upcoming and f'href="{ZOOM_URL}"' in upcoming


def test_filters_by_kind_and_mailbox(anna: Browser, tl: SeededTimeline, seeded: Seeded) -> None:
    meetings = anna.get(f"/contacts/{tl.contact}?kind=meeting").text
    shown = _rows(_section(meetings, "upcoming")) + _rows(_section(meetings, "past"))
    assert sorted(shown) == sorted([tl.zoom, tl.series_next, seeded.meeting])
    emails = anna.get(f"/contacts/{tl.contact}?kind=email").text
    assert _section(emails, "upcoming") == ""
    assert tl.hostile in _rows(_section(emails, "past")) and tl.call not in _rows(emails)
    calls = anna.get(f"/contacts/{tl.contact}?kind=call").text
    assert _rows(_section(calls, "past")) == [tl.call]
    tom = anna.get(f"/contacts/{tl.contact}?source=tom-mailbox").text
    assert _rows(_section(tom, "past")) == [tl.hostile]
    # Filters stay on in the other links; an unknown kind shows everything.
    assert f'href="/contacts/{tl.contact}?kind=email&amp;source=tom-mailbox"' in tom
    assert len(_rows(anna.get(f"/contacts/{tl.contact}?kind=bogus").text)) > 5


def test_message_page_escapes_the_body_and_shows_the_thread(
    anna: Browser, tl: SeededTimeline
) -> None:
    page = anna.get(f"/contacts/{tl.contact}").text
    assert f'href="/messages/{tl.hostile}"' in page
    msg = anna.get(f"/messages/{tl.hostile}")
    assert msg.status_code == 200
    html = msg.text
    assert "<script>alert(1)" not in html and "<img src" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "https://cv.example/juergen" in html and 'href="https://cv.example' not in html
    assert "tom-mailbox" in html and "Re: Lebenslauf" in html
    thread = re.search(r'<ol class="thread">(.*?)</ol>', html, re.S)
    assert thread is not None
    assert _rows(thread.group(1)) == [tl.first, tl.hostile, tl.loose]
    assert tl.unrelated not in _rows(thread.group(1))
    # A meeting's page: its text without boilerplate, and its join link.
    zoom = anna.get(f"/messages/{tl.zoom}").text
    assert "Meeting ID" not in zoom and f'href="{ZOOM_URL}"' in zoom
    assert anna.get("/messages/999999").status_code == 404


def test_a_series_counts_once_in_the_paging(anna: Browser, tl: SeededTimeline) -> None:
    page = anna.get(f"/contacts/{tl.contact}?page=2").text
    assert _rows(page) == []  # one page holds them all: series count once


@pytest.fixture
def api(app: Starlette, sessions: sessionmaker[Session], seeded: Seeded) -> TestClient:
    with sessions.begin() as s:
        token = create_token(s, "crm", NOW)
    return SchemaCheckedClient(app, headers={"Authorization": f"Bearer {token}"})


def test_api_gives_one_interaction_with_its_body_and_thread(
    api: TestClient, tl: SeededTimeline
) -> None:
    data = api.get(f"/api/interactions/{tl.hostile}").json()
    assert data["body"].startswith("Hallo Anna,") and data["body_truncated"] is False
    assert data["thread"] == [tl.first, tl.hostile, tl.loose]
    assert data["sources"] == ["tom-mailbox"]
    meeting = api.get(f"/api/interactions/{tl.zoom}").json()
    assert meeting["body"] is None and meeting["thread"] == []
    missing = api.get("/api/interactions/999999")
    assert missing.status_code == 404 and "does not exist" in missing.json()["error"]
    assert api.get("/api/openapi.json").json()["paths"]["/interactions/{interaction_id}"]
