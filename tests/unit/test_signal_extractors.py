"""The single extractors behind read_signals: intents, left the company, bounces, calls."""

from __future__ import annotations

from datetime import UTC, date, datetime

from ingestor.extractors.bounces import is_hard, read_bounce
from ingestor.extractors.intent import reply_intent
from ingestor.extractors.leftcompany import left_company
from ingestor.extractors.message import parse_message
from ingestor.extractors.phonecalls import phone_call

SENT = date(2026, 7, 6)


def kind(text: str) -> str | None:
    found = reply_intent(text, SENT, "me@people.example", "Kim Lee")
    return found.kind if found else None


def test_intents_need_an_explicit_cue() -> None:
    assert kind("Thanks, but I'm not interested.") == "not_interested"
    assert kind("Спасибо, не интересно.") == "not_interested"
    assert kind("Please remove me from your list.") == "unsubscribe"
    assert kind("Bitte keine E-Mails mehr an diese Adresse.") == "unsubscribe"
    assert kind("Не пишите мне больше.") == "unsubscribe"
    assert kind("Not right now. Reach out again in Q4?") == "not_now"
    assert kind("Sounds great! Let's talk next week.") is None
    assert kind("I'm not interested in relocating, but happy to chat about remote.") is None
    assert kind("If you are not interested in X, tell me.") is None
    assert kind("Anna has left for the day, I'll pass the message on.") is None
    assert kind("Let's sign in Q3 once legal is done.") is None


def test_a_referral_names_someone_else() -> None:
    found = reply_intent(
        "You should talk to Jane Doe <jane@northwind.example>.", SENT, "me@x.example", None
    )
    assert found is not None and found.kind == "referral"
    assert (found.referral_name, found.referral_email) == ("Jane Doe", "jane@northwind.example")
    assert reply_intent("Please contact me at me@x.example.", SENT, "me@x.example", None) is None


def test_left_company_third_person_only_in_auto_replies() -> None:
    text = "Dan Smith is no longer with Contoso. Please contact Rachel Green at rachel@contoso.example."
    found = left_company(text, "dan@contoso.example", auto=True)
    assert found is not None
    assert (found.replacement_name, found.replacement_email) == (
        "Rachel Green",
        "rachel@contoso.example",
    )
    assert left_company(text, "dan@contoso.example", auto=False) is None
    assert left_company(
        "I've left Fabrikam, reach me at me@home.example", "x@f.example", auto=False
    )


def test_hard_and_soft_bounces() -> None:
    assert is_hard("5.1.1", "550 5.1.1 user unknown")
    assert is_hard("5.0.0", "550 No such user here")
    assert not is_hard("5.2.2", "552 mailbox full")
    assert not is_hard("5.7.1", "550 5.7.1 blocked by policy")
    assert not is_hard("4.4.7", "delivery expired", "delayed")
    assert not is_hard("5.1.8", "501 5.1.8 Sender address rejected")


def test_a_person_writing_undelivered_is_not_a_bounce() -> None:
    raw = (
        b"From: Kim <kim@northwind.example>\nTo: alex@talent.example\nSubject: Undelivered invoice\n"
        b"Date: Mon, 06 Jul 2026 10:00:00 +0000\n\nThe invoice to ap@northwind.example was not delivered.\n"
    )
    assert read_bounce(raw, parse_message(raw), datetime(2026, 7, 6, tzinfo=UTC)) is None


def test_asterisk_voicemail_from_its_headers() -> None:
    raw = (
        b"From: PBX <asterisk@pbx.example>\nTo: alex@talent.example\nSubject: [PBX]: New message 1 in mailbox 201\n"
        b"Date: Mon, 06 Jul 2026 10:00:00 +0000\nX-Asterisk-VM-Caller-ID-Num: 4155550123\n"
        b"X-Asterisk-VM-Caller-ID-Name: Jane Doe\nX-Asterisk-VM-Duration: 23\n\nYou were left a 0:23 long message.\n"
    )
    parsed = parse_message(raw)
    call = phone_call(parsed, parsed.text_plain or "", "US")
    assert call is not None
    assert (call.system, call.status, call.number_e164, call.caller_name, call.duration_s) == (
        "asterisk",
        "voicemail",
        "+14155550123",
        "Jane Doe",
        23,
    )


def test_a_phone_system_mail_without_a_call_is_not_a_call() -> None:
    raw = (
        b"From: RingCentral <billing@ringcentral.com>\nTo: alex@talent.example\nSubject: Your invoice\n"
        b"Date: Mon, 06 Jul 2026 10:00:00 +0000\n\nYour invoice is ready.\n"
    )
    parsed = parse_message(raw)
    assert phone_call(parsed, parsed.text_plain or "", "US") is None
