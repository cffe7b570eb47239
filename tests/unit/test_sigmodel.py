"""The shipped signature-line model: small, reproducible from its training command, and sane."""

from __future__ import annotations

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
