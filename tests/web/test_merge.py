"""Merging two contacts in the store: what moves, what wins, what is recorded."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ingestor.resolve.merge import MergeError, merge_contacts, plan_fields
from ingestor.store.schema import Contact, ContactPhone, Observation, Suggestion
from tests.web.seed import NOW, Seeded


def test_plan_keeps_locked_values_and_fills_blanks() -> None:
    plan = plan_fields(
        {"name": "Sergey Ivanov", "title": None, "company": "Yandex", "location": None},
        {"name": "Сергей Иванов", "title": "Dev", "company": "VK", "location": "Moscow"},
        keep_locked=[],
        other_locked=["company", "phone"],
    )
    assert plan.values == {
        "name": "Sergey Ivanov",
        "title": "Dev",
        "company": "VK",
        "location": "Moscow",
    }
    assert plan.locked == ["company", "phone"]
    assert plan.taken_from_other == ["title", "company", "location"]


def test_merge_moves_everything(sessions: sessionmaker[Session], seeded: Seeded) -> None:
    keep, other = seeded.sergey_en, seeded.sergey_ru
    with sessions.begin() as s:
        s.add(ContactPhone(contact_id=keep, number="+79161234567", type="other"))  # same number
        s.add(
            Observation(
                contact_id=other, field="title", value="Dev", extractor="signature", confidence=0.9
            )
        )
        result = merge_contacts(s, keep, other, "anna", NOW)
    assert result.moved["emails"] == 1 and result.moved["phones"] == 0
    assert result.moved["observations"] == 1 and result.moved["participants"] == 1
    assert result.moved["suggestions"] == 1  # the pending phone update
    with sessions() as s:
        phones = s.scalars(select(ContactPhone.number).where(ContactPhone.contact_id == keep)).all()
        assert phones == ["+79161234567"]
        moved = s.get(Suggestion, seeded.phone_update)
        assert moved is not None and moved.contact_id == keep and moved.status == "pending"
        record = s.get(Suggestion, result.suggestion_id)
        assert record is not None and record.kind == "merge" and record.status == "accepted"
        assert record.payload["snapshot"]["name"] == "Сергей Иванов"


def test_merge_flattens_chains_and_refuses_bad_pairs(
    sessions: sessionmaker[Session], seeded: Seeded
) -> None:
    with sessions.begin() as s:
        merge_contacts(s, seeded.sergey_ru, seeded.sergey_en, "anna", NOW)
        merge_contacts(s, seeded.juergen, seeded.sergey_ru, "anna", NOW)
    with sessions() as s:
        first = s.get(Contact, seeded.sergey_en)
        assert first is not None and first.merged_into == seeded.juergen
    for keep, other in (
        (seeded.ivan, seeded.ivan),
        (seeded.ivan, seeded.sergey_en),
        (seeded.ivan, 99999),
    ):
        with sessions.begin() as s, pytest.raises(MergeError):
            merge_contacts(s, keep, other, "anna", NOW)
