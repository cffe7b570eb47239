"""The /review page: the queue, the form that accepts, edits or rejects its items, Undo of
the last click, and the rejected items (?show=rejected) with Restore."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ingestor.store import decisions, undo
from ingestor.store.decisions import DecisionError
from ingestor.store.review import KIND_TITLES, KINDS, pending_counts, review_queue
from ingestor.web.context import BATCH, in_tx, int_param, page, render, user_of, utcnow

SECTION_SIZE = 20
PAGE_SIZE = 50
DONE = {
    "accepted": "Accepted: {what}.",
    "rejected": "Rejected: {what}.",
    "edited": "Saved and accepted: {what}.",
    "bulk": "Accepted {n} suggestions.",
    "bulk_rejected": "Rejected {n} suggestions.",
    "undone": "Undone: {what}.",
    "undone_bulk": "Undone: {n} decisions.",
    "restored": "Restored: {what}.",
}


async def _show(
    request: Request,
    error: str | None = None,
    status: int = 200,
    partly: tuple[str, str] | None = None,
) -> Response:
    """The queue (or ?show=rejected). `partly`: the message and batch of a bulk decision some
    of whose items failed, so that what was done can still be undone."""
    kind = request.query_params.get("kind")
    kind = kind if kind in KINDS else None
    page_no = int_param(request, "page", 1, low=1)
    done = request.query_params.get("done", "")
    what = request.query_params.get("what", "")[:300] or "the suggestion"
    message = DONE.get(done, "").format(n=int_param(request, "n", 0), what=what)
    batch = request.query_params.get("undo", "")
    common = {
        "page_no": page_no,
        "titles": KIND_TITLES,
        "message": message,
        "error": error,
        "undo_batch": batch if BATCH.fullmatch(batch) and not error else None,
    }
    if partly is not None:
        common["message"], common["undo_batch"] = partly
    if request.query_params.get("show") == "rejected":
        data = await in_tx(request, undo.rejected_page, page_no, PAGE_SIZE)
        counts = await in_tx(request, pending_counts)
        return render(
            request,
            "review_rejected.html",
            status=status,
            kind=None,
            counts=counts,
            **common,
            **data,
        )
    data = await in_tx(
        request, review_queue, kind, page_no, utcnow(), PAGE_SIZE if kind else SECTION_SIZE
    )
    return render(request, "review.html", status=status, kind=kind, **common, **data)


@page()
async def review(request: Request) -> Response:
    """The queue of pending suggestions, grouped by kind; or the rejected ones."""
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


def _back(form: FormData, done: str, n: int, what: str = "", batch: str = "") -> str:
    """Back to the queue where the decision was made, naming the item, at the next one, with
    the batch to undo."""
    params: dict[str, str | int] = {}
    if form.get("back_show") == "rejected":
        params["show"] = "rejected"
    kind = form.get("back_kind")
    if isinstance(kind, str) and kind in KINDS:
        params["kind"] = kind
    back_page = form.get("back_page")
    if params and isinstance(back_page, str) and back_page.isdigit():
        params["page"] = back_page
    params.update({"done": done, "n": n})
    if what:
        params["what"] = what
    if batch:
        params["undo"] = batch
    following = form.get("next_item")
    anchor = f"#item-{following}" if isinstance(following, str) and following.isdigit() else ""
    return "/review?" + urlencode(params) + anchor


async def _bulk(request: Request, form: FormData, verb: str, actor: str) -> Response:
    """Accept or reject the checked items, as one batch: one Undo takes them all back."""
    ids = [int(v) for v in form.getlist("ids") if isinstance(v, str) and v.isdigit()]
    doing = "accept" if verb == "bulk" else "reject"
    if not ids:
        raise DecisionError(f"select at least one item to {doing}")
    batch = decisions.new_batch()
    errors = []
    for sid in ids[: undo.MAX_BATCH]:
        try:
            if verb == "bulk":
                await in_tx(
                    request, decisions.accept, sid, actor, utcnow(), None, _keep(form, sid), batch
                )
            else:
                await in_tx(request, decisions.reject, sid, actor, utcnow(), batch)
        except DecisionError as e:
            errors.append(str(e))
    if errors:
        n = len(ids) - len(errors)
        error = f"not {doing}ed: " + "; ".join(errors)
        if not n:
            raise DecisionError(error)
        done = f"{doing.capitalize()}ed {n} suggestion{'s' if n != 1 else ''}."
        return await _show(request, error=error, status=409, partly=(done, batch))
    done = "bulk" if verb == "bulk" else "bulk_rejected"
    return RedirectResponse(_back(form, done, len(ids), batch=batch), status_code=303)


async def _undo(request: Request, form: FormData, verb: str, raw: str, actor: str) -> Response:
    if verb == "restore":
        if not raw.isdigit():
            raise DecisionError("unknown action")
        restored = await in_tx(request, undo.restore, int(raw), actor, utcnow())
        return RedirectResponse(_back(form, "restored", 1, restored.what), status_code=303)
    batch = form.get("batch")
    if not isinstance(batch, str) or not BATCH.fullmatch(batch):
        raise DecisionError("nothing to undo")
    undone = await in_tx(request, undo.undo_batch, batch, actor, utcnow())
    done = "undone" if undone.count == 1 else "undone_bulk"
    return RedirectResponse(_back(form, done, undone.count, undone.what), 303)


@page()
async def decide(request: Request) -> Response:
    """Apply one decision (accept:ID, reject:ID, edit:ID), accept or reject the checked items
    (bulk, bulk_reject), undo a click (undo, with its batch) or restore:ID a rejected item."""
    form = await request.form()
    actor = user_of(request).username
    action = str(form.get("action") or "")
    verb, _, raw_id = action.partition(":")
    try:
        if verb in ("bulk", "bulk_reject"):
            return await _bulk(request, form, verb, actor)
        if verb in ("undo", "restore"):
            return await _undo(request, form, verb, raw_id, actor)
        if not raw_id.isdigit() or verb not in ("accept", "reject", "edit"):
            raise DecisionError("unknown action")
        sid = int(raw_id)
        batch = decisions.new_batch()
        if verb == "reject":
            await in_tx(request, decisions.reject, sid, actor, utcnow(), batch)
            what, can = await in_tx(request, undo.decided, sid, batch)
            return RedirectResponse(
                _back(form, "rejected", 1, what, batch if can else ""), status_code=303
            )
        edits = _edits(form, sid) if verb == "edit" else None
        if verb == "edit" and not edits and _keep(form, sid) is None:
            raise DecisionError("nothing was edited")
        await in_tx(request, decisions.accept, sid, actor, utcnow(), edits, _keep(form, sid), batch)
        # Named as accepted, with what was typed in.
        what, can = await in_tx(request, undo.decided, sid, batch)
        return RedirectResponse(
            _back(form, "edited" if verb == "edit" else "accepted", 1, what, batch if can else ""),
            status_code=303,
        )
    except DecisionError as e:
        return await _show(request, error=str(e), status=409)
