"""The review queue over HTTP: accept, reject, edit, bulk, merges, and the audit trail."""

from __future__ import annotations

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


def _suggestion(sessions: sessionmaker[Session], sid: int) -> Suggestion:
    with sessions() as s:
        row = s.get(Suggestion, sid)
        assert row is not None
        return row


def _contact(sessions: sessionmaker[Session], cid: int) -> Contact:
    with sessions() as s:
        row = s.get(Contact, cid)
        assert row is not None
        return row


def test_queue_shows_updates_with_old_new_snippet_and_date(anna: Browser, seeded: Seeded) -> None:
    page = anna.get("/review").text
    assert "Proposed updates" in page and "Name corrections" in page
    assert "Likely duplicates" in page and "New contacts" in page
    item = page[page.index(f'id="item-{seeded.title_update}"') :]
    item = item[: item.index("</article>")]
    assert "<del>Head of Engineering</del> → <ins>CTO</ins>" in item
    assert "Jürgen Müller\nCTO" in item  # the signature snippet
    assert "2026-11-15" in item  # the date of the email


def test_accept_field_update_writes_locks_and_records(
    anna: Browser, seeded: Seeded, sessions: sessionmaker[Session]
) -> None:
    response = anna.post("/review/decide", {"action": f"accept:{seeded.title_update}"})
    assert response.status_code == 303
    assert "done=accepted" in response.headers["location"]
    contact = _contact(sessions, seeded.juergen)
    assert contact.title == "CTO"
    assert "title" in contact.locked_fields
    s = _suggestion(sessions, seeded.title_update)
    assert (s.status, s.decided_by) == ("accepted", "anna")
    assert s.decided_at is not None
    with sessions() as db:
        d = db.scalar(select(Decision).where(Decision.suggestion_id == seeded.title_update))
        assert d is not None and d.actor == "anna" and d.action == "accept"
    assert f'id="item-{seeded.title_update}"' not in anna.get("/review").text


def test_accept_phone_keeps_the_old_number(
    anna: Browser, seeded: Seeded, sessions: sessionmaker[Session]
) -> None:
    anna.post("/review/decide", {"action": f"accept:{seeded.phone_update}"})
    with sessions() as s:
        phones = {
            p.number: p.type
            for p in s.scalars(
                select(ContactPhone).where(ContactPhone.contact_id == seeded.sergey_ru)
            )
        }
    assert phones == {"+79161234567": "mobile", "+79261112233": "mobile"}
    assert "phone" in _contact(sessions, seeded.sergey_ru).locked_fields


def test_reject_changes_nothing_but_the_status(
    anna: Browser, seeded: Seeded, sessions: sessionmaker[Session]
) -> None:
    anna.post("/review/decide", {"action": f"reject:{seeded.title_update}"})
    assert _contact(sessions, seeded.juergen).title == "Head of Engineering"
    s = _suggestion(sessions, seeded.title_update)
    assert (s.status, s.decided_by) == ("rejected", "anna")


def test_edit_writes_the_edited_value(
    anna: Browser, seeded: Seeded, sessions: sessionmaker[Session]
) -> None:
    sid = seeded.title_update
    response = anna.post(
        "/review/decide", {"action": f"edit:{sid}", f"value_{sid}": "Chief Technology Officer"}
    )
    assert "done=edited" in response.headers["location"]
    assert _contact(sessions, seeded.juergen).title == "Chief Technology Officer"
    s = _suggestion(sessions, sid)
    assert s.new_value == "Chief Technology Officer"
    assert s.payload["proposed_value"] == "CTO"


def test_name_fix_accepted(anna: Browser, seeded: Seeded, sessions: sessionmaker[Session]) -> None:
    anna.post("/review/decide", {"action": f"accept:{seeded.name_fix}"})
    contact = _contact(sessions, seeded.maria)
    assert contact.name == "María López" and "name" in contact.locked_fields


def test_bulk_accept(anna: Browser, seeded: Seeded, sessions: sessionmaker[Session]) -> None:
    ids = [seeded.title_update, seeded.name_fix, seeded.new_ivan]
    response = anna.client.post(
        "/review/decide",
        data={"csrf_token": anna.csrf, "action": "bulk", "ids": [str(i) for i in ids]},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert "done=bulk" in response.headers["location"] and "n=3" in response.headers["location"]
    assert all(_suggestion(sessions, i).status == "accepted" for i in ids)
    assert "Accepted 3 suggestions." in anna.get(response.headers["location"]).text


def test_deciding_twice_is_a_conflict(anna: Browser, seeded: Seeded) -> None:
    anna.post("/review/decide", {"action": f"accept:{seeded.title_update}"})
    again = anna.post("/review/decide", {"action": f"reject:{seeded.title_update}"})
    assert again.status_code == 409
    assert "already accepted by anna" in again.text


def test_new_contact_accept_with_edits(
    anna: Browser, seeded: Seeded, sessions: sessionmaker[Session]
) -> None:
    sid = seeded.new_ivan
    anna.post(
        "/review/decide",
        {"action": f"edit:{sid}", f"title_{sid}": "Team lead", f"name_{sid}": "Иван Петров"},
    )
    contact = _contact(sessions, seeded.ivan)
    assert contact.title == "Team lead"
    assert contact.locked_fields == ["title"]  # the unchanged name is not locked


def test_rejecting_a_new_contact_hides_it_and_keeps_everything(
    anna: Browser, seeded: Seeded, sessions: sessionmaker[Session]
) -> None:
    response = anna.post("/review/decide", {"action": f"reject:{seeded.new_eve}"})
    assert "undo=" in response.headers["location"]
    with sessions() as s:
        eve = s.get(Contact, seeded.eve)
        assert eve is not None and eve.status == "rejected" and eve.rejected_at is not None
        owner = s.scalar(
            select(ContactEmail.contact_id).where(ContactEmail.address == "eve@evil.example")
        )
        assert owner == seeded.eve  # the address stays hers: her mail never re-creates her
        linked = s.scalars(
            select(InteractionParticipant.contact_id).where(
                InteractionParticipant.interaction_id == seeded.email_from_eve
            )
        ).all()
        assert linked == [seeded.eve]  # the mail stays linked, for a restore
        record = s.get(Suggestion, seeded.new_eve)
        assert record is not None and record.status == "rejected"
        other = s.get(Suggestion, seeded.eve_update)
        assert other is not None and other.status == "pending"  # kept, but out of the queue
    queue = anna.get("/review").text
    assert f'id="item-{seeded.eve_update}"' not in queue
    assert f'id="item-{seeded.new_eve}"' not in queue
    assert "eve@evil.example" not in anna.get("/contacts").text
    assert "eve@evil.example" not in anna.get("/contacts?q=eve").text


def test_duplicates_are_proposed_and_merged(
    anna: Browser, seeded: Seeded, sessions: sessionmaker[Session]
) -> None:
    page = anna.get("/review?kind=merge").text
    assert "Сергей Иванов" in page and "Sergey Ivanov" in page
    with sessions() as s:
        merge = s.scalar(select(Suggestion).where(Suggestion.kind == "merge"))
        assert merge is not None
        assert {merge.contact_id, merge.payload["other_contact_id"]} == {
            seeded.sergey_ru,
            seeded.sergey_en,
        }
    anna.get("/review")  # proposing again adds nothing
    with sessions() as s:
        assert len(s.scalars(select(Suggestion).where(Suggestion.kind == "merge")).all()) == 1
    response = anna.post(
        "/review/decide",
        {"action": f"accept:{merge.id}", f"keep_{merge.id}": str(seeded.sergey_en)},
    )
    assert response.status_code == 303
    with sessions() as s:
        gone = s.get(Contact, seeded.sergey_ru)
        kept = s.get(Contact, seeded.sergey_en)
        assert gone is not None and kept is not None
        assert gone.merged_into == seeded.sergey_en
        assert kept.company == "Yandex"  # blanks filled from the merged contact
        emails = set(
            s.scalars(select(ContactEmail.address).where(ContactEmail.contact_id == kept.id))
        )
        assert emails == {"sergey.ivanov@yandex.ru", "s.ivanov@gmail.com"}
        record = s.get(Suggestion, merge.id)
        assert record is not None and record.status == "accepted" and record.decided_by == "anna"


def test_rejected_duplicate_is_not_proposed_again(
    anna: Browser, seeded: Seeded, sessions: sessionmaker[Session]
) -> None:
    anna.get("/review")
    with sessions() as s:
        merge_id = s.scalars(select(Suggestion.id).where(Suggestion.kind == "merge")).one()
    anna.post("/review/decide", {"action": f"reject:{merge_id}"})
    anna.get("/review")
    with sessions() as s:
        rows = s.scalars(select(Suggestion).where(Suggestion.kind == "merge")).all()
    assert [r.status for r in rows] == ["rejected"]


def test_unknown_action_is_refused(anna: Browser, seeded: Seeded) -> None:
    assert anna.post("/review/decide", {"action": "drop:1"}).status_code == 409
    assert anna.post("/review/decide", {"action": "accept:99999"}).status_code == 409
    assert anna.post("/review/decide", {"action": "bulk"}).status_code == 409


def test_review_pages_by_kind(anna: Browser, seeded: Seeded) -> None:
    page = anna.get("/review?kind=new_contact").text
    assert f'id="item-{seeded.new_ivan}"' in page
    assert f'id="item-{seeded.title_update}"' not in page
    assert 'name="back_kind" value="new_contact"' in page
