"""The Starlette application: routes, sign-in and sign-out, error pages.

`create_app(store)` is the only entry point; the app keeps its store and templates on
`app.state`, so several apps (tests, the daemon) can live in one process.
"""

from __future__ import annotations

import logging
import secrets
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ingestor.metrics import build_registry
from ingestor.runtime import Runtime
from ingestor.store.accounts import (
    SESSION_LIFETIME,
    SignedIn,
    authenticate,
    end_session,
    lookup_session,
    start_session,
    throttled,
)
from ingestor.store.unit import Store
from ingestor.web import (
    api,
    api_privacy,
    api_tasks,
    metrics,
    pages_contacts,
    pages_messages,
    pages_privacy,
    pages_profile,
    pages_review,
    pages_tasks,
    task_feed,
)
from ingestor.web.context import (
    HERE,
    error_page,
    form_field,
    in_tx,
    page,
    render,
    template_env,
    utcnow,
)
from ingestor.web.security import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    SecurityHeaders,
    clear_cookie,
    client_ip,
    safe_next,
    same_token,
    set_cookie,
)

log = logging.getLogger(__name__)


def _login_page(
    request: Request, token: str, error: str | None = None, status: int = 200, username: str = ""
) -> Response:
    response = render(
        request,
        "login.html",
        status=status,
        csrf_token=token,
        error=error,
        username=username,
        next=safe_next(request.query_params.get("next")),
    )
    set_cookie(response, request, LOGIN_CSRF_COOKIE, token, max_age=3600)
    return response


async def _signed_in(request: Request) -> SignedIn | None:
    token = request.cookies.get(SESSION_COOKIE)
    return await in_tx(request, lookup_session, token, utcnow()) if token else None


async def login(request: Request) -> Response:
    """The sign-in form, and its POST: throttled, CSRF-checked, a fresh session on success."""
    # The login form has no session yet: its CSRF token is a double-submit cookie.
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    if request.method == "GET":
        if await _signed_in(request) is not None:
            return RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
        return _login_page(request, token)
    username = (await form_field(request, "username")).strip()
    password = await form_field(request, "password")
    if not same_token(
        request.cookies.get(LOGIN_CSRF_COOKIE), await form_field(request, "csrf_token")
    ):
        return _login_page(
            request,
            secrets.token_urlsafe(32),
            "The form expired: please sign in again.",
            403,
            username,
        )
    ip = client_ip(request)
    if await in_tx(request, throttled, username, ip, utcnow()):
        return _login_page(
            request,
            token,
            "Too many failed attempts: wait 15 minutes and try again.",
            429,
            username,
        )
    user = await in_tx(request, authenticate, username, password, ip, utcnow())
    if user is None:
        return _login_page(request, token, "Wrong username or password.", 401, username)
    session_token = await in_tx(request, start_session, user.user_id, utcnow())
    target = safe_next(await form_field(request, "next"))
    response = RedirectResponse(target, status_code=303)
    set_cookie(
        response, request, SESSION_COOKIE, session_token, int(SESSION_LIFETIME.total_seconds())
    )
    clear_cookie(response, request, LOGIN_CSRF_COOKIE)
    log.info("%s signed in from %s", user.username, ip)
    return response


@page()
async def logout(request: Request) -> Response:
    await in_tx(request, end_session, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/login", status_code=303)
    clear_cookie(response, request, SESSION_COOKIE)
    return response


async def home(request: Request) -> Response:
    return RedirectResponse("/review", status_code=303)


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if request.url.path.startswith("/api/"):
        return api.error(status, str(getattr(exc, "detail", "error")))
    if status == 405:
        return error_page(request, 405, "That address does not take this method.")
    if status == 404:
        return error_page(request, 404, "Nothing here.")
    return error_page(request, status, "Something went wrong.")


async def _server_error(request: Request, exc: Exception) -> Response:
    log.exception("error serving %s %s", request.method, quote(request.url.path))
    if request.url.path.startswith("/api/"):
        return api.error(500, "internal error")
    return error_page(request, 500, "Something went wrong; the log has the details.")


def create_app(
    store: Store, runtime: Runtime | None = None, with_metrics: bool = True
) -> Starlette:
    """The UI and the API over one store. `runtime`: the daemon's live state (else the
    store's view only); `with_metrics=False` when `[metrics] listen` serves /metrics apart."""
    runtime = runtime or Runtime()
    routes = [
        Route("/healthz", metrics.healthz),
        Route("/readyz", metrics.readyz),
        *([Route("/metrics", metrics.metrics)] if with_metrics else []),
        Route("/", home),
        Route("/login", login, methods=["GET", "POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/review", pages_review.review),
        Route("/review/decide", pages_review.decide, methods=["POST"]),
        Route("/contacts", pages_contacts.contact_list),
        Route("/contacts/{contact_id:int}", pages_contacts.contact_detail),
        Route("/contacts/{contact_id:int}/edit", pages_contacts.contact_edit, methods=["POST"]),
        Route(
            "/contacts/{contact_id:int}/documents/{document_id:int}",
            pages_contacts.contact_document,
        ),
        Route("/contacts/{contact_id:int}/merge", pages_contacts.contact_merge, methods=["POST"]),
        Route("/messages/{interaction_id:int}", pages_messages.message),
        Route("/contacts/{contact_id:int}/forget", pages_privacy.contact_forget, methods=["POST"]),
        Route("/contacts/{contact_id:int}/export", pages_privacy.contact_export),
        Route("/audit", pages_privacy.audit_log),
        Route("/sources", pages_contacts.sources),
        Route("/profile", pages_profile.profile, methods=["GET", "POST"]),
        Route("/profile/time-zone", pages_profile.browser_time_zone, methods=["POST"]),
        Route("/tasks", pages_tasks.task_board),
        Route("/tasks/act", pages_tasks.act, methods=["POST"]),
        Route("/tasks/{task_id:int}/source", pages_tasks.task_source),
        Route("/tasks/feed", task_feed.feed_page, methods=["GET", "POST"]),
        Route("/tasks.ics", task_feed.feed),
        Mount("/api", routes=api.routes() + api_tasks.routes() + api_privacy.routes()),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(SecurityHeaders)],
        exception_handlers={HTTPException: _http_error, Exception: _server_error},
    )
    app.state.store = store
    app.state.runtime = runtime
    app.state.metrics = build_registry(store, runtime)
    app.state.templates = template_env()
    return app


def create_metrics_app(store: Store, runtime: Runtime) -> Starlette:
    """/metrics (with /healthz and /readyz) alone, for `[metrics] listen`'s port."""
    app = Starlette(
        routes=[
            Route("/metrics", metrics.metrics),
            Route("/healthz", metrics.healthz),
            Route("/readyz", metrics.readyz),
        ]
    )
    app.state.store = store
    app.state.runtime = runtime
    app.state.metrics = build_registry(store, runtime)
    return app
