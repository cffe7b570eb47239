"""Return dates of out-of-office replies and the periods of "not now" replies, per language."""

from __future__ import annotations

from datetime import date

import pytest

from ingestor.extractors.periods import period_start
from ingestor.extractors.returndate import read_return_date, working_day_after

SENT = date(2026, 7, 29)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "want", "lang"),
    [
        ("I'm out until Friday, August 14 with limited access.", date(2026, 8, 14), "en"),
        ("I will be back on Monday.", date(2026, 8, 3), "en"),
        ("Back 8/17.", date(2026, 8, 17), "en"),
        ("I am on leave from 3 August to 21 August.", date(2026, 8, 21), "en"),
        ("Ich bin bis einschließlich 15.08. nicht im Büro.", date(2026, 8, 15), "de"),
        ("Ab Montag, den 24. August bin ich wieder da.", date(2026, 8, 24), "de"),
        ("Я в отпуске до 3 августа.", date(2026, 8, 3), "ru"),
        ("Я в командировке с 4 по 14 августа.", date(2026, 8, 14), "ru"),
        ("Je suis absent, de retour le 2 septembre.", date(2026, 9, 2), "fr"),
        ("Estoy fuera hasta el 10 de agosto.", date(2026, 8, 10), "es"),
        ("Sono fuori ufficio fino al 20 agosto.", date(2026, 8, 20), "it"),
        ("Estou ausente até 12 de agosto.", date(2026, 8, 12), "pt"),
        ("Ik ben afwezig tot en met 14 augustus.", date(2026, 8, 14), "nl"),
        ("Jestem na urlopie do 14 sierpnia.", date(2026, 8, 14), "pl"),
    ],
)
def test_return_date_in_its_language(text: str, want: date, lang: str) -> None:
    assert read_return_date(text, SENT, "US") == (want, lang)


def test_dates_in_the_past_or_too_far_ahead_are_rejected() -> None:
    assert read_return_date("I was out until July 20.", SENT)[0] is None
    assert read_return_date("I'm on leave until 5 January 2027.", SENT)[0] is None
    assert read_return_date("Call me at 5 pm.", SENT)[0] is None


def test_the_due_date_is_the_working_day_after() -> None:
    assert working_day_after(date(2026, 8, 14)) == date(2026, 8, 17)  # Friday -> Monday
    assert working_day_after(date(2026, 8, 3)) == date(2026, 8, 4)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("maybe in Q3", date(2027, 7, 1)),  # Q3 has begun on 29 July: the next one
        ("in Q4", date(2026, 10, 1)),
        ("try me after the summer", date(2026, 9, 1)),
        ("next year", date(2027, 1, 1)),
        ("in 6 months", date(2027, 1, 29)),
        ("напишите в январе", date(2027, 1, 1)),
        ("напишите через полгода", date(2027, 1, 29)),
        ("melden Sie sich nach Ostern", date(2027, 3, 29)),
        ("escríbeme después del verano", date(2026, 9, 1)),
        ("recontactez-moi à la rentrée", date(2026, 9, 1)),
    ],
)
def test_period_starts(text: str, want: date) -> None:
    found = period_start(text, SENT)
    assert found is not None and found[0] == want


def test_vague_words_name_no_period() -> None:
    assert period_start("maybe later, some day", SENT) is None
