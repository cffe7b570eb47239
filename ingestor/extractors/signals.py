"""read_signals: the one follow-up signal a message carries, if any.

Order matters and goes from the most certain reading to the least: a delivery report, a phone
system's call notice, an automatic reply (left the company, else out of office), then, for a
person's own mail only, the intent of their new text. Machine mail that is none of these (lists,
newsletters, ticket acknowledgements) says nothing. Pure: no I/O, no clock but `sent_at`.
"""

from __future__ import annotations

from datetime import datetime

from ingestor.extractors.automated import automated_reason
from ingestor.extractors.autoreply import auto_reply_evidence, out_of_office
from ingestor.extractors.bounces import looks_like_bounce, read_bounce
from ingestor.extractors.htmltext import html_to_text
from ingestor.extractors.intent import reply_intent
from ingestor.extractors.leftcompany import left_company
from ingestor.extractors.phonecalls import phone_call
from ingestor.extractors.quotes import split_new_text
from ingestor.extractors.signaltypes import (
    Bounce,
    LeftCompany,
    OutOfOffice,
    PhoneCall,
    ReplyIntent,
    Signal,
)
from ingestor.model import ParsedMessage

__all__ = [
    "Bounce",
    "LeftCompany",
    "OutOfOffice",
    "PhoneCall",
    "ReplyIntent",
    "Signal",
    "read_signals",
]

MAX_TEXT = 50_000


def read_signals(
    parsed: ParsedMessage,
    new_text: str | None,
    sent_at: datetime,
    region: str = "US",
    raw: bytes | None = None,
) -> Signal | None:
    """The signal `parsed` carries, or None.

    `new_text`: the sender's own text after quote stripping (computed here when None).
    `sent_at`: the message's Date header (every due date is relative to it). `region`: the
    mailbox's phone region. `raw`: the message bytes, when at hand: a delivery report's
    machine-readable part is not in ParsedMessage, and without it bounces are read from text.
    """
    text = message_text(parsed)
    if new_text is None:
        new_text = split_new_text(text[:20_000]).new_text
    sent = sent_at.date()
    sender = parsed.sender
    if looks_like_bounce(parsed):
        return read_bounce(raw, parsed, sent_at)
    call = phone_call(parsed, text, region)
    if call is not None:
        return call
    evidence = auto_reply_evidence(parsed)
    if evidence is not None:
        own = f"{parsed.subject or ''}\n{new_text}"
        left = left_company(own, sender.email if sender else None, auto=True)
        if left is not None:
            return left
        return out_of_office(parsed, own, evidence, sent, region)
    if automated_reason(parsed) is not None:
        return None
    left = left_company(new_text, sender.email if sender else None, auto=False)
    if left is not None:
        return left
    return reply_intent(
        new_text, sent, sender.email if sender else None, sender.name if sender else None
    )


def message_text(parsed: ParsedMessage) -> str:
    """The plain text of the message, from its HTML when it has no plain part."""
    if parsed.text_plain and parsed.text_plain.strip():
        return parsed.text_plain[:MAX_TEXT]
    if parsed.text_html:
        return html_to_text(parsed.text_html[: MAX_TEXT * 4])[:MAX_TEXT]
    return ""
