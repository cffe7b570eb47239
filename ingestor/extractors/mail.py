"""Pure findings for one parsed message: when, which way, its snippet and own words (the new
text, capped), its sender's profile and any meeting invites it carries."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ingestor.extractors.automated import automated_reason
from ingestor.extractors.htmltext import html_to_text
from ingestor.extractors.profile import extract_profile
from ingestor.extractors.quotes import split_new_text
from ingestor.extractors.recruiting import read_facts
from ingestor.extractors.signals import read_signals
from ingestor.model import Body, Direction, MessageFindings, ParsedMessage

if TYPE_CHECKING:
    from ingestor.extractors.meetings import CalendarFindings

SNIPPET_CHARS = 240
MAX_INVITES = 5
MAX_BODY_BYTES = 32 * 1024  # of a message's new text kept in the store (UTF-8)


def extract_message(
    parsed: ParsedMessage,
    owner_addresses: frozenset[str],
    received_at: datetime,
    folder: str = "",
    region: str = "US",
    window: tuple[datetime, datetime] | None = None,
    raw: bytes | None = None,
) -> MessageFindings:
    """All findings for one message.

    Only mail from someone else gets a profile: nobody signs a newsletter, and the mailbox
    owner's own signature says nothing about the people they write to.
    """
    reason = automated_reason(parsed)
    way = direction(parsed, owner_addresses, folder)
    profile = None
    if reason is None and way != "outbound":
        sender = parsed.sender
        profile = extract_profile(
            parsed.text_plain,
            parsed.text_html,
            sender.name if sender else None,
            sender.email if sender else None,
            region,
        )
    occurred_at = parsed.date or received_at
    # Machine mail becomes a ledger row, not an interaction: its text would go nowhere.
    own = profile.new_text if profile else None if reason else new_text(parsed)
    # Only mail to the owner can ask them to do something (a delivery report included).
    signal = (
        read_signals(parsed, profile.new_text if profile else None, occurred_at, region, raw)
        if way != "outbound"
        else None
    )
    return MessageFindings(
        parsed=parsed,
        occurred_at=occurred_at,
        direction=way,
        snippet=_shorten(own) if own else "",
        automated_reason=reason,
        profile=profile,
        invites=invites(parsed, owner_addresses, window) if window else [],
        signal=signal,
        body=cap_body(own.strip()) if own and own.strip() else None,
        # Only the sender's own new text says what they expect; a quote may be anyone's.
        recruiting=(read_facts(profile.new_text, occurred_at.date()) or None) if profile else None,
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


def invites(
    parsed: ParsedMessage, owners: frozenset[str], window: tuple[datetime, datetime]
) -> list[CalendarFindings]:
    from ingestor.extractors.meetings import CalendarParseError, extract_meetings

    found = []
    for part in parsed.calendar_parts[:MAX_INVITES]:
        try:
            found.append(
                extract_meetings(
                    part, owner_addresses=owners, window_start=window[0], window_end=window[1]
                )
            )
        except CalendarParseError:
            continue  # a broken invite does not make the email unreadable
    return found


def snippet(parsed: ParsedMessage) -> str:
    return _shorten(new_text(parsed))


def new_text(parsed: ParsedMessage) -> str:
    """The message's own text, quotes and forwarded history split off."""
    text = parsed.text_plain
    if text is None and parsed.text_html is not None:
        text = html_to_text(parsed.text_html)
    if not text:
        return ""
    return split_new_text(text[:20_000]).new_text


def cap_body(text: str, limit: int = MAX_BODY_BYTES) -> Body:
    """`text` in at most `limit` bytes of UTF-8, cut on a character boundary, and whether it
    was cut."""
    data = text.encode("utf-8", "replace")  # a lone surrogate would be refused by the store
    if len(data) <= limit:
        return Body(text if text.isascii() else data.decode("utf-8"), False)
    # A cut inside a multi-byte character leaves a partial sequence at the end: dropped.
    return Body(data[:limit].decode("utf-8", "ignore"), True)


def _shorten(text: str) -> str:
    words = " ".join(text.split())
    return words if len(words) <= SNIPPET_CHARS else words[: SNIPPET_CHARS - 1].rstrip() + "…"
