"""Which lines at the end of a message are its signature: a linear-chain CRF over line features.

The model reads the last non-blank lines of the new text (quoted history already removed) and
gives each line the probability that it belongs to the sender's signature. Its features are
what a reader sees in a line (length, digits, a phone, an address, a sign-off, a name that
matches the sender, title and company words, a sentence) and where it is (lines from the end,
blank lines around it), plus those of the lines above and below, and whether the hand-written
rules (signature.py) put it in a block. The CRF learns how these combine, and its transitions
learn that a signature is one run of lines at the end.

The shipped model (`models/signature-lines.crfsuite`) is trained only on data whose licence
allows it: mailgun's forge (CC BY 3.0) and the project's own corpus
(`scripts/train_signature_model.py`). It is a few hundred kilobytes and is loaded once per
process.
"""

from __future__ import annotations

import re
import tempfile
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pycrfsuite

from ingestor.extractors.gazetteer import find_place
from ingestor.extractors.memo import cached_when_small
from ingestor.extractors.sendername import SenderName
from ingestor.extractors.siglines import (
    EMAIL,
    LETTER_RUN,
    PHONE_DIGITS,
    SEGMENT_SPLIT,
    URL,
    is_prose,
    looks_like_name,
)
from ingestor.extractors.sigwords import (
    BANNER,
    COMPANY_SUFFIX,
    DISCLAIMER,
    MOBILE_SIGN_OFF,
    SIGN_OFF,
    TITLE_WORDS,
    LowerCasePattern,
)

MODEL_PATH = Path(__file__).with_name("models") / "signature-lines.crfsuite"
WINDOW = 16  # non-blank lines from the end that the model reads
CONTEXT_ABOVE = 1  # lines above a block read to judge it
SIGNATURE, OTHER = "S", "B"

_PHONE_LABEL = re.compile(
    r"(?:^|\b)(?:tel|phone|ph|fax|mobile|mob|cell|direct|office|work|pager|voice|t|m|f|p|c|o|w"
    r"|тел|моб|факс|telefon|handy|téléphone|portable|móvil|teléfono)\b\.?\s*:?",
    re.IGNORECASE,
)
_EXTENSION = re.compile(r"\b(?:x|ext\.?)\s*\d{2,6}\b", re.IGNORECASE)
_SEPARATOR = re.compile(r"^[\s\-_=*~#.]{3,}$")
_ADDRESS = LowerCasePattern(
    r"\b(?:suite|street|st\.|avenue|ave\.?|road|rd\.|blvd|floor|p\.?o\.? box|straße|strasse"
    r"|str\.|улица|ул\.|rue|calle)\b|\b\d{5}(?:-\d{4})?\b"
)
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Example:
    """One message's tail for training: its lines and each line's label (blank lines: None)."""

    lines: list[str]
    labels: list[str | None]
    sender_name: str | None
    sender_email: str | None
    rule_lines: frozenset[int] = frozenset()  # lines the hand-written rules put in a block


def window(lines: Sequence[str]) -> list[int]:
    """Indices of the last `WINDOW` non-blank lines, top to bottom."""
    out: list[int] = []
    for i in range(len(lines) - 1, -1, -1):
        if lines[i].strip():
            out.append(i)
            if len(out) == WINDOW:
                break
    return out[::-1]


def features(
    lines: Sequence[str], indices: list[int], sender: SenderName, rule_lines: Iterable[int]
) -> list[list[str]]:
    """Each windowed line's features, with its neighbours' main ones (prefixed -1: and +1:)."""
    rules = set(rule_lines)
    own = [_line_features(lines, i, sender, i in rules) for i in indices]
    n = len(indices)
    out: list[list[str]] = []
    for k, feats in enumerate(own):
        row = [*feats, f"end={_bucket(n - 1 - k, (0, 1, 2, 3, 4, 6, 9, 14))}"]
        row.append(f"rel={min(4, 5 * k // max(n, 1))}")
        if k == 0:
            row.append("first")
        row += ["-1:" + f for f in own[k - 1] if f in _CONTEXT] if k else ["-1:none"]
        row += ["+1:" + f for f in own[k + 1] if f in _CONTEXT] if k + 1 < n else ["+1:none"]
        out.append(row)
    return out


_CONTEXT = frozenset(
    ["phone", "email", "url", "prose", "signoff", "signoff_name", "name", "sender",
     "title", "company", "disclaimer", "mobile", "separator", "blank_above", "short",
     "rule", "address", "place", "punct_end"]
)  # fmt: skip


def _line_features(lines: Sequence[str], i: int, sender: SenderName, rule: bool) -> list[str]:
    raw = lines[i]
    text = raw.strip()
    out = list(_text_features(text))
    if rule:
        out.append("rule")
    if i > 0 and not lines[i - 1].strip():
        out.append("blank_above")
    if i + 1 < len(lines) and not lines[i + 1].strip():
        out.append("blank_below")
    if raw[:1] in (" ", "\t"):
        out.append("indented")
    if sender.tokens and "name" in out:
        if sender.score(_first_segment(text)) >= 0.5:
            out.append("sender")
    elif sender.tokens and any(w.lower() in sender.tokens for w in LETTER_RUN.findall(text)[:6]):
        out.append("sender_word")
    return out


def _first_segment(text: str) -> str:
    return SEGMENT_SPLIT.split(text)[0].split(", ")[0].strip(" ,")


# The same lines come back with every message of a correspondence; long ones are not kept.
@cached_when_small(maxsize=8192, limit=300, size=len)
def _text_features(text: str) -> tuple[str, ...]:
    """What the line's own text shows, whoever sent it and wherever it is."""
    words = LETTER_RUN.findall(text)
    digits = sum(c.isdigit() for c in text)
    out = [
        f"len={_bucket(len(text), (5, 10, 20, 30, 45, 60, 80))}",
        f"words={_bucket(len(words), (0, 1, 2, 3, 5, 8, 12))}",
        f"digits={_bucket(digits, (0, 3, 6, 9))}",
    ]
    if len(text) <= 25:
        out.append("short")
    if digits >= 7 and PHONE_DIGITS.search(text):
        out.append("phone")
        if _PHONE_LABEL.search(text):
            out.append("phone_label")
    if digits >= 2 and _EXTENSION.search(text):
        out.append("extension")
    if "@" in text and EMAIL.search(text):
        out.append("email")
    if "." in text and URL.search(text):
        out.append("url")
    if _SEPARATOR.match(text):
        out.append("separator")
    prose = is_prose(text)
    if prose:
        out.append("prose")
    match = SIGN_OFF.match(text) if len(text) <= 60 else None
    if match:
        out.append("signoff_name" if match.group("name") else "signoff")
    if MOBILE_SIGN_OFF.match(text):
        out.append("mobile")
    if BANNER.match(text):
        out.append("banner")
    if DISCLAIMER.search(text):
        out.append("disclaimer")
    if _ADDRESS.search(text):
        out.append("address")
    if not prose:
        first_segment = _first_segment(text)
        if looks_like_name(first_segment):
            out.append("name")
            if len(first_segment.split()) > 1:
                out.append("full_name")
        if TITLE_WORDS.search(text):
            out.append("title")
        if COMPANY_SUFFIX.search(text):
            out.append("company")
        if len(text) <= 60 and any(c.isupper() for c in text) and find_place(text) is not None:
            out.append("place")
    letters = [c for c in text if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and len(letters) > 1:
        out.append("caps")
    elif text[:1].isupper():
        out.append("cap_start")
    elif text[:1].islower():
        out.append("lower_start")
    if text[-1:] in ".!?":
        out.append("punct_end")
    elif text[-1:] in ",:;":
        out.append(f"end{text[-1]}")
    if ">" in text[:2]:
        out.append("quote_mark")
    first = _WORD.match(text.lower())
    if first and len(first.group(0)) <= 12:
        out.append("w0=" + first.group(0))
    return tuple(out)


def clear_cache() -> None:
    _text_features.cache_clear()


def _bucket(value: int, edges: tuple[int, ...]) -> str:
    for edge in edges:
        if value <= edge:
            return str(edge)
    return f">{edges[-1]}"


class LineModel:
    """A trained CRF tagger: probabilities that a message's last lines are its signature.

    A tagger holds the sequence it was last given, and the daemon syncs sources in several
    threads: each thread opens its own (the model file is read once per thread).
    """

    def __init__(self, path: Path) -> None:
        self._path = str(path)
        self._local = threading.local()
        self._tagger_of_thread()  # a missing or corrupt file fails here, not mid-sync

    def _tagger_of_thread(self) -> pycrfsuite.Tagger:
        tagger = getattr(self._local, "tagger", None)
        if tagger is None:
            tagger = self._local.tagger = pycrfsuite.Tagger()
            tagger.open(self._path)
        return tagger

    def signature_probabilities(
        self,
        lines: Sequence[str],
        sender: SenderName,
        rule_lines: Iterable[int] = (),
        from_line: int = 0,
    ) -> list[tuple[int, float]]:
        """(line index, P(signature)) for each of the last non-blank lines, top to bottom;
        with `from_line`, only for lines from there on and the few just above it (all that
        a block's confidence needs: half the features to compute)."""
        indices = window(lines)
        if from_line:
            above = [i for i in indices if i < from_line][-CONTEXT_ABOVE:]
            indices = above + [i for i in indices if i >= from_line]
        if not indices:
            return []
        tagger = self._tagger_of_thread()
        tagger.set(features(lines, indices, sender, rule_lines))
        tagger.tag()
        return [(i, tagger.marginal(SIGNATURE, k)) for k, i in enumerate(indices)]


@cache
def shipped_model() -> LineModel | None:
    """The model shipped with the package, or None when the file is missing."""
    return LineModel(MODEL_PATH) if MODEL_PATH.exists() else None


def train(examples: Iterable[Example], path: Path | None = None) -> LineModel:
    """Train a model on `examples` and write it to `path` (a temporary file if None)."""
    trainer = pycrfsuite.Trainer(verbose=False)
    for ex in examples:
        indices = window(ex.lines)
        if not indices:
            continue
        sender = SenderName(ex.sender_name, ex.sender_email)
        xseq = features(ex.lines, indices, sender, ex.rule_lines)
        yseq = [ex.labels[i] or OTHER for i in indices]
        trainer.append(xseq, yseq)
    trainer.set_params(
        {"c1": 0.05, "c2": 0.02, "max_iterations": 200, "feature.possible_transitions": True}
    )
    if path is None:
        path = Path(tempfile.mkstemp(suffix=".crfsuite")[1])
    trainer.train(str(path))
    return LineModel(path)
