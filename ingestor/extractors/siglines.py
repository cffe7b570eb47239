"""What one line of a message looks like: a name, a sentence, contact details.

Shared by the signature finder, its field parser and the line model's features. Pure and
cached: the same lines come back with every message of a correspondence.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ingestor.extractors.gazetteer import find_place
from ingestor.extractors.sigwords import COMPANY_SUFFIX, TITLE_WORDS

EMAIL = re.compile(r"(?<![\w.+-])[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
URL = re.compile(
    r"(?:https?://|www\.)[^\s<>()|,;\"'\]]+"
    r"|(?<![@\w.-])(?:[a-z0-9-]+\.)+(?:com|de|ru|fr|es|io|uk|org|net|eu|at|ch|ai|co|рф)"
    r"(?:/[^\s<>()|,;\"'\]]*)?(?![\w@.-])",
    re.IGNORECASE,
)
PHONE_DIGITS = re.compile(r"\d(?:[\s\-().\/]{0,3}\d){6,}")  # 7+ digits: not a postcode
SEGMENT_SPLIT = re.compile(r"\s+[|•·¦/]\s+|\s+[–—-]\s+|\s{3,}|\t")
LETTER_RUN = re.compile(r"[^\W\d_]{2,}")
_NAME_PARTICLES = frozenset(
    ["von", "van", "der", "den", "de", "la", "le", "du", "di", "da", "del", "dos", "y"]
)
_PROSE_WORDS = 9


@lru_cache(maxsize=4096)
def looks_like_name(text: str) -> bool:
    """One to four capitalised words, no digits, titles, companies, places or links."""
    text = text.strip(" ,.")
    if not 2 <= len(text) <= 40 or any(c.isdigit() for c in text) or "@" in text:
        return False
    words = text.split()
    if not 1 <= len(words) <= 4:
        return False
    if not all(w[:1].isupper() for w in words if w.lower() not in _NAME_PARTICLES):
        return False
    if TITLE_WORDS.search(text) or COMPANY_SUFFIX.search(text):
        return False
    return not (URL.search(text) or find_place(text) is not None)


def is_contact(text: str) -> bool:
    """Holds an address, a link or a phone-like run of digits."""
    return bool(EMAIL.search(text) or URL.search(text) or PHONE_DIGITS.search(text))


@lru_cache(maxsize=4096)  # the same lines are asked about by several passes
def is_prose(text: str) -> bool:
    """A sentence rather than a signature line: many words in one segment, or very long.

    Only words with letters count, so "T: +49 89 123 456 78" is not prose, and segments are
    counted apart, so "Name · Title · Company · M: …" is not either.
    """
    if len(text) > 150:
        return True
    return any(len(LETTER_RUN.findall(seg)) >= _PROSE_WORDS for seg in SEGMENT_SPLIT.split(text))


def clear_caches() -> None:
    looks_like_name.cache_clear()
    is_prose.cache_clear()
