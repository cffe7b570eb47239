"""Choosing the best display name seen for a person."""

from __future__ import annotations

import re

from anyascii import anyascii
from rapidfuzz import fuzz

_NOT_A_NAME = re.compile(
    r"[@<>\d]|https?:|^(?:info|admin|office|team|support|sales|hr|jobs)$", re.I
)


def plausible_name(name: str | None) -> bool:
    if not name:
        return False
    text = name.strip()
    return 1 < len(text) <= 120 and not _NOT_A_NAME.search(text)


def normalise_name(name: str) -> str:
    """'Doe, John' → 'John Doe'; collapses whitespace; keeps the writer's capitalisation."""
    text = " ".join(name.split())
    if text.count(",") == 1:
        last, first = (part.strip() for part in text.split(","))
        if first and last and " " not in last and len(first.split()) <= 2:
            text = f"{first} {last}"
    return text


def better_name(current: str | None, candidate: str | None) -> bool:
    """Whether an auto-set name should give way to `candidate` (never used on locked names).

    A fuller form of the same name wins ("John" → "John Doe"); a different name does not: a
    display name changing its spelling is a suggestion for a person, not a silent rewrite.
    """
    if not plausible_name(candidate):
        return False
    assert candidate is not None
    if not current:
        return True
    cur_tokens = current.lower().split()
    cand_tokens = candidate.lower().split()
    return len(cand_tokens) > len(cur_tokens) and all(t in cand_tokens for t in cur_tokens)


def different_spelling(current: str, seen: str) -> bool:
    """'Devid Chen' vs 'David Chen': close but not equal. A shorter form ('Priya' for 'Priya
    Shah') or a different person (an assistant signing) is not a spelling correction."""
    a, b = anyascii(current).casefold().split(), anyascii(seen).casefold().split()
    if a == b and current != seen:
        return True  # only accents or capitalisation differ: Jurgen -> Jürgen
    if len(b) < len(a) or set(b) <= set(a):
        return False
    return fuzz.ratio(" ".join(a), " ".join(b)) >= 75
