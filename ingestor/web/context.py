"""What every page handler needs: the store in a worker thread, the signed-in user, templates.

Database work and password hashing block, so they run in Starlette's thread pool, one
transaction per call. `page()` guards a handler: it finds the session, sends strangers to
/login, checks the CSRF token of every POST, and keeps non-admins out of admin pages.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from ingestor.store.accounts import SignedIn, lookup_session
from ingestor.store.unit import Store, Tx
from ingestor.web.security import SESSION_COOKIE, same_token

P = ParamSpec("P")
T = TypeVar("T")
Handler = Callable[[Request], Awaitable[Response]]
HERE = Path(__file__).parent


BATCH = re.compile(r"[0-9a-f]{16}")  # a decision batch (store.decisions.new_batch), for Undo


def utcnow() -> datetime:
    return datetime.now(UTC)


def zone_of(user: SignedIn | None) -> tzinfo:
    """The user's time zone, UTC until they have one (or if this machine lost its name)."""
    if user is not None and user.time_zone:
        try:
            return ZoneInfo(user.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return UTC


def local_today(request: Request) -> date:
    """Today in the signed-in user's time zone."""
    return utcnow().astimezone(zone_of(getattr(request.state, "user", None))).date()


def utc_offset(moment: datetime) -> str:
    """ "UTC+02:00", "UTC−07:00" (a real minus sign), "UTC" for zero."""
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "−"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{mins:02d}"


def local_time(value: datetime | None, zone: tzinfo, fmt: str = "%Y-%m-%d %H:%M") -> Markup | str:
    """A <time> in `zone`: the local time (with the zone's abbreviation when it shows hours),
    the UTC offset and zone on hover, the instant in `datetime` for machines."""
    if value is None:
        return "—"
    local = value.astimezone(zone)
    shown = local.strftime(fmt)
    if "%H" in fmt and "%Y" in fmt:
        shown += " " + (local.tzname() or utc_offset(local))
    name = getattr(zone, "key", None) or "UTC"
    hover = f"{local.strftime('%Y-%m-%d %H:%M')} {utc_offset(local)} ({name})"
    return Markup('<time datetime="{}" title="{}">{}</time>').format(
        value.astimezone(UTC).isoformat(), hover, shown
    )


# The zone of the page being rendered: set by `render`, read by the filters, so that macros
# imported without the template's context show times in it too.
_ZONE: ContextVar[tzinfo] = ContextVar("page_time_zone", default=UTC)


def _dt(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> Markup | str:
    return local_time(value, _ZONE.get(), fmt)


def _date(value: datetime | None) -> Markup | str:
    return local_time(value, _ZONE.get(), "%Y-%m-%d")


def template_env() -> Environment:
    # Autoescape everything: no template ever marks hostile text as safe.
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["dt"] = _dt
    env.filters["date"] = _date
    env.filters["label"] = lambda v: str(v or "").replace("_", " ")
    return env


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


async def in_tx(
    request: Request, fn: Callable[Concatenate[Tx, P], T], *args: P.args, **kw: P.kwargs
) -> T:
    """Run the store function `fn(tx, ...)` in one transaction, in a worker thread."""
    store = store_of(request)
    return await run_in_threadpool(lambda: store.run(fn, *args, **kw))


def user_of(request: Request) -> SignedIn:
    user: SignedIn = request.state.user
    return user


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    env: Environment = request.app.state.templates
    user = getattr(request.state, "user", None)
    token = _ZONE.set(zone_of(user))
    try:
        html = env.get_template(name).render(
            request_path=request.url.path,
            user=user,
            csrf_token=user.csrf_token if user else context.pop("csrf_token", ""),
            **context,
        )
    finally:
        _ZONE.reset(token)
    return HTMLResponse(html, status_code=status)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    return render(request, "error.html", status=status, status_code=status, message=message)


async def form_field(request: Request, name: str) -> str:
    value = (await request.form()).get(name)
    return value if isinstance(value, str) else ""


def page(admin: bool = False) -> Callable[[Handler], Handler]:
    """Guard a page: signed-in users only, CSRF token on every POST, admins where asked."""

    def decorate(handler: Handler) -> Handler:
        async def guarded(request: Request) -> Response:
            token = request.cookies.get(SESSION_COOKIE)
            user = await in_tx(request, lookup_session, token, utcnow()) if token else None
            if user is None:
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
            request.state.user = user
            if admin and not user.is_admin:
                return error_page(request, 403, "This page is for administrators.")
            if request.method == "POST":
                given = await form_field(request, "csrf_token")
                if not same_token(user.csrf_token, given):
                    return error_page(
                        request,
                        403,
                        "The form's security token is missing or stale: reload the page and try again.",
                    )
            return await handler(request)

        guarded.__name__ = handler.__name__
        guarded.__doc__ = handler.__doc__
        return guarded

    return decorate


def int_param(request: Request, name: str, default: int, low: int = 0, high: int = 10**9) -> int:
    raw = request.query_params.get(name, "")
    try:
        value = int(raw) if raw.strip() else default
    except ValueError:
        return default
    return max(low, min(high, value))
