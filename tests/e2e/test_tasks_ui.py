"""/tasks in headless chromium: keyboard only (j, d, s), flash messages naming the task, the
task gone from the list, and the snooze in the database; hostile reasons stay text."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from ingestor.store.schema import Task
from tests.e2e.conftest import Live, sign_in
from tests.web.seed_tasks import XSS_REASON, SeededTasks, seed_tasks


@pytest.fixture
def tasks(live: Live) -> SeededTasks:
    return seed_tasks(live.sessions, live.seeded)


def _task(live: Live, task_id: int) -> Task:
    with live.sessions() as s:
        row = s.get(Task, task_id)
        assert row is not None
        s.expunge(row)
        return row


def test_keyboard_done_from_the_header_link(page: Any, live: Live, tasks: SeededTasks) -> None:
    sign_in(page)
    page.get_by_role("link", name="Tasks").click()
    page.wait_for_url("**/tasks")
    first = page.locator(f"#task-{tasks.overdue}")
    expect(first).to_be_focused()
    page.keyboard.press("j")
    second = page.locator(f"#task-{tasks.due_today}")
    expect(second).to_be_focused()
    expect(second).to_have_class("item task due-today current")
    page.keyboard.press("d")
    expect(page.get_by_role("status")).to_have_text("Done: Call back Сергей Иванов.")
    expect(page.locator(f"#task-{tasks.due_today}")).to_have_count(0)
    expect(page.locator("#h-today")).to_contain_text("0")
    expect(page.locator(f"#task-{tasks.overdue}")).to_be_visible()
    row = _task(live, tasks.due_today)
    assert (row.status, row.closed_by) == ("done", "anna")


def test_snooze_a_week_with_s(page: Any, live: Live, tasks: SeededTasks) -> None:
    sign_in(page)
    page.goto("/tasks")
    expect(page.locator(f"#task-{tasks.overdue}")).to_be_focused()
    page.keyboard.press("s")
    until = (tasks.today + timedelta(days=7)).isoformat()
    expect(page.get_by_role("status")).to_have_text(
        f"Snoozed until {until}: Follow up with Jürgen Müller."
    )
    expect(page.locator(f"#task-{tasks.overdue}")).to_have_count(0)
    row = _task(live, tasks.overdue)
    assert (row.status, row.snoozed_until.isoformat() if row.snoozed_until else None) == (
        "snoozed",
        until,
    )


def test_dismiss_with_x_and_snooze_to_a_date(page: Any, live: Live, tasks: SeededTasks) -> None:
    sign_in(page)
    page.goto("/tasks")
    page.keyboard.press("x")
    expect(page.get_by_role("status")).to_have_text("Dismissed: Follow up with Jürgen Müller.")
    item = page.locator(f"#task-{tasks.upcoming}")
    until = (tasks.today + timedelta(days=45)).isoformat()
    item.locator(f"#until_{tasks.upcoming}").fill(until)
    item.get_by_role("button", name="Snooze", exact=True).click()
    expect(page.get_by_role("status")).to_have_text(
        f"Snoozed until {until}: Follow up with Maria Lopez."
    )
    assert _task(live, tasks.overdue).status == "dismissed"
    assert _task(live, tasks.upcoming).due.isoformat() == until


def test_keys_typed_in_the_date_box_do_nothing(page: Any, live: Live, tasks: SeededTasks) -> None:
    sign_in(page)
    page.goto("/tasks")
    page.locator(f"#until_{tasks.overdue}").focus()
    page.keyboard.press("d")
    page.keyboard.press("x")
    expect(page.get_by_role("status")).to_have_count(0)
    assert _task(live, tasks.overdue).status == "open"


def test_hostile_reason_is_text(page: Any, live: Live, tasks: SeededTasks) -> None:
    sign_in(page)
    page.goto("/tasks")
    expect(page.locator(f"#task-{tasks.hostile} .reason")).to_have_text(XSS_REASON)
    assert page.locator("main img, main iframe, main svg, main b").count() == 0
    page.goto(f"/contacts/{live.seeded.eve}")
    expect(page.locator(".contact-tasks")).to_contain_text(XSS_REASON)
    expect(page.locator(".flag-dnc")).to_contain_text("Do not contact")
