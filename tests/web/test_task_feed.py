"""The task calendar feed: a per-user secret address made on /tasks/feed, parsed back with
icalendar; rotation, revocation, wrong tokens (a bare 404), and only a digest stored."""

from __future__ import annotations

import re
from datetime import date, timedelta

from icalendar import Calendar
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ingestor.store.task_feed import PREFIX
from ingestor.store.web_schema import TaskFeedToken
from ingestor.web.task_feed import task_uid
from tests.web.helpers import Browser, TestClient
from tests.web.seed import Seeded
from tests.web.seed_tasks import ANNA, XSS_REASON, SeededTasks

ADDRESS = re.compile(r'id="feed-address" class="wide" value="([^"]+)"')


def _make_feed(browser: Browser, owner: str = "") -> str:
    page = browser.post("/tasks/feed", {"action": "create", "owner": owner}).text
    found = ADDRESS.search(page)
    assert found, page
    assert "it is shown only once" in page
    address = found.group(1).replace("&amp;", "&")
    assert address.startswith("http://testserver/tasks.ics?token=" + PREFIX)
    return address.removeprefix("http://testserver")


def _events(client: TestClient, path: str) -> dict[str, dict[str, object]]:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    cal = Calendar.from_ical(response.content)
    assert cal.decoded("refresh-interval") == timedelta(hours=1)
    return {
        str(e["uid"]): {
            "start": e.decoded("dtstart"),
            "end": e.decoded("dtend"),
            "summary": str(e["summary"]),
            "description": str(e["description"]),
            "url": str(e["url"]),
        }
        for e in cal.walk("VEVENT")
    }


def test_feed_has_one_all_day_event_per_open_task(
    anna: Browser, client: TestClient, tasks: SeededTasks, seeded: Seeded
) -> None:
    path = _make_feed(anna)
    events = _events(TestClient(client.app), path)  # no session: the token alone
    expected = [*tasks.shown, tasks.snoozed]
    assert set(events) == {task_uid(t) for t in expected}
    overdue = events[task_uid(tasks.overdue)]
    due = tasks.today - timedelta(days=3)
    assert overdue["start"] == due and isinstance(overdue["start"], date)
    assert overdue["end"] == due + timedelta(days=1)
    assert overdue["summary"] == "Follow up with Jürgen Müller"
    assert str(overdue["description"]).startswith("out of office until ")
    assert overdue["url"] == f"http://testserver/contacts/{seeded.juergen}"
    assert events[task_uid(tasks.due_today)]["summary"] == "Call back Сергей Иванов"
    assert events[task_uid(tasks.hostile)]["description"] == XSS_REASON  # data, as it was
    assert events[task_uid(tasks.snoozed)]["start"] == tasks.today + timedelta(days=5)


def test_uid_is_stable_when_a_task_moves(
    anna: Browser, tasks: SeededTasks, client: TestClient
) -> None:
    path = _make_feed(anna)
    before = _events(client, path)[task_uid(tasks.overdue)]
    anna.post("/tasks/act", {"action": f"week:{tasks.overdue}"})
    after = _events(client, path)[task_uid(tasks.overdue)]
    assert after["start"] == tasks.today + timedelta(days=7) != before["start"]
    anna.post("/tasks/act", {"action": f"done:{tasks.due_today}"})
    assert task_uid(tasks.due_today) not in _events(client, path)


def test_a_feed_of_one_mailbox_owner(anna: Browser, tasks: SeededTasks, client: TestClient) -> None:
    path = _make_feed(anna, ANNA)
    assert set(_events(client, path)) == {
        task_uid(t) for t in (tasks.overdue, tasks.due_today, tasks.hostile, tasks.snoozed)
    }
    assert f"with the tasks of {ANNA}" in anna.get("/tasks/feed").text


def test_wrong_tokens_are_a_bare_404(anna: Browser, tasks: SeededTasks, client: TestClient) -> None:
    path = _make_feed(anna)
    token = path.split("token=")[1]
    answers = {
        client.get(p).text
        for p in (
            "/tasks.ics",
            "/tasks.ics?token=",
            f"/tasks.ics?token={token[:-1]}",
            f"/tasks.ics?token={token}x",
            "/tasks.ics?token=ingr_" + token[5:],  # an API-token-shaped value
            "/tasks.ics?token=" + "x" * 5000,
        )
    }
    assert answers == {"Not Found"}
    assert client.get("/tasks.ics?token=nope").status_code == 404


def test_rotation_and_revocation(anna: Browser, tasks: SeededTasks, client: TestClient) -> None:
    first = _make_feed(anna)
    second = _make_feed(anna)
    assert first != second
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    assert "Your feed is on since" in anna.get("/tasks/feed").text
    anna.post("/tasks/feed", {"action": "revoke"})
    assert client.get(second).status_code == 404
    assert "You have no feed yet." in anna.get("/tasks/feed").text


def test_each_user_has_their_own_feed(
    anna: Browser, admin: Browser, tasks: SeededTasks, client: TestClient
) -> None:
    mine, theirs = _make_feed(anna), _make_feed(admin)
    anna.post("/tasks/feed", {"action": "revoke"})
    assert client.get(mine).status_code == 404
    assert client.get(theirs).status_code == 200


def test_only_a_digest_is_stored(
    anna: Browser, tasks: SeededTasks, sessions: sessionmaker[Session]
) -> None:
    token = _make_feed(anna).split("token=")[1]
    with sessions() as s:
        rows = s.scalars(select(TaskFeedToken)).all()
        assert len(rows) == 1
        stored = [str(getattr(rows[0], c.key)) for c in TaskFeedToken.__table__.columns]
    assert not any(token in value or token[5:] in value for value in stored)
    assert anna.get("/tasks/feed").text.count(token) == 0  # shown once, at creation


def test_feed_forms_need_csrf(
    anna: Browser, tasks: SeededTasks, sessions: sessionmaker[Session]
) -> None:
    response = anna.client.post("/tasks/feed", data={"action": "create", "csrf_token": "x"})
    assert response.status_code == 403
    with sessions() as s:
        assert s.scalars(select(TaskFeedToken)).all() == []
