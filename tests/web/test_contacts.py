"""Contacts over HTTP: fuzzy search, filters, the profile page, edits and merges."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ingestor.store.schema import (
    Contact,
    ContactEmail,
    ContactPhone,
    InteractionParticipant,
    Suggestion,
)
from ingestor.store.web_schema import Decision
from tests.web.helpers import Browser
from tests.web.seed import Seeded

ROW = re.compile(r'<tr data-item="(\d+)"')


def _ids(page: str) -> list[int]:
    return [int(x) for x in ROW.findall(page)]


@pytest.mark.parametrize(
    ("query", "who"),
    [
        ("Ivnov", "sergey_ru"),  # typo, and the stored name is Cyrillic
        ("Иванов", "sergey_en"),  # Cyrillic query finds the Latin spelling
        ("Juergen Mueller", "juergen"),  # umlauts written out
        ("jurgen muller", "juergen"),
        ("Jürgen", "juergen"),
        ("Petrv", "ivan"),  # typo against "Иван Петров"
        ("Ivan Petrov", "ivan"),
        ("sergei ivanof", "sergey_ru"),
        ("autowerk", "juergen"),  # company
        ("s.ivanov@gmail", "sergey_en"),  # part of an address
    ],
)
def test_search_tolerates_typos_and_transliteration(
    anna: Browser, seeded: Seeded, query: str, who: str
) -> None:
    ids = _ids(anna.get("/contacts", params={"q": query}).text)
    assert getattr(seeded, who) in ids


def test_search_is_not_everything(anna: Browser, seeded: Seeded) -> None:
    assert _ids(anna.get("/contacts", params={"q": "Zyxwvut"}).text) == []
    ids = _ids(anna.get("/contacts", params={"q": "Ivan Petrov"}).text)
    assert seeded.sergey_ru not in ids  # every word must match
    best = _ids(anna.get("/contacts", params={"q": "Sergey Ivanov"}).text)
    assert set(best[:2]) == {seeded.sergey_ru, seeded.sergey_en}


def test_filters(anna: Browser, seeded: Seeded) -> None:
    everyone = _ids(anna.get("/contacts").text)
    assert len(everyone) == 6
    incomplete = _ids(anna.get("/contacts?incomplete=1").text)
    assert seeded.sergey_en in incomplete and seeded.juergen not in incomplete  # Jürgen has all
    idle = _ids(anna.get("/contacts?idle=30").text)
    assert seeded.maria in idle and seeded.sergey_en in idle  # 200 days, and never
    assert seeded.ivan not in idle
    assert _ids(anna.get("/contacts?company=sberbank").text) == [seeded.ivan]


def test_contacts_page_through(
    anna: Browser, seeded: Seeded, sessions: sessionmaker[Session]
) -> None:
    with sessions.begin() as s:
        for n in range(60):
            c = Contact(name=f"Person {n:02d}", origin="auto", locked_fields=[])
            s.add(c)
    first = anna.get("/contacts").text
    second = anna.get("/contacts?page=2").text
    assert len(_ids(first)) == 50 and len(_ids(second)) == 16
    assert not set(_ids(first)) & set(_ids(second))
    assert "Page 1 of 2" in first


def test_profile_shows_provenance_phones_and_timeline(anna: Browser, seeded: Seeded) -> None:
    page = anna.get(f"/contacts/{seeded.juergen}").text
    assert "j.mueller@autowerk.de" in page and "+498912345678" in page
    assert re.search(r"signature, 90%, <time [^>]*>2026-11-15</time>", page)  # where "CTO" was
    assert "Neue Position: CTO" in page
    assert "meeting" in page and "anna-calendar" in page
    sergey = anna.get(f"/contacts/{seeded.sergey_ru}").text
    assert "anna-mailbox, tom-mailbox" in sergey  # one email, seen in two mailboxes
    assert "written “8 (916) 123-45-67”" in sergey


def test_missing_contact_is_404(anna: Browser, seeded: Seeded) -> None:
    assert anna.get("/contacts/99999").status_code == 404


def test_edit_locks_fields_and_records(
    anna: Browser, seeded: Seeded, sessions: sessionmaker[Session]
) -> None:
    response = anna.post(
        f"/contacts/{seeded.ivan}/edit",
        {
            "name": "Иван Петров",
            "title": "Head of Data",
            "company": "Sberbank",
            "location": "",
            "phone": "+7 495 123-45-67",
            "phone_type": "work",
        },
    )
    assert response.status_code == 303
    with sessions() as s:
        c = s.get(Contact, seeded.ivan)
        assert c is not None and c.title == "Head of Data"
        assert sorted(c.locked_fields) == ["phone", "title"]
        phones = s.scalars(select(ContactPhone).where(ContactPhone.contact_id == c.id)).all()
        assert [(p.number, p.type) for p in phones] == [("+74951234567", "work")]
        d = s.scalar(select(Decision).where(Decision.action == "update_contact"))
        assert d is not None and d.actor == "anna" and d.contact_id == seeded.ivan
    page = anna.get(f"/contacts/{seeded.ivan}?done=saved").text
    assert "locked" in page and "edited phone, title" in page


def test_bad_phone_is_explained(anna: Browser, seeded: Seeded) -> None:
    response = anna.post(f"/contacts/{seeded.ivan}/edit", {"phone": "12"})
    assert response.status_code == 409
    assert "country code" in response.text


def test_merge_asks_then_merges(
    anna: Browser, seeded: Seeded, sessions: sessionmaker[Session]
) -> None:
    keep, other = seeded.sergey_ru, seeded.sergey_en
    page = anna.get(f"/contacts/{keep}").text
    assert "Possible duplicate" in page and "Sergey Ivanov" in page
    confirm = anna.post(f"/contacts/{keep}/merge", {"other": "s.ivanov@gmail.com"})
    assert confirm.status_code == 200 and "Merge two contacts" in confirm.text
    with sessions() as s:
        assert s.get(Contact, other).merged_into is None  # type: ignore[union-attr]
    done = anna.post(f"/contacts/{keep}/merge", {"other": str(other), "confirm": "1"})
    assert done.status_code == 303
    with sessions() as s:
        assert s.get(Contact, other).merged_into == keep  # type: ignore[union-attr]
        emails = set(s.scalars(select(ContactEmail.address).where(ContactEmail.contact_id == keep)))
        assert emails == {"sergey.ivanov@yandex.ru", "s.ivanov@gmail.com"}
        record = s.scalar(
            select(Suggestion).where(Suggestion.kind == "merge", Suggestion.status == "accepted")
        )
        assert record is not None and record.decided_by == "anna"
        assert record.payload["merged"] == {"kept": keep, "merged": other}
        assert s.scalar(select(Decision).where(Decision.action == "merge")) is not None
    merged_page = anna.get(f"/contacts/{other}").text
    assert f'merged into <a href="/contacts/{keep}">' in merged_page
    assert other not in _ids(anna.get("/contacts").text)


def test_merge_errors(anna: Browser, seeded: Seeded) -> None:
    same = anna.post(f"/contacts/{seeded.ivan}/merge", {"other": str(seeded.ivan), "confirm": "1"})
    assert same.status_code == 409 and "itself" in same.text
    unknown = anna.post(
        f"/contacts/{seeded.ivan}/merge", {"other": "nobody@nowhere", "confirm": "1"}
    )
    assert unknown.status_code == 409


def test_merge_moves_the_timeline(
    anna: Browser, seeded: Seeded, sessions: sessionmaker[Session]
) -> None:
    anna.post(f"/contacts/{seeded.juergen}/merge", {"other": str(seeded.maria), "confirm": "1"})
    with sessions() as s:
        owners = set(
            s.scalars(
                select(InteractionParticipant.contact_id).where(
                    InteractionParticipant.contact_id.in_([seeded.juergen, seeded.maria])
                )
            )
        )
    assert owners == {seeded.juergen}
    assert "Old thread" in anna.get(f"/contacts/{seeded.juergen}").text
