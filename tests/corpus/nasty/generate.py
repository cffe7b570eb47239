#!/usr/bin/env python3
"""Generate the large / deeply nested cases of the nasty MIME corpus.

These files are too big (or too silly) to commit, so they are produced on
demand, deterministically, with the standard library only:

    python tests/corpus/nasty/generate.py OUTDIR

or from a test::

    import importlib.util
    spec = importlib.util.spec_from_file_location("nasty_gen", CORPUS / "generate.py")
    mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
    paths = mod.generate(tmp_path)

Every generated file is listed in MANIFEST.toml with ``generated = true``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

OWNER = b"Anna Keller <anna.keller@talentbridge.example>"
MIB = 1024 * 1024


def _headers(subject: bytes, name: str, extra: bytes = b"") -> bytes:
    return (
        b"From: Generated Sender <generated@nasty.example>\n"
        b"To: " + OWNER + b"\n"
        b"Subject: " + subject + b"\n"
        b"Date: Mon, 12 Oct 2026 10:00:00 +0200\n"
        b"Message-ID: <generated-" + name.encode() + b"@nasty.example>\n"
        b"MIME-Version: 1.0\n" + extra
    )


def deep_nesting(depth: int = 2000) -> bytes:
    """multipart/mixed nested `depth` levels deep with one text/plain leaf."""
    opening = []
    closing = []
    for level in range(depth):
        b = b"n%d" % level
        opening.append(b'Content-Type: multipart/mixed; boundary="' + b + b'"\n\n--' + b + b"\n")
        closing.append(b"\n--" + b + b"--\n")
    leaf = b"Content-Type: text/plain; charset=us-ascii\n\nThe innermost leaf, %d levels down.\n" % depth
    top = _headers(b"multipart nested %d levels deep" % depth, "deep-nesting")
    return top + b"".join(opening) + leaf + b"".join(reversed(closing))


def huge_subject(size: int = MIB) -> bytes:
    """A single, unfolded Subject line of `size` bytes."""
    word = b"Subject-word "
    subject = (word * (size // len(word) + 1))[:size].rstrip()
    return _headers(subject, "huge-subject") + b"Content-Type: text/plain\n\nTiny body.\n"


def many_received(count: int = 10_000) -> bytes:
    """`count` Received: headers (each folded over two lines) before the real headers."""
    lines = []
    for i in range(count, 0, -1):
        lines.append(
            b"Received: from relay%d.nasty.example ([192.0.2.%d])\n"
            b"\tby relay%d.nasty.example with ESMTP id %08X; Mon, 12 Oct 2026 09:%02d:%02d +0200\n"
            % (i, i % 254 + 1, i + 1, i, (i // 60) % 60, i % 60)
        )
    return (
        b"".join(lines)
        + _headers(b"%d Received headers" % count, "many-received")
        + b"Content-Type: text/plain\n\nA message that went through a lot of relays.\n"
    )


def long_line(size: int = MIB) -> bytes:
    """A text/plain body that is one single line of `size` bytes without any newline."""
    chunk = b"0123456789abcdefghijklmnopqrstuvwxyz "
    body = (chunk * (size // len(chunk) + 1))[:size]
    return (
        _headers(b"1 MiB single-line body", "long-line")
        + b"Content-Type: text/plain; charset=us-ascii\nContent-Transfer-Encoding: 8bit\n\n"
        + body
    )


GENERATORS: dict[str, Callable[[], bytes]] = {
    "deep-nesting-2000.eml": deep_nesting,
    "huge-subject-1mb.eml": huge_subject,
    "received-10000.eml": many_received,
    "long-line-1mb.eml": long_line,
}


def generate(outdir: str | Path) -> list[Path]:
    """Write every generated case into `outdir` (created if needed); return the paths."""
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, make in GENERATORS.items():
        path = out / name
        path.write_bytes(make())
        paths.append(path)
    return paths


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        sys.stderr.write("usage: generate.py OUTDIR\n")
        return 2
    for path in generate(argv[1]):
        sys.stdout.write("%s\t%d bytes\n" % (path, path.stat().st_size))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
