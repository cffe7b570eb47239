"""The /tasks page: open follow-ups in three sections (overdue, today, upcoming), and the
form that marks one done, dismisses it or snoozes it. Keyboard use is app.js's, as on /review.

"Today" is the signed-in user's day in their time zone (UTC until they set one on /profile).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ingestor.store import tasks
from ingestor.store.tasks import TaskError, TaskRow, board, get_task
from ingestor.store.timeline import page_of
from ingestor.web.context import error_page, in_tx, local_today, page, render, user_of, utcnow
from ingestor.web.pages_contacts import TIMELINE_SIZE

VERBS = ("done", "dismiss", "week", "month", "date")
FLASH = {
    "done": "Done: {title}.",
    "dismiss": "Dismissed: {title}.",
    "snooze": "Snoozed until {until}: {title}.",
}


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or that month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def snooze_until(verb: str, today: date, typed: str) -> date:
    """The end of a snooze: a week, a month, or the date typed (YYYY-MM-DD)."""
    if verb == "week":
        return today + timedelta(days=7)
    if verb == "month":
        return add_months(today, 1)
    try:
        return date.fromisoformat(typed.strip())
    except ValueError:
        raise TaskError(f"snooze until {typed.strip()[:40]!r}: give a date as YYYY-MM-DD") from None


def _owner(value: object) -> str | None:
    """The mailbox-owner filter from a query or form field; blank means everyone's."""
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip()[:320]


async def _show(
    request: Request, error: str | None = None, status: int = 200, owner: str | None = None
) -> Response:
    owner = owner or _owner(request.query_params.get("owner"))
    today = local_today(request)
    data = await in_tx(request, board, today, owner)
    message = ""
    verb = request.query_params.get("done", "")
    raw_id = request.query_params.get("task", "")
    if verb in FLASH and raw_id.isdigit():
        row: TaskRow | None = await in_tx(request, get_task, int(raw_id))
        if row is not None:
            until = row.snoozed_until.isoformat() if row.snoozed_until else ""
            message = FLASH[verb].format(title=row.title, until=until)
    return render(
        request,
        "tasks.html",
        status=status,
        board=data,
        owner=owner,
        message=message,
        error=error,
        sections=[
            ("overdue", "Overdue", data.overdue),
            ("today", "Today", data.due_today),
            ("upcoming", "Upcoming", data.upcoming),
        ],
        min_snooze=(today + timedelta(days=1)).isoformat(),
    )


@page()
async def task_board(request: Request) -> Response:
    """Open tasks: overdue, due today, upcoming."""
    return await _show(request)


def _back(form: FormData, done: str, task_id: int) -> str:
    params: dict[str, str | int] = {}
    owner = _owner(form.get("back_owner"))
    if owner:
        params["owner"] = owner
    params.update({"done": done, "task": task_id})
    return "/tasks?" + urlencode(params)


@page()
async def act(request: Request) -> Response:
    """Carry out one action on one task (done:ID, dismiss:ID, week:ID, month:ID, date:ID)."""
    form = await request.form()
    actor = user_of(request).username
    verb, _, raw_id = str(form.get("action") or "").partition(":")
    try:
        if verb not in VERBS or not raw_id.isdigit():
            raise TaskError("unknown action")
        task_id = int(raw_id)
        now = utcnow()
        if verb == "done":
            await in_tx(request, tasks.done, task_id, actor, now)
            return RedirectResponse(_back(form, "done", task_id), status_code=303)
        if verb == "dismiss":
            await in_tx(request, tasks.dismiss, task_id, actor, now)
            return RedirectResponse(_back(form, "dismiss", task_id), status_code=303)
        typed = form.get(f"until_{task_id}")
        until = snooze_until(verb, local_today(request), typed if isinstance(typed, str) else "")
        await in_tx(request, tasks.snooze, task_id, until, actor, now)
        return RedirectResponse(_back(form, "snooze", task_id), status_code=303)
    except TaskError as e:
        return await _show(request, error=str(e), status=409, owner=_owner(form.get("back_owner")))


@page()
async def task_source(request: Request) -> Response:
    """The mail a task came from, on its contact's timeline (the right page of it)."""
    row = await in_tx(request, get_task, request.path_params["task_id"])
    if row is None:
        return error_page(request, 404, "There is no such task.")
    target = f"/contacts/{row.contact_id}"
    if row.interaction_id is None:
        return RedirectResponse(target, status_code=303)
    found = await in_tx(
        request, page_of, row.contact_id, row.interaction_id, utcnow(), TIMELINE_SIZE
    )
    page_no = found or 1
    query = f"?page={page_no}" if page_no > 1 else ""
    return RedirectResponse(f"{target}{query}#i-{row.interaction_id}", status_code=303)
