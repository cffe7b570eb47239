"""/tasks: the three sections, done, dismiss and snooze with their flash messages, CSRF, the
link to the mail a task came from, and the contact page's tasks and reachability."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from ingestor.store.schema import Interaction, InteractionParticipant, Task
from ingestor.store.tasks import board
from ingestor.web.pages_tasks import add_months
from tests.web.helpers import Browser, TestClient
from tests.web.seed import NOW, Seeded
from tests.web.seed_tasks import ANNA, BOUNCED, TOM, SeededTasks


def _task(sessions: sessionmaker[Session], task_id: int) -> Task:
    with sessions() as s:
        row = s.get(Task, task_id)
        assert row is not None
        s.expunge(row)
        return row


def _section(page: str, key: str) -> str:
    start = page.index(f'id="h-{key}"')
    end = page.find("<section", start)
    return page[start : end if end >= 0 else len(page)]


def _shown_ids(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'id="task-(\d+)"', page)]


def _flash(page: str) -> str:
    found = re.search(r'<p class="notice" role="status">(.*?)</p>', page)
    assert found, "no flash message"
    return html.unescape(found.group(1))


def test_sections_hold_open_tasks_by_due_date(anna: Browser, tasks: SeededTasks) -> None:
    page = anna.get("/tasks").text
    assert _shown_ids(page) == tasks.shown
    assert _shown_ids(_section(page, "overdue")) == [tasks.overdue]
    assert _shown_ids(_section(page, "today")) == [tasks.due_today]
    assert _shown_ids(_section(page, "upcoming")) == [tasks.hostile, tasks.upcoming]
    overdue = _section(page, "overdue")
    assert "Follow up with Jürgen Müller" in overdue
    assert "due " + (tasks.today - timedelta(days=3)).isoformat() in overdue
    assert f'from <a href="/tasks/{tasks.overdue}/source">Neue Position: CTO</a>' in overdue
    assert "Call back Сергей Иванов" in _section(page, "today")
    assert "1 snoozed task will come back on its date." in page


def test_header_links_the_page(anna: Browser, tasks: SeededTasks) -> None:
    page = anna.get("/review").text
    assert '<a href="/tasks" accesskey="t"' in page
    assert 'aria-current="page"><u>T</u>asks' in anna.get("/tasks").text


def test_strangers_are_sent_to_sign_in(client: TestClient, tasks: SeededTasks) -> None:
    response = client.get("/tasks", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Ftasks"
    response = client.post("/tasks/act", data={"action": f"done:{tasks.overdue}"})
    assert response.url.path == "/login"
    assert client.get("/tasks/feed", follow_redirects=False).status_code == 303


def test_filter_by_mailbox_owner(anna: Browser, tasks: SeededTasks) -> None:
    page = anna.get(f"/tasks?owner={TOM}").text
    assert _shown_ids(page) == [tasks.upcoming]
    assert f'<option value="{TOM}" selected>' in page


def test_done_names_the_task_and_removes_it(
    anna: Browser, tasks: SeededTasks, sessions: sessionmaker[Session]
) -> None:
    response = anna.post("/tasks/act", {"action": f"done:{tasks.overdue}"})
    assert response.status_code == 303
    assert response.headers["location"] == f"/tasks?done=done&task={tasks.overdue}"
    page = anna.get(response.headers["location"]).text
    assert _flash(page) == "Done: Follow up with Jürgen Müller."
    assert tasks.overdue not in _shown_ids(page)
    row = _task(sessions, tasks.overdue)
    assert (row.status, row.closed_by) == ("done", "anna")
    assert row.closed_at is not None


def test_dismiss(anna: Browser, tasks: SeededTasks, sessions: sessionmaker[Session]) -> None:
    page = anna.post(
        "/tasks/act", {"action": f"dismiss:{tasks.due_today}"}, follow_redirects=True
    ).text
    assert _flash(page) == "Dismissed: Call back Сергей Иванов."
    assert _task(sessions, tasks.due_today).status == "dismissed"


@pytest.mark.parametrize(
    ("verb", "days"),
    [("week", 7), ("month", None), ("date", 12)],
)
def test_snooze(
    anna: Browser,
    tasks: SeededTasks,
    sessions: sessionmaker[Session],
    verb: str,
    days: int | None,
) -> None:
    until = add_months(tasks.today, 1) if days is None else tasks.today + timedelta(days=days)
    form = {"action": f"{verb}:{tasks.overdue}"}
    if verb == "date":
        form[f"until_{tasks.overdue}"] = until.isoformat()
    page = anna.post("/tasks/act", form, follow_redirects=True).text
    assert _flash(page) == f"Snoozed until {until.isoformat()}: Follow up with Jürgen Müller."
    assert tasks.overdue not in _shown_ids(page)
    row = _task(sessions, tasks.overdue)
    assert (row.status, row.snoozed_until, row.due) == ("snoozed", until, until)
    assert "2 snoozed tasks will come back" in page


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "give a date as YYYY-MM-DD"),
        ("next week", "give a date as YYYY-MM-DD"),
        ("2020-01-01", "that is not in the future"),
    ],
)
def test_snooze_to_a_bad_date_is_refused(
    anna: Browser, tasks: SeededTasks, sessions: sessionmaker[Session], typed: str, message: str
) -> None:
    response = anna.post(
        "/tasks/act", {"action": f"date:{tasks.overdue}", f"until_{tasks.overdue}": typed}
    )
    assert response.status_code == 409
    assert message in html.unescape(response.text)
    assert _task(sessions, tasks.overdue).status == "open"


def test_a_closed_task_cannot_be_closed_again(anna: Browser, tasks: SeededTasks) -> None:
    response = anna.post("/tasks/act", {"action": f"done:{tasks.closed}"})
    assert response.status_code == 409
    assert f"task {tasks.closed} is already done" in response.text
    response = anna.post("/tasks/act", {"action": "done:999999"})
    assert response.status_code == 409 and "no task 999999" in response.text
    assert anna.post("/tasks/act", {"action": "explode:1"}).status_code == 409


def test_actions_need_the_csrf_token(
    anna: Browser, tasks: SeededTasks, sessions: sessionmaker[Session]
) -> None:
    for token in ("", "forged"):
        response = anna.client.post(
            "/tasks/act", data={"action": f"done:{tasks.overdue}", "csrf_token": token}
        )
        assert response.status_code == 403
    assert _task(sessions, tasks.overdue).status == "open"


def test_snoozed_task_comes_back_on_its_day(
    anna: Browser, tasks: SeededTasks, sessions: sessionmaker[Session]
) -> None:
    with sessions.begin() as s:
        row = s.get(Task, tasks.snoozed)
        assert row is not None
        row.snoozed_until = row.due = tasks.today
    page = anna.get("/tasks").text
    assert tasks.snoozed in _shown_ids(_section(page, "today"))
    assert "snoozed until" in _section(page, "today")


def test_source_link_opens_the_mail_on_the_contact_timeline(
    anna: Browser, tasks: SeededTasks, seeded: Seeded, sessions: sessionmaker[Session]
) -> None:
    response = anna.get(f"/tasks/{tasks.hostile}/source", follow_redirects=False)
    assert response.status_code == 303
    target = f"/contacts/{seeded.eve}#i-{seeded.email_from_eve}"
    assert response.headers["location"] == target
    assert f'id="i-{seeded.email_from_eve}"' in anna.get(f"/contacts/{seeded.eve}").text
    # No source mail: the contact page. Unknown task: 404.
    response = anna.get(f"/tasks/{tasks.due_today}/source", follow_redirects=False)
    assert response.headers["location"] == f"/contacts/{seeded.sergey_ru}"
    assert anna.get("/tasks/999999/source").status_code == 404


def test_source_link_finds_the_right_timeline_page(
    anna: Browser, tasks: SeededTasks, seeded: Seeded, sessions: sessionmaker[Session]
) -> None:
    """60 newer interactions push the mail to page 2 of the timeline (50 a page)."""
    with sessions.begin() as s:
        for n in range(60):
            i = Interaction(
                dedup_key=f"mid:<newer{n}@x>",
                kind="email",
                occurred_at=NOW + timedelta(minutes=n),
                subject=f"newer {n}",
            )
            s.add(i)
            s.flush()
            s.add(
                InteractionParticipant(
                    interaction_id=i.id, contact_id=seeded.juergen, address="j@x", role="from"
                )
            )
        mail = s.get(Task, tasks.overdue)
        assert mail is not None and mail.interaction_id is not None
        mail_id = mail.interaction_id
    response = anna.get(f"/tasks/{tasks.overdue}/source", follow_redirects=False)
    location = response.headers["location"]
    assert location == f"/contacts/{seeded.juergen}?page=2#i-{mail_id}"
    assert f'id="i-{mail_id}"' in anna.get(location.split("#")[0]).text


def test_contact_page_shows_tasks_and_reachability(
    anna: Browser, tasks: SeededTasks, seeded: Seeded
) -> None:
    page = anna.get(f"/contacts/{seeded.juergen}").text
    box = page[page.index('id="h-tasks"') : page.index('id="h-timeline"')]
    assert _shown_ids(box) == [tasks.overdue]  # not the done one
    assert "out of office until" in box
    assert "Do not contact" not in page
    eve = anna.get(f"/contacts/{seeded.eve}").text
    assert "<strong>Do not contact</strong>" in eve
    assert f'<span class="bounced-address">{BOUNCED}</span>' in eve
    ivan = anna.get(f"/contacts/{seeded.ivan}").text
    box = ivan[ivan.index('id="h-tasks"') : ivan.index('id="h-timeline"')]
    assert _shown_ids(box) == [tasks.snoozed] and "(snoozed)" in box


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
    ],
)
def test_add_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def test_a_long_board_says_how_many_it_left_out(
    tasks: SeededTasks, sessions: sessionmaker[Session]
) -> None:
    with sessions() as s:
        cut = board(s, tasks.today, limit=2)
        whole = board(s, tasks.today)
        mine = board(s, tasks.today, owner=ANNA, limit=1)
    assert [t.id for t in cut.overdue + cut.due_today] == tasks.shown[:2] and cut.total == 4
    assert whole.total == 4 and cut.snoozed == whole.snoozed == 1
    assert mine.total == 3 and whole.owners == [ANNA, TOM]
