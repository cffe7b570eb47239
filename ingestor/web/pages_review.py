"""The /review page: the queue, and the form that accepts, edits or rejects its items."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ingestor.store import decisions
from ingestor.store.decisions import DecisionError
from ingestor.store.review import KIND_TITLES, KINDS, describe, review_queue
from ingestor.web.context import in_tx, int_param, page, render, user_of, utcnow

SECTION_SIZE = 20
PAGE_SIZE = 50
DONE = {
    "accepted": "Accepted: {what}.",
    "rejected": "Rejected: {what}.",
    "edited": "Saved and accepted: {what}.",
    "bulk": "Accepted {n} suggestions.",
}


async def _show(request: Request, error: str | None = None, status: int = 200) -> Response:
    kind = request.query_params.get("kind")
    kind = kind if kind in KINDS else None
    page_no = int_param(request, "page", 1, low=1)
    data = await in_tx(
        request, review_queue, kind, page_no, utcnow(), PAGE_SIZE if kind else SECTION_SIZE
    )
    done = request.query_params.get("done", "")
    what = request.query_params.get("what", "")[:300] or "the suggestion"
    message = DONE.get(done, "").format(n=int_param(request, "n", 0), what=what)
    return render(
        request,
        "review.html",
        status=status,
        kind=kind,
        page_no=page_no,
        titles=KIND_TITLES,
        message=message,
        error=error,
        **data,
    )


@page()
async def review(request: Request) -> Response:
    """The queue of pending suggestions, grouped by kind."""
    return await _show(request)


def _edits(form: FormData, sid: int) -> dict[str, str]:
    edits = {}
    for name in ("value", "name", "title", "company", "location"):
        raw = form.get(f"{name}_{sid}")
        if isinstance(raw, str) and raw.strip():
            edits[name] = raw
    return edits


def _keep(form: FormData, sid: int) -> int | None:
    raw = form.get(f"keep_{sid}")
    return int(raw) if isinstance(raw, str) and raw.isdigit() else None


def _back(form: FormData, done: str, n: int, what: str = "") -> str:
    """Back to the queue where the decision was made, naming the item, at the next one."""
    params: dict[str, str | int] = {}
    kind = form.get("back_kind")
    if isinstance(kind, str) and kind in KINDS:
        params["kind"] = kind
        back_page = form.get("back_page")
        if isinstance(back_page, str) and back_page.isdigit():
            params["page"] = back_page
    params.update({"done": done, "n": n})
    if what:
        params["what"] = what
    following = form.get("next_item")
    anchor = f"#item-{following}" if isinstance(following, str) and following.isdigit() else ""
    return "/review?" + urlencode(params) + anchor


@page()
async def decide(request: Request) -> Response:
    """Apply one decision (accept:ID, reject:ID, edit:ID) or accept the checked items."""
    form = await request.form()
    actor = user_of(request).username
    action = str(form.get("action") or "")
    verb, _, raw_id = action.partition(":")
    try:
        if verb == "bulk":
            ids = [int(v) for v in form.getlist("ids") if isinstance(v, str) and v.isdigit()]
            if not ids:
                raise DecisionError("select at least one item to accept")
            errors = []
            for sid in ids:
                try:
                    await in_tx(
                        request, decisions.accept, sid, actor, utcnow(), None, _keep(form, sid)
                    )
                except DecisionError as e:
                    errors.append(str(e))
            if errors:
                accepted = len(ids) - len(errors)
                raise DecisionError(f"accepted {accepted}; not accepted: " + "; ".join(errors))
            return RedirectResponse(_back(form, "bulk", len(ids)), status_code=303)
        if not raw_id.isdigit() or verb not in ("accept", "reject", "edit"):
            raise DecisionError("unknown action")
        sid = int(raw_id)
        if verb == "reject":  # described first: rejecting a new contact removes it
            what = await in_tx(request, describe, sid)
            await in_tx(request, decisions.reject, sid, actor, utcnow())
            return RedirectResponse(_back(form, "rejected", 1, what), status_code=303)
        edits = _edits(form, sid) if verb == "edit" else None
        if verb == "edit" and not edits and _keep(form, sid) is None:
            raise DecisionError("nothing was edited")
        await in_tx(request, decisions.accept, sid, actor, utcnow(), edits, _keep(form, sid))
        what = await in_tx(request, describe, sid)  # as accepted, with what was typed in
        return RedirectResponse(
            _back(form, "edited" if verb == "edit" else "accepted", 1, what), status_code=303
        )
    except DecisionError as e:
        return await _show(request, error=str(e), status=409)
