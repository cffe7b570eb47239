"""Delivery failure reports: which address failed, how (status, diagnostic), hard or soft.

RFC 3464 reports are read from their message/delivery-status part with the standard library
(flufl.bounce is not available for this project's Python); the many MTAs that send plain-text
notices (qmail, Exim, Exchange 2003, Yahoo, mail.ru, ...) are read from their text: the first
address the notice names that is not the reporting system or the original sender, and the
status or SMTP code next to it. A failure is hard when the address itself is gone (unknown user
or domain, disabled mailbox); a full mailbox, a spam or policy block, or a delay is soft.
"""

from __future__ import annotations

import email
import re
from datetime import datetime
from email.message import Message
from email.policy import compat32

from ingestor.extractors.signaltypes import Bounce
from ingestor.model import ParsedMessage

MAX_TEXT = 200_000
_ROBOT = re.compile(
    r"^(?:mailer-daemon|postmaster|mail-daemon|mailerdaemon|mdaemon|mailadmin|"
    r"bounce[s]?|noreply|no-reply|root|daemon|nobody|symantec_antivirus_for_smtp_gateways|"
    r"mail_administrator|administrator|exchange|mailadm|mail\.delivery\.system|post_master|sysadmin)\b",
    re.IGNORECASE,
)
BOUNCE_SUBJECT = re.compile(
    r"undeliver|undelivered|delivery (?:status notification|failure|failed|has failed|problem|"
    r"notification|report)|returned mail|mail delivery (?:failed|failure|subsystem|system)|"
    r"failure notice|could not be delivered|non[- ]?delivery|returned to sender|"
    r"message not delivered|delivery status|mail system error|nondeliverable|warning: could not|"
    r"rejected|bounce|not delivered|delayed mail|delivery notification|unzustellbar|"
    r"nicht zustellbar|non remis|non recapitabile|не доставлено|недоставлен|"
    r"no se pudo entregar|mail failure|permanent error|error sending|failed delivery|"
    r"failure delivery|mail failed|delayed \d+ hours|cannot send message|メールエラー|配信できません",
    re.IGNORECASE,
)
_ENHANCED = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.])")
_SMTP = re.compile(r"(?<![\d.-])([45][0-5]\d)(?:[ -]|$)", re.MULTILINE)
_EMAIL = re.compile(r"[A-Za-z0-9._%+=/-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
HARD_WORDS = re.compile(
    r"user unknown|unknown user|no such (?:user|mailbox|recipient|address|account)|"
    r"does not exist|doesn['’]t exist|not exist|unknown (?:recipient|address|mailbox|local part)|"
    r"recipient (?:address )?(?:unknown|not found|invalid)|invalid (?:recipient|mailbox|address|user)|"
    r"mailbox (?:unavailable|not found|does not exist|disabled|inactive|is inactive)|"
    r"address (?:not found|unknown|does not exist)|account (?:disabled|has been disabled|"
    r"is disabled|inactive|suspended|deactivated|closed|expired|does not exist)|"
    r"not (?:a )?valid (?:user|mailbox|recipient)|no mailbox|user not found|unrouteable address|"
    r"host (?:or domain name )?not found|domain (?:not found|does not exist)|name or service not known|"
    r"no such domain|unknown host|host unknown|hostunknown|userunknown|bad destination|"
    r"unrouteable|no valid recipients|mailbox is disabled|this user doesn['’]t have|"
    r"user (?:account )?(?:is )?(?:disabled|suspended)|not our customer|no longer (?:active|valid)|"
    r"no mx record|null mx|does not accept mail|non-existent host",
    re.IGNORECASE,
)
STRONG_HARD_WORDS = re.compile(
    r"user unknown|unknown user|no such (?:user|mailbox|recipient|domain)|does not exist|"
    r"no mx record|null mx|does not accept mail|host not found|domain not found|"
    r"non-existent host|recipient not found|user not found|mailbox not found",
    re.IGNORECASE,
)
SOFT_WORDS = re.compile(
    r"over ?quota|quota exceeded|mailbox (?:is )?full|mailbox full|at a rate|locked|mailbox size limit|insufficient (?:system )?storage|"
    r"exceeded (?:the )?storage|too (?:large|big)|size limit|message size|spam|blocked|blacklist|"
    r"blocklist|policy|reputation|rate limit|too many|try again|temporar|deferred|delayed|"
    r"timed? ?out|connection refused|virus|content rejected|not authorized to send|"
    r"relay(?:ing)? (?:denied|not permitted)|authentication|dmarc|spf|dkim",
    re.IGNORECASE,
)


def looks_like_bounce(parsed: ParsedMessage) -> bool:
    """Whether `parsed` claims to be a delivery report: its type, its sender or its subject."""
    ctype = parsed.headers.get("content-type", "").lower()
    if "report-type=delivery-status" in ctype.replace('"', "") or "delivery-status" in ctype:
        return True
    sender = parsed.sender
    robot = sender is not None and bool(_ROBOT.match(sender.email.split("@")[0]))
    empty_return = parsed.headers.get("return-path", "x").strip() in ("<>", "")
    subject = parsed.subject or ""
    return bool(BOUNCE_SUBJECT.search(subject)) and (robot or empty_return or sender is None)


def read_bounce(raw: bytes | None, parsed: ParsedMessage, bounced_at: datetime) -> Bounce | None:
    """The failure `raw` (or, without it, `parsed`'s text) reports; None when it reports none
    (a delivery or relay notice, or no failed address found)."""
    if not looks_like_bounce(parsed):
        return None
    text = parsed.text_plain or ""
    msg = None
    if raw is not None:
        msg = email.message_from_bytes(raw[: MAX_TEXT * 5], policy=compat32)
        found = _from_delivery_status(msg)
        if found is not None:
            address, status, diagnostic, action = found
            if action in ("delivered", "relayed", "expanded"):
                return None
            return _bounce(address, status, diagnostic, action, bounced_at, text)
        text = _human_text(msg) or text or _raw_body(raw)
    own = {p.email for p in parsed.participants if p.role in ("to", "cc")}
    if parsed.sender is not None:
        own.add(parsed.sender.email)
    failed_header = msg.get("x-failed-recipients") if msg is not None else None
    failed = (
        _address(str(failed_header or ""))
        or _inline_recipient(text)
        or _failed_address(text, own)
        or (_original_recipient(msg) if msg is not None else None)
        or _quoted_to(text, own)
    )
    if failed is None:
        return None
    status, diagnostic = _status_near(text, failed)
    return _bounce(failed, status, diagnostic, "failed", bounced_at, text)


def _bounce(
    address: str, status: str, diagnostic: str, action: str, at: datetime, text: str
) -> Bounce:
    hard = is_hard(status, diagnostic or text[:1000], action)
    diagnostic = " ".join(diagnostic.split())[:300]
    return Bounce(
        hard=hard, address=address.lower(), bounced_at=at, status=status, diagnostic=diagnostic
    )


ADDRESS_GONE = frozenset({"5.1.1", "5.1.2", "5.1.3", "5.1.6", "5.1.10", "4.1.1"})
SENDER_SIDE = frozenset({"5.1.7", "5.1.8", "4.1.7", "4.1.8"})
NOT_THE_ADDRESS = frozenset({"5.2.2", "5.2.3", "5.3.4"})


def is_hard(status: str, diagnostic: str, action: str = "failed") -> bool:
    """Whether the failure says the address itself is gone: an unknown user or domain, a
    moved or closed mailbox. Sender-side errors, full mailboxes, policy and spam blocks,
    rate limits and delays are soft."""
    if status in SENDER_SIDE:
        return False
    if status in ADDRESS_GONE:
        return True
    if action == "delayed" or status in NOT_THE_ADDRESS or SOFT_WORDS.search(diagnostic):
        return False
    if status.startswith("4."):
        return False  # a temporary failure says nothing final about the address
    if status.startswith("5.7."):
        return bool(STRONG_HARD_WORDS.search(diagnostic))
    if status == "5.4.4":
        return True
    return bool(HARD_WORDS.search(diagnostic))


def _from_delivery_status(msg: Message) -> tuple[str, str, str, str] | None:
    """(address, status, diagnostic, action) of the first failed recipient block, else the
    first block; None when the message has no delivery-status part."""
    for part in msg.walk():
        if part.get_content_type() not in (
            "message/delivery-status",
            "message/global-delivery-status",
        ):
            continue
        blocks = _status_blocks(part)
        recipients = [b for b in blocks if b.get("final-recipient") or b.get("original-recipient")]
        if not recipients:
            continue
        chosen = next(
            (b for b in recipients if b.get("action", "").startswith("failed")), recipients[0]
        )
        address = _address(chosen.get("final-recipient") or chosen.get("original-recipient") or "")
        if address is None:
            continue
        status_m = _ENHANCED.search(chosen.get("status", ""))
        status = ".".join(status_m.groups()) if status_m else ""
        diagnostic = chosen.get("diagnostic-code", "")
        inner = _ENHANCED.findall(diagnostic)
        if inner and (
            not status
            or status.endswith(".0.0")
            or status[0] != inner[-1][0]
            or (status.startswith("5.1.") and inner[-1][1] != "1")
        ):
            status = ".".join(inner[-1])  # "5.0.0" wrapping the receiving server's "5.7.1"
        if not status:
            status = _status_from_text(diagnostic)
        return address, status, diagnostic, chosen.get("action", "failed").strip().lower()
    return None


def _status_blocks(part: Message) -> list[dict[str, str]]:
    payload = part.get_payload()
    if isinstance(payload, list):
        return [
            {k.lower(): str(v) for k, v in block.items()}
            for block in payload
            if isinstance(block, Message)
        ]
    text = payload if isinstance(payload, str) else ""
    blocks: list[dict[str, str]] = []
    for chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        fields: dict[str, str] = {}
        for m in re.finditer(r"^([A-Za-z-]+):[ \t]*(.*(?:\n[ \t].*)*)", chunk, re.MULTILINE):
            fields[m.group(1).lower()] = m.group(2)
        if fields:
            blocks.append(fields)
    return blocks


def _address(value: str) -> str | None:
    m = _EMAIL.search(value)
    return m.group(0).strip(".").lower() if m else None


def _human_text(msg: Message) -> str:
    """The report's own text parts, without the returned message."""
    out: list[str] = []
    stack: list[Message] = [msg]
    while stack:
        part = stack.pop(0)
        ctype = part.get_content_type()
        if ctype in ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers"):
            continue
        if part.is_multipart():
            children = part.get_payload()
            if isinstance(children, list):
                stack[0:0] = [c for c in children if isinstance(c, Message)]
            continue
        if ctype.startswith("text/") or ctype == "message/delivery-status":
            data = part.get_payload(decode=True)
            if isinstance(data, bytes):
                charset = part.get_content_charset() or "utf-8"
                try:
                    decoded = data.decode(charset, "replace")
                except LookupError:
                    decoded = data.decode("utf-8", "replace")
                if ctype == "text/html":
                    decoded = re.sub(r"<[^>]+>", " ", decoded)
                out.append(decoded)
    return "\n".join(out)[:MAX_TEXT]


_HELPDESK = re.compile(r"(?i)(?:contact|assistance|questions?|write to|help)\W{0,20}$")


def _failed_address(text: str, own: set[str]) -> str | None:
    """The first address the notice names that is not its sender's, its reader's or a robot's.
    Lines of the returned message's header (To:, From:, Received:) are not the notice."""
    for line in text.splitlines():
        stripped = line.strip()
        if re.match(
            r"(?i)^(?:from|to|cc|reply-to|return-path|received|message-id|sender|"
            r"x-[\w-]+|dkim-signature|references|in-reply-to)\s*:",
            stripped,
        ):
            continue
        for m in _EMAIL.finditer(stripped):
            addr = m.group(0).strip(".").lower()
            local = addr.split("@")[0]
            if (
                addr in own
                or _ROBOT.match(local)
                or local.startswith(("mailer-daemon", "postmaster"))
            ):
                continue
            if _HELPDESK.search(stripped[: m.start()]):
                continue  # the reporting site's helpdesk, not the failed recipient
            if re.match(r"^[0-9a-f.-]{16,}$|^\d+$", local) or addr.endswith(
                (".png", ".gif", ".jpg")
            ):
                continue  # message ids and image names look like addresses too
            return addr
    return None


_INLINE_RECIPIENT = re.compile(
    r"(?im)^\s*(?:final|original)-recipient:\s*rfc822;\s*<?([^\s<>]+@[^\s<>]+)"
)


def _inline_recipient(text: str) -> str | None:
    """A delivery-status block pasted into a text part (Postfix in some setups)."""
    m = _INLINE_RECIPIENT.search(text)
    return m.group(1).strip(".").lower() if m else None


def _raw_body(raw: bytes) -> str:
    head_end = raw.find(b"\n\n") if b"\r\n\r\n" not in raw[:MAX_TEXT] else raw.find(b"\r\n\r\n")
    return (
        raw[head_end + 1 : head_end + 1 + MAX_TEXT].decode("utf-8", "replace")
        if head_end != -1
        else ""
    )


def _quoted_to(text: str, own: set[str]) -> str | None:
    """The one To: address of the returned message's header, quoted in the notice's text."""
    for m in re.finditer(r"^\s*To:\s*(.+)$", text, re.MULTILINE | re.IGNORECASE):
        found = [a.lower() for a in _EMAIL.findall(m.group(1)) if a.lower() not in own]
        if len(found) == 1:
            return found[0]
    return None


def _original_recipient(msg: Message | None) -> str | None:
    if msg is None:
        return None
    for part in msg.walk():
        if part.get_content_type() in ("message/rfc822", "text/rfc822-headers"):
            payload = part.get_payload()
            inner = payload[0] if isinstance(payload, list) and payload else None
            if isinstance(inner, Message):
                to = inner.get("to", "")
            elif isinstance(payload, str):
                m = re.search(r"^To:\s*(.*)$", payload, re.MULTILINE | re.IGNORECASE)
                to = m.group(1) if m else ""
            else:
                continue
            found = _EMAIL.findall(str(to))
            if len(found) == 1:
                return found[0].lower()
    return None


def _status_near(text: str, address: str) -> tuple[str, str]:
    at = text.lower().find(address)
    window = text[at : at + 500] if at != -1 else text[:1000]
    window = re.split(
        r"(?im)^.*(?:message headers follow|original message|copy of the message|"
        r"returned message|^received:).*$",
        window,
        maxsplit=1,
    )[0]
    return _status_from_text(window) or _status_from_text(text[:5000]), window.strip()


def _status_from_text(text: str) -> str:
    m = _ENHANCED.search(text)
    if m:
        return ".".join(m.groups())
    smtp = _SMTP.search(text)
    if smtp:
        return f"{smtp.group(1)[0]}.0.0"
    return ""
