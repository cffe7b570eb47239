"""An email's own words: the 32 KB cap on a character boundary, carried through the plan (or
not, under store_bodies = false), the thread subject."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ingestor.extractors.mail import MAX_BODY_BYTES, cap_body
from ingestor.extractors.threads import thread_subject
from ingestor.model import Body, RawItem
from ingestor.process import process_item
from ingestor.resolve.batch import resolve_batch
from tests.factories import OWNER, make_message
from tests.unit.test_resolve_batch import NOTHING, NOW, policy


@pytest.mark.parametrize("char", ["a", "é", "日", "😀"])  # 1, 2, 3 and 4 bytes in UTF-8
def test_the_cap_cuts_on_a_character_boundary(char: str) -> None:
    text = char * (MAX_BODY_BYTES + 5)
    body = cap_body(text)
    assert body.truncated
    data = body.text.encode("utf-8")
    assert MAX_BODY_BYTES - len(char.encode()) < len(data) <= MAX_BODY_BYTES
    assert set(body.text) == {char}


def test_under_the_cap_nothing_changes() -> None:
    assert cap_body("Hallo Frau Keller,\n\n  eingerückt\n") == Body(
        "Hallo Frau Keller,\n\n  eingerückt\n", False
    )
    exact = "x" * MAX_BODY_BYTES
    assert cap_body(exact) == Body(exact, False)
    assert cap_body("x" * (MAX_BODY_BYTES + 1)) == Body(exact, True)
    # A lone surrogate (undecodable bytes kept by the parser) cannot reach the store.
    assert cap_body("ab\udcffc") == Body("ab?c", False)


def _result(data: bytes, ref: str = "INBOX:1"):
    return process_item(
        RawItem(ref=ref, folder="INBOX", data=data, size=len(data)), frozenset({OWNER}), NOW
    )


QUOTED = make_message(
    body="Thursday works.\n\nMaria\n\nOn Mon, 2 Nov 2026, Anna wrote:\n> Thursday?\n"
)


def test_the_body_is_the_new_text_and_rides_in_the_plan() -> None:
    r = _result(QUOTED)
    assert r.findings is not None and r.findings.body == Body("Thursday works.\n\nMaria", False)
    (email,) = resolve_batch([r], NOTHING, policy(), NOW).emails
    assert email.body == Body("Thursday works.\n\nMaria", False)
    off = replace(policy(), store_bodies=False)
    (email,) = resolve_batch([r], NOTHING, off, NOW).emails
    assert email.body is None


def test_a_duplicate_in_the_batch_carries_no_second_body() -> None:
    plan = resolve_batch(
        [_result(QUOTED, "INBOX:1"), _result(QUOTED, "INBOX:2")], NOTHING, policy(), NOW
    )
    assert len(plan.emails) == 1 and plan.extra_sources == [(plan.emails[0].key, "INBOX:2")]


def test_machine_mail_and_undownloaded_bodies_keep_none() -> None:
    news = make_message(sender="Jobs <news@board.example>", extra="List-Id: <jobs.board.example>")
    r = _result(news)
    assert r.findings is not None and r.findings.body is None
    big = RawItem(ref="INBOX:9", folder="INBOX", data=QUOTED, size=10**9, truncated=True)
    r = process_item(big, frozenset({OWNER}), NOW)
    assert r.findings is not None and r.findings.body is None


@pytest.mark.parametrize(
    ("subject", "thread"),
    [
        ("Re: AW: Fwd: Senior Backend Engineer", "senior backend engineer"),
        ("RE[2]: Senior  Backend Engineer", "senior backend engineer"),
        ("TR : Poste de responsable", "poste de responsable"),
        ("Ответ: Оффер Lumière", "оффер lumière"),
        ("RV: Entrevista", "entrevista"),
        ("WG: Re: Kennenlernen", "kennenlernen"),
        ("Regarding the role", "regarding the role"),
        (None, ""),
    ],
)
def test_thread_subject(subject: str | None, thread: str) -> None:
    assert thread_subject(subject) == thread
