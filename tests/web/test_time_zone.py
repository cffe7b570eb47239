"""Local time: each user's time zone (set on /profile, or the browser's first guess), in which
every page shows its times, with the UTC offset on hover. SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ingestor.store.accounts import TimeZoneError, valid_time_zone
from ingestor.store.web_schema import WebUser
from tests.web.helpers import Browser
from tests.web.seed import Seeded

# Jürgen's mail of the seed: 2026-11-15 12:00 UTC.
MAIL = re.compile(r'<time datetime="2026-11-15T12:00:00\+00:00" title="([^"]*)">([^<]*)</time>')


def _zone(sessions: sessionmaker[Session], username: str = "anna") -> str | None:
    with sessions() as s:
        return s.scalar(select(WebUser.time_zone).where(WebUser.username == username))


def _mail_time(anna: Browser, seeded: Seeded) -> tuple[str, str]:
    """The timeline's time of Jürgen's mail (the provenance shows its date alone) and title."""
    found = [
        (shown, title)
        for title, shown in MAIL.findall(anna.get(f"/contacts/{seeded.juergen}").text)
        if ":" in shown
    ]
    assert found, "the timeline shows no time for Jürgen's mail"
    return found[0]


def test_times_are_utc_until_a_zone_is_set_then_local_with_the_offset_on_hover(
    anna: Browser, seeded: Seeded, sessions: sessionmaker[Session]
) -> None:
    assert _mail_time(anna, seeded) == ("2026-11-15 12:00 UTC", "2026-11-15 12:00 UTC (UTC)")
    assert 'id="tz-auto"' in anna.get("/review").text  # the browser may offer its zone
    response = anna.post("/profile", {"time_zone": "America/Los_Angeles"})
    assert (response.status_code, response.headers["location"]) == (303, "/profile?saved=1")
    assert "Saved: times are now shown in America/Los_Angeles." in anna.get("/profile?saved=1").text
    assert _mail_time(anna, seeded) == (
        "2026-11-15 04:00 PST",
        "2026-11-15 04:00 UTC−08:00 (America/Los_Angeles)",
    )
    assert 'id="tz-auto"' not in anna.get("/review").text
    # Across midnight the date changes too: the review card's date of the same mail.
    anna.post("/profile", {"time_zone": "Pacific/Auckland"})
    card = anna.get("/review").text
    card = card[card.index(f'id="item-{seeded.title_update}"') :]
    assert re.search(
        r'<time datetime="2026-11-15T12:00:00\+00:00" title="2026-11-16 01:00 UTC\+13:00 '
        r'\(Pacific/Auckland\)">2026-11-16</time>',
        card,
    )


def test_a_bad_zone_is_refused_and_nothing_changes(
    anna: Browser, seeded: Seeded, sessions: sessionmaker[Session]
) -> None:
    anna.post("/profile", {"time_zone": "Europe/Berlin"})
    for bad in ("Mars/Olympus_Mons", "../../etc/passwd", "<script>", ""):
        response = anna.post("/profile", {"time_zone": bad})
        assert response.status_code == 400
        assert "not a known IANA name" in response.text and "<script>" not in response.text
    assert _zone(sessions) == "Europe/Berlin"


def test_the_browsers_zone_is_taken_only_while_none_is_set(
    anna: Browser, admin: Browser, seeded: Seeded, sessions: sessionmaker[Session]
) -> None:
    assert _zone(sessions) is None
    assert anna.post("/profile/time-zone", {"time_zone": "Asia/Tokyo"}).status_code == 204
    assert _zone(sessions) == "Asia/Tokyo"
    anna.post("/profile/time-zone", {"time_zone": "Europe/Paris"})  # another browser, later
    assert _zone(sessions) == "Asia/Tokyo"
    anna.post("/profile", {"time_zone": "Europe/Paris"})  # a person's choice always counts
    assert _zone(sessions) == "Europe/Paris"
    assert admin.post("/profile/time-zone", {"time_zone": "nowhere"}).status_code == 400
    assert _zone(sessions, "admin") is None
    no_token = anna.client.post("/profile/time-zone", data={"time_zone": "UTC"})
    assert no_token.status_code == 403


def test_the_header_links_the_profile(anna: Browser, seeded: Seeded) -> None:
    page = anna.get("/tasks").text
    assert '<a href="/profile" class="who"' in page
    assert "Europe/Berlin" in anna.get("/profile").text  # offered in the list


def test_valid_time_zone() -> None:
    assert valid_time_zone(" Europe/Berlin ") == "Europe/Berlin"
    assert valid_time_zone("UTC") == "UTC"
    for bad in ("europe/berlin", "/etc/localtime", "Europe/../UTC", "x" * 300):
        with pytest.raises(TimeZoneError):
            valid_time_zone(bad)
