"""Hold the line on signature/phone accuracy over the labelled corpus (tests/corpus/signatures).

The floors sit a few points under the figures measured when they were set (see the README);
raise them when the extractor gets better, never lower them to let a change through.
"""

from __future__ import annotations

import pytest

from benchmarks.score_signatures import DEFAULT_CORPUS, score

# field: (precision floor, recall floor)
FLOORS = {
    "signature_lines": (0.96, 0.96),
    "name": (0.96, 0.96),
    "title": (0.95, 0.95),
    "company": (0.95, 0.95),
    "city": (0.96, 0.90),
    "country": (0.96, 0.90),
    "phones": (0.95, 0.95),
    "phone_numbers": (0.95, 0.95),
    "emails": (0.96, 0.96),
    "urls": (0.96, 0.92),
}


@pytest.fixture(scope="module")
def result() -> dict[str, dict[str, float]]:
    return score(DEFAULT_CORPUS, region="DE")


def test_corpus_is_large_and_labelled(result: dict[str, dict[str, float]]) -> None:
    assert result["messages"]["count"] >= 220
    assert result["signature_lines"]["expected"] > 1000
    assert result["phones"]["expected"] > 300


@pytest.mark.parametrize("field", sorted(FLOORS))
def test_accuracy_floor(result: dict[str, dict[str, float]], field: str) -> None:
    precision, recall = FLOORS[field]
    got = result[field]
    assert got["precision"] >= precision, f"{field} precision {got['precision']:.3f}"
    assert got["recall"] >= recall, f"{field} recall {got['recall']:.3f}"
