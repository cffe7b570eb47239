"""Undo over HTTP: every decision of a click is taken back, a rejected contact is hidden (not
deleted) and restored whole, and bulk decisions are undone as a batch. SQLite and PostgreSQL."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ingestor.store.schema import Contact, ContactPhone, Suggestion
from ingestor.store.web_schema import Decision
from tests.web.helpers import Browser
from tests.web.seed import Seeded


def _decide(anna: Browser, data: dict[str, str | list[str]]) -> dict[str, str]:
    """POST a decision; the query of the page it sends back to."""
    response = anna.post("/review/decide", data)
    assert response.status_code == 303, response.text
    return {k: v[0] for k, v in parse_qs(urlsplit(response.headers["location"]).query).items()}


def _undo(anna: Browser, batch: str) -> dict[str, str]:
    return _decide(anna, {"action": "undo", "batch": batch})


def _status(sessions: sessionmaker[Session], *ids: int) -> list[str]:
    with sessions() as s:
        return [s.get(Suggestion, i).status for i in ids]  # type: ignore[union-attr]


def test_undo_an_accepted_update_restores_the_old_value_and_lock(
    anna: Browser, seeded: Seeded, sessions: sessionmaker[Session]
) -> None:
    done = _decide(anna, {"action": f"accept:{seeded.title_update}"})
    with sessions() as s:
        c = s.get(Contact, seeded.juergen)
        assert c is not None and c.title == "CTO" and "title" in c.locked_fields
    page = anna.get("/review?" + "&".join(f"{k}={v}" for k, v in done.items())).text
    assert f'name="batch" value="{done["undo"]}"' in page and ">Undo</button>" in page
    back = _undo(anna, done["undo"])
    assert (back["done"], back["what"]) == ("undone", "title of Jürgen Müller: CTO")
    with sessions() as s:
        c = s.get(Contact, seeded.juergen)
        assert c is not None and c.title == "Head of Engineering"
        assert "title" not in c.locked_fields
        sug = s.get(Suggestion, seeded.title_update)
        assert sug is not None and (sug.status, sug.decided_by, sug.decided_at) == (
            "pending",
            None,
            None,
        )
        first, undo = s.scalars(select(Decision).order_by(Decision.id)).all()[-2:]
        assert first.action == "accept" and first.undone_at is not None
        assert undo.action == "undo" and undo.actor == "anna" and undo.detail["undid"] == [first.id]
    assert f'id="item-{seeded.title_update}"' in anna.get("/review").text
    again = anna.post("/review/decide", {"action": "undo", "batch": done["undo"]})
    assert again.status_code == 409 and "nothing to undo" in again.text


def test_undo_an_edited_phone_removes_the_number_and_proposes_the_original(
    anna: Browser, seeded: Seeded, sessions: sessionmaker[Session]
) -> None:
    sid = seeded.phone_update
    done = _decide(anna, {"action": f"edit:{sid}", f"value_{sid}": "+7 926 111 22 44"})
    with sessions() as s:
        numbers = set(
            s.scalars(
                select(ContactPhone.number).where(ContactPhone.contact_id == seeded.sergey_ru)
            )
        )
        assert "+79261112244" in numbers
    _undo(anna, done["undo"])
    with sessions() as s:
        numbers = set(
            s.scalars(
                select(ContactPhone.number).where(ContactPhone.contact_id == seeded.sergey_ru)
            )
        )
        assert "+79261112244" not in numbers and "+79161234567" in numbers
        sug = s.get(Suggestion, sid)
        assert sug is not None and (sug.status, sug.new_value) == ("pending", "+79261112233")
        assert "proposed_value" not in sug.payload


def test_undo_is_refused_when_the_value_was_changed_since(
    anna: Browser, seeded: Seeded, sessions: sessionmaker[Session]
) -> None:
    done = _decide(anna, {"action": f"accept:{seeded.title_update}"})
    anna.post(f"/contacts/{seeded.juergen}/edit", {"title": "Chief Executive"})
    refused = anna.post("/review/decide", {"action": "undo", "batch": done["undo"]})
    assert refused.status_code == 409
    assert "the title of Jürgen Müller was changed since: not undone" in refused.text
    with sessions() as s:
        c = s.get(Contact, seeded.juergen)
        assert c is not None and c.title == "Chief Executive"
    assert _status(sessions, seeded.title_update) == ["accepted"]


def test_reject_a_new_contact_then_undo_brings_it_back_everywhere(
    anna: Browser, seeded: Seeded, sessions: sessionmaker[Session]
) -> None:
    assert "eve@evil.example" in anna.get("/contacts?q=evil").text
    done = _decide(anna, {"action": f"reject:{seeded.new_eve}"})
    assert done["done"] == "rejected" and done["what"].startswith("new contact ")
    assert "eve@evil.example" not in anna.get("/contacts?q=evil").text
    back = _undo(anna, done["undo"])
    assert back["done"] == "undone"
    with sessions() as s:
        eve = s.get(Contact, seeded.eve)
        assert eve is not None and (eve.status, eve.rejected_at) == ("active", None)
    assert _status(sessions, seeded.new_eve, seeded.eve_update) == ["pending", "pending"]
    queue = anna.get("/review").text
    assert f'id="item-{seeded.new_eve}"' in queue and f'id="item-{seeded.eve_update}"' in queue
    assert "eve@evil.example" in anna.get("/contacts?q=evil").text


def test_bulk_accept_and_bulk_reject_are_undone_as_a_batch(
    anna: Browser, seeded: Seeded, sessions: sessionmaker[Session]
) -> None:
    pair = [str(seeded.new_eve), str(seeded.new_ivan)]
    done = _decide(anna, {"action": "bulk", "ids": pair})
    assert (done["done"], done["n"]) == ("bulk", "2")
    assert _status(sessions, seeded.new_eve, seeded.new_ivan) == ["accepted", "accepted"]
    back = _undo(anna, done["undo"])
    assert (back["done"], back["n"]) == ("undone_bulk", "2")
    assert _status(sessions, seeded.new_eve, seeded.new_ivan) == ["pending", "pending"]

    done = _decide(anna, {"action": "bulk_reject", "ids": pair})
    with sessions() as s:
        hidden = s.scalar(select(func.count()).where(Contact.status == "rejected"))
        assert hidden == 2
    _undo(anna, done["undo"])
    with sessions() as s:
        assert s.scalar(select(func.count()).where(Contact.status == "rejected")) == 0
        batches = s.scalars(select(Decision.batch).where(Decision.action == "reject")).all()
        assert len(batches) == 2 and len(set(batches)) == 1  # one click, one batch
    assert _status(sessions, seeded.new_eve, seeded.new_ivan) == ["pending", "pending"]


def test_rejected_list_and_restore(
    anna: Browser, seeded: Seeded, sessions: sessionmaker[Session]
) -> None:
    _decide(anna, {"action": f"reject:{seeded.new_ivan}"})
    _decide(anna, {"action": f"reject:{seeded.name_fix}"})
    page = anna.get("/review?show=rejected").text
    assert f'id="item-{seeded.new_ivan}"' in page and f'id="item-{seeded.name_fix}"' in page
    assert "new contact Иван Петров" in page and "Rejected by anna" in page
    assert f'value="restore:{seeded.new_ivan}"' in page
    back = _decide(anna, {"action": f"restore:{seeded.new_ivan}", "back_show": "rejected"})
    assert (back["show"], back["done"], back["what"]) == (
        "rejected",
        "restored",
        "new contact Иван Петров",
    )
    page = anna.get("/review?show=rejected").text
    assert f'id="item-{seeded.new_ivan}"' not in page and f'id="item-{seeded.name_fix}"' in page
    assert _status(sessions, seeded.new_ivan, seeded.name_fix) == ["pending", "rejected"]
    with sessions() as s:
        ivan = s.get(Contact, seeded.ivan)
        assert ivan is not None and ivan.status == "active"


def test_a_rejected_contact_is_out_of_the_api_list_but_readable_by_id(
    anna: Browser, seeded: Seeded, sessions: sessionmaker[Session]
) -> None:
    from datetime import UTC, datetime

    from ingestor.store.api_tokens import create_token

    with sessions.begin() as s:
        token = create_token(s, "crm", datetime.now(UTC))
    _decide(anna, {"action": f"reject:{seeded.new_eve}"})
    headers = {"Authorization": f"Bearer {token}"}
    listed = anna.client.get("/api/contacts", headers=headers, params={"limit": 100}).json()
    assert seeded.eve not in {c["id"] for c in listed["items"]}
    assert seeded.ivan in {c["id"] for c in listed["items"]}
    one = anna.client.get(f"/api/contacts/{seeded.eve}", headers=headers).json()
    assert one["status"] == "rejected"
    pending = anna.client.get(
        "/api/suggestions", headers=headers, params={"status": "pending", "limit": 100}
    ).json()
    assert seeded.eve_update not in {s["id"] for s in pending["items"]}
    assert seeded.title_update in {s["id"] for s in pending["items"]}
    every = anna.client.get(
        "/api/suggestions", headers=headers, params={"status": "all", "limit": 100}
    ).json()
    assert seeded.eve_update in {s["id"] for s in every["items"]}  # kept, for a restore


def test_a_rejected_contacts_tasks_wait_hidden_until_restored(
    anna: Browser, seeded: Seeded, sessions: sessionmaker[Session]
) -> None:
    from datetime import UTC, date, datetime

    from ingestor.store.api_tokens import create_token
    from ingestor.store.schema import Task

    now = datetime.now(UTC)
    with sessions.begin() as s:
        token = create_token(s, "crm", now)
        for key, contact in (("eve", seeded.eve), ("ivan", seeded.ivan)):
            s.add(
                Task(
                    dedup_key=key,
                    contact_id=contact,
                    kind="follow_up",
                    reason=f"follow up {key}",
                    due=date.today(),
                    signal_at=now,
                )
            )
    headers = {"Authorization": f"Bearer {token}"}

    def shown() -> tuple[set[int], bool]:
        api = anna.client.get("/api/tasks", headers=headers).json()
        return {t["contact_id"] for t in api["items"]}, "follow up eve" in anna.get("/tasks").text

    assert shown() == ({seeded.eve, seeded.ivan}, True)
    done = _decide(anna, {"action": f"reject:{seeded.new_eve}"})
    assert shown() == ({seeded.ivan}, False)
    _undo(anna, done["undo"])
    assert shown() == ({seeded.eve, seeded.ivan}, True)


def test_undo_a_merge_splits_the_contacts_again(
    anna: Browser, seeded: Seeded, sessions: sessionmaker[Session]
) -> None:
    from ingestor.store.schema import ContactEmail, InteractionParticipant

    anna.get("/review")
    with sessions() as s:
        merge = s.scalar(select(Suggestion.id).where(Suggestion.kind == "merge"))
    assert merge is not None
    keep, other = seeded.sergey_en, seeded.sergey_ru
    done = _decide(anna, {"action": f"accept:{merge}", f"keep_{merge}": str(keep)})
    assert done["done"] == "accepted" and "undo" in done

    def state() -> tuple[Any, ...]:
        with sessions() as s:
            kept, gone = s.get(Contact, keep), s.get(Contact, other)
            assert kept is not None and gone is not None
            return (
                (kept.name, kept.title, kept.company, kept.location, sorted(kept.locked_fields)),
                gone.merged_into,
                sorted(
                    s.scalars(select(ContactEmail.address).where(ContactEmail.contact_id == other))
                ),
                sorted(
                    s.scalars(select(ContactPhone.number).where(ContactPhone.contact_id == other))
                ),
                sorted(
                    s.scalars(
                        select(InteractionParticipant.id).where(
                            InteractionParticipant.contact_id == other
                        )
                    )
                ),
                sorted(s.scalars(select(Suggestion.id).where(Suggestion.contact_id == other))),
            )

    merged = state()
    assert merged[1] == keep and merged[2] == []
    back = _undo(anna, done["undo"])
    assert back["done"] == "undone" and back["what"].startswith("merge of ")
    with sessions() as s:
        gone = s.get(Contact, other)
        assert gone is not None and gone.merged_into is None
        kept = s.get(Contact, keep)
        assert kept is not None and kept.company is None  # the blank it got filled is blank again
        assert set(
            s.scalars(select(ContactEmail.address).where(ContactEmail.contact_id == other))
        ) == {"sergey.ivanov@yandex.ru"}
        assert "+79161234567" in set(
            s.scalars(select(ContactPhone.number).where(ContactPhone.contact_id == other))
        )
        phone = s.get(Suggestion, seeded.phone_update)
        assert phone is not None and (phone.contact_id, phone.status) == (other, "pending")
    assert _status(sessions, merge) == ["pending"]
    # Merged again and undone again: the same split.
    again = _decide(anna, {"action": f"accept:{merge}", f"keep_{merge}": str(keep)})
    assert state() == merged
    _undo(anna, again["undo"])
    with sessions() as s:
        gone = s.get(Contact, other)
        assert gone is not None and gone.merged_into is None


def test_undo_a_merge_made_on_the_contact_page(
    anna: Browser, seeded: Seeded, sessions: sessionmaker[Session]
) -> None:
    keep, other = seeded.juergen, seeded.maria
    response = anna.post(f"/contacts/{keep}/merge", {"other": str(other), "confirm": "1"})
    assert response.status_code == 303
    query = parse_qs(urlsplit(response.headers["location"]).query)
    page = anna.get(response.headers["location"]).text
    assert f'name="batch" value="{query["undo"][0]}"' in page
    back = _undo(anna, query["undo"][0])
    assert back["done"] == "undone"
    with sessions() as s:
        maria = s.get(Contact, other)
        assert maria is not None and maria.merged_into is None
        record = s.scalar(
            select(Suggestion).where(Suggestion.kind == "merge", Suggestion.contact_id == keep)
        )
        assert record is not None and record.status == "obsolete"  # not put in the queue
    assert "maria.lopez@gmail.com" in anna.get("/contacts?q=maria").text


def test_the_export_leaves_a_rejected_contact_out_and_its_mail_unlinked(
    anna: Browser, seeded: Seeded, sessions: sessionmaker[Session]
) -> None:
    from ingestor.store import queries

    _decide(anna, {"action": f"reject:{seeded.new_eve}"})
    with sessions() as s:
        exported = queries.export(s)
    assert seeded.eve not in {c["id"] for c in exported["contacts"]}
    assert seeded.ivan in {c["id"] for c in exported["contacts"]}
    mail = next(i for i in exported["interactions"] if i["id"] == seeded.email_from_eve)
    assert [p["contact_id"] for p in mail["participants"]] == [None]


def test_a_bulk_decision_that_partly_failed_can_still_be_undone(
    anna: Browser, seeded: Seeded, sessions: sessionmaker[Session]
) -> None:
    _decide(anna, {"action": f"reject:{seeded.new_eve}"})
    response = anna.post(
        "/review/decide", {"action": "bulk", "ids": [str(seeded.new_eve), str(seeded.new_ivan)]}
    )
    assert response.status_code == 409
    assert "Accepted 1 suggestion." in response.text
    assert f"not accepted: suggestion {seeded.new_eve} was already rejected" in response.text
    batch = re.search(r'name="batch" value="([0-9a-f]{16})"', response.text)
    assert batch is not None
    _undo(anna, batch.group(1))
    assert _status(sessions, seeded.new_eve, seeded.new_ivan) == ["rejected", "pending"]
