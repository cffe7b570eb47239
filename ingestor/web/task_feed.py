"""The iCalendar feed of open tasks (/tasks.ics?token=...) and the page where a user makes,
rotates or turns off its secret address.

A calendar app subscribes with the address alone, so the token in it is the credential (see
store/task_feed.py). Any token that is not a live one gets the same bare 404 as a path that
does not exist: the answer says nothing about whether a feed, a user or a task exists.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Calendar, Event
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from ingestor import __version__
from ingestor.store.task_feed import create_feed_token, feed_info, feed_tasks, revoke_feed_token
from ingestor.store.tasks import TaskRow, task_owners
from ingestor.web.context import form_field, in_tx, page, render, user_of, utcnow

UID_DOMAIN = "tasks.ingestor"


def task_uid(task_id: int) -> str:
    """Stable per task: snoozing moves the event, it does not make a new one."""
    return f"task-{task_id}@{UID_DOMAIN}"


def build_calendar(rows: list[TaskRow], base_url: str, stamp: datetime) -> bytes:
    """One all-day VEVENT per task on its due date. `base_url` ("https://host") makes the
    contact links absolute; `stamp` is the DTSTAMP (when the feed was generated)."""
    cal = Calendar()
    cal.add("prodid", f"-//ingestor {__version__}//tasks//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "ingestor tasks")
    # Ask subscribers to refresh hourly (Google and Outlook pick their own pace anyway).
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    base = base_url.rstrip("/")
    for row in rows:
        event = Event()
        event.add("uid", task_uid(row.id))
        event.add("dtstamp", stamp)
        event.add("dtstart", row.due)
        event.add("dtend", row.due + timedelta(days=1))
        event.add("summary", row.title)
        event.add("description", row.reason)
        event.add("url", f"{base}/contacts/{row.contact_id}")
        event.add("transp", "TRANSPARENT")  # a reminder, not busy time
        event.add("categories", [row.kind])
        cal.add_component(event)
    return cal.to_ical()


async def feed(request: Request) -> Response:
    """/tasks.ics?token=...: no session, the token is the key; anything else is a 404."""
    token = request.query_params.get("token", "").strip()
    rows = await in_tx(request, feed_tasks, token) if token else None
    if rows is None:
        return PlainTextResponse("Not Found", status_code=404)
    body = build_calendar(rows, str(request.base_url), utcnow())
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"content-disposition": 'inline; filename="tasks.ics"'},
    )


@page()
async def feed_page(request: Request) -> Response:
    """The user's feed: whether it is on, and forms to make a new address or turn it off."""
    user = user_of(request)
    if request.method == "GET":
        return await _show(request, None, "")
    action = await form_field(request, "action")
    if action == "revoke":
        await in_tx(request, revoke_feed_token, user.user_id)
        return RedirectResponse("/tasks/feed", status_code=303)
    owner = (await form_field(request, "owner")).strip()[:320] or None
    token = await in_tx(request, create_feed_token, user.user_id, owner, utcnow())
    address = f"{str(request.base_url).rstrip('/')}/tasks.ics?token={token}"
    return await _show(
        request,
        address,
        "A new feed address: copy it now, it is shown only once. Any older one stopped working.",
    )


async def _show(request: Request, address: str | None, message: str) -> Response:
    info = await in_tx(request, feed_info, user_of(request).user_id)
    owners = await in_tx(request, task_owners)
    return render(
        request, "task_feed.html", info=info, address=address, message=message, owners=owners
    )
