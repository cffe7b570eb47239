"""Search and duplicate keys of a contact, and how a query is read and scored: pure functions.

The store keeps, per live contact, one *search document* of folded words (names, given-name
variants, companies, titles, cities, email parts), the contact's email addresses and the
digits of its phones, plus *duplicate terms* (strings two records of one person share), and a
*vocabulary*: every word of names, companies, titles and cities it holds.

A query word is first *expanded* against the vocabulary (itself, its given-name forms, words it
begins, words within one typo or above the match threshold): that is where typos are forgiven,
over tens of thousands of distinct words instead of every contact. The database's trigram index
then finds the documents holding an expansion of every query word, and `score` reranks them.

Folding is `resolve.fuzzy.fold` (anyascii transliteration, lower case, spelling equivalences)
plus x → ks, so "Alexander" and "Aleksandr" differ only by their last vowel and the variant
table (`resolve.namevariants`) joins them to one canonical form.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from ingestor.resolve.fuzzy import fold
from ingestor.resolve.namevariants import DIMINUTIVES, GIVEN_NAME_GROUPS

MATCH_THRESHOLD = 80.0
LOOSE_RATIO = 75.0  # "pal" (Pael folded) against "pavel": counts, at the threshold
SHORT_MARK = "="
VARIANT_MARK = "^"
MARKS = (SHORT_MARK, VARIANT_MARK)
MAX_TERM = 400  # the duplicate-term column's width
MAX_WORD = 200  # the vocabulary column's width
EXPANSIONS = 24  # vocabulary words a query word may stand for
_SPLIT = re.compile(r"[\s.@_+\-]+")
_PHONE_QUERY = re.compile(r"[\d\s()+\-./]+")
_NOT_DIGIT = re.compile(r"\D")
_FREEMAIL_DOTLESS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


@lru_cache(maxsize=16384)
def fold_text(text: str) -> str:
    """The folded form of any text: 'Alexander Müller' → 'aleksander muler'."""
    return fold(text).replace("x", "ks")


def words(text: str | None) -> list[str]:
    """Folded words of a value, split at spaces and at email punctuation.

    Each piece is folded on its own and cached: given names, surnames, companies and cities
    repeat across contacts, whole names mostly do not.
    """
    if not text:
        return []
    return [w for piece in _SPLIT.split(text) if piece for w in _piece_words(piece)]


@lru_cache(maxsize=16384)
def _piece_words(piece: str) -> tuple[str, ...]:
    return tuple(w for w in _SPLIT.split(fold_text(piece)) if w)


@lru_cache(maxsize=16384)
def _strict_piece(piece: str) -> tuple[str, ...]:
    return tuple(fold(piece).replace("@", " ").replace(".", " ").split())


def strict_name_key(name: str | None) -> str | None:
    """`resolve.fuzzy.name_key` (today's duplicate key: two words or more, any order), folded
    word by word so that the words' folds are cached."""
    if not name:
        return None
    tokens = sorted(t for piece in name.split() for t in _strict_piece(piece))
    return " ".join(tokens) if len(tokens) >= 2 else None


def _build_canonicals() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    full: dict[str, tuple[str, ...]] = {}
    for group in GIVEN_NAME_GROUPS:
        canonical = fold_text(group[0])
        for spelling in group:
            key = fold_text(spelling)
            if key in full and full[key] != (canonical,):
                raise ValueError(f"namevariants: {spelling!r} is in two groups")
            full[key] = (canonical,)
    short: dict[str, tuple[str, ...]] = {}
    for spelling, names in DIMINUTIVES.items():
        targets: list[str] = []
        for name in names:
            if fold_text(name) not in full:
                raise ValueError(f"namevariants: diminutive {spelling!r} names unknown {name!r}")
            targets.extend(full[fold_text(name)])
        short[fold_text(spelling)] = tuple(dict.fromkeys(targets))
    return full, short


_FULL, _SHORT = _build_canonicals()


def canonical_names(word: str) -> tuple[str, ...]:
    """The canonical given names a folded word stands for: full variants and diminutives."""
    return _FULL.get(word, ()) + _SHORT.get(word, ())


def _doc_canonicals(word: str) -> list[str]:
    """What a name's word adds to the document: `^canonical` for a variant, `=canonical` for a
    diminutive, so that "Aleksandr" ranks Aleksandr above Alexander, and both above Alex."""
    return [
        *(VARIANT_MARK + c for c in _FULL.get(word, ()) if c != word),
        *(SHORT_MARK + c for c in _SHORT.get(word, ())),
    ]


def phone_digits(number: str) -> str:
    """The digits of an E.164 number: '+14155550199' → '14155550199'."""
    return _NOT_DIGIT.sub("", number)


def mailbox(address: str) -> str:
    """The mailbox an address delivers to: '+tags' dropped, and Gmail's dots, which it ignores."""
    local, _, domain = address.strip().lower().rpartition("@")
    if not local:
        return address.strip().lower()
    local = local.split("+", 1)[0]
    if domain in _FREEMAIL_DOTLESS:
        local, domain = local.replace(".", ""), _FREEMAIL_DOTLESS[domain]
    return f"{local}@{domain}"


@dataclass(frozen=True)
class ContactKeys:
    """What the store keeps for searching one contact and for spotting its duplicates."""

    doc: str  # folded words, space-separated, with a space at either end
    vocabulary: frozenset[str]  # the words of names, companies, titles, cities (not addresses)
    emails: str  # lower-case addresses, space-separated, with a space at either end
    phones: str  # digits of the E.164 numbers, likewise
    terms: frozenset[str]  # "name:…", "person:…|company", "phone:+…", "mailbox:…"


def _padded(items: Iterable[str]) -> str:
    unique = list(dict.fromkeys(i for i in items if i))
    return f" {' '.join(unique)} " if unique else ""


def name_words(name: str | None) -> list[str]:
    """A name's folded words and its given names' canonical forms."""
    out: list[str] = []
    for w in words(name):
        out.append(w)
        out.extend(_doc_canonicals(w))
    return out


def person_keys(name: str | None, company: str | None) -> set[str]:
    """'name|company' keys, given names replaced by their canonical forms, word order ignored."""
    company_key = " ".join(words(company))
    tokens = words(name)
    if not company_key or not tokens:
        return set()
    options: list[list[str]] = [list(canonical_names(t)) or [t] for t in tokens]
    keys = {""}
    for choice in options:
        keys = {f"{k} {c}".strip() for k in keys for c in choice}
    return {" ".join(sorted(k.split())) + "|" + company_key for k in keys}


def contact_keys(
    name: str | None,
    title: str | None,
    company: str | None,
    location: str | None,
    emails: Sequence[str],
    phones: Sequence[str],
) -> ContactKeys:
    described = name_words(name) + words(company) + words(title) + words(location)
    doc = list(described)
    for address in emails:
        doc.extend(w for w in words(address) if not w.isdigit())
    terms = {f"phone:{p}" for p in phones}
    terms.update(f"mailbox:{mailbox(a)}" for a in emails)
    strict = strict_name_key(name)
    if strict is not None:
        terms.add(f"name:{strict}")
    terms.update(f"person:{k}" for k in person_keys(name, company))
    return ContactKeys(
        doc=_padded(doc),
        vocabulary=frozenset(
            w for w in described if not w.startswith(MARKS) and len(w) <= MAX_WORD
        ),
        emails=_padded(a.strip().lower() for a in emails),
        phones=_padded(phone_digits(p) for p in phones),
        terms=frozenset(t[:MAX_TERM] for t in terms),
    )


# -- queries ------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueryWord:
    text: str
    canonicals: tuple[str, ...]

    @property
    def exact(self) -> tuple[str, ...]:
        """Document words that match this one outright: itself, its given-name forms."""
        names = (self.text, *self.canonicals)
        marked = tuple(m + c for m in MARKS for c in names)
        return tuple(dict.fromkeys((*names, *marked)))


@dataclass(frozen=True)
class Query:
    words: tuple[QueryWord, ...]
    digits: str | None  # the query is a phone number, or the end of one
    address: str | None  # the query holds an '@': matched as a substring of addresses


def parse_query(text: str) -> Query:
    raw = " ".join(text.split())
    digits = None
    if _PHONE_QUERY.fullmatch(raw) and len(phone_digits(raw)) >= 4:
        digits = phone_digits(raw)
    query_words = tuple(QueryWord(w, canonical_names(w)) for w in dict.fromkeys(words(raw)))
    address = raw.lower() if "@" in raw and " " not in raw else None
    return Query(words=query_words, digits=digits, address=address)


def phone_substring(digits: str) -> str:
    """What a stored number must contain: a national '0' or international '00' prefix dropped."""
    stripped = digits.lstrip("0")
    return stripped if len(stripped) >= 4 else digits


def phone_matches(digits: str, stored: str) -> bool:
    """'4155550199', '14155550199', '0199' all match '14155550199': the number, or its end."""
    return any(p.endswith(phone_substring(digits)) for p in stored.split())


def trunk_dropped(digits: str) -> str | None:
    """A national number without its one-digit trunk prefix ('8 926 111-22-33' in Russia, '0'
    elsewhere is handled by `phone_substring`), to try when the number as typed finds nothing."""
    return digits[1:] if len(digits) >= 10 and digits[0] != "0" else None


def word_score(word: QueryWord, doc_words: Sequence[str], marked: set[str]) -> float:
    """How well one query word matches the best word of a document, 0-100."""
    q = word.text
    if q in doc_words:
        return 100.0
    best = 0.0
    names = (q, *word.canonicals)
    if any(c in doc_words for c in word.canonicals) or any(
        VARIANT_MARK + c in marked for c in names
    ):
        best = 97.0  # Alexander for Aleksandr, Alex for Александр
    elif any(SHORT_MARK + c in marked for c in names):
        best = 93.0  # Aleksandr for Alex
    if len(q) >= 2 and any(w.startswith(q) for w in doc_words):
        best = max(best, 95.0 if len(q) >= 3 else 85.0)  # the start of a name
    if best >= 95.0 or not doc_words:
        return best
    found = process.extractOne(q, doc_words, scorer=fuzz.ratio)
    if found is not None:
        best = max(best, float(found[1]))
    if best < MATCH_THRESHOLD and len(q) >= 3 and _loose(q, doc_words):
        best = MATCH_THRESHOLD  # folding shortened a typo'd word: Pael → pal, for Pavel
    if len(q) >= 4:
        near = process.extractOne(q, doc_words, scorer=OSA.distance, score_cutoff=1)
        if near is not None:
            best = max(best, 90.0)  # one typo, a swapped pair included: Jonh, Smiht
    return best


def score(query: Query, doc: str) -> float:
    """A contact's match, 0-100: the weakest query word's best match (every word must match)."""
    if not query.words:
        return 0.0
    all_words = doc.split()
    marked = {w for w in all_words if w.startswith(MARKS)}
    plain = [w for w in all_words if not w.startswith(MARKS)]
    return min(word_score(w, plain, marked) for w in query.words)


def expansions(word: QueryWord, vocabulary: Sequence[str]) -> list[str]:
    """The words of the store's vocabulary (sorted) that `word` may stand for, best first: the
    word itself and its given-name forms, words it begins (three letters or more), and words
    within one typo (a swapped pair included) or above the match threshold."""
    q = word.text
    out = [w for w in word.exact if not w.startswith(MARKS)]
    if len(q) >= 3:
        i = bisect_left(vocabulary, q)
        while i < len(vocabulary) and vocabulary[i].startswith(q) and len(out) < EXPANSIONS:
            out.append(vocabulary[i])
            i += 1
    if len(q) >= 4:
        out.extend(
            w
            for w, _, _ in process.extract(
                q, vocabulary, scorer=OSA.distance, score_cutoff=1, limit=EXPANSIONS
            )
        )
    out.extend(
        w
        for w, _, _ in process.extract(
            q, vocabulary, scorer=fuzz.ratio, score_cutoff=MATCH_THRESHOLD, limit=EXPANSIONS
        )
    )
    if len(q) >= 3:
        out.extend(
            w
            for w, _, _ in process.extract(
                q, vocabulary, scorer=fuzz.ratio, score_cutoff=LOOSE_RATIO, limit=EXPANSIONS
            )
            if w[0] == q[0]
        )
    return list(dict.fromkeys(out))[: EXPANSIONS * 2]


def _loose(q: str, doc_words: Sequence[str]) -> bool:
    """A near miss that still counts, barely: same first letter, ratio ≥ LOOSE_RATIO."""
    return any(w[0] == q[0] and fuzz.ratio(q, w) >= LOOSE_RATIO for w in doc_words if w)
