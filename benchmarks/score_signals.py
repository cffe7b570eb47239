"""Score read_signals against the labelled signals corpus (tests/corpus/signals/labels.jsonl).

Usage: python benchmarks/score_signals.py [--markdown] [--verbose] [--json]

Per signal (out_of_office, left_company, intent:<kind>, bounce, phone_call): precision and
recall of the signal's kind, on the dev part and the held-out part (files whose crc32 % 5 == 0;
`--verbose` lists dev errors only). A message labelled with no signal that gets one is a false
positive of that signal. Then, on the messages where the kind is right: the due-date error in
days of out-of-office and not_now replies (share exact), bounce hard/soft accuracy and the
precision of "hard" (a hard bounce marks an address bounced), the failed address, and the
caller's number of phone calls.
"""

from __future__ import annotations

import argparse
import json
import sys
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingestor.extractors.message import parse_message  # noqa: E402
from ingestor.extractors.signals import (  # noqa: E402
    Bounce,
    LeftCompany,
    OutOfOffice,
    PhoneCall,
    ReplyIntent,
    Signal,
    read_signals,
)

CORPUS = ROOT / "tests" / "corpus" / "signals"
REGION = "US"
SIGNALS = (
    "out_of_office",
    "left_company",
    "intent:not_now",
    "intent:not_interested",
    "intent:referral",
    "intent:unsubscribe",
    "bounce",
    "phone_call",
)
PARTS = ("dev", "heldout")


def part_of(file: str) -> str:
    return "heldout" if zlib.crc32(file.encode()) % 5 == 0 else "dev"


def kind_of(signal: Signal | None) -> str | None:
    if signal is None:
        return None
    if isinstance(signal, ReplyIntent):
        return f"intent:{signal.kind}"
    return {
        OutOfOffice: "out_of_office",
        LeftCompany: "left_company",
        Bounce: "bounce",
        PhoneCall: "phone_call",
    }[type(signal)]


@dataclass
class PartScore:
    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)
    ooo_due_errors: list[int] = field(default_factory=list)
    not_now_due_errors: list[int] = field(default_factory=list)
    bounce_hard_right: int = 0
    bounce_pred_hard: int = 0
    bounce_pred_hard_right: int = 0
    bounce_address_right: int = 0
    phone_number_right: int = 0
    phone_system_right: int = 0
    messages: int = 0
    errors: list[str] = field(default_factory=list)

    def precision(self, s: str) -> float | None:
        n = self.tp[s] + self.fp[s]
        return self.tp[s] / n if n else None

    def recall(self, s: str) -> float | None:
        n = self.tp[s] + self.fn[s]
        return self.tp[s] / n if n else None


def load_labels(corpus: Path = CORPUS) -> list[dict[str, Any]]:
    with (corpus / "labels.jsonl").open() as f:
        return [json.loads(line) for line in f if line.strip()]


def predict(path: Path) -> Signal | None:
    raw = path.read_bytes()
    parsed = parse_message(raw)
    sent_at = parsed.date or datetime(2000, 1, 1, tzinfo=UTC)
    return read_signals(parsed, None, sent_at, REGION, raw=raw)


def score(corpus: Path = CORPUS) -> dict[str, PartScore]:
    parts = {p: PartScore() for p in PARTS}
    for label in load_labels(corpus):
        part = parts[part_of(label["file"])]
        part.messages += 1
        got = predict(corpus / label["file"])
        want, have = label["signal"], kind_of(got)
        if want == have:
            if want is not None:
                part.tp[want] += 1
                _details(part, label, got)
            continue
        if have is not None:
            part.fp[have] += 1
        if want is not None:
            part.fn[want] += 1
        part.errors.append(f"{label['file']}: want {want}, got {have} {_brief(got)}")
    return parts


def _details(part: PartScore, label: dict[str, Any], got: Signal | None) -> None:
    if isinstance(got, OutOfOffice):
        err = (got.due - date.fromisoformat(label["due"])).days
        part.ooo_due_errors.append(err)
        if err:
            part.errors.append(
                f"{label['file']}: due {got.due} (return {got.return_date}), want {label['due']}"
            )
    elif isinstance(got, ReplyIntent) and got.kind == "not_now" and label.get("due"):
        err = (got.due - date.fromisoformat(label["due"])).days if got.due else 9999
        part.not_now_due_errors.append(err)
        if err:
            part.errors.append(f"{label['file']}: not_now due {got.due}, want {label['due']}")
    elif isinstance(got, Bounce):
        part.bounce_hard_right += got.hard == label["hard"]
        if got.hard:
            part.bounce_pred_hard += 1
            part.bounce_pred_hard_right += bool(label["hard"])
        part.bounce_address_right += got.address == label["address"]
        if got.hard != label["hard"] or got.address != label["address"]:
            part.errors.append(
                f"{label['file']}: bounce hard={got.hard} {got.address} {got.status}, "
                f"want hard={label['hard']} {label['address']} {label.get('status')}"
            )
    elif isinstance(got, PhoneCall):
        part.phone_number_right += got.number_e164 == label["number"]
        part.phone_system_right += got.system == label["system"]
        if (
            got.number_e164 != label["number"]
            or got.system != label["system"]
            or got.status != label["status"]
        ):
            part.errors.append(f"{label['file']}: call {got}, want {label}")


def _brief(got: Signal | None) -> str:
    return "" if got is None else f"({getattr(got, 'evidence', '')[:80]!r})"


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def _share_exact(errors: list[int]) -> float | None:
    return sum(1 for e in errors if e == 0) / len(errors) if errors else None


def summary(parts: dict[str, PartScore]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, p in parts.items():
        tp_b = p.tp["bounce"]
        tp_c = p.tp["phone_call"]
        out[name] = {
            "messages": p.messages,
            "signals": {
                s: {
                    "precision": p.precision(s),
                    "recall": p.recall(s),
                    "support": p.tp[s] + p.fn[s],
                }
                for s in SIGNALS
            },
            "ooo_due_exact": _share_exact(p.ooo_due_errors),
            "ooo_due_mean_abs_error_days": (
                sum(abs(e) for e in p.ooo_due_errors) / len(p.ooo_due_errors)
                if p.ooo_due_errors
                else None
            ),
            "not_now_due_exact": _share_exact(p.not_now_due_errors),
            "bounce_hard_accuracy": p.bounce_hard_right / tp_b if tp_b else None,
            "bounce_hard_precision": p.bounce_pred_hard_right / p.bounce_pred_hard
            if p.bounce_pred_hard
            else None,
            "bounce_address_accuracy": p.bounce_address_right / tp_b if tp_b else None,
            "phone_number_accuracy": p.phone_number_right / tp_c if tp_c else None,
            "phone_system_accuracy": p.phone_system_right / tp_c if tp_c else None,
        }
    return out


def render(parts: dict[str, PartScore], markdown: bool) -> str:
    s = summary(parts)
    rows = [("signal", *(f"{p} P / R (n)" for p in PARTS))]
    for sig in SIGNALS:
        cells = []
        for p in PARTS:
            m = s[p]["signals"][sig]
            cells.append(f"{_fmt(m['precision'])} / {_fmt(m['recall'])} ({m['support']})")
        rows.append((sig, *cells))
    for key, label in (
        ("ooo_due_exact", "out-of-office due date exact"),
        ("ooo_due_mean_abs_error_days", "out-of-office due error, mean days"),
        ("not_now_due_exact", "not_now due date exact"),
        ("bounce_hard_accuracy", "bounce hard/soft accuracy"),
        ("bounce_hard_precision", "bounce 'hard' precision"),
        ("bounce_address_accuracy", "bounce address exact"),
        ("phone_number_accuracy", "caller number exact (E.164)"),
        ("phone_system_accuracy", "phone system named right"),
    ):
        rows.append((label, *(_fmt(s[p][key]) for p in PARTS)))
    rows.append(("messages", *(str(s[p]["messages"]) for p in PARTS)))
    if markdown:
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
        lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
        return "\n".join(lines)
    width = max(len(r[0]) for r in rows)
    return "\n".join(f"{r[0]:<{width}}  " + "  ".join(f"{c:<22}" for c in r[1:]) for r in rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--markdown", action="store_true", help="a README table")
    ap.add_argument("--json", action="store_true", help="the figures as JSON")
    ap.add_argument("--verbose", action="store_true", help="list the dev part's errors")
    args = ap.parse_args(argv)
    parts = score()
    if args.json:
        print(json.dumps(summary(parts), indent=2))
    else:
        print(render(parts, args.markdown))
    if args.verbose:
        print("\n".join(parts["dev"].errors))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
