"""Score CV and business-card reading against tests/corpus/cvs and tests/corpus/cards.

Usage: python benchmarks/score_cvs.py [--no-ocr] [--verbose]

Each file goes the daemon's way: the document reader's worker process (OCR included, when
tesseract is installed), then the pure field extractor. Prints precision and recall per field,
for the dev files and for the held-out third apart. `score()` is importable (the accuracy test
holds floors on its figures).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from anyascii import anyascii  # noqa: E402

from ingestor.docreader import DocumentOptions, reader  # noqa: E402
from ingestor.extractors.attachments import Attachment  # noqa: E402
from ingestor.extractors.cvfields import CvFields  # noqa: E402
from ingestor.extractors.documents import document_findings  # noqa: E402
from ingestor.extractors.gazetteer import find_place  # noqa: E402
from ingestor.extractors.recruiting import REFERENCE_DATE_DEFAULT  # noqa: E402

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "corpus"
CV_FIELDS = ("name", "emails", "phones", "city", "country", "title", "company", "linkedin",
             "salary", "notice", "languages")  # fmt: skip
CARD_FIELDS = ("name", "emails", "phones", "city", "country", "title", "company")
SETS = ("emails", "phones", "languages")


def _fold(s: str | None) -> str | None:
    return " ".join(anyascii(s).casefold().split()) if s else None


def _city(s: str | None) -> str | None:
    if not s:
        return None
    place = find_place(s)
    return _fold(place.city if place and place.city else s)


def predicted(f: CvFields | None) -> dict[str, Any]:
    if f is None:
        return {}
    s = f.facts.salary
    notice = f.facts.notice_period or (
        f.facts.available_from.isoformat() if f.facts.available_from else None
    )
    return {
        "name": frozenset(_fold(f.name).split()) if f.name else None,  # type: ignore[union-attr]
        "emails": {e.lower() for e in f.emails},
        "phones": {p.number for p in f.phones},
        "city": _city(f.city),
        "country": f.country,
        "title": _fold(f.title),
        "company": _fold(f.company),
        "linkedin": f.linkedin.rstrip("/").lower() if f.linkedin else None,
        "salary": (s.amount, s.currency, s.period, s.basis) if s else None,
        "notice": notice,
        "languages": set(f.languages),
    }


def expected(label: dict[str, Any]) -> dict[str, Any]:
    s = label.get("salary")
    return {
        "name": frozenset(_fold(label["name"]).split()),  # type: ignore[union-attr]
        "emails": set(label.get("emails") or []),
        "phones": set(label.get("phones") or []),
        "city": _city(label.get("city")),
        "country": label.get("country"),
        "title": _fold(label.get("title")),
        "company": _fold(label.get("company")),
        "linkedin": (label.get("linkedin") or "").lower() or None,
        "salary": (s["amount"], s["currency"], s["period"], s["basis"]) if s else None,
        "notice": label.get("notice_period") or label.get("available_from"),
        "languages": set(label.get("languages") or []),
    }


def read(path: Path, ocr: bool) -> CvFields | None:
    data = path.read_bytes()
    attachment = Attachment(path.name, "application/octet-stream", len(data), data)
    got = reader().read(attachment, DocumentOptions(ocr=ocr))
    found = document_findings(attachment, got.text, got.error, "US", REFERENCE_DATE_DEFAULT)
    return found.person


def score(
    kind: str = "cvs", ocr: bool = True, verbose: bool = False, show: tuple[str, ...] = ("dev",)
) -> dict[str, dict[str, dict[str, float]]]:
    """{"dev"|"held_out"|"unseen": {field: {"precision", "recall", "tp", "fp", "fn"}}}.

    "unseen" is the hand-written set (benchmarks/cv_unseen.py), in wordings the generator
    never uses; cards have none."""
    labels = json.loads((CORPUS / kind / "labels.json").read_text())
    fields = CV_FIELDS if kind == "cvs" else CARD_FIELDS
    counts = {part: Counter[str]() for part in ("dev", "held_out", "unseen", "unseen2")}
    for name, label in sorted(labels.items()):
        part = label.get("set") or ("held_out" if label["held_out"] else "dev")
        if not ocr and (label.get("layout") == "scan" or label.get("kind") == "photo"):
            continue
        got, want = predicted(read(CORPUS / kind / name, ocr)), expected(label)
        c = counts[part]
        for f in fields:
            g, w = got.get(f), want.get(f)
            if f in SETS:
                g, w = g or set(), w or set()
                c[f + ":tp"] += len(g & w)
                c[f + ":fp"] += len(g - w)
                c[f + ":fn"] += len(w - g)
                wrong = g != w
            else:
                wrong = g != w
                if g and not wrong:
                    c[f + ":tp"] += 1
                elif g:
                    c[f + ":fp"] += 1
                if w and wrong:
                    c[f + ":fn"] += 1
            if verbose and wrong and (g or w) and part in show:  # held-out stays unseen
                print(f"{name} {f}: got {g!r} want {w!r}")
    out: dict[str, dict[str, dict[str, float]]] = {}
    for part, c in counts.items():
        out[part] = {}
        for f in fields:
            tp, fp, fn = c[f + ":tp"], c[f + ":fp"], c[f + ":fn"]
            out[part][f] = {
                "precision": round(tp / (tp + fp), 3) if tp + fp else 1.0,
                "recall": round(tp / (tp + fn), 3) if tp + fn else 1.0,
                "tp": tp, "fp": fp, "fn": fn,
            }  # fmt: skip
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-ocr", action="store_true")
    parser.add_argument("--verbose", action="store_true", help="list the dev set's misses")
    parser.add_argument(
        "--show", default="dev", help="with --verbose: parts to list, e.g. dev,unseen"
    )
    args = parser.parse_args()
    for kind in ("cvs", "cards"):
        result = score(
            kind, ocr=not args.no_ocr, verbose=args.verbose, show=tuple(args.show.split(","))
        )
        for part, fields in result.items():
            if kind == "cards" and part.startswith("unseen"):
                continue
            print(f"\n{kind} / {part}")
            print(f"{'field':<11} {'precision':>9} {'recall':>7}   tp  fp  fn")
            for f, m in fields.items():
                print(f"{f:<11} {m['precision']:>9.3f} {m['recall']:>7.3f} "
                      f"{m['tp']:>4} {m['fp']:>3} {m['fn']:>3}")  # fmt: skip


if __name__ == "__main__":
    main()
