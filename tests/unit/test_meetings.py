"""Calendar extraction: .ics fixtures in, meeting occurrences out (tests/corpus/ics/MANIFEST.md)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar.timezone import tzp

from ingestor.extractors import recurrence as rec
from ingestor.extractors.meetings import (
    OWNER_ONLY,
    CalendarFindings,
    CalendarParseError,
    MeetingOccurrence,
    SeriesSpan,
    extract_meetings,
    meeting_to_json,
)
from ingestor.extractors.wintz import WINDOWS_ZONES, iana_zone, known_zone

CORPUS = Path(__file__).parents[1] / "corpus" / "ics"
SAMPLE = Path(__file__).parents[2] / "ingestor" / "sample" / "calendar.ics"
OWNER = frozenset({"anna.keller@talentbridge.example"})
WINDOW_START = datetime(2026, 9, 1, tzinfo=UTC)
WINDOW_END = datetime(2027, 1, 1, tzinfo=UTC)

REALISTIC = [
    "apple_icloud.ics",
    "calls.ics",
    "google_calendar_export.ics",
    "google_meet_request.ics",
    "itip_cancel_instance.ics",
    "itip_counter.ics",
    "itip_publish_zoom.ics",
    "itip_reply_accepted.ics",
    "outlook_cancel.ics",
    "outlook_series_until_utc.ics",
    "outlook_teams_request.ics",
    "owner_only.ics",
    "weekly_series_exdate_override_rdate.ics",
]


def extract(name: str | Path, **kwargs: object) -> CalendarFindings:
    path = name if isinstance(name, Path) else CORPUS / name
    options: dict[str, object] = {
        "owner_addresses": OWNER,
        "window_start": WINDOW_START,
        "window_end": WINDOW_END,
    }
    options.update(kwargs)
    return extract_meetings(path.read_bytes(), **options)  # type: ignore[arg-type]


def of_uid(findings: CalendarFindings, uid: str) -> list[MeetingOccurrence]:
    return [o for o in findings.occurrences if o.uid == uid]


def one(findings: CalendarFindings, uid: str) -> MeetingOccurrence:
    (occ,) = of_uid(findings, uid)
    return occ


def utc(occ: MeetingOccurrence) -> str:
    return occ.start.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


# --- recurrence ---------------------------------------------------------------------------------

SERIES = "6F3B1C2A-9D4E-4B7A-8C1D-2E3F4A5B6C7D"


def test_weekly_series_applies_exdate_override_and_rdate() -> None:
    occs = of_uid(extract("weekly_series_exdate_override_rdate.ics"), SERIES)
    assert [utc(o) for o in occs] == [
        "2026-09-01 08:00",
        "2026-09-08 08:00",
        # 09-15 is an EXDATE; 09-22 moved to Wednesday 14:00 by an override
        "2026-09-23 12:00",
        "2026-09-26 08:00",  # RDATE, a Saturday
        "2026-09-29 08:00",
        "2026-10-06 08:00",
        "2026-10-13 08:00",
        "2026-10-20 08:00",  # UNTIL=20261020T080000Z is inclusive
    ]
    moved = occs[2]
    assert moved.recurrence_id == "2026-09-22T08:00:00+00:00"  # the original start, in UTC
    assert moved.summary == "Client sync – Northwind Health (moved)"
    assert moved.sequence == 1
    assert [a.partstat for a in moved.attendees] == ["needs-action"]
    assert occs[3].recurrence_id == "2026-09-26T08:00:00+00:00"
    assert all(o.end is not None and o.end - o.start == timedelta(minutes=30) for o in occs)
    assert {o.conference_url for o in occs} == {
        "https://us02web.zoom.us/j/81234567890?pwd=Tm9ydGh3aW5kU3luYw"
    }


def infinite_copy(tmp_path: Path) -> Path:
    """The weekly series of the corpus file without its UNTIL: an infinite series."""
    data = (CORPUS / "weekly_series_exdate_override_rdate.ics").read_bytes()
    path = tmp_path / "infinite.ics"
    path.write_bytes(
        data.replace(b"RRULE:FREQ=WEEKLY;UNTIL=20261020T080000Z", b"RRULE:FREQ=WEEKLY")
    )
    return path


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (datetime(2026, 9, 1, tzinfo=UTC), datetime(2026, 10, 1, tzinfo=UTC), 5),
        (datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 10, 31, tzinfo=UTC), 4),
        (datetime(2026, 9, 22, 9, tzinfo=UTC), datetime(2026, 9, 24, tzinfo=UTC), 1),
        (datetime(2027, 1, 1, tzinfo=UTC), datetime(2027, 2, 1, tzinfo=UTC), 4),
    ],
)
def test_an_infinite_series_is_expanded_only_inside_the_bound(
    tmp_path: Path, start: datetime, end: datetime, expected: int
) -> None:
    found = extract(infinite_copy(tmp_path), window_start=start, window_end=end)
    assert len(of_uid(found, SERIES)) == expected
    assert found.spans[SERIES] == SeriesSpan(SERIES, bounded=True, start=start, end=end)
    assert found.bounded


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (datetime(2026, 9, 1, tzinfo=UTC), datetime(2026, 10, 1, tzinfo=UTC)),
        (datetime(2027, 1, 1, tzinfo=UTC), datetime(2027, 6, 1, tzinfo=UTC)),
        (datetime(2020, 1, 1, tzinfo=UTC), datetime(2020, 2, 1, tzinfo=UTC)),
    ],
)
def test_a_finite_series_is_expanded_in_full_whatever_the_bound(
    start: datetime, end: datetime
) -> None:
    found = extract("weekly_series_exdate_override_rdate.ics", window_start=start, window_end=end)
    assert [o.recurrence_id for o in of_uid(found, SERIES)] == [
        "2026-09-01T08:00:00+00:00",
        "2026-09-08T08:00:00+00:00",
        "2026-09-22T08:00:00+00:00",  # moved to the 23rd by its override
        "2026-09-26T08:00:00+00:00",  # the RDATE
        "2026-09-29T08:00:00+00:00",
        "2026-10-06T08:00:00+00:00",
        "2026-10-13T08:00:00+00:00",
        "2026-10-20T08:00:00+00:00",
    ]
    assert found.spans[SERIES] == SeriesSpan(SERIES, bounded=False)
    assert not found.bounded


def test_an_old_finite_series_of_three_interviews_is_kept() -> None:
    ics = (
        b"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//EN\nBEGIN:VEVENT\nUID:loop@x\n"
        b"DTSTAMP:20190101T000000Z\nDTSTART:20190304T150000Z\nDTEND:20190304T160000Z\n"
        b"RRULE:FREQ=WEEKLY;COUNT=3\nSUMMARY:Interview loop\n"
        b"ORGANIZER:mailto:anna.keller@talentbridge.example\nATTENDEE:mailto:c@cand.example\n"
        b"END:VEVENT\nEND:VCALENDAR\n"
    )
    found = extract_meetings(
        ics, owner_addresses=OWNER, window_start=WINDOW_START, window_end=WINDOW_END
    )
    assert [o.start.date().isoformat() for o in found.occurrences] == [
        "2019-03-04",
        "2019-03-11",
        "2019-03-18",
    ]
    assert found.source_text == ics


def test_a_finite_series_over_the_cap_is_bounded_like_an_infinite_one() -> None:
    ics = (
        b"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//EN\nBEGIN:VEVENT\nUID:daily@x\n"
        b"DTSTAMP:20190101T000000Z\nDTSTART:20100101T090000Z\nRRULE:FREQ=DAILY;UNTIL=20991231\n"
        b"SUMMARY:Daily\nATTENDEE:mailto:c@cand.example\nEND:VEVENT\nEND:VCALENDAR\n"
    )
    found = extract_meetings(
        ics, owner_addresses=OWNER, window_start=WINDOW_START, window_end=WINDOW_END
    )
    starts = [o.start for o in found.occurrences]
    assert len(starts) == 122 and min(starts) >= WINDOW_START and max(starts) <= WINDOW_END
    assert found.spans["daily@x"].bounded
    assert any("over 1000 occurrences; expanded like an infinite one" in p for p in found.problems)


def test_until_in_utc_against_local_start_across_dst() -> None:
    found = extract("outlook_series_until_utc.ics")
    debrief = [o for o in found.occurrences if o.summary == "Weekly candidate debrief"]
    # 17:00 Berlin every Monday; UNTIL=20261102T160000Z is exactly the last start after the
    # switch to CET, so a reader comparing UNTIL with local time would lose it.
    assert [utc(o) for o in debrief] == [
        "2026-10-05 15:00",
        "2026-10-12 15:00",
        "2026-10-19 15:00",
        "2026-10-26 16:00",
        "2026-11-02 16:00",
    ]
    assert {o.start.strftime("%H:%M") for o in debrief} == {"17:00"}
    assert [o.start.utcoffset() for o in debrief][3:] == [timedelta(hours=1)] * 2


def test_all_day_monthly_series() -> None:
    found = extract("outlook_series_until_utc.ics")
    review = [o for o in found.occurrences if o.summary == "Monthly pipeline review"]
    assert [o.recurrence_id for o in review] == ["2026-10-01", "2026-11-01", "2026-12-01"]
    assert all(o.all_day for o in review)
    assert review[0].start == datetime(2026, 10, 1, tzinfo=UTC)
    assert review[0].end == datetime(2026, 10, 2, tzinfo=UTC)


def test_google_series_with_cancelled_exception_inherits_participants() -> None:
    found = extract("google_calendar_export.ics")
    standup = of_uid(found, "5q0mbd7k3v9u2hn1c2rqv3l8ss@google.com")
    assert len(standup) == 15  # Tuesdays 2026-09-08 .. 2026-12-15
    cancelled = [o for o in standup if o.status == "cancelled"]
    assert [o.recurrence_id for o in cancelled] == ["2026-11-03T08:30:00+00:00"]
    # Google strips attendees from exported exceptions; they come from the series.
    assert [a.email for a in cancelled[0].attendees] == ["anna.keller@talentbridge.example"]
    assert cancelled[0].skip_reason is None
    assert utc(standup[6]) == "2026-10-20 07:30" and utc(standup[7]) == "2026-10-27 08:30"
    assert found.problems == []


def test_single_event_outside_the_window_is_still_returned() -> None:
    old = one(extract("google_calendar_export.ics"), "0old0meeting0from0march0@google.com")
    assert old.recurrence_id is None
    assert utc(old) == "2025-03-10 14:00"


def test_unbounded_secondly_rule_stops_at_the_cap() -> None:
    found = extract("secondly_unbounded.ics")
    assert len(found.occurrences) == 1000
    assert found.occurrences[0].start == WINDOW_START  # fast-forwarded from 2020, not replayed
    assert found.occurrences[-1].start == WINDOW_START + timedelta(seconds=999)
    assert any("cut at 1000 occurrences" in p for p in found.problems)
    assert len(extract("secondly_unbounded.ics", max_occurrences=7).occurrences) == 7


def test_hostile_rules_end_with_problems_not_hangs() -> None:
    found = extract("hostile_rules.ics")
    text = "\n".join(found.problems)
    assert "BYSETPOS below daily frequency" in text
    assert "over 50000 instances before the window" in text
    assert "unknown FREQ 'FORTNIGHTLY'" in text
    assert "bad BYDAY 'XX'" in text
    assert "VTIMEZONE 'Evil/Zone' has a rule that is not a plain yearly rule" in text
    assert "OverflowError" in text  # DTSTART 9999-12-31 plus ten days
    uids = {o.uid for o in found.occurrences}
    assert "never-matches@hostile.example" not in uids
    evil = of_uid(found, "evil-zone@hostile.example")
    assert [utc(o) for o in evil] == ["2026-10-01 09:00", "2026-10-02 09:00", "2026-10-03 09:00"]


@pytest.mark.parametrize(
    "text",
    [
        "FREQ=",
        "FREQ=WEEKLY;INTERVAL=x",
        "FREQ=DAILY;BYHOUR=24",
        "FREQ=DAILY;UNTIL=2026",
        "FREQ=MONTHLY;BYMONTHDAY=0",
        "FREQ=WEEKLY;WKST=XX",
        "FREQ=YEARLY;BYDAY=60MO",
    ],
)
def test_unreadable_rules_raise_rule_error(text: str) -> None:
    with pytest.raises(rec.RuleError):
        rec.parse_rule(text)


def test_rule_parts_are_read() -> None:
    rule = rec.parse_rule("freq=monthly;byday=-1fr;interval=2;until=20261231T230000Z;COUNT=-3")
    assert rule.interval == 2 and rule.count is None  # a negative COUNT is ignored
    assert rule.until == datetime(2026, 12, 31, 23, tzinfo=UTC)
    assert str(rule.parts["byweekday"][0]) == "FR(-1)"


def test_date_exdate_removes_that_day_of_a_timed_series() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    out = rec.expand_series(
        datetime(2026, 10, 5, 9, tzinfo=berlin),
        [rec.parse_rule("FREQ=DAILY;COUNT=3")],
        [],
        [date(2026, 10, 6)],
        WINDOW_START,
        WINDOW_END,
        100,
    )
    assert [i.start.day for i in out.instances] == [5, 7]


# --- time zones ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("uid", "start_utc", "offset_hours"),
    [
        ("tz-pacific", "2026-07-15 16:00", -7),
        ("tz-russian", "2026-07-15 06:00", 3),
        ("tz-gmt-summer", "2026-07-15 08:00", 1),
        ("tz-gmt-winter", "2026-12-10 09:00", 0),
        ("tz-weurope", "2026-12-10 08:00", 1),
        ("tz-india", "2026-07-15 03:30", 5.5),
        ("tz-eastern", "2026-12-10 14:00", -5),
        ("tz-label", "2026-07-15 07:00", 2),
        ("tz-libical", "2026-07-15 07:00", 2),
        ("tz-slash", "2026-07-15 07:00", 2),
        ("tz-lotus", "2026-07-15 07:00", 2),
        ("tz-custom", "2026-07-15 05:00", 4),  # only the file's VTIMEZONE knows this one
    ],
)
def test_tzids_resolve_to_the_right_offset(uid: str, start_utc: str, offset_hours: float) -> None:
    occ = one(extract("outlook_windows_zones.ics"), f"{uid}@talentbridge.example")
    assert utc(occ) == start_utc
    assert occ.start.utcoffset() == timedelta(hours=offset_hours)
    assert occ.start.strftime("%H:%M") == "09:00"


def test_unknown_tzid_is_floating_and_reported() -> None:
    found = extract("outlook_windows_zones.ics")
    assert utc(one(found, "tz-unknown@talentbridge.example")) == "2026-07-15 09:00"
    assert found.problems == ["TZID 'Mars Standard Time': unknown zone, times treated as floating"]


def _custom_zone_calendar(rule: str) -> bytes:
    return (
        "BEGIN:VCALENDAR\r\nBEGIN:VTIMEZONE\r\nTZID:Tijdzone van de klant\r\n"
        "BEGIN:STANDARD\r\nDTSTART:16010101T030000\r\nTZOFFSETFROM:+0200\r\n"
        "TZOFFSETTO:+0100\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\nEND:STANDARD\r\n"
        "BEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:+0100\r\n"
        f"TZOFFSETTO:+0200\r\nRRULE:{rule}\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n"
        "BEGIN:VEVENT\r\nUID:summer\r\nDTSTART;TZID=Tijdzone van de klant:20260715T090000\r\n"
        "ATTENDEE:mailto:klant@example.nl\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:winter\r\nDTSTART;TZID=Tijdzone van de klant:20261215T090000\r\n"
        "ATTENDEE:mailto:klant@example.nl\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


def test_a_custom_vtimezone_with_daylight_saving_rules() -> None:
    found = extract_meetings(
        _custom_zone_calendar("FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"),
        owner_addresses=OWNER,
        window_start=WINDOW_START,
        window_end=WINDOW_END,
    )
    assert [utc(o) for o in found.occurrences] == ["2026-07-15 07:00", "2026-12-15 08:00"]
    assert found.problems == []


def test_a_vtimezone_with_a_dense_rule_is_refused() -> None:
    days = ",".join(str(d) for d in range(1, 29))
    found = extract_meetings(
        _custom_zone_calendar(f"FREQ=YEARLY;BYMONTH=1,2,3,4,5,6,7,8,9,10,11,12;BYMONTHDAY={days}"),
        owner_addresses=OWNER,
        window_start=WINDOW_START,
        window_end=WINDOW_END,
    )
    assert [utc(o) for o in found.occurrences] == ["2026-07-15 09:00", "2026-12-15 09:00"]
    assert found.problems == [
        "VTIMEZONE 'Tijdzone van de klant' has a rule that is not a plain yearly rule",
        "TZID 'Tijdzone van de klant': unknown zone, times treated as floating",
    ]


def test_vtimezones_stay_out_of_icalendars_process_wide_cache() -> None:
    extract("outlook_windows_zones.ics")
    assert tzp.timezone("Customized Time Zone") is None


def test_windows_table_names_real_zones() -> None:
    assert len(WINDOWS_ZONES) >= 40
    assert all(iana_zone(v) is not None for v in WINDOWS_ZONES.values())
    assert known_zone("W. Europe Standard Time") == ZoneInfo("Europe/Berlin")
    assert known_zone("(UTC-05:00) Eastern Time (US & Canada)") == ZoneInfo("America/New_York")
    assert known_zone("Europe") is None and known_zone("../../etc/passwd") is None


def test_floating_times_use_the_given_zone_else_the_calendars_else_utc() -> None:
    uid = "8C1A5E2F-3B4D-4E6F-9A0B-1C2D3E4F5A6B"
    assert utc(one(extract("apple_icloud.ics"), uid)) == "2026-10-15 07:00"  # X-WR-TIMEZONE
    assert utc(one(extract("apple_icloud.ics", floating_tz=UTC), uid)) == "2026-10-15 09:00"
    ny = ZoneInfo("America/New_York")
    assert utc(one(extract("apple_icloud.ics", floating_tz=ny), uid)) == "2026-10-15 13:00"
    # No X-WR-TIMEZONE: UTC.
    assert utc(one(extract("partial_damage.ics"), "good@booking.example")) == "2026-11-20 10:00"


def test_all_day_event_starts_at_midnight_utc() -> None:
    onsite = one(extract("apple_icloud.ics"), "2D4F6A8C-1E3B-4D5F-8A9C-0B1D2F3A4C5E")
    assert onsite.all_day and onsite.recurrence_id is None
    assert onsite.start == datetime(2026, 11, 2, tzinfo=UTC)
    assert onsite.end == datetime(2026, 11, 5, tzinfo=UTC)


# --- participants and skipping -------------------------------------------------------------------


def test_invite_participants() -> None:
    occ = extract("google_meet_request.ics").occurrences[0]
    assert occ.organizer is not None
    assert (occ.organizer.email, occ.organizer.role, occ.organizer.partstat) == (
        "anna.keller@talentbridge.example",
        "organizer",
        "accepted",
    )
    # The meeting room (CUTYPE=RESOURCE) and the organizer's own ATTENDEE line are not attendees.
    assert [(a.email, a.name, a.role, a.partstat) for a in occ.attendees] == [
        ("maria.lopez@gmail.com", "Maria López", "attendee", "needs-action"),
        ("tom.reyes@talentbridge.example", "Tom Reyes", "attendee", "tentative"),
    ]
    assert occ.has_external_participants and occ.skip_reason is None


def test_apple_attendee_without_mailto_uses_email_parameter() -> None:
    occ = one(extract("apple_icloud.ics"), "9E8D7C6B-5A4F-3E2D-1C0B-A9F8E7D6C5B4")
    assert [(a.email, a.name) for a in occ.attendees] == [("dchen@outlook.com", "David Chen")]


def test_events_with_only_the_owner_are_skipped() -> None:
    found = extract("owner_only.ics")
    assert [o.summary for o in found.occurrences] == ["Gym", "Focus time", "Lunch (room booked)"]
    for occ in found.occurrences:
        assert occ.skip_reason == OWNER_ONLY == "no participants other than the owner"
        assert not occ.has_external_participants
    assert found.problems == []
    gym = one(extract("apple_icloud.ics"), "7A6B5C4D-3E2F-1A0B-9C8D-GYM000000001")
    assert gym.skip_reason == OWNER_ONLY


def test_a_colleague_is_someone_other_than_the_owner() -> None:
    fair = one(extract("google_calendar_export.ics"), "1h2k3j4l5m6n7o8p9q0r@google.com")
    assert fair.has_external_participants and fair.skip_reason is None
    alone = extract(
        "google_calendar_export.ics", owner_addresses=OWNER | {"tom.reyes@talentbridge.example"}
    )
    assert one(alone, "1h2k3j4l5m6n7o8p9q0r@google.com").skip_reason == OWNER_ONLY


# --- iTIP methods --------------------------------------------------------------------------------


def test_request_and_reply_describe_the_same_occurrence() -> None:
    request = extract("google_meet_request.ics")
    reply = extract("itip_reply_accepted.ics")
    assert (request.method, reply.method) == ("REQUEST", "REPLY")
    asked, answered = request.occurrences[0], reply.occurrences[0]
    assert (asked.uid, asked.recurrence_id, asked.start) == (
        answered.uid,
        answered.recurrence_id,
        answered.start,
    )
    assert [(a.email, a.partstat) for a in answered.attendees] == [
        ("maria.lopez@gmail.com", "accepted")
    ]


def test_cancel_marks_the_meeting_cancelled_with_a_higher_sequence() -> None:
    request = extract("outlook_teams_request.ics").occurrences[0]
    cancel = extract("outlook_cancel.ics")
    assert cancel.method == "CANCEL"
    (cancelled,) = cancel.occurrences
    assert cancelled.uid == request.uid and cancelled.start == request.start
    assert (request.status, cancelled.status) == ("confirmed", "cancelled")
    assert cancelled.sequence > request.sequence


def test_cancel_of_one_instance_uses_the_same_key_as_the_series() -> None:
    series = extract("google_calendar_export.ics")
    (cancel,) = extract("itip_cancel_instance.ics").occurrences
    keys = {(o.uid, o.recurrence_id) for o in series.occurrences}
    assert (cancel.uid, cancel.recurrence_id) in keys
    assert cancel.status == "cancelled" and cancel.sequence == 2


def test_an_instance_sent_on_its_own_is_returned_outside_the_window() -> None:
    later = extract(
        "itip_cancel_instance.ics",
        window_start=datetime(2027, 3, 1, tzinfo=UTC),
        window_end=datetime(2027, 4, 1, tzinfo=UTC),
    )
    assert [o.recurrence_id for o in later.occurrences] == ["2026-11-10T08:30:00+00:00"]


def test_reply_without_dtstart_is_a_problem_not_a_parse_error() -> None:
    ics = (
        b"BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:x@example.org\r\n"
        b"ATTENDEE;PARTSTAT=DECLINED:mailto:maria.lopez@gmail.com\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    found = extract_meetings(
        ics, owner_addresses=OWNER, window_start=WINDOW_START, window_end=WINDOW_END
    )
    assert found.occurrences == []
    assert found.problems == ["line 3: event without DTSTART skipped"]


def test_counter_and_publish() -> None:
    counter = extract("itip_counter.ics")
    assert counter.method == "COUNTER"
    assert utc(counter.occurrences[0]) == "2026-11-12 14:00"  # the proposed time (Paris, CET)
    assert extract("itip_publish_zoom.ics").method == "PUBLISH"
    assert extract("weekly_series_exdate_override_rdate.ics").method is None


# --- kind, conference links, dial-in numbers ------------------------------------------------------


@pytest.mark.parametrize(
    ("uid", "kind"),
    [
        ("call-maria-20261102@talentbridge.example", "call"),  # phone number as LOCATION
        ("phone-screen-ivan@talentbridge.example", "call"),
        ("zvonok-ivan@talentbridge.example", "call"),
        ("telefonat-juergen@talentbridge.example", "call"),
        ("anruf-juergen@talentbridge.example", "call"),
        ("tel-url-david@talentbridge.example", "call"),  # URL:tel:
        ("call-on-zoom-david@talentbridge.example", "meeting"),  # "Call with" on Zoom is video
        ("recall-not-a-call@talentbridge.example", "meeting"),
    ],
)
def test_kind(uid: str, kind: str) -> None:
    assert one(extract("calls.ics"), uid).kind == kind


def test_phone_location_is_the_contacts_number_not_a_dial_in() -> None:
    occ = one(extract("calls.ics"), "call-maria-20261102@talentbridge.example")
    assert occ.location == "+34 612 345 678"
    assert occ.dial_in_numbers == [] and occ.conference_url is None


def test_google_meet_link_and_dial_in() -> None:
    occ = extract("google_meet_request.ics").occurrences[0]
    assert occ.conference_url == "https://meet.google.com/xkp-qwrt-zvy"
    assert occ.dial_in_numbers == ["+34910555721"]  # not the PIN 418 027 553
    assert occ.description is not None and occ.description.startswith("Interview for")


def test_teams_link_and_dial_ins() -> None:
    occ = extract("outlook_teams_request.ics").occurrences[0]
    assert occ.conference_url is not None
    assert occ.conference_url.startswith("https://teams.microsoft.com/l/meetup-join/19%3ameeting_")
    assert occ.dial_in_numbers == ["+4969555052841", "+13235550174"]
    assert occ.kind == "meeting"  # tel: dial-in links say nothing about the meeting


def test_zoom_link_and_dial_ins() -> None:
    occ = extract("itip_publish_zoom.ics").occurrences[0]
    assert (
        occ.conference_url == "https://us06web.zoom.us/j/85098765432?pwd=b2ZmZXJXYWxrdGhyb3VnaA.1"
    )
    assert occ.dial_in_numbers == ["+16695550133", "+12535550182", "+496955509922"]
    assert utc(occ) == "2026-10-20 15:00"


def test_description_is_capped() -> None:
    long = "x" * 50_000
    ics = (
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:long\r\nDTSTART:20261001T090000Z\r\n"
        f"DESCRIPTION:{long}\r\nATTENDEE:mailto:someone@example.org\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()
    occ = extract_meetings(
        ics, owner_addresses=OWNER, window_start=WINDOW_START, window_end=WINDOW_END
    ).occurrences[0]
    assert occ.description is not None and len(occ.description) == 10_000


def test_attendees_are_capped() -> None:
    people = "".join(f"ATTENDEE:mailto:p{i}@example.org\r\n" for i in range(700))
    ics = (
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:crowd\r\nDTSTART:20261001T090000Z\r\n"
        f"{people}END:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()
    found = extract_meetings(
        ics, owner_addresses=OWNER, window_start=WINDOW_START, window_end=WINDOW_END
    )
    assert len(found.occurrences[0].attendees) == 500
    assert any("over 500 attendees" in p for p in found.problems)


# --- export --------------------------------------------------------------------------------------


def test_meeting_to_json() -> None:
    occ = extract("google_meet_request.ics").occurrences[0]
    assert meeting_to_json(occ) == {
        "kind": "meeting",
        "occurred_at": "2026-11-30T10:00:00+01:00",
        "ends_at": "2026-11-30T11:00:00+01:00",
        "subject": "Interview: Maria López – Senior Data Engineer",
        "ical_uid": "2k9m4n7p1q3r5s8t0v6w@google.com",
        "recurrence_id": None,
        "status": "confirmed",
        "location": None,
        "conference_url": "https://meet.google.com/xkp-qwrt-zvy",
        "participants": [
            {
                "email": "anna.keller@talentbridge.example",
                "name": "Anna Keller",
                "role": "organizer",
                "partstat": "accepted",
            },
            {
                "email": "maria.lopez@gmail.com",
                "name": "Maria López",
                "role": "attendee",
                "partstat": "needs-action",
            },
            {
                "email": "tom.reyes@talentbridge.example",
                "name": "Tom Reyes",
                "role": "attendee",
                "partstat": "tentative",
            },
        ],
    }


# --- broken input --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", REALISTIC)
def test_realistic_fixtures_read_without_problems(name: str) -> None:
    found = extract(name)
    assert found.problems == []
    assert found.occurrences
    for occ in found.occurrences:
        assert occ.start.tzinfo is not None
        json.dumps(meeting_to_json(occ))


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("broken_truncated.ics", "line 5: BEGIN:VEVENT is never closed (truncated calendar)"),
        ("broken_missing_end_vcalendar.ics", "truncated calendar: missing END:VCALENDAR"),
        ("broken_garbage.ics", "not an iCalendar object: missing BEGIN:VCALENDAR"),
        ("broken_bad_dtstart.ics", "line 9: bad DTSTART '2026-11-31T10:00:00'; event skipped"),
        ("broken_mismatched_end.ics", "line 10: END:VTODO does not close BEGIN:VEVENT from line 4"),
        ("broken_bad_line.ics", "line 4: not an iCalendar line: 'this line is not a content line"),
    ],
)
def test_broken_files_raise_one_clear_line(name: str, message: str) -> None:
    with pytest.raises(CalendarParseError) as caught:
        extract(name)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_partial_damage_keeps_the_good_event() -> None:
    found = extract("partial_damage.ics")
    assert [o.uid for o in found.occurrences] == ["good@booking.example"]
    assert found.problems == [
        "line 11: unreadable line ignored: '1. intro (this continuation line lost its leading "
        "space)'",
        "line 14: event without DTSTART skipped",
        "line 23: bad DTSTART '20261340T100000Z'; event skipped",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "not an iCalendar object"),
        (b"\x00\xff\xfe garbage", "not an iCalendar object"),
        (b"BEGIN:VCARD\r\nFN:Maria\r\nEND:VCARD\r\n", "not an iCalendar object"),
        (b"BEGIN:VCALENDAR\r\n" + b"BEGIN:X\r\n" * 50, "components nested too deeply"),
    ],
)
def test_non_calendars_are_parse_errors(data: bytes, message: str) -> None:
    with pytest.raises(CalendarParseError, match=message):
        extract_meetings(
            data, owner_addresses=OWNER, window_start=WINDOW_START, window_end=WINDOW_END
        )


def test_size_cap() -> None:
    with pytest.raises(CalendarParseError, match="over the 1000-byte cap"):
        extract("google_calendar_export.ics", max_bytes=1000)


def test_legacy_encodings_are_decoded() -> None:
    text = (CORPUS / "outlook_cancel.ics").read_text(encoding="utf-8")
    found = extract_meetings(
        text.encode("cp1252"),
        owner_addresses=OWNER,
        window_start=WINDOW_START,
        window_end=WINDOW_END,
    )
    assert found.occurrences[0].organizer is not None
    assert found.occurrences[0].organizer.name == "Jürgen Müller"
    utf16 = extract_meetings(
        text.encode("utf-16"),
        owner_addresses=OWNER,
        window_start=WINDOW_START,
        window_end=WINDOW_END,
    )
    assert utf16.occurrences[0].uid == found.occurrences[0].uid


def test_the_window_must_be_aware() -> None:
    with pytest.raises(ValueError, match="aware"):
        extract("calls.ics", window_start=datetime(2026, 9, 1))


def _survives(data: bytes) -> None:
    """Garbage in: a CalendarParseError with one line, or findings that make sense."""
    try:
        found = extract_meetings(
            data,
            owner_addresses=OWNER,
            window_start=WINDOW_START,
            window_end=WINDOW_END,
            max_occurrences=50,
        )
    except CalendarParseError as exc:
        assert "\n" not in str(exc)
        return
    for occ in found.occurrences:
        assert occ.start.tzinfo is not None
        json.dumps(meeting_to_json(occ))


FIXTURES = sorted(CORPUS.glob("*.ics"))
LINES = [
    "BEGIN:VCALENDAR",
    "END:VCALENDAR",
    "BEGIN:VEVENT",
    "END:VEVENT",
    "BEGIN:VTIMEZONE",
    "END:VTIMEZONE",
    "BEGIN:STANDARD",
    "END:STANDARD",
    "METHOD:CANCEL",
    "UID:x",
    "DTSTART:20261001T090000Z",
    "DTSTART;VALUE=DATE:20261001",
    "DTSTART;TZID=Mars:20261001T0900",
    "DTSTART:20261001T090000",
    "DTEND:20260901T090000Z",
    "DURATION:P1D",
    "DURATION:-PT1H",
    "RRULE:FREQ=SECONDLY",
    "RRULE:FREQ=DAILY;COUNT=5",
    "RRULE:FREQ=WEEKLY;BYSETPOS=-1;BYDAY=MO",
    "RRULE:FREQ=YEARLY;UNTIL=20261",
    "EXDATE:20261002T090000Z",
    "RDATE;VALUE=PERIOD:20261003T090000Z/PT1H",
    "RDATE:garbage",
    "RECURRENCE-ID:20261002T090000Z",
    "RECURRENCE-ID;VALUE=DATE:20261002",
    "ATTENDEE:mailto:a@b.example",
    'ORGANIZER;CN="x":mailto:anna.keller@talentbridge.example',
    "ATTENDEE;CUTYPE=ROOM:mailto:r@b.example",
    "TZID:Mars",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "SEQUENCE:x",
    "STATUS:CANCELLED",
    "DESCRIPTION:tel:+49 30 1234567 zoom",
    "X-GOOGLE-CONFERENCE:https://meet.google.com/abc",
    " folded continuation",
    "garbage",
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4000))
def test_fuzz_random_bytes(data: bytes) -> None:
    _survives(data)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(FIXTURES),
    st.lists(
        st.tuples(st.floats(0, 1), st.integers(0, 3), st.binary(min_size=0, max_size=12)),
        min_size=1,
        max_size=8,
    ),
)
def test_fuzz_damaged_fixtures(path: Path, edits: list[tuple[float, int, bytes]]) -> None:
    data = bytearray(path.read_bytes())
    for where, how, blob in edits:
        at = int(where * len(data))
        if how == 0:
            data[at : at + len(blob) + 1] = b""  # delete
        elif how == 1:
            data[at:at] = blob  # insert
        elif how == 2:
            data[at : at + len(blob)] = blob  # overwrite
        else:
            del data[at:]  # truncate
    _survives(bytes(data))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(LINES), st.text(max_size=40)), max_size=40))
def test_fuzz_calendar_shaped_text(lines: list[str]) -> None:
    body = "\r\n".join(lines)
    _survives(
        f"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n{body}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n".encode()
    )
    _survives("\r\n".join(lines).encode("utf-8", "surrogatepass"))


# --- the demo calendar ---------------------------------------------------------------------------


def test_sample_calendar() -> None:
    found = extract(SAMPLE)
    assert found.problems == []
    assert found.method == "PUBLISH"
    maria = one(found, "interview-maria-20261130@talentbridge.example")
    assert maria.start.isoformat() == "2026-11-30T10:00:00+01:00"  # Europe/Madrid
    assert [(a.email, a.partstat) for a in maria.attendees] == [
        ("maria.lopez@gmail.com", "accepted"),
        ("j.mueller@autowerk.de", "accepted"),
        ("tom.reyes@talentbridge.example", "needs-action"),
    ]
    sync = of_uid(found, "northwind-weekly-sync-2026@northwind-health.com")
    assert len(sync) == 15  # 16 Thursdays minus Thanksgiving (EXDATE)
    assert "2026-11-26T15:00:00+00:00" not in {o.recurrence_id for o in sync}
    (moved,) = [o for o in sync if o.recurrence_id == "2026-10-08T14:00:00+00:00"]
    assert utc(moved) == "2026-10-09 15:00"
    assert moved.conference_url is not None and moved.dial_in_numbers == ["+16175550100"]
    assert len(of_uid(found, "0p7a1r2e3v4i5e6w7w8e9e0k@google.com")) == 16  # COUNT=16
    kinds = {o.summary: o.kind for o in found.occurrences}
    assert kinds["Call with David Chen"] == "call"
    assert kinds["Звонок: оффер Lumière – Иван Петров"] == "call"
    statuses = {o.summary: o.status for o in found.occurrences}
    assert statuses["Lumière – point sur Ivan Petrov"] == "cancelled"
    skipped = [o.summary for o in found.occurrences if o.skip_reason]
    assert skipped == ["Focus time"]
    zoom = one(found, "4i5v6a7n8l9u0m1i2e3r4e5z6@google.com")
    assert zoom.conference_url is not None and "zoom.us/j/" in zoom.conference_url
    assert zoom.dial_in_numbers == ["+33199001234", "+442079460123", "+13125550123"]
    assert len(found.occurrences) == 41
