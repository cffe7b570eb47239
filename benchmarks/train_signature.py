"""Train the signature-line model that ships in ingestor/extractors/models/.

Usage: python -m benchmarks.train_signature [--out PATH]

Trained only on data whose licence allows shipping the model: mailgun's forge
(tests/corpus/forge, CC BY 3.0) and the project's own corpus (tests/corpus/signatures).
Quagga's sets are GPL-3.0 and are used only to measure (benchmarks/score_real.py).
Training is deterministic: the same data gives the same model file.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.score_signatures import read_eml  # noqa: E402
from ingestor.extractors.htmltext import html_to_text  # noqa: E402
from ingestor.extractors.quotes import split_new_text  # noqa: E402
from ingestor.extractors.sendername import SenderName  # noqa: E402
from ingestor.extractors.sigmodel import MODEL_PATH, OTHER, SIGNATURE, Example, train  # noqa: E402
from ingestor.extractors.signature import rule_signature  # noqa: E402
from ingestor.extractors.sigwords import SIGN_OFF  # noqa: E402

FORGE = ROOT / "tests" / "corpus" / "forge" / "dataset"
OWN = ROOT / "tests" / "corpus" / "signatures"
SIG_MARK = "#sig#"


def _norm(line: str) -> str:
    return " ".join(line.casefold().split())


def example(
    text: str, signature_lines: Iterable[str], sender_name: str | None, sender_email: str | None
) -> Example:
    """A training example from a message's text and its gold signature lines.

    The text goes through the same quote split as in production. A line is labelled
    signature when it is one of the gold lines; a bare sign-off phrase ("Best regards,") is
    never labelled signature, whatever the data set's convention.
    """
    lines = split_new_text(text).new_text.split("\n")
    gold = {_norm(x) for x in signature_lines if x.strip()}
    labels: list[str | None] = []
    for line in lines:
        if not line.strip():
            labels.append(None)
            continue
        match = SIGN_OFF.match(line.strip())
        bare_sign_off = match is not None and not match.group("name")
        labels.append(SIGNATURE if _norm(line) in gold and not bare_sign_off else OTHER)
    rule = rule_signature(lines, SenderName(sender_name, sender_email))
    rule_lines = (
        frozenset(range(rule.start_line, rule.start_line + len(rule.lines)))
        if rule
        else frozenset()
    )
    return Example(lines, labels, sender_name, sender_email, rule_lines)


def forge_example(body: str, sender: str) -> Example:
    """A forge email: `#sig#` marks its signature lines; the sender file holds the From value."""
    from email.utils import parseaddr

    name, address = parseaddr(sender.strip())
    lines = body.replace("\r\n", "\n").split("\n")
    gold = [line[len(SIG_MARK) :] for line in lines if line.startswith(SIG_MARK)]
    text = "\n".join(line.removeprefix(SIG_MARK) for line in lines)
    return example(text, gold, name or None, address or None)


def forge_examples(root: Path = FORGE) -> list[Example]:
    out = []
    for body in sorted(root.glob("*/*_body")):
        sender = body.with_name(body.name.replace("_body", "_sender"))
        out.append(
            forge_example(body.read_text(errors="replace"), sender.read_text(errors="replace"))
        )
    return out


def own_examples(root: Path = OWN) -> list[Example]:
    out = []
    for row in map(json.loads, (root / "labels.jsonl").read_text().splitlines()):
        plain, html, name, address = read_eml(root / row["file"])
        text = plain if plain and plain.strip() else html_to_text(html or "")
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        out.append(example(text, row["signature_lines"], name, address))
    return out


def train_and_predict(train_emails: Sequence[Any], test_emails: Sequence[Any]) -> dict[str, Any]:
    """The cross-validation hook of benchmarks/score_real.py (`--cv-forge
    benchmarks.train_signature:train_and_predict`): a model trained on the own corpus and on
    `train_emails` only, then the project's predictions for `test_emails` with it."""
    from benchmarks import score_real

    examples = own_examples() + [
        example(
            e.text_plain,
            [*e.gold.signature_lines, *e.gold.sign_off_lines],
            e.sender_name,
            e.sender_address,
        )
        for e in train_emails
    ]
    with tempfile.TemporaryDirectory() as tmp:
        model = train(with_rule_dropout(examples), Path(tmp) / "fold.crfsuite")
        return {e.id: score_real.predict_project(e, line_model=model) for e in test_emails}


def with_rule_dropout(examples: list[Example]) -> list[Example]:
    """Each example twice, once without the rules' block: the model must also learn to find
    a signature where the rules found none (where it is used alone)."""
    return examples + [dataclasses.replace(e, rule_lines=frozenset()) for e in examples]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    examples = forge_examples() + own_examples()
    train(with_rule_dropout(examples), args.out)
    print(f"trained on {len(examples)} emails -> {args.out} ({args.out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
