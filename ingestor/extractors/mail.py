"""Pure findings for one parsed message: when it happened, which way it went, its snippet."""

from __future__ import annotations

from datetime import datetime

from ingestor.extractors.automated import automated_reason
from ingestor.extractors.quotes import split_new_text
from ingestor.model import Direction, MessageFindings, ParsedMessage

SNIPPET_CHARS = 240


def extract_message(
    parsed: ParsedMessage,
    owner_addresses: frozenset[str],
    received_at: datetime,
    folder: str = "",
) -> MessageFindings:
    return MessageFindings(
        parsed=parsed,
        occurred_at=parsed.date or received_at,
        direction=direction(parsed, owner_addresses, folder),
        snippet=snippet(parsed),
        automated_reason=automated_reason(parsed),
    )


def direction(parsed: ParsedMessage, owners: frozenset[str], folder: str = "") -> Direction | None:
    sender = parsed.sender
    if owners:
        if sender is not None and sender.email in owners:
            return "outbound"
        return "inbound"
    # No owner configured: the folder is the only hint left.
    if "sent" in folder.lower():
        return "outbound"
    return "inbound" if sender is not None else None


def snippet(parsed: ParsedMessage) -> str:
    text = parsed.text_plain
    if text is None and parsed.text_html is not None:
        from ingestor.extractors.htmltext import html_to_text

        text = html_to_text(parsed.text_html)
    if not text:
        return ""
    new = split_new_text(text[:20_000]).new_text
    words = " ".join(new.split())
    return words if len(words) <= SNIPPET_CHARS else words[: SNIPPET_CHARS - 1].rstrip() + "…"
