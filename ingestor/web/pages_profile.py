"""The /profile page: the signed-in user's time zone, in which every page shows its times.

A user without one is shown UTC; the first page they see after signing in has app.js post the
browser's zone (Intl.DateTimeFormat().resolvedOptions().timeZone) to /profile/time-zone, which
sets it only while none is set, so a choice made here is never replaced. Without JavaScript
it stays UTC until chosen here.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ingestor.store.accounts import TimeZoneError, set_time_zone, time_zones
from ingestor.web.context import form_field, in_tx, page, render, user_of, utcnow, zone_of


def _show(request: Request, error: str | None = None, status: int = 200) -> Response:
    user = user_of(request)
    saved = request.query_params.get("saved") == "1"
    return render(
        request,
        "profile.html",
        status=status,
        zones=time_zones(),
        current=user.time_zone,
        now=utcnow(),
        zone_name=getattr(zone_of(user), "key", "UTC"),
        message="Saved: times are now shown in " + (user.time_zone or "UTC") + "." if saved else "",
        error=error,
    )


@page()
async def profile(request: Request) -> Response:
    """Show the time zone form, and save it."""
    if request.method == "GET":
        return _show(request)
    user = user_of(request)
    try:
        await in_tx(request, set_time_zone, user.user_id, await form_field(request, "time_zone"))
    except TimeZoneError as e:
        return _show(request, str(e), 400)
    return RedirectResponse("/profile?saved=1", status_code=303)


@page()
async def browser_time_zone(request: Request) -> Response:
    """The browser's own zone, posted once by app.js: kept only if the user has none yet."""
    user = user_of(request)
    try:
        await in_tx(
            request,
            set_time_zone,
            user.user_id,
            await form_field(request, "time_zone"),
            only_if_unset=True,
        )
    except TimeZoneError:
        return Response(status_code=400)
    return Response(status_code=204)
