"""Cutting a person out of text, JSON and calendar text (store.redact): pure, from strings."""

from __future__ import annotations

from ingestor.store.redact import CUT, Agency, Needles

N = Needles.of(
    ["Jane.Doe@Example.com", "tel:+14155550199"], ["Jane  Doe", "J", "Bob", None], ["+4930123456"]
)


def test_addresses_names_and_phones_are_cut_however_they_are_written():
    text = "Jane Doe <jane.doe@example.com> (415) 555-0199, +1 415 555 0199, 030 123456; JANE DOE"
    cut = N.cut(text)
    assert cut is not None
    assert "jane" not in cut.lower() and "555" not in cut and "123456" not in cut
    assert cut.count(CUT) == 6
    assert N.cut("Janet Doering called") == "Janet Doering called"  # no name inside others
    assert N.cut("J. Smith, 2026-07-20, 14:30") == "J. Smith, 2026-07-20, 14:30"  # too short
    assert N.cut("Dear Jane\n Doe,") == f"Dear {CUT},"  # however the words are spaced
    assert N.cut("Bob said hi") == "Bob said hi"  # one short word is too many people's name
    assert N.names == {"Jane Doe"}
    assert Needles.of([], ["Zaragoza"], []).cut("Mr Zaragoza") == f"Mr {CUT}"
    assert N.cut(None) is None and not Needles.of([], [], [])


def test_json_values_are_searched_and_scrubbed_all_the_way_down():
    payload = {"snapshot": {"name": "Jane Doe", "emails": ["jane.doe@example.com"]}, "n": 3}
    assert N.mentioned(payload) and not N.mentioned({"name": "Bea", "n": 3})
    assert N.scrub(payload) == {"snapshot": {"name": CUT, "emails": [CUT]}, "n": 3}
    assert N.scrub({"jane.doe@example.com": 1}) == {CUT: 1}


def test_calendar_text_loses_the_lines_naming_them_folded_or_not():
    ics = (
        b"BEGIN:VEVENT\r\nSUMMARY:Interview Jane Doe\r\nORGANIZER:mailto:alex@agency.example\r\n"
        b"ATTENDEE;CN=Jane Doe;PARTSTAT=NEEDS-ACTION:mailto:jane.d\r\n oe@example.com\r\n"
        b"ATTENDEE;CN=Bea:mailto:bea@other.example\r\nEND:VEVENT\r\n"
    )
    out = N.scrub_ics(ics).decode()
    assert "jane" not in out.lower()
    assert f"SUMMARY:Interview {CUT}" in out and "mailto:bea@other.example" in out
    assert "mailto:alex@agency.example" in out and out.count("ATTENDEE") == 1


def test_the_agency_side_and_the_people_outside_it():
    agency = Agency(frozenset({"alex@talent.example"}), frozenset({"talent.example"}))
    assert not agency.outside("alex@talent.example")
    assert not agency.outside("bob@eu.talent.example")  # subdomains are the agency's too
    assert agency.outside("bea@other.example") and agency.outside("tel:+14155550199")
    assert agency.person("bea@other.example", "to")
    assert not agency.person("voice-noreply@google.com", "sender")  # the phone system
    assert not agency.person("noreply@jobs.example", "from")  # a robot
