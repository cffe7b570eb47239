"""Parsing raw bytes into participants, ids, thread, date and text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ingestor.extractors.automated import automated_reason
from ingestor.extractors.message import MessageParseError, parse_message


def msg(headers: str, body: str = "Hello\n") -> bytes:
    return (headers.strip("\n") + "\n\n" + body).encode("utf-8")


def test_participants_from_every_address_header():
    p = parse_message(
        msg(
            """From: "Doe, John" <John.Doe@Acme.example>
Sender: Assistant <pa@acme.example>
Reply-To: John <jd@acme.example>
To: Anna Keller <anna@agency.example>, bob@x.example
Cc: =?UTF-8?B?0JjQstCw0L0g0J/QtdGC0YDQvtCy?= <ivan@yandex.ru>, "maria@gmail.com" <maria@gmail.com>
Message-ID: <abc@acme.example>
Date: Tue, 03 Nov 2026 10:15:00 +0100
Subject: =?ISO-8859-1?Q?J=FCrgen_M=FCller?= intro"""
        )
    )
    got = {(x.role, x.email): x.name for x in p.participants}
    assert got == {
        ("from", "john.doe@acme.example"): "Doe, John",
        ("sender", "pa@acme.example"): "Assistant",
        ("reply_to", "jd@acme.example"): "John",
        ("to", "anna@agency.example"): "Anna Keller",
        ("to", "bob@x.example"): None,
        ("cc", "ivan@yandex.ru"): "Иван Петров",
        ("cc", "maria@gmail.com"): None,  # an email-shaped display name is not a name
    }
    assert p.subject == "Jürgen Müller intro"
    assert p.message_id == "<abc@acme.example>"
    assert p.date == datetime(2026, 11, 3, 9, 15, tzinfo=UTC)
    assert p.date.utcoffset() == timedelta(hours=1)


def test_unquoted_last_first_name_is_repaired():
    p = parse_message(
        msg("From: Doe, John <john@acme.example>\nTo: a@b.example\nMessage-ID: <1@x>")
    )
    assert [(x.email, x.name) for x in p.participants if x.role == "from"] == [
        ("john@acme.example", "Doe, John")
    ]


def test_thread_headers():
    p = parse_message(
        msg("From: a@b.example\nMessage-ID: <3@x>\nIn-Reply-To: <2@x>\nReferences: <1@x> <2@x>\n")
    )
    assert p.in_reply_to == "<2@x>"
    assert p.references == ["<1@x>", "<2@x>"]


def test_missing_date_falls_back_to_internaldate_and_missing_id_is_synthesised():
    internal = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    raw = msg("From: a@b.example\nSubject: hi")
    p = parse_message(raw, internal)
    assert p.date == internal
    assert p.message_id_synthetic and p.message_id.endswith("@synthetic.ingestor.invalid>")
    # The same message delivered to another mailbox (different Received) gets the same id.
    other = parse_message(b"Received: from mx2\n" + raw, internal)
    assert other.message_id == p.message_id


def test_malformed_message_id_without_brackets_and_bad_date():
    p = parse_message(
        msg("From: a@b.example\nMessage-ID: naked-id@host\nDate: the day after tomorrow")
    )
    assert p.message_id == "<naked-id@host>"
    assert p.date is None


def test_8bit_headers_and_wrong_charset_body():
    raw = (
        "From: Jürgen Müller <j@autowerk.de>\nSubject: Grüße\nMessage-ID: <8@x>\n"
        "Content-Type: text/plain; charset=x-unknown-foo\n\n"
    ).encode() + "Привет".encode("koi8-r")
    p = parse_message(raw)
    assert p.participants[0].name == "Jürgen Müller"
    assert p.subject == "Grüße"
    assert p.text_plain  # decoded somehow, never raises


def test_html_and_calendar_parts_are_found():
    raw = b"""From: a@b.example
Message-ID: <cal@x>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="B"

--B
Content-Type: multipart/alternative; boundary="C"

--C
Content-Type: text/html; charset=utf-8

<p>Hi <b>there</b></p>
--C
Content-Type: text/calendar; method=REQUEST; charset=utf-8

BEGIN:VCALENDAR
END:VCALENDAR
--C--
--B
Content-Type: application/pdf
Content-Disposition: attachment; filename="cv.pdf"

JVBERi0=
--B--
"""
    p = parse_message(raw)
    assert p.text_plain is None
    assert p.text_html is not None and "<b>there</b>" in p.text_html
    assert p.calendar_parts and p.calendar_parts[0].startswith(b"BEGIN:VCALENDAR")


@pytest.mark.parametrize("raw", [b"", b"   \n\n", b"\n\nbody only"])
def test_not_a_message(raw):
    with pytest.raises(MessageParseError):
        parse_message(raw)


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ("List-Id: <news.board.example>", "mailing list"),
        ("List-Unsubscribe: <mailto:u@x>", "List-Unsubscribe"),
        ("Precedence: bulk", "Precedence: bulk"),
        ("Precedence: junk", "Precedence: junk"),
        ("Auto-Submitted: auto-replied", "Auto-Submitted: auto-replied"),
        ("Content-Type: multipart/report; report-type=delivery-status; boundary=x", "delivery"),
    ],
)
def test_automated_mail_is_recognised(headers, reason):
    p = parse_message(msg(f"From: Person <p@x.example>\nMessage-ID: <1@x>\n{headers}"))
    assert reason in (automated_reason(p) or "")


@pytest.mark.parametrize(
    "sender",
    [
        "noreply@x.example",
        "no-reply@x.example",
        "MAILER-DAEMON@mx.example",
        "postmaster@x.example",
        "do-not-reply@x.example",
        "notifications@x.example",
    ],
)
def test_robot_senders(sender):
    p = parse_message(msg(f"From: Robot <{sender}>\nMessage-ID: <1@x>"))
    assert automated_reason(p) == f"automated sender address ({sender.lower()})"


def test_person_is_not_automated():
    p = parse_message(
        msg("From: Maria <maria.lopez@gmail.com>\nMessage-ID: <1@x>\nAuto-Submitted: no")
    )
    assert automated_reason(p) is None


def test_long_address_headers_are_parsed_but_not_cached():
    from ingestor.extractors import message

    message._addresses.cache_clear()
    many = ", ".join(f"Person {i} <p{i}@example.org>" for i in range(300))
    raw = f"From: a@example.org\r\nTo: {many}\r\nSubject: x\r\n\r\nbody\r\n".encode()
    parsed = message.parse_message(raw)
    assert len([p for p in parsed.participants if p.role == "to"]) == 300
    assert message._addresses.cache_info().currsize == 1  # From only: the To line is too long
