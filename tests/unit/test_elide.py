"""Eliding base64 runs before parsing must not change what parse_message returns."""

from __future__ import annotations

import base64
import random
from pathlib import Path

import pytest

from ingestor.extractors import message

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def _b64(data: bytes, width: int = 76, eol: bytes = b"\r\n") -> bytes:
    text = base64.b64encode(data)
    return b"".join(text[i : i + width] + eol for i in range(0, len(text), width))


def _noise(n: int, seed: int = 1) -> bytes:
    return random.Random(seed).randbytes(n)


def _multipart(*parts: bytes, boundary: bytes = b"b0undary") -> bytes:
    head = (
        b"From: Ana <ana@example.org>\r\nTo: bob@example.com\r\nSubject: s\r\n"
        b"Message-ID: <m@x>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="' + boundary + b'"\r\n\r\npreamble\r\n'
    )
    body = b"".join(b"--" + boundary + b"\r\n" + p for p in parts)
    return head + body + b"--" + boundary + b"--\r\n"


TEXT = (
    "Hallo Bob,\r\nanbei der Lebenslauf.\r\n\r\nGrüße\r\nAna Lima\r\nTel. +49 30 1234567\r\n" * 40
)
CASES = {
    "attachment and base64 text part": _multipart(
        b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + _b64(TEXT.encode()),
        b"Content-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
        b'Content-Disposition: attachment; filename="cv.pdf"\r\n\r\n' + _b64(_noise(300_000)),
    ),
    "LF line ends and short lines": _multipart(
        b"Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + _b64(TEXT.encode(), width=44, eol=b"\n"),
        b"Content-Type: application/zip\r\n\r\n" + _b64(_noise(200_000), eol=b"\n"),
    ),
    "text with a colon right after a run": _multipart(
        b"Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + _b64(TEXT.encode())
        + b"Note: this line is not base64\r\nAnother: header-like line\r\n",
        b"Content-Type: application/pdf\r\n\r\n" + _b64(_noise(100_000)),
    ),
    "run where the part headers should be": _multipart(
        _b64(TEXT.encode()) + b"\r\nX-Late: header\r\n\r\nbody\r\n",
        b"Content-Type: text/plain\r\n\r\nplain body\r\n",
    ),
    "8-bit bytes inside a run": _multipart(
        b"Content-Type: text/plain; charset=latin-1\r\n\r\n"
        + _b64(_noise(5_000))
        + b"Gr\xfc\xdfe\xe9\r\n" * 3
        + _b64(_noise(5_000, seed=2)),
    ),
    "blank lines inside a run": _multipart(
        b"Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + _b64(TEXT.encode()[:2000])
        + b"\r\n\r\n"
        + _b64(TEXT.encode()[2000:]),
    ),
    "run at the end without a final line end": _multipart(
        b"Content-Type: text/plain\r\n\r\nhi\r\n",
    )
    + b"epilogue\r\n"
    + _b64(_noise(80_000))[:-2],
    "single part base64 message": (
        b"From: a@example.org\r\nSubject: x\r\nContent-Type: text/plain\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n" + _b64(TEXT.encode() * 3)
    ),
    "calendar invite": _multipart(
        b"Content-Type: text/calendar; method=REQUEST\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + _b64(
            b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:u1\r\n"
            b"DTSTART:20260102T100000Z\r\nSUMMARY:Interview\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
            + b"X-PAD:"
            + b"p" * 5000
            + b"\r\n"
        ),
        b"Content-Type: image/png\r\n\r\n" + _b64(_noise(150_000)),
    ),
}


def _parse_both(raw: bytes) -> tuple[str, str]:
    def parse(elide_min_bytes: int) -> str:
        try:
            return repr(message.parse_message(raw, elide_min_bytes=elide_min_bytes))
        except message.MessageParseError as e:
            return f"error: {e}"

    return parse(10**12), parse(0)


@pytest.mark.parametrize("name", sorted(CASES))
def test_crafted_messages_parse_the_same_with_runs_elided(
    name: str,
) -> None:
    raw = CASES[name]
    skeleton, runs = message._elide_base64_runs(raw, 0)
    assert runs is not None and len(skeleton) < len(raw)  # the case really elides something
    plain, elided = _parse_both(raw)
    assert elided == plain


def test_corpus_messages_parse_the_same_with_runs_elided() -> None:
    paths = sorted(CORPUS.rglob("*.eml"))
    assert len(paths) > 100
    for path in paths:
        plain, elided = _parse_both(path.read_bytes())
        assert elided == plain, path.name
