"""Fuzzy matching of people's names: typos, transliteration and spelling variants.

Recruiters type names the way they heard them. "Ivnov" should find "Иванов", "Juergen Mueller"
should find "Jürgen Müller", and "Sergey Ivanov" is the same person as "Сергей Иванов". Every
string is first *folded*: transliterated to ASCII (anyascii), lower-cased, and reduced by a few
spelling equivalences that transliteration schemes disagree on (ü→ue→u, y→i, kh→h, ...). Folded
keys are what search (resolve.namekeys, store.search) and duplicate detection compare.

Pure functions only.
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

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
