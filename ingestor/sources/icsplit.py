"""Splitting an iCalendar stream into one small calendar per event UID.

A feed or a CalDAV resource is handed to the pipeline one event at a time: each item is a
VCALENDAR holding the VTIMEZONEs it needs plus every component sharing one UID (the master and
its overridden occurrences). Each item's content hash tells whether that event changed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

from ingestor.errors import SourceError

_UID = re.compile(rb"^UID[;:](?:[^:\r\n]*:)?(.*)$", re.MULTILINE | re.IGNORECASE)
_BEGIN = re.compile(
    rb"^BEGIN:(VEVENT|VTODO|VJOURNAL|VFREEBUSY|VTIMEZONE)\s*$", re.MULTILINE | re.IGNORECASE
)
MAX_COMPONENTS = 50_000


def unfold(data: bytes) -> bytes:
    """RFC 5545 line unfolding: a line starting with a space or tab continues the previous."""
    return re.sub(rb"\r?\n[ \t]", b"", data)


def split_by_uid(data: bytes, source: str, where: str) -> dict[str, bytes]:
    """{uid: VCALENDAR bytes} for every event in `data`; raises SourceError if it is no calendar."""
    text = unfold(data).replace(b"\r\n", b"\n")
    if b"BEGIN:VCALENDAR" not in text.upper()[:4096]:
        raise SourceError(source, f"{where} is not an iCalendar file (no BEGIN:VCALENDAR)")
    header_end = _BEGIN.search(text)
    head = text[: header_end.start()] if header_end else text
    head = re.sub(rb"(?im)^END:VCALENDAR\s*$", b"", head)
    timezones: list[bytes] = []
    events: dict[str, list[bytes]] = {}
    for count, (kind, block) in enumerate(_components(text), start=1):
        if count > MAX_COMPONENTS:
            raise SourceError(source, f"{where} has more than {MAX_COMPONENTS} components")
        if kind == b"VTIMEZONE":
            timezones.append(block)
        elif kind == b"VEVENT":
            m = _UID.search(block)
            uid = m.group(1).strip().decode("utf-8", "replace") if m else ""
            if not uid:
                uid = "no-uid-" + hashlib.sha256(block).hexdigest()[:24]
            events.setdefault(uid, []).append(block)
    tz = b"".join(timezones)
    return {
        uid: head.rstrip(b"\n") + b"\n" + tz + b"".join(blocks) + b"END:VCALENDAR\n"
        for uid, blocks in events.items()
    }


def _components(text: bytes) -> Iterator[tuple[bytes, bytes]]:
    pos = 0
    while True:
        m = _BEGIN.search(text, pos)
        if not m:
            return
        kind = m.group(1).upper()
        end = re.compile(rb"^END:" + kind + rb"\s*$", re.MULTILINE | re.IGNORECASE).search(
            text, m.end()
        )
        if end is None:
            return  # truncated component: what came before is still good
        yield kind, text[m.start() : end.end()] + b"\n"
        pos = end.end()


def content_hash(data: bytes) -> str:
    # DTSTAMP changes on every export of some servers without the event changing; ignore it.
    stable = re.sub(rb"(?m)^DTSTAMP[;:].*$", b"", data)
    return hashlib.sha256(stable).hexdigest()[:20]
