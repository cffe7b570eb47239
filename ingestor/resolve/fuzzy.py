"""Fuzzy matching of people's names: typos, transliteration and spelling variants.

Recruiters type names the way they heard them. "Ivnov" should find "Иванов", "Juergen Mueller"
should find "Jürgen Müller", and "Sergey Ivanov" is the same person as "Сергей Иванов". Every
string is first *folded*: transliterated to ASCII (anyascii), lower-cased, and reduced by a few
spelling equivalences that transliteration schemes disagree on (ü→ue→u, y→i, kh→h, ...). Folded
tokens are then compared with rapidfuzz, so what remains (typos) costs a few points of score.

Pure functions only: the callers load candidates and decide what to do with the scores.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from anyascii import anyascii
from rapidfuzz import fuzz

# German umlauts written out, and variants that Russian transliteration schemes disagree on.
# Applied to both sides of a comparison, so they only have to be consistent, not linguistic.
_EQUIVALENCES = (
    ("sch", "sh"),
    ("shch", "sh"),
    ("ue", "u"),
    ("oe", "o"),
    ("ae", "a"),
    ("kh", "h"),
    ("ph", "f"),
    ("ck", "k"),
    ("ts", "c"),
    ("tz", "c"),
    ("y", "i"),
    ("j", "i"),
    ("w", "v"),
)
_DOUBLE = re.compile(r"([a-z])\1+")
_NOT_WORD = re.compile(r"[^a-z0-9@.]+")
MATCH_THRESHOLD = 82.0


def fold(text: str) -> str:
    """A spelling-tolerant ASCII key: 'Jürgen Müller' and 'Juergen Mueller' fold alike."""
    ascii_text = anyascii(unicodedata.normalize("NFKC", text)).lower()
    ascii_text = _NOT_WORD.sub(" ", ascii_text)
    for old, new in _EQUIVALENCES:
        ascii_text = ascii_text.replace(old, new)
    return " ".join(_DOUBLE.sub(r"\1", ascii_text).split())


def name_key(name: str | None) -> str | None:
    """The key two spellings of one person share, word order ignored; None if too weak.

    A single word ("Maria") is too common to call two contacts the same person.
    """
    if not name:
        return None
    tokens = sorted(t for t in fold(name).replace("@", " ").replace(".", " ").split() if t)
    if len(tokens) < 2:
        return None
    return " ".join(tokens)


def _token_score(query_token: str, tokens: Sequence[str]) -> float:
    best = 0.0
    for token in tokens:
        if token == query_token:
            return 100.0
        if len(query_token) >= 2 and token.startswith(query_token):
            # Typing the start of a name is a match, a little below an exact one.
            best = max(best, 95.0 if len(query_token) >= 3 else 85.0)
            continue
        best = max(best, fuzz.ratio(query_token, token))
    return best


def score(query: str, fields: Iterable[str | None]) -> float:
    """How well a query matches a contact's fields (name, emails, company), 0-100.

    Every word of the query must match some word of the fields: the score is the weakest
    word's best match, so "ivan petrov" does not match every Ivan.
    """
    query_tokens = fold(query).replace("@", " ").split()
    if not query_tokens:
        return 0.0
    tokens: list[str] = []
    for value in fields:
        if value:
            tokens.extend(fold(value).replace("@", " ").replace(".", " ").split())
    if not tokens:
        return 0.0
    return min(_token_score(q, tokens) for q in query_tokens)


@dataclass(frozen=True)
class Candidate:
    """Something to search: an id and the strings that describe it."""

    id: int
    fields: tuple[str | None, ...]


def search(
    query: str, candidates: Iterable[Candidate], threshold: float = MATCH_THRESHOLD
) -> list[tuple[int, float]]:
    """Ids whose fields match the query at or above the threshold, best first."""
    raw = query.strip().lower()
    hits: list[tuple[int, float]] = []
    for c in candidates:
        s = score(query, c.fields)
        if raw and "@" in raw and any(raw in (f or "").lower() for f in c.fields):
            s = 100.0  # a (part of an) address typed exactly
        if s >= threshold:
            hits.append((c.id, s))
    hits.sort(key=lambda h: (-h[1], h[0]))
    return hits


def duplicate_groups(names: Iterable[tuple[int, str | None]]) -> list[list[int]]:
    """Groups of ids whose names share a key (same name, any script or order), lowest id first."""
    groups: dict[str, list[int]] = {}
    for cid, name in names:
        key = name_key(name)
        if key is not None:
            groups.setdefault(key, []).append(cid)
    return [sorted(ids) for ids in groups.values() if len(ids) > 1]
