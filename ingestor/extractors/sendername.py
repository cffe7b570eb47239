"""Decide whether a name written in a signature is the sender's own.

The evidence is the From display name and the local parts of the sender's and the signature's
addresses. Comparison survives scripts and spellings: "Иван Петров" ↔ ivan.petrov@,
"Müller" ↔ mueller@, "Юлия" ↔ julia@ — anyascii transliterates, a few folding rules even out
the usual romanisation variants, rapidfuzz absorbs the rest, and nameparser drops honorifics
and suffixes ("Dr.", "PhD") before comparing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from anyascii import anyascii
from nameparser import HumanName
from rapidfuzz import fuzz

from ingestor.extractors.memo import cached_when_small

# Romanisation variants folded to one spelling: ks/x, kh/h, yu/ju/u, ya/ja/a, iy/yi/ii/y/j/i,
# and German umlauts written out (ae, oe, ue).
_FOLDS = (
    ("ae", "a"), ("oe", "o"), ("ue", "u"), ("ks", "x"), ("kh", "h"), ("yu", "u"), ("ju", "u"),
    ("ya", "a"), ("ja", "a"), ("iy", "i"), ("yi", "i"), ("ii", "i"), ("y", "i"), ("j", "i"),
)  # fmt: skip
_LETTER_RUN = re.compile(r"[^\W\d_]{2,}")
_PLAIN_NAME_WORD = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")
_LOCAL_SPLIT = re.compile(r"[._+\-\d]+")
_NOT_ASCII_LETTER = re.compile(r"[^a-z]")
_SIMILAR = 80  # rapidfuzz ratio from which two name parts are the same name


class SenderName:
    """The sender's name parts, from the display name and addresses, for fuzzy comparison."""

    def __init__(self, name: str | None, email: str | None, more: Iterable[str] = ()) -> None:
        words = _LETTER_RUN.findall(name or "")
        locals_ = [e.split("@")[0].lower() for e in (email or "", *more)]
        for local in locals_:
            words += _LOCAL_SPLIT.split(local)
        self.tokens = {fold(w) for w in words if len(w) > 1}
        # "ipetrov", "annaschmidt": parts glued together are matched as substrings.
        self.local = " ".join(fold(_NOT_ASCII_LETTER.sub("", local)) for local in locals_)

    def score(self, candidate: str) -> float:
        """Share of the candidate's name parts that match the sender's (0..1)."""
        words = [fold(w) for p in name_parts(candidate) for w in _LETTER_RUN.findall(p)]
        if not words or not self.tokens:
            return 0.0
        hits = sum(
            1
            for w in words
            if any(fuzz.ratio(w, t) >= _SIMILAR for t in self.tokens)
            or (len(w) > 3 and w in self.local)
        )
        return hits / len(words)


@cached_when_small(maxsize=8192, limit=80, size=len)
def name_parts(candidate: str) -> list[str]:
    """First, middle and last name, without honorifics ("Dr.") or suffixes ("PhD").

    nameparser costs a fraction of a millisecond per name, so plain "First Last" names, which
    are most of them, skip it.
    """
    words = candidate.split()
    if all(_PLAIN_NAME_WORD.fullmatch(w) for w in words) and len(words) <= 3:
        return words
    human = HumanName(candidate)
    return [human.first, human.middle, human.last] if human.first else [candidate]


# Names recur with every message of a correspondence; long "words" are hostile and not kept.
@cached_when_small(maxsize=16384, limit=64, size=len)
def fold(word: str) -> str:
    """ASCII, lower case, romanisation variants folded: "Юлия" → "ulia", "Julia" → "ulia"."""
    text = anyascii(word).lower().replace("'", "")
    for a, b in _FOLDS:
        text = text.replace(a, b)
    return text
