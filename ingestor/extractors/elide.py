"""Long base64 runs set aside before the stdlib parser sees a message, and put back for the
few parts that are decoded (text, calendars, attached CVs and cards).

The stdlib parser reads a message line by line; a 20 MB attachment is ~270,000 lines it only
skips. tests/unit/test_elide.py checks that the parser builds the same tree either way.
"""

from __future__ import annotations

import os
import re
from email.message import Message

# Messages below this size are parsed as they are: eliding runs only pays off for attachments.
ELIDE_MIN_BYTES = 64 * 1024
# 16 lines of 40-76 base64 characters start a run: the body of an encoded attachment.
_BASE64_RUN_START = re.compile(rb"^(?:[A-Za-z0-9+/]{40,76}\r?\n){16}", re.MULTILINE)
_BASE64_LINES = re.compile(rb"(?:[A-Za-z0-9+/]{40,76}\r?\n)*")


def elide_base64_runs(raw: bytes, min_bytes: int = ELIDE_MIN_BYTES) -> tuple[bytes, Runs | None]:
    """`raw` with each long run of base64 lines replaced by a one-line placeholder.

    The stdlib parser handles a message line by line, so a 20 MB attachment costs ~270,000
    Python-level line reads and several copies of itself in memory, only to be skipped. A run
    starts with 16 lines of base64, which end any header block, and stops before the next
    line with a "-"; the placeholder is one line without "-", so the parser builds exactly
    the same tree (tests/unit/test_elide.py checks this). Only the payloads that held runs
    differ, and `Runs.restore` puts back the original text of the few payloads that are
    decoded (text and calendar parts). Attachments are never decoded.
    """
    if len(raw) < min_bytes:
        return raw, None
    runs = Runs(raw)
    pieces: list[bytes] = []
    last = 0
    pos = 0
    while m := _BASE64_RUN_START.search(raw, pos):
        run_end = _base64_run_end(raw, m.end())
        end = run_end - (2 if raw[run_end - 2 : run_end] == b"\r\n" else 1)
        pieces.append(raw[last : m.start()])
        pieces.append(runs.placeholder(m.start(), end))
        last = pos = end
    if not pieces:
        return raw, None
    pieces.append(raw[last:])
    return b"".join(pieces), runs


def _base64_run_end(raw: bytes, pos: int) -> int:
    """Where the run of base64 lines that goes on at `pos` (a line start) ends.

    Its first lines are base64, so any header block it sits in has already ended; from there
    on, only a line starting with "--" (a MIME boundary) means anything to the parser. "-" is
    not a base64 character, so the run safely extends up to the line holding the next "-",
    found at memchr speed; matching the lines one by one was ~20x slower.
    """
    dash = raw.find(b"-", pos)
    stop = raw.rfind(b"\n", pos, dash) + 1 if dash != -1 else len(raw)
    if stop > pos and raw[stop - 1] == 10:  # 10: "\n"
        return stop
    more = _BASE64_LINES.match(raw, pos)
    return more.end() if more else pos


class Runs:
    """Where the elided runs were in the original bytes, and how to put them back."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self.spans: list[tuple[int, int]] = []
        self.tag = f"\x00b64run{os.urandom(6).hex()}."
        self.pattern = re.compile(re.escape(self.tag) + r"(\d+)\x00")

    def placeholder(self, start: int, end: int) -> bytes:
        self.spans.append((start, end))
        return f"{self.tag}{len(self.spans) - 1}\x00".encode("ascii")

    def restored_size(self, part: Message) -> int:
        """The length the payload will have once restored, without restoring it."""
        payload = part.get_payload()
        if not isinstance(payload, str):
            return 0
        size = len(payload)
        for m in self.pattern.finditer(payload) if self.tag in payload else ():
            start, end = self.spans[int(m.group(1))]
            size += (end - start) - len(m.group(0))
        return size

    def restore(self, part: Message) -> None:
        payload = part.get_payload()
        if isinstance(payload, str) and self.tag in payload:
            # The parser's own text: bytes decoded as ASCII, the others as surrogate escapes.
            part.set_payload(
                self.pattern.sub(
                    lambda m: self.raw[slice(*self.spans[int(m.group(1))])].decode(
                        "ascii", "surrogateescape"
                    ),
                    payload,
                )
            )
