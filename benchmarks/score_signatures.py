"""Score signature and phone extraction against the labelled corpus in tests/corpus/signatures.

Usage: python benchmarks/score_signatures.py [CORPUS_DIR] [--region CC] [--verbose]

Prints precision and recall for signature lines and for each field. `score()` is importable
(the accuracy test holds a floor on its figures).
"""

from __future__ import annotations

import argparse
import email
import email.policy
import json
import re
import sys
from collections import Counter
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingestor.extractors.profile import ProfileFindings, extract_profile  # noqa: E402

DEFAULT_CORPUS = Path(__file__).resolve().parents[1] / "tests" / "corpus" / "signatures"
SINGLE_FIELDS = ("name", "title", "company", "city", "country")
SET_FIELDS = ("phones", "phone_numbers", "emails", "urls")


def read_eml(path: Path) -> tuple[str | None, str | None, str | None, str | None]:
    """(text/plain, text/html, sender name, sender address) of one .eml file."""
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    name, addr = parseaddr(str(msg.get("From", "")))
    plain = msg.get_body(preferencelist=("plain",))
    html = msg.get_body(preferencelist=("html",))
    text_plain = plain.get_content() if isinstance(plain, EmailMessage) else None
    text_html = html.get_content() if isinstance(html, EmailMessage) else None
    return text_plain, text_html, name or None, addr or None


def _norm(value: str | None) -> str:
    return " ".join((value or "").casefold().split()).strip(" ,.;:")


def _norm_url(url: str) -> str:
    url = re.sub(r"^https?://", "", url.strip().lower())
    return url.removeprefix("www.").rstrip("/")


def _predicted(findings: ProfileFindings) -> dict[str, Any]:
    sig = findings.signature
    fields = sig.fields if sig else None
    loc = fields.location if fields else None
    return {
        "signature_lines": [_norm(x) for x in (sig.block.lines if sig else []) if x.strip()],
        "name": fields.name if fields else None,
        "title": fields.title if fields else None,
        "company": fields.company if fields else None,
        "city": loc.city if loc else None,
        "country": loc.country if loc else None,
        "phones": {(p.number, p.type) for p in findings.phones},
        "phone_numbers": {p.number for p in findings.phones},
        "emails": {e.lower() for e in fields.emails} if fields else set(),
        "urls": {_norm_url(u) for u in fields.urls} if fields else set(),
    }


def _expected(label: dict[str, Any]) -> dict[str, Any]:
    return {
        "signature_lines": [_norm(x) for x in label["signature_lines"] if x.strip()],
        **{f: label.get(f) for f in SINGLE_FIELDS},
        "phones": {(p["number"], p["type"]) for p in label["phones"]},
        "phone_numbers": {p["number"] for p in label["phones"]},
        "emails": {e.lower() for e in label["emails"]},
        "urls": {_norm_url(u) for u in label["urls"]},
    }


def score(
    corpus_dir: str | Path = DEFAULT_CORPUS,
    *,
    region: str = "DE",
    verbose: bool = False,
    only: str | None = None,
) -> dict[str, dict[str, float]]:
    """Precision and recall per field over the corpus, with the counts behind them.

    `only` keeps the messages whose scenario contains it (e.g. "handwritten", "reply").
    """
    corpus = Path(corpus_dir)
    labels = [json.loads(line) for line in (corpus / "labels.jsonl").read_text().splitlines()]
    labels = [lb for lb in labels if only is None or only in lb["scenario"]]
    counts: dict[str, Counter[str]] = {}
    for label in labels:
        plain, html, name, addr = read_eml(corpus / label["file"])
        got = _predicted(extract_profile(plain, html, name, addr, region))
        want = _expected(label)
        for key in ("signature_lines", *SINGLE_FIELDS, *SET_FIELDS):
            c = counts.setdefault(key, Counter())
            g, w = got[key], want[key]
            if key == "signature_lines":
                tp = sum((Counter(g) & Counter(w)).values())
                c.update(tp=tp, predicted=len(g), expected=len(w))
            elif key in SINGLE_FIELDS:
                hit = g is not None and w is not None and _norm(g) == _norm(w)
                c.update(tp=int(hit), predicted=int(g is not None), expected=int(w is not None))
            else:
                c.update(tp=len(g & w), predicted=len(g), expected=len(w))
            if verbose and g != w and (key != "signature_lines" or Counter(g) != Counter(w)):
                if key in SINGLE_FIELDS and not (g or w):
                    continue
                print(f"{label['file']}: {key}: got {g!r} want {w!r}")
    out: dict[str, dict[str, float]] = {}
    for key, c in counts.items():
        out[key] = {
            "precision": c["tp"] / c["predicted"] if c["predicted"] else 1.0,
            "recall": c["tp"] / c["expected"] if c["expected"] else 1.0,
            "tp": c["tp"],
            "predicted": c["predicted"],
            "expected": c["expected"],
        }
    out["messages"] = {"precision": 1.0, "recall": 1.0, "count": len(labels)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS))
    parser.add_argument("--region", default="DE", help="default phone region (ISO 3166)")
    parser.add_argument("--verbose", action="store_true", help="print every mismatch")
    parser.add_argument("--only", help="score only scenarios containing this (e.g. handwritten)")
    args = parser.parse_args()
    result = score(args.corpus, region=args.region, verbose=args.verbose, only=args.only)
    print(f"{result['messages']['count']:.0f} messages, default region {args.region}")
    print(f"{'field':<16}{'precision':>10}{'recall':>8}{'tp':>6}{'pred':>6}{'gold':>6}")
    for key, r in result.items():
        if key == "messages":
            continue
        print(f"{key:<16}{r['precision']:>10.3f}{r['recall']:>8.3f}"
              f"{r['tp']:>6.0f}{r['predicted']:>6.0f}{r['expected']:>6.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
