"""/messages/<id>: one interaction as it was written (headers, its own words, escaped) and the
thread around it; linked from every timeline row."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ingestor.store.messages import message_view
from ingestor.web.context import error_page, in_tx, page, render


@page()
async def message(request: Request) -> Response:
    """An email (or meeting, or call) with its headers, body and thread."""
    interaction_id = request.path_params["interaction_id"]
    view = await in_tx(request, message_view, interaction_id)
    if view is None:
        return error_page(request, 404, f"There is no message {interaction_id}.")
    contact = next((p.contact_id for p in view.people if p.contact_id is not None), None)
    return render(request, "message.html", m=view, contact_id=contact)
