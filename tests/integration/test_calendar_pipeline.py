"""Calendars and invites end to end: one interaction per occurrence, reschedules, cancellations."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import select

from ingestor.pipeline import Stages, expand_stored_series, sync_source
from ingestor.store import queries
from ingestor.store.schema import CalendarSeries, Interaction, InteractionParticipant, LedgerEntry
from tests.factories import OWNER, defaults, make_message, source_config, write_maildir

pytestmark = pytest.mark.integration
SOON = (datetime.now(UTC) + timedelta(days=10)).replace(hour=9, minute=0, second=0, microsecond=0)


def stamp(d: datetime) -> str:
    return d.strftime("%Y%m%dT%H%M%SZ")


def vevent(
    uid: str,
    start: datetime = SOON,
    summary: str = "Interview with Maria",
    sequence: int = 0,
    attendees: tuple[str, ...] = ("maria@gmail.com",),
    extra: str = "",
    status: str = "CONFIRMED",
) -> str:
    people = "".join(f"ATTENDEE;CN=Guest;PARTSTAT=NEEDS-ACTION:mailto:{a}\n" for a in attendees)
    return (
        f"BEGIN:VEVENT\nUID:{uid}\nDTSTAMP:{stamp(datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=sequence))}\n"
        f"DTSTART:{stamp(start)}\nDTEND:{stamp(start + timedelta(hours=1))}\nSUMMARY:{summary}\n"
        f"SEQUENCE:{sequence}\nSTATUS:{status}\nORGANIZER;CN=Anna:mailto:{OWNER}\n{people}{extra}END:VEVENT\n"
    )


def calendar(*events: str, method: str | None = None) -> str:
    head = "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n" + (
        f"METHOD:{method}\n" if method else ""
    )
    return head + "".join(events) + "END:VCALENDAR\n"


def ics_source(path: Path, name: str = "cal"):
    return source_config(name=name, type="ics", path=str(path))


def sync(cfg, sessions):
    summary = sync_source(cfg, defaults(), sessions)
    assert summary.ok, summary.error
    return summary


def meetings(sessions) -> dict[str, dict]:
    with sessions() as s:
        return {
            i["ical_uid"] + "|" + (i["recurrence_id"] or ""): i
            for i in queries.interactions(s)
            if i["kind"] != "email"
        }


def test_feed_events_become_meetings_then_follow_reschedules_and_deletions(
    tmp_path: Path, sessions
):
    feed = tmp_path / "team.ics"
    gym = vevent("gym", summary="Gym", attendees=())
    call = vevent(
        "call1",
        summary="Call with David",
        attendees=("dchen@outlook.com",),
        extra="LOCATION:+1 415 555 0199\n",
    )
    feed.write_text(calendar(vevent("int1"), gym, call))
    first = sync(ics_source(feed), sessions)
    assert (first.ingested, first.skipped) == (2, 1)
    found = meetings(sessions)
    interview = found["int1|"]
    assert interview["kind"] == "meeting" and found["call1|"]["kind"] == "call"
    assert (
        interview["occurred_at"] == SOON.isoformat()
        and interview["ends_at"] == (SOON + timedelta(hours=1)).isoformat()
    )
    assert interview["status"] == "confirmed" and interview["recurrence_id"] is None
    people = {(p["email"], p["role"]): p for p in interview["participants"]}
    assert set(people) == {(OWNER, "organizer"), ("maria@gmail.com", "attendee")}
    assert people[("maria@gmail.com", "attendee")]["partstat"] == "needs-action"
    assert people[(OWNER, "organizer")]["contact_id"] is None  # the owner is never a contact
    with sessions() as s:
        gym_row = s.scalars(select(LedgerEntry).where(LedgerEntry.outcome == "skipped")).one()
    assert "owner" in (gym_row.reason or "")

    assert sync(ics_source(feed), sessions).seen == 0  # unchanged file: nothing read

    moved = SOON + timedelta(days=1)
    feed.write_text(calendar(vevent("int1", start=moved, sequence=1), gym))
    sync(ics_source(feed), sessions)
    found = meetings(sessions)
    assert (
        found["int1|"]["id"] == interview["id"]
        and found["int1|"]["occurred_at"] == moved.isoformat()
    )
    assert found["call1|"]["status"] == "cancelled"  # deleted from the feed: kept, cancelled


def test_invite_mail_and_calendar_give_one_interaction(tmp_path: Path, sessions):
    request = calendar(vevent("shared-1", sequence=1), method="REQUEST")
    invite = make_message(
        sender=f"Anna <{OWNER}>",
        to="Maria <maria@gmail.com>",
        message_id="<invite@t>",
        body=request,
        extra="Content-Type: text/calendar; method=REQUEST; charset=utf-8",
    ).replace(b"Content-Type: text/plain; charset=utf-8\r\n", b"")
    reply = calendar(
        vevent("shared-1", sequence=1).replace("PARTSTAT=NEEDS-ACTION", "PARTSTAT=ACCEPTED"),
        method="REPLY",
    )
    accepted = make_message(
        sender="Maria <maria@gmail.com>",
        message_id="<reply@t>",
        body=reply,
        extra="Content-Type: text/calendar; method=REPLY; charset=utf-8",
    ).replace(b"Content-Type: text/plain; charset=utf-8\r\n", b"")
    for i in range(3):  # three recruiters' mailboxes
        root = write_maildir(tmp_path / f"mb{i}", {"INBOX": [invite, accepted]})
        sync(source_config(name=f"mail{i}", path=str(root)), sessions)
    feed = tmp_path / "cal.ics"
    feed.write_text(calendar(vevent("shared-1", sequence=0)))  # an older copy: must not win
    sync(ics_source(feed), sessions)

    found = meetings(sessions)
    assert list(found) == ["shared-1|"]
    meeting = found["shared-1|"]
    assert set(meeting["sources"]) == {"mail0", "mail1", "mail2", "cal"}
    maria = next(p for p in meeting["participants"] if p["email"] == "maria@gmail.com")
    assert maria["partstat"] == "accepted" and maria["contact_id"] is not None

    cancel = calendar(vevent("shared-1", sequence=2, status="CANCELLED"), method="CANCEL")
    root = write_maildir(
        tmp_path / "mb0",
        {
            "INBOX": [
                make_message(
                    sender=f"Anna <{OWNER}>",
                    message_id="<cancel@t>",
                    body=cancel,
                    extra="Content-Type: text/calendar; method=CANCEL; charset=utf-8",
                ).replace(b"Content-Type: text/plain; charset=utf-8\r\n", b"")
            ]
        },
    )
    sync(source_config(name="mail0", path=str(root)), sessions)
    with sessions() as s:
        assert (
            s.scalars(select(Interaction).where(Interaction.ical_uid == "shared-1")).one().status
            == "cancelled"
        )


def test_recurring_series_is_one_interaction_per_occurrence(tmp_path: Path, sessions):
    start = SOON - timedelta(days=21)
    series = vevent(
        "weekly",
        start=start,
        summary="Client sync",
        attendees=("priya@northwind.example",),
        extra=f"RRULE:FREQ=WEEKLY;COUNT=6\nEXDATE:{stamp(start + timedelta(days=14))}\n",
    )
    moved = vevent(
        "weekly",
        start=start + timedelta(days=7, hours=2),
        summary="Client sync (moved)",
        attendees=("priya@northwind.example",),
        extra=f"RECURRENCE-ID:{stamp(start + timedelta(days=7))}\n",
    )
    feed = tmp_path / "series.ics"
    feed.write_text(calendar(series, moved))
    sync(ics_source(feed), sessions)
    found = meetings(sessions)
    assert len(found) == 5  # 6 occurrences, one EXDATE
    assert all(k.startswith("weekly|") and k != "weekly|" for k in found)
    moved_one = [m for m in found.values() if m["subject"] == "Client sync (moved)"]
    assert (
        len(moved_one) == 1
        and moved_one[0]["occurred_at"] == (start + timedelta(days=7, hours=2)).isoformat()
    )
    with sessions() as s:
        linked = s.scalars(
            select(InteractionParticipant.contact_id).where(
                InteractionParticipant.address == "priya@northwind.example"
            )
        )
        assert len(set(linked)) == 1


def test_malformed_calendar_fails_alone(tmp_path: Path, sessions):
    broken = tmp_path / "broken.ics"
    broken.write_text("this is not a calendar\n")
    good = tmp_path / "good.ics"
    good.write_text(calendar(vevent("ok1")))
    results = [
        sync_source(ics_source(p, name=p.stem), defaults(), sessions) for p in (broken, good)
    ]
    assert (
        not results[0].ok
        and results[0].error
        == f"source broken: {broken} is not an iCalendar file (no BEGIN:VCALENDAR)"
    )
    assert results[1].ok and results[1].ingested == 1


class FeedHandler(BaseHTTPRequestHandler):
    body = b""
    requests: list[str | None] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        etag = f'"{hash(self.body) & 0xFFFF}"'
        FeedHandler.requests.append(self.headers.get("If-None-Match"))
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def feed_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FeedHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/team.ics"
    server.shutdown()


def test_http_feed_uses_etags(feed_server: str, sessions):
    FeedHandler.body = calendar(vevent("web1")).encode()
    FeedHandler.requests = []
    cfg = source_config(name="web", type="ics", url=feed_server)
    assert sync(cfg, sessions).ingested == 1
    assert sync(cfg, sessions).seen == 0
    assert (
        FeedHandler.requests[0] is None and FeedHandler.requests[1] is not None
    )  # If-None-Match sent
    FeedHandler.body = calendar(vevent("web1"), vevent("web2")).encode()
    assert sync(cfg, sessions).ingested == 1


@pytest.mark.parametrize("server_kind", ["radicale", "xandikos"])
def test_caldav_calendar_end_to_end(tmp_path: Path, sessions, monkeypatch, server_kind: str):
    from ingestor.config import PasswordSpec
    from tests.servers.radicale import RadicaleServer
    from tests.servers.xandikos import XandikosServer

    server_class = RadicaleServer if server_kind == "radicale" else XandikosServer
    monkeypatch.setenv("CALDAV_PW", "secret")
    with server_class(tmp_path / server_kind, users={"recruiter": "secret"}) as server:
        url = server.make_calendar("recruiter", "work", "Work")
        server.put_event("recruiter", "work", calendar(vevent("dav-1")), "dav-1.ics")
        server.put_event(
            "recruiter",
            "work",
            calendar(
                vevent("dav-2", summary="Call with Priya", attendees=("priya@northwind.example",))
            ),
            "dav-2.ics",
        )
        server.put_event(
            "recruiter",
            "work",
            calendar(vevent("focus", summary="Focus time", attendees=())),
            "focus.ics",
        )
        cfg = source_config(
            name="dav",
            type="caldav",
            url=url,
            username="recruiter",
            password=PasswordSpec(env="CALDAV_PW"),
            timeout=10.0,
        )
        first = sync(cfg, sessions)
        assert (first.ingested, first.skipped) == (2, 1)
        assert sync(cfg, sessions).seen == 0

        moved = SOON + timedelta(hours=3)
        server.put_event(
            "recruiter", "work", calendar(vevent("dav-1", start=moved, sequence=1)), "dav-1.ics"
        )
        server.delete_event("recruiter", "work", "dav-2.ics")
        sync(cfg, sessions)
        found = meetings(sessions)
        assert found["dav-1|"]["occurred_at"] == moved.isoformat()
        assert found["dav-2|"]["status"] == "cancelled" and found["dav-2|"]["kind"] == "call"
        assert found["dav-1|"]["sources"] == ["dav"]


def test_feed_event_edited_back_or_deleted_twice_is_still_followed(tmp_path: Path, sessions):
    feed = tmp_path / "team.ics"
    original = calendar(vevent("flip"))
    feed.write_text(original)
    sync(ics_source(feed), sessions)
    feed.write_text(calendar())  # deleted
    sync(ics_source(feed), sessions)
    assert meetings(sessions)["flip|"]["status"] == "cancelled"
    feed.write_text(original)  # restored, byte for byte
    sync(ics_source(feed), sessions)
    assert meetings(sessions)["flip|"]["status"] == "confirmed"
    feed.write_text(calendar())  # deleted again
    sync(ics_source(feed), sessions)
    assert meetings(sessions)["flip|"]["status"] == "cancelled"


OLD = datetime(2019, 3, 4, 15, 0, tzinfo=UTC)


def test_an_old_finite_series_is_kept_and_followed_whatever_its_age(tmp_path: Path, sessions):
    """Three interviews in 2019: stored in full, and an occurrence removed years later is
    cancelled (a finite series is looked at whole), while a mail invite stores no master."""
    feed = tmp_path / "team.ics"
    loop = vevent("loop", start=OLD, summary="Interview loop", extra="RRULE:FREQ=WEEKLY;COUNT=3\n")
    feed.write_text(calendar(loop))
    cfg = ics_source(feed)
    sync(cfg, sessions)
    found = meetings(sessions)
    assert sorted(k for k in found if k.startswith("loop|")) == [
        "loop|2019-03-04T15:00:00+00:00",
        "loop|2019-03-11T15:00:00+00:00",
        "loop|2019-03-18T15:00:00+00:00",
    ]
    with sessions() as s:
        (master,) = s.scalars(select(CalendarSeries))
        assert (master.object_key, master.bounded, master.expanded_from) == ("loop", False, None)
        assert b"RRULE:FREQ=WEEKLY;COUNT=3" in master.ics

    edited = loop.replace("SEQUENCE:0", "SEQUENCE:1").replace(
        "RRULE:", "EXDATE:20190311T150000Z\nRRULE:"
    )
    feed.write_text(calendar(edited))
    sync(cfg, sessions)
    found = meetings(sessions)
    assert found["loop|2019-03-11T15:00:00+00:00"]["status"] == "cancelled"
    assert found["loop|2019-03-18T15:00:00+00:00"]["status"] == "confirmed"

    feed.write_text(calendar())
    sync(cfg, sessions)
    assert {m["status"] for k, m in meetings(sessions).items() if k.startswith("loop|")} == {
        "cancelled"
    }
    with sessions() as s:
        assert list(s.scalars(select(CalendarSeries))) == []


def test_an_infinite_series_edit_cancels_only_inside_its_bound(tmp_path: Path, sessions):
    feed = tmp_path / "team.ics"
    start = SOON - timedelta(days=7 * 10)
    weekly = vevent("weekly", start=start, summary="Weekly", extra="RRULE:FREQ=WEEKLY\n")
    feed.write_text(calendar(weekly))
    cfg = ics_source(feed)
    sync(cfg, sessions)
    before = {k for k in meetings(sessions) if k.startswith("weekly|")}
    # The organizer ends the series before today: what lies past UNTIL is deleted, the rest is
    # kept; a finite series now, so it is looked at whole.
    until = stamp(SOON - timedelta(days=7 * 5))
    feed.write_text(
        calendar(
            weekly.replace("SEQUENCE:0", "SEQUENCE:1").replace(
                "RRULE:FREQ=WEEKLY", f"RRULE:FREQ=WEEKLY;UNTIL={until}"
            )
        )
    )
    sync(cfg, sessions)
    after = {k: m["status"] for k, m in meetings(sessions).items() if k.startswith("weekly|")}
    assert set(after) == before
    assert sorted(after.values()).count("confirmed") == 6  # the first six weeks
    with sessions() as s:
        (master,) = s.scalars(select(CalendarSeries))
        assert not master.bounded


def test_a_mail_invite_stores_no_master(tmp_path: Path, sessions):
    """An invite is one attendee's snapshot, with no deletion to follow: not a master."""
    request = calendar(vevent("inv", extra="RRULE:FREQ=WEEKLY\n"), method="REQUEST")
    invite = make_message(
        sender=f"Anna <{OWNER}>",
        to="Maria <maria@gmail.com>",
        message_id="<inv@t>",
        body=request,
        extra="Content-Type: text/calendar; method=REQUEST; charset=utf-8",
    ).replace(b"Content-Type: text/plain; charset=utf-8\r\n", b"")
    root = write_maildir(tmp_path / "mb", {"INBOX": [invite]})
    sync(source_config(name="mail", path=str(root)), sessions)
    assert any(k.startswith("inv|") for k in meetings(sessions))
    with sessions() as s:
        assert list(s.scalars(select(CalendarSeries))) == []


def test_the_series_job_follows_the_bound_and_lowering_it_loses_nothing(tmp_path: Path, sessions):
    feed = tmp_path / "team.ics"
    start = SOON - timedelta(days=7 * 20)
    feed.write_text(calendar(vevent("weekly", start=start, extra="RRULE:FREQ=WEEKLY\n")))
    cfg = ics_source(feed)
    now = datetime.now(UTC)
    summary = sync_source(cfg, defaults(), sessions, stages=Stages(clock=lambda: now))
    assert summary.ok, summary.error
    stored = {k for k in meetings(sessions) if k.startswith("weekly|")}
    # From the series' start (inside the 3-year bound) to 180 days ahead.
    assert len(stored) == (now + timedelta(days=180) - start) // timedelta(days=7) + 1
    later = Stages(clock=lambda: now + timedelta(hours=20))
    assert expand_stored_series(cfg, defaults(), sessions, later) == 0  # moved less than a day
    tomorrow = Stages(clock=lambda: now + timedelta(days=1))
    assert expand_stored_series(cfg, defaults(), sessions, tomorrow) == 1
    assert expand_stored_series(cfg, defaults(), sessions, tomorrow) == 0
    # Only the day the bound gained was expanded: a day's work, not every occurrence again.
    with sessions() as s:
        (ref,) = s.scalars(select(LedgerEntry.ref).where(LedgerEntry.ref.contains("@expanded-")))
    gained = (now + timedelta(days=180), now + timedelta(days=181))
    assert ref.endswith(f"@expanded-{gained[0]:%Y%m%d}-{gained[1]:%Y%m%d}")
    # A lower history bound expands nothing again and cancels nothing.
    lowered = source_config(name="cal", type="ics", path=str(feed), calendar_history_days=7)
    assert expand_stored_series(lowered, defaults(), sessions, tomorrow) == 0
    after = meetings(sessions)
    assert stored <= set(after)
    assert {m["status"] for k, m in after.items() if k.startswith("weekly|")} == {"confirmed"}
