"""read_signals on the labelled signals corpus: the scorer's figures stay above their floors,
and the entry point's contract (one signal or None, pure, new text only) holds."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from benchmarks.score_signals import SIGNALS, score, summary
from ingestor.extractors.message import parse_message
from ingestor.extractors.signals import Bounce, OutOfOffice, PhoneCall, ReplyIntent, read_signals

# A bit below what the rules reach (see /work/notes or the README table).
PRECISION_FLOOR = {"dev": 0.95, "heldout": 0.9}
RECALL_FLOOR = {"out_of_office": 0.9, "bounce": 0.9}
OOO_DUE_EXACT_FLOOR = 0.85
BOUNCE_ADDRESS_FLOOR = 0.95


@pytest.fixture(scope="module")
def figures() -> dict[str, dict[str, object]]:
    return summary(score())


@pytest.mark.parametrize("part", ["dev", "heldout"])
def test_precision_of_every_signal_is_above_its_floor(figures, part) -> None:
    for signal in SIGNALS:
        p = figures[part]["signals"][signal]["precision"]
        assert p is None or p >= PRECISION_FLOOR[part], (part, signal, p)


@pytest.mark.parametrize("part", ["dev", "heldout"])
def test_recall_of_out_of_office_and_bounces(figures, part) -> None:
    for signal, floor in RECALL_FLOOR.items():
        r = figures[part]["signals"][signal]["recall"]
        assert r is not None and r >= floor, (part, signal, r)


@pytest.mark.parametrize("part", ["dev", "heldout"])
def test_due_dates_and_addresses(figures, part) -> None:
    assert figures[part]["ooo_due_exact"] >= OOO_DUE_EXACT_FLOOR
    assert figures[part]["bounce_address_accuracy"] >= BOUNCE_ADDRESS_FLOOR


def test_the_corpus_is_big_enough(figures) -> None:
    assert figures["dev"]["messages"] + figures["heldout"]["messages"] >= 300
    bounces = sum(figures[p]["signals"]["bounce"]["support"] for p in ("dev", "heldout"))
    assert bounces >= 100


def _msg(headers: str, body: str) -> bytes:
    return (headers.strip() + "\nMessage-ID: <t@x.example>\n\n" + body).encode()


SENT = datetime(2026, 7, 29, 10, 0, tzinfo=UTC)  # a Wednesday


def test_out_of_office_from_exchange_headers() -> None:
    raw = _msg(
        "From: Dan <dan@contoso.example>\nTo: alex@talent.example\nSubject: Automatic reply: Hi\n"
        "Date: Wed, 29 Jul 2026 10:00:00 +0000\nX-MS-Exchange-Inbox-Rules-Loop: dan@contoso.example\n"
        "X-Auto-Response-Suppress: All",
        "I am out of the office until Friday, August 14.\n",
    )
    got = read_signals(parse_message(raw), None, SENT, "US", raw=raw)
    assert got == OutOfOffice(
        date(2026, 8, 14), date(2026, 8, 17), "en", "X-MS-Exchange-Inbox-Rules-Loop"
    )


def test_suppress_header_alone_is_not_an_auto_reply() -> None:
    raw = _msg(
        "From: Lee <lee@contoso.example>\nTo: alex@talent.example\nSubject: Re: role\n"
        "Date: Wed, 29 Jul 2026 10:00:00 +0000\nX-Auto-Response-Suppress: All",
        "I'm out of office on Friday but would love to talk on Monday.\n",
    )
    assert read_signals(parse_message(raw), None, SENT, "US", raw=raw) is None


def test_no_date_gives_seven_days_and_far_dates_are_rejected() -> None:
    for text in (
        "I am on vacation with limited access to email.",
        "I am on leave until 5 January 2027.",
    ):
        raw = _msg(
            "From: a@b.example\nTo: alex@talent.example\nSubject: Out of office\nAuto-Submitted: auto-replied\n"
            "Date: Wed, 29 Jul 2026 10:00:00 +0000",
            text,
        )
        got = read_signals(parse_message(raw), None, SENT, "US", raw=raw)
        assert (
            isinstance(got, OutOfOffice) and got.return_date is None and got.due == date(2026, 8, 5)
        ), text


def test_intent_reads_only_the_new_text() -> None:
    raw = _msg(
        "From: Kim <kim@people.example>\nTo: alex@talent.example\nSubject: Re: role\n"
        "Date: Wed, 29 Jul 2026 10:00:00 +0000",
        "Sounds good, call me Thursday.\n\nOn Mon, Jul 27, 2026 Alex wrote:\n> If you are not interested, no worries.\n",
    )
    assert read_signals(parse_message(raw), None, SENT, "US", raw=raw) is None
    got = read_signals(parse_message(raw), "Not right now - try me after the summer.", SENT)
    assert got == ReplyIntent("not_now", date(2026, 9, 1), None, None, got.evidence if got else "")


def test_bounce_and_phone_call_are_read_from_their_senders() -> None:
    dsn = (
        b"From: MAILER-DAEMON@mx.example\nTo: alex@talent.example\nSubject: Undelivered Mail Returned to Sender\n"
        b"Date: Wed, 29 Jul 2026 10:00:00 +0000\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n'
        b"--b\nContent-Type: text/plain\n\nfailed.\n--b\nContent-Type: message/delivery-status\n\n"
        b"Reporting-MTA: dns; mx.example\n\nFinal-Recipient: rfc822; gone@northwind.example\nAction: failed\n"
        b"Status: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\n\n--b--\n"
    )
    got = read_signals(parse_message(dsn), None, SENT, raw=dsn)
    assert isinstance(got, Bounce) and got.hard and got.address == "gone@northwind.example"
    assert got.status == "5.1.1" and got.bounced_at == SENT
    call = _msg(
        "From: RingCentral <service@ringcentral.com>\nTo: alex@talent.example\n"
        "Subject: Missed Call from (408) 555-0188\nDate: Wed, 29 Jul 2026 10:00:00 +0000",
        "You have a missed call.\nFrom: (408) 555-0188\n",
    )
    got = read_signals(parse_message(call), None, SENT, "US", raw=call)
    assert isinstance(got, PhoneCall) and got.system == "ringcentral" and got.status == "missed"
    assert got.number_e164 == "+14085550188"
