"""Separate what the sender wrote now from the quoted history and forwarded mail under it.

A message's text is read line by line. Quoted material is recognised by its markers: "> "
prefixes, attribution lines ("On … wrote:", "Am … schrieb …:", "… написал(а):", "Le … a écrit :",
"El … escribió:"), Outlook separators and header blocks ("-----Original Message-----",
"From:/Sent:/To:/Subject:" and their de/ru/fr/es forms), and forward markers. Whatever follows a
header without "> " prefixes is history to the end (top-posting); "> " runs after an attribution
are cut out one by one, so text written between them stays new (bottom-posting).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_QUOTE_LINE = re.compile(r"^\s*>")
_SEPARATOR = re.compile(
    r"^\s*-{2,}\s*(?:original message|ursprüngliche nachricht|original-nachricht"
    r"|исходное сообщение|message d'origine|mensaje original)\s*-{2,}\s*$",
    re.IGNORECASE,
)
_FORWARD = re.compile(
    r"^\s*-{2,}\s*(?:forwarded message|weitergeleitete nachricht|пересылаемое сообщение"
    r"|переадресованное сообщение|message transféré|mensaje reenviado)\s*-{2,}\s*$"
    r"|^\s*(?:begin forwarded message|anfang der weitergeleiteten nachricht"
    r"|début du message réexpédié|inicio del mensaje reenviado"
    r"|начало пересылаемого сообщения)\s*:\s*$",
    re.IGNORECASE,
)
_RULE = re.compile(r"^\s*_{10,}\s*$")  # Outlook's line above its header block
_FROM_KEY = re.compile(r"^\s*\*?(?:from|von|от|de|da|van)\s*:\*?\s*(.*)$", re.IGNORECASE)
_OTHER_KEY = re.compile(
    r"^\s*\*?(?:sent|date|to|cc|subject|gesendet|datum|an|betreff|kopie|отправлено|дата|кому"
    r"|копия|тема|envoyé|à|a|objet|enviado(?: el)?|fecha|para|asunto)\s*:",
    re.IGNORECASE,
)
_DATE_KEY = re.compile(
    r"^\s*\*?(?:sent|date|gesendet|datum|отправлено|дата|envoyé|enviado(?: el)?|fecha)\s*:",
    re.IGNORECASE,
)
# "… wrote:", "Am … schrieb Max Muster:", "Max <max@x.de> schrieb am 03.03.2025 um 10:00:",
# Gmail's Russian "…, Иван Петров <ivan@x.ru>:".
_ATTRIBUTION = re.compile(
    r"(?:\bwrote|\bschrieb|a écrit|\bescribió|\bescribio|написал\(а\)|\bнаписала?|\bпишет)"
    r"(?:\s.{0,80})?\s*:\s*$|@[^\s>]+>\)?\s*:\s*$",
    re.IGNORECASE,
)
# How a wrapped attribution's first line begins: "On", "Am", "Le", "El", "В", a date, "пн,".
_ATTRIBUTION_OPENER = re.compile(r"^\s*(?:On|Am|Le|El|В|\d{1,4}[./ ]|\w{2,4}\.?,)\s", re.UNICODE)
_KEYWORD = re.compile(
    r"\bwrote\b|\bschrieb\b|a écrit|\bescribió|\bescribio|написал\(а\)|\bнаписала?\b|\bпишет\b",
    re.IGNORECASE,
)
_TIME = re.compile(r"\d{1,2}[:.h]\d{2}(?:\s*(?:[ap]\.?\s?m\.?|uhr|ч\.?))?", re.IGNORECASE)
_NAME_NOISE = re.compile(
    r"^(?:schrieb|wrote|um|at|à|a las|в|le|on|am|el)\s+|\s+(?:schrieb|wrote|a|a écrit)$",
    re.IGNORECASE,
)
_HEADER_LOOKAHEAD = 4


@dataclass(frozen=True)
class QuotedPart:
    """One stretch of history: its text (one level of "> " removed) and who wrote it, if said."""

    text: str
    sender_name: str | None = None
    sender_email: str | None = None
    forwarded: bool = False


@dataclass(frozen=True)
class QuoteSplit:
    """A message's own new text and the quoted parts found in it, in order."""

    new_text: str
    quoted: list[QuotedPart]


@dataclass(frozen=True)
class _Header:
    end: int  # first line after the header
    name: str | None
    email: str | None
    forwarded: bool


def split_new_text(text: str) -> QuoteSplit:
    """Split `text` into the sender's new text and the quoted or forwarded parts."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    new: list[str] = []
    quoted: list[QuotedPart] = []
    i, n = 0, len(lines)
    while i < n:
        header = _header_at(lines, i)
        if header is not None:
            j = _skip_blank(lines, header.end)
            if not header.forwarded and j < n and _QUOTE_LINE.match(lines[j]):
                k = _quote_run_end(lines, j)
                quoted.append(QuotedPart(_unquote(lines[j:k]), header.name, header.email))
                _mark_gap(new)
                i = k
                continue
            rest = "\n".join(lines[header.end :]).strip("\n")
            quoted.append(QuotedPart(rest, header.name, header.email, header.forwarded))
            break
        if _QUOTE_LINE.match(lines[i]):
            k = _quote_run_end(lines, i)
            quoted.append(QuotedPart(_unquote(lines[i:k])))
            _mark_gap(new)
            i = k
            continue
        # One blank line stands for a removed quote; blank lines around it are not repeated.
        if lines[i].strip() or not new or new[-1].strip():
            new.append(lines[i])
        i += 1
    return QuoteSplit("\n".join(new).strip("\n"), quoted)


def _header_at(lines: list[str], i: int) -> _Header | None:
    line = lines[i]
    # Every header form has a colon, starts a rule line, or opens a wrapped attribution.
    if (
        ":" not in line
        and line.lstrip()[:1] not in ("-", "_")
        and not _ATTRIBUTION_OPENER.match(line)
    ):
        return None
    forwarded = bool(_FORWARD.match(line))
    if forwarded or _SEPARATOR.match(line) or (_RULE.match(line) and _block_follows(lines, i + 1)):
        j = _skip_blank(lines, i + 1)
        block = _header_block(lines, j) if j < len(lines) else None
        if block is None:
            return _Header(i + 1, None, None, forwarded)
        return _Header(block.end, block.name, block.email, forwarded)
    if _FROM_KEY.match(line):
        return _header_block(lines, i)
    if len(line) > 300:
        return None
    if _ATTRIBUTION.search(line) and _looks_dated(line):
        return _attribution(line, i + 1)
    if i + 1 < len(lines) and _ATTRIBUTION_OPENER.match(line) and _looks_dated(line):
        # Attributions wrapped over two lines; the second must not be an attribution of its own.
        nxt = lines[i + 1].strip()
        joined = line.rstrip() + " " + nxt
        if nxt and _ATTRIBUTION.search(joined) and not _ATTRIBUTION_OPENER.match(nxt):
            return _attribution(joined, i + 2)
    return None


def _looks_dated(line: str) -> bool:
    return "@" in line or any(c.isdigit() for c in line)


def _block_follows(lines: list[str], i: int) -> bool:
    j = _skip_blank(lines, i)
    return j < len(lines) and bool(_FROM_KEY.match(lines[j]) or _OTHER_KEY.match(lines[j]))


def _header_block(lines: list[str], i: int) -> _Header | None:
    """An Outlook-style block of "Key: value" lines starting at `i`, with a From line in it."""
    end = i
    keys = 0
    sender = ""
    while end < len(lines) and end < i + 12:
        line = lines[end]
        from_match = _FROM_KEY.match(line)
        if from_match:
            sender = sender or from_match.group(1)
            keys += 1
        elif _OTHER_KEY.match(line):
            keys += 1
        elif not line.strip() or end - i >= _HEADER_LOOKAHEAD and keys < 2:
            break
        elif "@" not in line and ";" not in line:
            break  # not a wrapped To:/Cc: list: the quoted body has begun
        end += 1
    # "From: my side, all good" / "To: be confirmed" is prose: a real header block names an
    # address or carries a date.
    dated = any(_DATE_KEY.match(line) and re.search(r"\d", line) for line in lines[i:end])
    if keys < 2 or not sender or ("@" not in sender and not dated):
        return None
    name, email = _parse_sender(sender)
    return _Header(end, name, email, False)


def _attribution(text: str, end: int) -> _Header:
    match = _EMAIL.search(text)
    email = match.group(0).lower() if match else None
    if match:
        head = text[: match.start()]
    else:
        kw = _KEYWORD.search(text)
        head = text[: kw.start()] if kw else text
        # "Am 03.03.2025 um 10:00 schrieb Max Mustermann:": the name follows the keyword.
        after = text[kw.end() :].strip(" :") if kw else ""
        if after and not any(c.isdigit() for c in after) and len(after.split()) <= 5:
            return _Header(end, after, None, False)
    quoted_name = re.search(r'"([^"]+)"\s*[<(\[]*\s*$', head)
    if quoted_name:
        return _Header(end, quoted_name.group(1).strip() or None, email, False)
    head = head.rstrip(" <([\"'")
    head = re.split(r",|" + _TIME.pattern, head, flags=re.IGNORECASE)[-1]
    name = _NAME_NOISE.sub("", head.strip()).strip(" \"'")
    name = _NAME_NOISE.sub("", name).strip()
    if not name or any(c.isdigit() for c in name) or len(name.split()) > 5:
        return _Header(end, None, email, False)
    return _Header(end, name, email, False)


def _parse_sender(value: str) -> tuple[str | None, str | None]:
    """Name and address from a header value like '"Petrov, Ivan" <ivan@x.ru>' or 'Ivan [mailto:…]'."""
    match = _EMAIL.search(value)
    email = match.group(0).lower() if match else None
    name = value[: match.start()] if match else value
    name = name.replace("mailto:", "").strip().strip("<[(\"' ").strip()
    return (name or None), email


def _skip_blank(lines: list[str], i: int) -> int:
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i


def _quote_run_end(lines: list[str], i: int) -> int:
    """End of a run of "> " lines; blank lines inside the run belong to it."""
    end = i
    while end < len(lines):
        if _QUOTE_LINE.match(lines[end]):
            end += 1
            continue
        nxt = _skip_blank(lines, end)
        if nxt > end and nxt < len(lines) and _QUOTE_LINE.match(lines[nxt]):
            end = nxt
            continue
        break
    return end


def _unquote(lines: list[str]) -> str:
    return "\n".join(re.sub(r"^\s*> ?", "", line) for line in lines).strip("\n")


def _mark_gap(new: list[str]) -> None:
    # Keeps paragraphs on either side of a removed quote apart, as the reader sees them.
    if new and new[-1].strip():
        new.append("")
