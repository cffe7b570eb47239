"""Score where `split_new_text` ends the sender's new text, against real labelled mail.

Usage: python benchmarks/score_quotes.py [--corpora DIR] [--quotes FILE] [--verbose N]

Sets: Quagga Enron (`quagga-enron-train/*.txt.ann`) and Quagga ASF (`quagga-asf-train/train_N.ann`)
under ../shared/corpora. Gold: the sender's new text is the `.ann` `text` before the first
`Header` denotation (all of it if there is none). Predicted: the original line of the last line
of `split_new_text(text).new_text`. Both ends are compared at line granularity, ignoring blank
lines and forwarded-attachment lines (`<<file.pdf>>`, `- report.xls`) at the end, because the
splitter drops those from the end of the new text on purpose.

Per set: exact-boundary accuracy, share too long (history leaked into the new text: the worst
error, a quoted person's signature then lands on the sender) and share too short (the sender's
own text cut). Held-out mail (Enron mailboxes in HELD_OUT_ENRON, ASF files with N % 5 == 0) is
only ever counted in aggregate rows: `--verbose` shows dev errors only.

`--quotes FILE` measures another copy of quotes.py (e.g. the version before a change).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_CORPORA = ROOT.parent / "shared" / "corpora"
HELD_OUT_ENRON = ("kitchen-l", "giron-d", "lokay-m", "whalley-l", "mckay-b", "skilling-j")
# Lines the splitter may drop from the end of the new text: attachment names listed by Outlook
# and Lotus Notes ("<<file.pdf>>", " - report.xls") and blank lines.
_ATTACHMENT = re.compile(
    r"^\s*(?:<<[^<>]+>>\s*)+$|^\s*-\s+\S.{0,80}\.[A-Za-z0-9]{2,4}\s*$",
)


@dataclass(frozen=True)
class Email:
    set_name: str
    name: str
    held_out: bool
    text: str
    gold_start: int | None  # char offset of the first Header, None: no history
    denotations: list[dict[str, Any]]


def _load(path: Path) -> tuple[str, int | None, list[dict[str, Any]]]:
    ann = json.loads(path.read_text(encoding="utf-8"))
    denotations = ann.get("denotations", [])
    starts = [d["start"] for d in denotations if d["type"] == "Header"]
    return ann["text"], (min(starts) if starts else None), denotations


def emails(corpora: Path) -> Iterator[Email]:
    for path in sorted((corpora / "quagga-enron-train").glob("*.txt.ann")):
        name = path.name.removesuffix(".txt.ann")
        yield Email("enron", name, name.startswith(HELD_OUT_ENRON), *_load(path))
    for path in sorted((corpora / "quagga-asf-train").glob("train_*.ann")):
        name = path.name.removesuffix(".ann")
        yield Email("asf", name, int(name.removeprefix("train_")) % 5 == 0, *_load(path))


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _trim_end(lines: list[str], end: int) -> int:
    """`end` moved back over blank, attachment and Notes letterhead lines."""
    while end > 0 and (
        not lines[end - 1].strip()
        or _ATTACHMENT.match(lines[end - 1])
        or _letterhead(lines, end - 1)
    ):
        end -= 1
    return end


def _letterhead(lines: list[str], k: int) -> bool:
    """A Lotus Notes letterhead ("\tEnron North America Corp.") over "\t" and "\tFrom: …".

    Quagga starts the Header at the From line and leaves the letterhead in the new text; it is
    part of the forwarded memo, and the splitter cuts it with the memo's header.
    """
    return (
        k + 2 < len(lines)
        and lines[k].startswith("\t")
        and not lines[k + 1].strip()
        and bool(re.match(r"^\s*From:", lines[k + 2]))
    )


def bottom_posted(mail: Email) -> bool:
    """Whether the sender answered under the quote: nothing above the first Header, "> " lines
    right under it, and an unquoted last line.

    Quagga puts such a reply in the Body zone after the Header, so "text before the first
    Header" is empty; the splitter keeps the answers written between and under the "> " runs.
    """
    if mail.gold_start is None or mail.text[: mail.gold_start].strip():
        return False
    ann_end = next(
        d["end"]
        for d in mail.denotations
        if d["type"] == "Header" and d["start"] == mail.gold_start
    )
    after = [line for line in _lines(mail.text[ann_end:]) if line.strip()]
    return bool(after) and after[0].lstrip().startswith(">") and not after[-1].startswith(">")


def gold_end(mail: Email) -> int:
    """Number of original lines up to the last line of gold new text."""
    lines = _lines(mail.text)
    if mail.gold_start is None or bottom_posted(mail):
        return _trim_end(lines, len(lines))
    head = _lines(mail.text[: mail.gold_start])
    # A Header starting mid-line leaves that line's beginning in the new text.
    end = len(head) if head[-1].strip() else len(head) - 1
    return _trim_end(lines, end)


def predicted_end(mail: Email, new_text: str) -> int:
    """Original line number after the last line of `new_text` (its lines matched in order)."""
    lines = _lines(mail.text)
    want = [line for line in _lines(new_text) if line.strip()]
    pos = 0
    for line in want:
        while pos < len(lines) and lines[pos] != line:
            pos += 1
        if pos == len(lines):
            raise ValueError(f"{mail.name}: new text line not in the original: {line!r}")
        pos += 1
    return _trim_end(lines, pos)


def _splitter(quotes_file: Path | None) -> Callable[[str], str]:
    if quotes_file is None:
        from ingestor.extractors.quotes import split_new_text
    else:
        spec = importlib.util.spec_from_file_location("quotes_under_test", quotes_file)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up
        spec.loader.exec_module(module)
        split_new_text = module.split_new_text
    return lambda text: split_new_text(text).new_text


def _show(mail: Email, got: int, want: int) -> None:
    lines = _lines(mail.text)
    kind = "TOO LONG" if got > want else "too short"
    print(f"=== {mail.set_name}/{mail.name}: {kind}: new text ends after line {got}, gold {want}")
    shown = sorted({*range(want - 4, want + 6), *range(got - 4, got + 2)})
    last = None
    for k in (k for k in shown if 0 <= k < len(lines)):
        if last is not None and k > last + 1:
            print("  ...")
        mark = ("G" if k == want else " ") + ("P" if k == got else " ")
        print(f"{mark} {k:4d} | {lines[k][:110]}")
        last = k


def score(
    corpora: Path = DEFAULT_CORPORA, quotes_file: Path | None = None, verbose: int = 0
) -> dict[str, dict[str, float]]:
    """Rows "<set> dev" and "<set> held-out": emails, exact, too_long, too_short (shares)."""
    split = _splitter(quotes_file)
    counts: dict[str, dict[str, float]] = {}
    shown = 0
    for mail in emails(corpora):
        got, want = predicted_end(mail, split(mail.text)), gold_end(mail)
        row = counts.setdefault(
            f"{mail.set_name} {'held-out' if mail.held_out else 'dev'}",
            {"emails": 0, "bottom_posted": 0, "exact": 0, "too_long": 0, "too_short": 0},
        )
        row["emails"] += 1
        row["bottom_posted"] += bottom_posted(mail)
        row["exact" if got == want else "too_long" if got > want else "too_short"] += 1
        if got != want and not mail.held_out and shown < verbose:
            shown += 1
            _show(mail, got, want)
    for row in counts.values():
        for key in ("exact", "too_long", "too_short"):
            row[key] /= row["emails"]
    return dict(sorted(counts.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--quotes", type=Path, help="a quotes.py to measure instead")
    parser.add_argument("--verbose", type=int, default=0, metavar="N", help="show N dev errors")
    args = parser.parse_args()
    rows = score(args.corpora, args.quotes, args.verbose)
    print(f"{'set':<16} {'emails':>6} {'bottom':>6} {'exact':>7} {'too long':>9} {'too short':>10}")
    for name, row in rows.items():
        print(
            f"{name:<16} {row['emails']:>6.0f} {row['bottom_posted']:>6.0f} {row['exact']:>7.1%}"
            f" {row['too_long']:>9.1%} {row['too_short']:>10.1%}"
        )


if __name__ == "__main__":
    main()
