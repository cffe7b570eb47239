"""Raw RFC 5322 bytes → ParsedMessage: participants, ids, thread, date and text parts.

The stdlib parser (compat32 policy) does the MIME work because it is the fastest tolerant parser
at hand; mail-parser's header decoder turns RFC 2047 words and unknown charsets into text. Every
input is hostile: sizes, depths and counts are capped, and nothing here raises on bad input
except MessageParseError, for bytes that are not a message at all or that the stdlib parser
cannot follow. Anything else escaping from here is a bug, not bad mail.

Header values are read raw (`raw_items()`), never with `Message.get()`: under compat32, `get()`
returns an `email.header.Header` instead of a str when the value holds undeclared 8-bit bytes.
Decoding goes through `_decode_bytes`, which survives every charset name: unknown ones, codecs
that are not text encodings ("rot13"), codecs that refuse everything ("undefined") and names
the codec registry rejects outright (a NUL in the name).
"""

from __future__ import annotations

import email
import hashlib
import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime
from email.errors import HeaderParseError
from email.header import decode_header
from email.message import Message
from email.policy import compat32
from email.utils import getaddresses, parsedate_to_datetime

from mailparser.utils import decode_header_part

from ingestor.extractors.attachments import (
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS,
    MIN_IMAGE_BYTES,
    Attachment,
    document_type,
    is_attached_file,
    is_card_photo,
)
from ingestor.extractors.elide import ELIDE_MIN_BYTES, elide_base64_runs
from ingestor.extractors.elide import Runs as _Runs
from ingestor.extractors.memo import cached_when_small
from ingestor.model import ParsedMessage, Participant, Role

# mail-parser logs undecodable headers verbatim at ERROR; mail content must not reach the logs.
logging.getLogger("mailparser").setLevel(logging.CRITICAL)

MAX_HEADER_CHARS = 4000
MAX_SUBJECT_CHARS = 1000
MAX_NAME_CHARS = 200
MAX_TEXT_CHARS = 1_000_000
MAX_PARTS = 500
MAX_DEPTH = 40
MAX_ADDRESSES = 500
MAX_REFERENCES = 100

ADDRESS_HEADERS: tuple[tuple[str, Role], ...] = (
    ("from", "from"),
    ("sender", "sender"),
    ("reply-to", "reply_to"),
    ("to", "to"),
    ("cc", "cc"),
)
CLASSIFIER_HEADERS = (
    "list-id",
    "list-unsubscribe",
    "precedence",
    "auto-submitted",
    "content-type",
    "x-autoreply",
    "x-autorespond",
    "x-auto-response-suppress",
    "return-path",
    # read_signals: Exchange's auto-reply marker and Asterisk/FreePBX voicemail headers
    "x-ms-exchange-inbox-rules-loop",
    "x-asterisk-vm-caller-id-num",
    "x-asterisk-vm-caller-id-name",
    "x-asterisk-vm-duration",
    "x-asterisk-vm-message-num",
)
CALENDAR_TYPES = ("text/calendar", "application/ics")

_MSGID = re.compile(r"<([^<>\s]{1,900})>")
_SURROGATE = re.compile("[\udc80-\udcff]")  # undeclared 8-bit bytes, as compat32 keeps them
_EMAIL = re.compile(r"^[^@\s<>()\[\],;:\"]{1,200}@[^@\s<>()\[\],;:\"]{1,250}$")


class MessageParseError(ValueError):
    """The bytes are not an email message, or not one the parser can follow (hostile input)."""


# What a codec (or the codec registry, given a charset name from the mail) raises on bytes it
# cannot decode: UnicodeError, LookupError for unknown names and for codecs that are not text
# encodings, ValueError for names it refuses outright ("utf\x00": embedded null character).
DECODING_ERRORS = (UnicodeError, LookupError, ValueError)


def parse_message(
    raw: bytes,
    fallback_date: datetime | None = None,
    elide_min_bytes: int = ELIDE_MIN_BYTES,
    attachments: bool = True,
) -> ParsedMessage:
    """`elide_min_bytes`: messages this large have their base64 runs set aside before parsing
    (see ingestor.extractors.elide). `attachments` False: no attached CV or card is decoded."""
    if not raw or raw.isspace():  # not raw.strip(): that copies a 25 MB message once more
        raise MessageParseError("empty message")
    skeleton, runs = elide_base64_runs(raw, elide_min_bytes)
    try:
        msg = email.message_from_bytes(skeleton, policy=compat32)
    except RecursionError:
        # The stdlib parser recurses once per nested multipart; _text_parts does not.
        raise MessageParseError("MIME parts nested too deeply to parse") from None
    if not msg.keys():
        raise MessageParseError("no header fields: not an email message")
    defects = [type(d).__name__ for d in msg.defects][:20]
    raw_headers: dict[str, list[str]] = {}
    for name, value in msg.raw_items():  # unlike get(), keeps undeclared 8-bit bytes intact
        raw_headers.setdefault(name.lower(), []).append(value)

    def first(name: str) -> str | None:
        values = raw_headers.get(name)
        return values[0] if values else None

    message_id = _message_id(raw_headers.get("message-id"))
    synthetic = message_id is None
    if message_id is None:
        message_id = _synthetic_message_id(first, raw)

    kept: list[Attachment] | None = [] if attachments else None
    text_plain, text_html, calendars = _text_parts(msg, defects, runs, kept)
    headers: dict[str, str] = {}
    for h in CLASSIFIER_HEADERS:
        header = first(h)
        if header is not None:
            headers[h] = _header_text(header)[:MAX_HEADER_CHARS]
    subject = first("subject")
    return ParsedMessage(
        message_id=message_id,
        message_id_synthetic=synthetic,
        subject=_clean(_header_text(subject))[:MAX_SUBJECT_CHARS] or None if subject else None,
        date=_date(first("date")) or fallback_date,
        participants=_participants(raw_headers),
        in_reply_to=_message_id(raw_headers.get("in-reply-to")),
        references=_MSGID_list(first("references")),
        text_plain=text_plain,
        text_html=text_html,
        headers=headers,
        calendar_parts=calendars,
        defects=defects,
        attachments=kept or [],
    )


def _raw_header(value: object) -> str:
    """A header value as str; compat32 keeps undeclared 8-bit bytes as surrogate escapes.

    NUL never survives: no database text column accepts it.
    """
    if not isinstance(value, str):
        value = str(value)
    if _SURROGATE.search(value):
        data = value.encode("ascii", "surrogateescape")
        try:
            value = data.decode("utf-8")
        except UnicodeDecodeError:
            value = data.decode("cp1252", "replace")
    return value.replace("\x00", "")


def _header_text(value: object) -> str:
    text = _raw_header(value)[: MAX_HEADER_CHARS * 4]
    if "=?" in text:
        try:
            text = decode_header_part(text)
        except DECODING_ERRORS:  # it passes on ValueError from a charset name like "utf\x00"
            text = _decode_words(text)
        text = text.replace("\x00", "")
    return text


def _decode_words(text: str) -> str:
    """RFC 2047 words decoded one by one, each with the fallbacks of `_decode_bytes`."""
    try:
        chunks = decode_header(text)
    except HeaderParseError:
        return text
    return "".join(
        chunk if isinstance(chunk, str) else _decode_bytes(chunk, charset or "utf-8")
        for chunk, charset in chunks
    ).strip()


def _decode_bytes(data: bytes, charset: str) -> str:
    """`data` as text in `charset`, else UTF-8, else cp1252 (which never fails)."""
    for candidate in (charset.strip().lower(), "utf-8"):
        try:
            return data.decode(candidate)
        except DECODING_ERRORS:
            continue
    return data.decode("cp1252", "replace")


def _part_header(part: Message, name: str) -> str:
    """A MIME part's header as str ("" if missing); `part.get()` may give a Header object."""
    for key, value in part.raw_items():
        if key.lower() == name:
            return _raw_header(value)
    return ""


def _clean(text: str) -> str:
    return " ".join(text.split())


def _message_id(values: list[str] | None) -> str | None:
    for value in values or []:
        text = _raw_header(value).strip()
        m = _MSGID.search(text)
        if m:
            return f"<{m.group(1)}>"
        token = text.strip("<> \t\r\n")
        if token and " " not in token and len(token) <= 900:
            return f"<{token}>"
    return None


def _MSGID_list(value: str | None) -> list[str]:  # noqa: N802 - mirrors _message_id
    if not value:
        return []
    return [f"<{m}>" for m in _MSGID.findall(_raw_header(value))][-MAX_REFERENCES:]


def _synthetic_message_id(first: Callable[[str], str | None], raw: bytes) -> str:
    """A stable id for mail without Message-ID: the same bytes in 3 mailboxes give one id.

    Received and delivery headers differ per mailbox, so only the author's headers and the body
    go into the hash.
    """
    h = hashlib.sha256()
    for name in ("from", "to", "cc", "date", "subject"):
        h.update(_raw_header(first(name) or "").encode("utf-8", "replace") + b"\0")
    split = raw.find(b"\r\n\r\n")
    split = raw.find(b"\n\n") if split == -1 else split
    h.update(raw[split:] if split != -1 else b"")
    return f"<{h.hexdigest()[:32]}@synthetic.ingestor.invalid>"


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        d = parsedate_to_datetime(_raw_header(value))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if d is None:
        return None
    if d.tzinfo is None:  # "-0000": the sender's zone is unknown; the instant is UTC
        d = d.replace(tzinfo=UTC)
    if not 1980 <= d.year <= 2100:
        return None
    return d


def _participants(raw_headers: dict[str, list[str]]) -> list[Participant]:
    found: list[Participant] = []
    seen: set[tuple[str, str]] = set()
    for header, role in ADDRESS_HEADERS:
        values = tuple(_raw_header(v)[: MAX_HEADER_CHARS * 10] for v in raw_headers.get(header, []))
        if not values:
            continue
        for addr, name in _addresses(values):
            if (addr, role) in seen or len(found) >= MAX_ADDRESSES:
                continue
            seen.add((addr, role))
            found.append(Participant(email=addr, name=name, role=role))
    return found


# Only short header lines are cached: hostile ones can be 40,000 characters each.
@cached_when_small(maxsize=8192, limit=2000, size=lambda values: sum(map(len, values)))
def _addresses(values: tuple[str, ...]) -> tuple[tuple[str, str | None], ...]:
    """(address, display name) pairs; repairs unquoted "Doe, John <j@x>" that splits at the comma.

    Cached, with the display names decoded: the same From and To lines come back with every
    message of a correspondence, and the stdlib address parser is slow pure Python.
    """
    pairs = getaddresses(list(values))
    out: list[tuple[str, str | None]] = []
    pending_name = ""
    for name, raw_addr in pairs:
        addr = raw_addr.strip().lower()
        if not _EMAIL.match(addr):
            # A bare word before a real address is the first half of a "Last, First" name.
            word = name or raw_addr.strip()
            pending_name = (pending_name + " " + word).strip() if word else ""
            continue
        if pending_name and name:
            name = f"{pending_name}, {name}"
        pending_name = ""
        out.append((addr, _display_name(name, addr)))
    return tuple(out)


def _display_name(name: str, addr: str) -> str | None:
    text = _clean(_header_text(name)).strip("\"' ")[:MAX_NAME_CHARS]
    if not text or "@" in text or text.lower() == addr:
        return None  # an email-shaped display name says nothing about the person
    return text


def _text_parts(
    msg: Message,
    defects: list[str],
    runs: _Runs | None = None,
    attachments: list[Attachment] | None = None,
) -> tuple[str | None, str | None, list[bytes]]:
    """The first inline text/plain and text/html bodies, and any calendar parts; attached CVs
    and cards go to `attachments`.

    Walks iteratively with depth and count caps: hostile nesting must not recurse or loop.
    """
    plain: str | None = None
    html: str | None = None
    calendars: list[bytes] = []
    stack: list[tuple[Message, int]] = [(msg, 0)]
    visited = 0
    while stack and visited < MAX_PARTS:
        part, depth = stack.pop()
        visited += 1
        if part.is_multipart():
            if depth >= MAX_DEPTH:
                defects.append("MultipartTooDeep")
                continue
            children = part.get_payload()
            if isinstance(children, list):
                stack.extend((c, depth + 1) for c in reversed(children) if isinstance(c, Message))
            continue
        ctype = part.get_content_type()
        if ctype in CALENDAR_TYPES or _filename(part).lower().endswith(".ics"):
            if runs is not None:
                runs.restore(part)
            payload = _payload(part)
            if payload:
                calendars.append(payload)
            continue
        disposition = _part_header(part, "content-disposition")
        name = _filename(part)
        if is_attached_file(part, disposition, name):
            if attachments is not None and len(attachments) < MAX_ATTACHMENTS:
                kept = _attachment(part, name, ctype, runs, disposition)
                if kept is not None:
                    attachments.append(kept)
            continue
        if ctype == "text/plain" and plain is None:
            if runs is not None:
                runs.restore(part)
            plain = _decode_text(part)
        elif ctype == "text/html" and html is None:
            if runs is not None:
                runs.restore(part)
            html = _decode_text(part)
    if stack:
        defects.append("TooManyParts")
    return plain, html, calendars


def _attachment(
    part: Message, name: str, ctype: str, runs: _Runs | None, disposition: str
) -> Attachment | None:
    """A CV or card attachment, decoded if under the cap; None for any other file."""
    kind = document_type(name, ctype)
    if kind is None or (kind == "image" and not is_card_photo(disposition)):
        return None
    name = _clean(_header_text(name))[:MAX_NAME_CHARS] or "attachment"
    payload = part.get_payload()
    encoded = (
        runs.restored_size(part)
        if runs is not None
        else (len(payload) if isinstance(payload, str) else 0)
    )
    cte = _part_header(part, "content-transfer-encoding").strip().lower()
    estimate = encoded * 3 // 4 if cte == "base64" else encoded
    if estimate > MAX_ATTACHMENT_BYTES:
        return Attachment(name, ctype, estimate, None, "over the 10 MB cap")
    if kind == "image" and estimate < MIN_IMAGE_BYTES:
        return None  # a logo or an icon
    if runs is not None:
        runs.restore(part)
    data = _payload(part)
    if not data:
        return Attachment(name, ctype, 0, None, "empty or undecodable")
    return Attachment(name, ctype, len(data), data)


def _filename(part: Message) -> str:
    try:
        return part.get_filename() or ""
    except DECODING_ERRORS:  # an RFC 2231 filename*= in a charset no codec can use
        return ""


def _charset(part: Message) -> str:
    try:
        return part.get_content_charset() or "utf-8"
    except DECODING_ERRORS:  # an RFC 2231 charset*= in a charset no codec can use
        return "utf-8"


def _payload(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except (ValueError, TypeError, AssertionError):
        return b""
    return data if isinstance(data, bytes) else b""


def _decode_text(part: Message) -> str:
    data = _payload(part)[: MAX_TEXT_CHARS * 4]
    return _decode_bytes(data, _charset(part))[:MAX_TEXT_CHARS].replace("\x00", "")


_elide_base64_runs = elide_base64_runs  # the name tests/unit/test_elide.py knows
