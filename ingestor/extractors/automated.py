"""Decides whether a message was written by a machine, and says which header gave it away.

Automated mail (lists, bulk, auto-replies, bounces, no-reply senders) never creates contacts;
the reason goes into its ledger row so an admin can see why it was skipped.
"""

from __future__ import annotations

import re

from ingestor.model import ParsedMessage

_ROBOT_LOCAL_PART = re.compile(
    r"^(?:no[-_.]?reply|do[-_.]?not[-_.]?reply|donotreply|mailer[-_.]?daemon|postmaster|"
    r"bounces?|notifications?|notify|calendar[-_.]notification|automailer|auto[-_.]?confirm)"
    r"(?:[-+_.].*)?$",
    re.IGNORECASE,
)
BULK_PRECEDENCE = ("bulk", "list", "junk")
REPORT_TYPES = ("multipart/report", "message/delivery-status", "message/disposition-notification")


def automated_reason(parsed: ParsedMessage) -> str | None:
    """Why `parsed` is machine mail, or None when a person wrote it."""
    h = parsed.headers
    if "list-id" in h:
        return f"mailing list (List-Id: {h['list-id'][:100]})"
    if "list-unsubscribe" in h:
        return "bulk mail (List-Unsubscribe)"
    precedence = h.get("precedence", "").strip().lower()
    if precedence in BULK_PRECEDENCE:
        return f"bulk mail (Precedence: {precedence})"
    auto = h.get("auto-submitted", "").strip().lower()
    if auto and not auto.startswith("no"):
        return f"automatic message (Auto-Submitted: {auto.split(';')[0]})"
    if "x-autoreply" in h or "x-autorespond" in h:
        return "automatic reply (X-Autoreply)"
    ctype = h.get("content-type", "").strip().lower()
    if ctype.startswith(REPORT_TYPES):
        return "delivery or read report"
    sender = parsed.sender
    if sender is not None:
        local = sender.email.split("@", 1)[0]
        if _ROBOT_LOCAL_PART.match(local):
            return f"automated sender address ({sender.email})"
    if "return-path" in h and h["return-path"].strip() in ("<>", ""):
        return "delivery report (empty Return-Path)"
    return None
