"""The shipped signature-line model: small, reproducible from its training command, and sane."""

from __future__ import annotations

import threading
from pathlib import Path

from benchmarks.train_signature import forge_examples, own_examples, with_rule_dropout
from ingestor.extractors.sendername import SenderName
from ingestor.extractors.sigmodel import MODEL_PATH, shipped_model, train


def test_the_shipped_model_is_what_training_gives(tmp_path: Path) -> None:
    # Retrain with `make model` after changing features, rules or training data.
    out = tmp_path / "model.crfsuite"
    train(with_rule_dropout(forge_examples() + own_examples()), out)
    assert out.read_bytes() == MODEL_PATH.read_bytes()
    assert MODEL_PATH.stat().st_size <= 5_000_000


def test_signature_lines_score_high_and_prose_low() -> None:
    model = shipped_model()
    assert model is not None
    lines = [
        "Hi Anna,",
        "",
        "thanks for sending the role over, I would be glad to talk about it next week.",
        "",
        "Best regards,",
        "Jonas Fischer",
        "Senior Engineer, Rheinsoft GmbH",
        "Tel: +49 221 9347802",
        "jonas.fischer@rheinsoft.de",
    ]
    probabilities = dict(model.signature_probabilities(lines, SenderName("Jonas Fischer", None)))
    assert all(probabilities[i] > 0.5 for i in (5, 6, 7, 8))
    assert probabilities[2] < 0.2


def test_threads_each_get_their_own_tagger() -> None:
    # The daemon syncs sources in threads; one shared tagger would mix their sequences.
    model = shipped_model()
    assert model is not None
    short = ["Thanks,", "Anna Keller", "Senior Recruiter | TalentBridge", "+49 30 5550 1234"]
    long = ["Hi,", "", "see the attached role description and tell me what you think.", *short]
    want = {
        tuple(lines): model.signature_probabilities(lines, SenderName("Anna Keller", None))
        for lines in (short, long)
    }
    errors: list[str] = []

    def work(lines: list[str]) -> None:
        for _ in range(300):
            got = model.signature_probabilities(lines, SenderName("Anna Keller", None))
            if got != want[tuple(lines)]:
                errors.append(f"{lines[0]}: {got}")
                return

    threads = [threading.Thread(target=work, args=(x,)) for x in (short, long, short, long)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
