"""Score signature and field extraction on real labelled mail (../shared/corpora), with talon
as the anchor.

Usage: python -m benchmarks.score_real [--sets enron,asf,forge] [--corpora DIR] [--no-talon]
       [--verbose N] [--markdown] [--json PATH] [--cv-forge MODULE:FUNC] [--rules-only]
       [--calibrate]

The sets (see ../shared/corpora/README.md): Quagga's Enron train split (zones and signature
fields), Quagga's ASF train split (zones only) and mailgun's forge (`#sig#` line labels). The
Quagga data is GPL-3.0: it is read from the corpora folder (`--corpora`, else the environment
variable INGESTOR_CORPORA, else ../shared/corpora beside the repository) and never copied here.

Held-out emails (Enron mailboxes in HELD_OUT_ENRON, ASF files whose number % 5 == 0, forge
senders whose crc32 % 8 == 0) are scored in rows of their own and never printed one by one;
everything else is "dev". `--verbose N` prints the first N dev errors only.

Judging, per email, on the sender's own new text (the own region, see below):
- Signature lines: micro precision/recall/F1 over lines, each normalised (whitespace collapsed,
  casefolded, stripped). Lines of the gold sign-off, pure separator lines ("-----", "____")
  and a bare line of the sender's own name (the same words as the From name) are neither
  required nor penalised; blank lines never count.
- Detection: F1 of "has a signature". Gold: a signature line beyond the sign-off/ignored ones;
  predicted: the same rule applied to the predicted lines.
- Fields (only on emails whose labels carry fields: Enron, less those whose signature zone was
  labelled without any field): phones as E.164 sets (micro P/R); title (Position), company
  (Organisation) and name (Name) by token Jaccard >= 0.6 against any gold value, precision over
  the emails with a prediction, recall over the emails with a gold value. A predicted name also
  counts as right when it matches the labelled sign-off name (`Body/Outro/Name`): that is the
  sender's name too, but only signature names are required.
- Invented: among emails without any signature (no gold signature line beyond the sign-off and
  no gold field), those given a title, company or phone; reported as count/emails.
- Misattributed: emails where a predicted phone's number occurs in the quoted/forwarded part
  but not in the own region, or a predicted signature line (not blank, not a separator) is a
  line of the quoted part and not of the own region (">" markers removed on both sides).
  Numbers are compared by their national significant digits within each line's digit run, so
  any formatting of the same number matches. forge has no Header labels: its misattribution is
  n/a (guessing the quoted part with a quote splitter would judge the splitter by itself).

Gold from the labels, and the quirks handled:
- Quagga own region: everything before the first `Header`; the quoted part is the rest. In a
  bottom-posted reply the Header ("On ... wrote:") opens the text and the sender writes under
  the ">"-quoted lines: when nothing precedes the first Header, the own region is the text
  after the last ">" line (if not blank and no Header follows), the quoted part what is before.
- Quagga gold signature lines: own-region lines touched by a `Body/Signature` zone, and by a
  `Body/Signature/*` field outside any zone (some emails label a signature's fields without
  the zone), except zone-less `Disclaimer`s (the labels keep most disclaimers out of the zone:
  16 of 19 on dev) and a zone-less field on an indented line with only whitespace after it up
  to the Header: that is the company banner Lotus Notes prints above a forwarded message
  ("\tEnron North America Corp."), not the sender's (its field is dropped too). Sign-off lines:
  lines touched by `Body/Outro` or by `Body/Outro/Name` (a third of the sign-off names are
  labelled without their Outro zone). Phone/Fax are E.164 with region US unless written with
  +CC; labels that are not possible numbers ("x3-9890") are dropped. Fields of quoted
  signatures are ignored.
- Enron sender: the From header (stdlib email parser); its name from X-From when From has none.
- ASF: the `.ann` text is UTF-8 read as cp1252 ("Iâ€™ve"); each line is repaired for the
  extractor and the gold alike (after the offsets are applied). No sender is known (the meta is
  empty). Files without an `.ann` are not labelled and not read.
- forge: the `#sig#` prefix is removed from the text. forge counts the sign-off as signature;
  the gold sign-off here is the leading run of signature lines (blank and separator lines
  skipped) that are a sign-off phrase (with at most three name words after it, "Thanks, BT")
  or a bare name (1-3 capitalised words), where a bare name counts when it is the first line,
  follows a sign-off phrase, or shares a word with the sender. The mailbox is the sender's
  address lowercased, or its name lowercased when the sender has no address.

Cross-validation: `cross_validated` splits the dev emails into mailbox folds and predicts each
fold with a model trained on the others; held-out emails are predicted by one trained on all dev
emails (held-out mail never trains anything). `--cv-forge MODULE:FUNC` uses it for forge.

talon (1.4.4, the anchor row) runs in its own venv through benchmarks/talon_worker.py:

    python3.11 -m venv .venv-talon
    echo '*' > .venv-talon/.gitignore   # keeps the venv out of git
    .venv-talon/bin/pip install talon==1.4.4

(talon's old `sklearn.externals.joblib` import and its Python 2 classifier pickle are bridged by
the worker.) Another interpreter can be named with INGESTOR_TALON_PYTHON. talon's classifier
was trained on mailgun's data, of which forge is the published part: its forge rows may be
optimistic.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import subprocess
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from email.parser import BytesHeaderParser
from email.utils import parseaddr
from functools import cache
from pathlib import Path
from typing import Any

import phonenumbers

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPORA = ROOT.parent / "shared" / "corpora"
TALON_PYTHON = ROOT / ".venv-talon" / "bin" / "python"
TALON_WORKER = Path(__file__).with_name("talon_worker.py")
SETS = ("enron", "asf", "forge")
FIELDS = ("title", "company", "name")
HELD_OUT_ENRON = frozenset(
    {"kitchen-l", "giron-d", "lokay-m", "whalley-l", "mckay-b", "skilling-j"}
)
JACCARD_MIN = 0.6
REGION = "US"
# Phones of findings.phones at or above this confidence count besides the signature's own ones:
# signature phones are read at 0.9 (0.8 with a guessed region), body phones at 0.5 or less.
PHONE_MIN_CONFIDENCE = 0.8


@dataclass(frozen=True)
class Gold:
    """What the labels say about one email's sender."""

    own_text: str  # the sender's own region (module docstring)
    quoted_text: str | None  # the quoted/forwarded part; None when the set has no Header label
    signature_lines: tuple[str, ...] = ()
    sign_off_lines: tuple[str, ...] = ()
    phones: frozenset[str] = frozenset()  # E.164
    titles: tuple[str, ...] = ()
    companies: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    sign_off_names: tuple[str, ...] = ()
    fields_labelled: bool = False  # field figures are judged on this email


@dataclass(frozen=True)
class RealEmail:
    set_name: str  # "enron", "asf" or "forge"
    mailbox: str
    id: str
    sender_name: str | None
    sender_address: str | None
    text_plain: str  # the body as the extractor sees it
    gold: Gold


@dataclass
class Prediction:
    signature_lines: list[str] = field(default_factory=list)
    phones: set[str] = field(default_factory=set)  # E.164
    title: str | None = None
    company: str | None = None
    name: str | None = None


Predictor = Callable[[RealEmail], Prediction] | Mapping[str, Prediction]
TrainAndPredict = Callable[[list[RealEmail], list[RealEmail]], dict[str, Prediction]]


# ---------------------------------------------------------------------------------------------
# Loaders


def corpora_dir(override: str | Path | None = None) -> Path:
    """The corpora folder: the argument, else $INGESTOR_CORPORA, else ../shared/corpora."""
    return Path(override or os.environ.get("INGESTOR_CORPORA") or DEFAULT_CORPORA)


def load_sets(names: Iterable[str] = SETS, corpora: str | Path | None = None) -> list[RealEmail]:
    loaders = {"enron": load_enron, "asf": load_asf, "forge": load_forge}
    base = str(corpora_dir(corpora))
    return [e for name in names for e in loaders[name](base)]


@cache
def load_enron(corpora: str) -> tuple[RealEmail, ...]:
    folder = Path(corpora) / "quagga-enron-train"
    emails = []
    for txt in sorted(folder.glob("*.txt")):
        ann = json.loads(txt.with_name(txt.name + ".ann").read_text(encoding="utf-8"))
        name, address = enron_sender(txt.read_bytes())
        text, gold = parse_quagga(ann, fields_labelled=True)
        mailbox = txt.stem.split("_", 1)[0]
        emails.append(RealEmail("enron", mailbox, f"enron/{txt.stem}", name, address, text, gold))
    return tuple(emails)


@cache
def load_asf(corpora: str) -> tuple[RealEmail, ...]:
    folder = Path(corpora) / "quagga-asf-train"
    emails = []
    for ann_path in sorted(folder.glob("*.ann"), key=lambda p: _number(p.stem)):
        ann = json.loads(ann_path.read_text(encoding="utf-8"))
        text, gold = parse_quagga(ann, fields_labelled=False, repair=unmojibake)
        n = _number(ann_path.stem)
        emails.append(
            RealEmail("asf", f"asf-{n % 10}", f"asf/{ann_path.stem}", None, None, text, gold)
        )
    return tuple(emails)


@cache
def load_forge(corpora: str) -> tuple[RealEmail, ...]:
    folder = Path(corpora) / "forge" / "dataset"
    emails = []
    for kind in ("P", "N"):
        for body in sorted((folder / kind).glob("*_body"), key=lambda p: _number(p.name)):
            n = _number(body.name)
            raw_sender = (folder / kind / f"{n}_sender").read_text(encoding="utf-8").strip()
            name, address = forge_sender(raw_sender)
            mailbox = address.lower() if address else " ".join(raw_sender.lower().split())
            text, gold = parse_forge(body.read_text(encoding="utf-8"), name, address)
            emails.append(
                RealEmail("forge", mailbox, f"forge/{kind}/{n}", name, address, text, gold)
            )
    return tuple(emails)


def _number(name: str) -> int:
    digits = re.findall(r"\d+", name)
    return int(digits[-1]) if digits else -1


def enron_sender(message: bytes) -> tuple[str | None, str | None]:
    """(name, address) from an RFC 822 message's From, the name from X-From when From has none."""
    headers = BytesHeaderParser().parsebytes(message)
    name, address = parseaddr(str(headers.get("From", "")))
    if not name:
        x_from = re.sub(r"<[^>]*>", "", str(headers.get("X-From", ""))).strip().strip('"').strip()
        name = "" if "@" in x_from else x_from
    return name or None, address or None


_ADDRESS = re.compile(r"[\w.'+-]+@[\w-]+(?:\.[\w-]+)+")


def forge_sender(value: str) -> tuple[str | None, str | None]:
    """(name, address) from a forge `N_sender`: "Name <a@b.c>", "Last, First [mailto:a@b.c]",
    a bare address, or a bare name (sometimes "Name@ECT", a Notes address)."""
    match = _ADDRESS.search(value)
    address = match.group(0) if match else None
    name = re.sub(r"<[^>]*>|\[mailto:[^\]]*\]", "", value)
    name = name if match is None else name.replace(match.group(0), "")
    name = " ".join(name.split("@", 1)[0].strip().strip('"').split())
    return name or None, address


def unmojibake(line: str) -> str:
    """A line of UTF-8 that was read as cp1252, repaired; any other line unchanged."""
    if line.isascii():
        return line
    try:
        return line.encode("cp1252").decode("utf-8")
    except UnicodeError:
        return line


def line_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line of text, without its line break."""
    spans, start = [], 0
    for m in re.finditer(r"\r\n|\r|\n", text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return spans


def _touched(text: str, spans: list[tuple[int, int]], zones: list[tuple[int, int]]) -> list[int]:
    """Indices of the lines that share a non-blank character with any zone."""
    return [
        i
        for i, (s, e) in enumerate(spans)
        if any(text[max(s, zs) : min(e, ze)].strip() for zs, ze in zones)
    ]


def parse_quagga(
    ann: dict[str, Any], *, fields_labelled: bool, repair: Callable[[str], str] = str
) -> tuple[str, Gold]:
    """The body as the extractor sees it, and the gold, from a Quagga `.ann` document."""
    text: str = ann["text"]
    dens: list[dict[str, Any]] = ann["denotations"]
    headers = [d["start"] for d in dens if d["type"] == "Header"]
    first_header = min(headers, default=len(text))
    own_start, own_end = own_region(text, headers)

    def clip(d: dict[str, Any]) -> tuple[int, int]:
        return max(d["start"], own_start), min(d["end"], own_end)

    def own(kind: str) -> list[dict[str, Any]]:
        return [d for d in dens if d["type"] == kind and own_start <= d["start"] < own_end]

    zones = [clip(d) for d in dens if d["type"] == "Body/Signature" and clip(d)[0] < clip(d)[1]]
    before_header = own_end == first_header < len(text)
    fields: list[dict[str, Any]] = []  # the sender's signature fields
    zoneless: list[tuple[int, int]] = []  # fields labelled without their signature zone
    for d in dens:
        if not (d["type"].startswith("Body/Signature/") and own_start <= d["start"] < own_end):
            continue
        in_zone = any(zs <= d["start"] < ze for zs, ze in zones)
        if not in_zone and before_header and _notes_banner(text, d, own_end):
            continue
        fields.append(d)
        if not in_zone and d["type"] != "Body/Signature/Disclaimer":
            zoneless.append(clip(d))
    spans = [s for s in line_spans(text) if own_start <= s[0] < own_end]
    lines = [repair(text[s:e]) for s, e in spans]

    def values(kind: str) -> tuple[str, ...]:
        return tuple(repair(d["text"]) for d in fields if d["type"] == f"Body/Signature/{kind}")

    def touched(areas: list[tuple[int, int]]) -> tuple[str, ...]:
        return tuple(lines[i] for i in _touched(text, spans, areas))

    phones = {e164(v) for v in values("Phone") + values("Fax")}
    quoted = text[first_header:own_start] if own_start else text[first_header:]
    gold = Gold(
        own_text=_repair_lines(text[own_start:own_end], repair),
        quoted_text=_repair_lines(quoted, repair),
        signature_lines=touched(zones + zoneless),
        sign_off_lines=touched([clip(d) for d in own("Body/Outro") + own("Body/Outro/Name")]),
        phones=frozenset(p for p in phones if p),
        titles=values("Position"),
        companies=values("Organisation"),
        names=values("Name"),
        sign_off_names=tuple(repair(d["text"]) for d in own("Body/Outro/Name")),
        fields_labelled=fields_labelled and (not zones or bool(fields)),
    )
    return _repair_lines(text, repair), gold


_QUOTED_LINE = re.compile(r"^[ \t]*>.*$", re.MULTILINE)


def own_region(text: str, headers: Sequence[int]) -> tuple[int, int]:
    """(start, end) of the sender's own text: what comes before the first Header; or, in a
    bottom-posted reply (nothing before the first Header, ">"-quoted lines after it), the text
    after the last quoted line, when it is not blank and no Header comes after it."""
    if not headers:
        return 0, len(text)
    first = min(headers)
    quoted_ends = [m.end() for m in _QUOTED_LINE.finditer(text, first)]
    if text[:first].strip() or not quoted_ends:
        return 0, first
    start = quoted_ends[-1]
    if text[start:].strip() and max(headers) < start:
        return start, len(text)
    return 0, first


def _repair_lines(text: str, repair: Callable[[str], str]) -> str:
    return "\n".join(repair(line) for line in text.split("\n"))


def _notes_banner(text: str, den: dict[str, Any], header: int) -> bool:
    """Whether a field sits on an indented line with only whitespace after it up to the
    Header: the company banner Lotus Notes prints above a forwarded message."""
    line_start = text.rfind("\n", 0, den["start"]) + 1
    return (
        text[line_start : line_start + 1] in ("\t", " ") and not text[den["end"] : header].strip()
    )


def e164(raw: str, region: str = REGION) -> str | None:
    """The E.164 form of a labelled phone, or None when it is not a possible number."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


SIG_MARK = "#sig#"
_SIGN_OFF = re.compile(
    r"(?:thanks(?: again| so much| a lot)?|thank you(?: very much)?|many thanks|thx|tia"
    r"|(?:best|kind|warm|warmest|with)? ?regards|best wishes|all the best|best|cheers"
    r"|sincerely(?: yours)?|yours(?: truly| sincerely)?|respectfully|take care|your pal|love"
    r"|ciao|rgds|talk soon)\b[\s,.!:;-]*",
    re.IGNORECASE,
)
_NAME_WORD = re.compile(r"[A-Z][A-Za-z.'-]*")


def parse_forge(body: str, name: str | None, address: str | None) -> tuple[str, Gold]:
    """The body without `#sig#` marks, and the gold from them."""
    lines = body.split("\n")
    text = "\n".join(line.removeprefix(SIG_MARK) for line in lines)
    signature = tuple(line.removeprefix(SIG_MARK) for line in lines if line.startswith(SIG_MARK))
    sign_off = forge_sign_off(signature, name, address)
    gold = Gold(own_text=text, quoted_text=None, signature_lines=signature, sign_off_lines=sign_off)
    return text, gold


def forge_sign_off(
    signature: Sequence[str], name: str | None, address: str | None
) -> tuple[str, ...]:
    """The leading signature lines that are a sign-off phrase or a bare name (see the module
    docstring); blank and separator lines are skipped."""
    sender = _tokens(name or "") | _tokens((address or "").split("@", 1)[0])
    out: list[str] = []
    after_phrase = False
    for line in signature:
        stripped = line.strip()
        if not stripped or is_separator(stripped):
            continue
        phrase = _SIGN_OFF.match(stripped)
        if phrase and (phrase.end() == len(stripped) or _bare_name(stripped[phrase.end() :])):
            after_phrase = True
        elif _bare_name(stripped) and (not out or after_phrase or _tokens(stripped) & sender):
            after_phrase = False
        else:
            break
        out.append(line)
    return tuple(out)


def _bare_name(text: str) -> bool:
    words = text.strip().rstrip(".,").split()
    return 1 <= len(words) <= 3 and all(_NAME_WORD.fullmatch(w) for w in words)


# ---------------------------------------------------------------------------------------------
# Held-out split and folds


def is_held_out(e: RealEmail) -> bool:
    if e.set_name == "enron":
        return e.mailbox in HELD_OUT_ENRON
    if e.set_name == "asf":
        return _number(e.id) % 5 == 0
    return zlib.crc32(e.mailbox.encode()) % 8 == 0


def mailbox_folds(emails: Sequence[RealEmail], folds: int) -> list[list[RealEmail]]:
    """Emails in `folds` groups, each mailbox whole in one; largest mailboxes first into the
    currently smallest group (deterministic)."""
    sizes = Counter(e.mailbox for e in emails)
    load = [0] * folds
    fold_of: dict[str, int] = {}
    for box in sorted(sizes, key=lambda b: (-sizes[b], b)):
        k = min(range(folds), key=lambda i: (load[i], i))
        fold_of[box] = k
        load[k] += sizes[box]
    return [[e for e in emails if fold_of[e.mailbox] == k] for k in range(folds)]


def cross_validated(
    emails: Sequence[RealEmail], train_and_predict: TrainAndPredict, folds: int = 5
) -> dict[str, Prediction]:
    """Predictions for every email from a model that never saw its mailbox (see docstring)."""
    dev = [e for e in emails if not is_held_out(e)]
    held = [e for e in emails if is_held_out(e)]
    rounds = [(dev, held)] if held else []
    for test in mailbox_folds(dev, folds):
        if test:
            ids = {e.id for e in test}
            rounds.append(([e for e in dev if e.id not in ids], test))
    out: dict[str, Prediction] = {}
    for train, test in rounds:
        got = train_and_predict(train, test)
        missing = [e.id for e in test if e.id not in got]
        if missing:
            raise ValueError(f"train_and_predict gave no prediction for {missing[:3]}")
        out.update({e.id: got[e.id] for e in test})
    return out


# ---------------------------------------------------------------------------------------------
# Judging


def norm(line: str) -> str:
    return " ".join(line.split()).casefold()


def is_separator(line: str) -> bool:
    return bool(re.fullmatch(r"[\s\-_=*~#.+|/\\]*[\-_=*~#][\s\-_=*~#.+|/\\]*", line))


def _tokens(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.casefold()))


def jaccard(a: str, b: str) -> float:
    ta, tb = _tokens(a), _tokens(b)
    return len(ta & tb) / len(ta | tb) if ta | tb else 0.0


def _matches(value: str, gold: Iterable[str]) -> bool:
    return any(jaccard(value, g) >= JACCARD_MIN for g in gold)


def _unquote(line: str) -> str:
    return re.sub(r"^(?:\s*>)+", "", line)


def _digit_runs(text: str) -> list[str]:
    return [re.sub(r"\D", "", line) for line in text.split("\n")]


def _national_digits(number: str) -> str:
    try:
        return phonenumbers.national_significant_number(phonenumbers.parse(number, None))
    except phonenumbers.NumberParseException:
        return re.sub(r"\D", "", number)


@dataclass
class Judgement:
    """One email's counts, and what a reader needs to see its errors."""

    counts: Counter[str]
    gold_lines: list[str]
    predicted_lines: list[str]
    misattributed: list[str]

    @property
    def line_error(self) -> bool:
        return Counter(self.gold_lines) != Counter(self.predicted_lines)


def judge(e: RealEmail, p: Prediction, fields: Sequence[str] = FIELDS) -> Judgement:
    """Apply the judging rules (module docstring) to one email."""
    g = e.gold
    lenient = {norm(x) for x in g.sign_off_lines}
    own_name = _tokens(e.sender_name or "")

    def counted(lines: Iterable[str]) -> list[str]:
        out = [norm(x) for x in lines]
        return [
            x
            for x in out
            if x
            and x not in lenient
            and not is_separator(x)
            and not (own_name and _tokens(x) == own_name)
        ]

    gold_lines, pred_lines = counted(g.signature_lines), counted(p.signature_lines)
    c: Counter[str] = Counter(emails=1)
    c.update(
        line_tp=sum((Counter(gold_lines) & Counter(pred_lines)).values()),
        line_pred=len(pred_lines),
        line_gold=len(gold_lines),
    )
    has_gold, has_pred = bool(gold_lines), bool(pred_lines)
    c.update(
        det_tp=has_gold and has_pred,
        det_fp=has_pred and not has_gold,
        det_fn=has_gold and not has_pred,
    )
    if g.fields_labelled:
        c.update(_field_counts(g, p, fields))
    gold_values = g.phones or g.titles or g.companies or g.names
    if not has_gold and not gold_values:
        c["no_signature"] += 1
        c["invented"] += bool(p.phones or p.title or p.company)
    bad: list[str] = []
    if g.quoted_text is not None:
        c["quoted_known"] += 1
        bad = _misattributed(g.own_text, g.quoted_text, p)
        c["misattributed"] += bool(bad)
    return Judgement(c, gold_lines, pred_lines, bad)


def _field_counts(g: Gold, p: Prediction, fields: Sequence[str]) -> Counter[str]:
    c: Counter[str] = Counter(field_emails=1)
    c.update(phone_tp=len(p.phones & g.phones), phone_pred=len(p.phones))
    c.update(phone_gold=len(g.phones))
    golds = {"title": g.titles, "company": g.companies, "name": g.names}
    for key in fields:
        value: str | None = getattr(p, key)
        required = golds[key]
        accepted = required + g.sign_off_names if key == "name" else required
        if value:
            c[f"{key}_pred"] += 1
            c[f"{key}_pred_ok"] += _matches(value, accepted)
        if required:
            c[f"{key}_gold"] += 1
            c[f"{key}_gold_hit"] += bool(value) and _matches(value or "", required)
    return c


def _misattributed(own_text: str, quoted_text: str, p: Prediction) -> list[str]:
    """Predicted phones and lines that are the quoted part's and not the own region's."""
    own_lines = {norm(_unquote(x)) for x in own_text.split("\n")}
    quoted_lines = {norm(_unquote(x)) for x in quoted_text.split("\n")}
    bad = [
        line
        for line in p.signature_lines
        if (n := norm(line)) and not is_separator(n) and n in quoted_lines and n not in own_lines
    ]
    own_digits, quoted_digits = _digit_runs(own_text), _digit_runs(quoted_text)
    for phone in sorted(p.phones):
        digits = _national_digits(phone)
        in_quoted = len(digits) >= 7 and any(digits in run for run in quoted_digits)
        if in_quoted and not any(digits in run for run in own_digits):
            bad.append(phone)
    return bad


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def _f1(tp: int, fp: int, fn: int) -> float | None:
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else None


def figures(c: Counter[str], fields: Sequence[str] = FIELDS) -> dict[str, Any]:
    """Rates from summed counts; None where a figure does not apply (n/a)."""
    tp, fp, fn = c["line_tp"], c["line_pred"] - c["line_tp"], c["line_gold"] - c["line_tp"]
    out: dict[str, Any] = {
        "emails": c["emails"],
        "line_precision": _ratio(tp, tp + fp),
        "line_recall": _ratio(tp, tp + fn),
        "line_f1": _f1(tp, fp, fn),
        "detection_f1": _f1(c["det_tp"], c["det_fp"], c["det_fn"]),
    }
    labelled = c["field_emails"] > 0
    out["phone_precision"] = _ratio(c["phone_tp"], c["phone_pred"]) if labelled else None
    out["phone_recall"] = _ratio(c["phone_tp"], c["phone_gold"]) if labelled else None
    for key in FIELDS:
        judged = labelled and key in fields
        out[f"{key}_precision"] = _ratio(c[f"{key}_pred_ok"], c[f"{key}_pred"]) if judged else None
        out[f"{key}_recall"] = _ratio(c[f"{key}_gold_hit"], c[f"{key}_gold"]) if judged else None
    out["invented"], out["no_signature"] = c["invented"], c["no_signature"]
    out["invented_rate"] = _ratio(c["invented"], c["no_signature"])
    out["misattributed"] = c["misattributed"] if c["quoted_known"] else None
    out["counts"] = dict(sorted(c.items()))
    return out


def _prediction(predict: Predictor, e: RealEmail) -> Prediction:
    return predict[e.id] if isinstance(predict, Mapping) else predict(e)


def judge_all(
    emails: Iterable[RealEmail], predict: Predictor, fields: Sequence[str] = FIELDS
) -> list[tuple[RealEmail, Judgement]]:
    return [(e, judge(e, _prediction(predict, e), fields)) for e in emails]


def score(
    emails: Iterable[RealEmail], predict: Predictor, *, fields: Sequence[str] = FIELDS
) -> dict[str, Any]:
    """Figures over `emails` for a predictor: a callable or a mapping of email id to Prediction.

    `fields` are the fields among title/company/name that the system predicts at all; the
    others are n/a.
    """
    total: Counter[str] = Counter()
    for _, j in judge_all(emails, predict, fields):
        total.update(j.counts)
    return figures(total, fields)


# ---------------------------------------------------------------------------------------------
# Systems


def predict_project(e: RealEmail, line_model: Any = "shipped") -> Prediction:
    """The project's extractor, read as the daemon stores it (default region US): the
    signature's lines, its title/company/name when their confidence reaches the profile's
    FIELD_THRESHOLD, its phones and any other phone at PHONE_MIN_CONFIDENCE or more."""
    from ingestor.extractors import profile

    findings = profile.extract_profile(
        e.text_plain, None, e.sender_name, e.sender_address, REGION, line_model
    )
    sig = findings.signature
    phones = {p.number for p in findings.phones if p.confidence >= PHONE_MIN_CONFIDENCE}
    if sig is None:
        return Prediction(phones=phones)
    phones |= {p.number for p in sig.fields.phones}

    def value(key: str) -> str | None:
        text = getattr(sig.fields, key)
        return text if text and sig.confidence(key) >= profile.FIELD_THRESHOLD else None

    return Prediction(
        signature_lines=list(sig.block.lines),
        phones=phones,
        title=value("title"),
        company=value("company"),
        name=value("name"),
    )


def calibration(emails: Iterable[RealEmail], fields: Sequence[str] = ("title", "company")) -> str:
    """Precision and recall of `fields` at each confidence threshold on the dev emails with
    field labels, and the lowest threshold whose precision reaches 0.95."""
    from ingestor.extractors.profile import extract_profile

    scored: list[tuple[float, bool]] = []
    gold_count = 0
    for e in emails:
        if is_held_out(e) or not e.gold.fields_labelled:
            continue
        found = extract_profile(e.text_plain, None, e.sender_name, e.sender_address, REGION)
        for key in fields:
            gold = {"title": e.gold.titles, "company": e.gold.companies, "name": e.gold.names}[key]
            gold_count += bool(gold)
            value = getattr(found.signature.fields, key) if found.signature else None
            if value:
                scored.append((found.signature.confidence(key), _matches(value, gold)))  # type: ignore[union-attr]
    lines = [f"{'threshold':>9}  {'kept':>4}  precision  recall   ({', '.join(fields)}, dev)"]
    chosen = None
    for step in range(0, 20):
        t = step / 20
        kept = [ok for c, ok in scored if c >= t]
        if not kept:
            break
        precision, recall = sum(kept) / len(kept), sum(kept) / max(gold_count, 1)
        if chosen is None and precision >= 0.95:
            chosen = t
        lines.append(f"{t:9.2f}  {len(kept):4d}  {precision:9.3f}  {recall:6.3f}")
    lines.append(f"lowest threshold with precision >= 0.95: {chosen}")
    return "\n".join(lines)


def talon_python() -> Path:
    return Path(os.environ.get("INGESTOR_TALON_PYTHON") or TALON_PYTHON)


def talon_predictions(emails: Sequence[RealEmail]) -> tuple[dict[str, Prediction], str] | None:
    """talon's predictions and the mode it ran in ("ml" or "bruteforce"), or None when its venv
    is missing."""
    python = talon_python()
    if not python.exists():
        return None
    requests = [
        {"id": e.id, "text": e.text_plain, "sender": e.sender_address or e.sender_name or ""}
        for e in emails
    ]
    run = subprocess.run(
        [str(python), str(TALON_WORKER)],
        input="".join(json.dumps(r) + "\n" for r in requests),
        # talon orders the sender's names through a set: a fixed hash seed makes it repeatable.
        env={**os.environ, "PYTHONHASHSEED": "0"},
        capture_output=True,
        text=True,
        timeout=900,
        check=True,
    )
    out: dict[str, Prediction] = {}
    modes = set()
    for line in run.stdout.splitlines():
        answer = json.loads(line)
        modes.add(answer["mode"])
        signature = answer["signature"] or ""
        out[answer["id"]] = Prediction(
            signature_lines=[x for x in re.split(r"\r\n|\r|\n", signature) if x.strip()],
            phones=_matched_phones(signature),
        )
    return out, "+".join(sorted(modes))


def _matched_phones(text: str) -> set[str]:
    return {
        phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164)
        for m in phonenumbers.PhoneNumberMatcher(text, REGION)
    }


def import_function(spec: str) -> TrainAndPredict:
    module, _, name = spec.partition(":")
    func: TrainAndPredict = getattr(importlib.import_module(module), name)
    return func


# ---------------------------------------------------------------------------------------------
# Report


@dataclass
class Row:
    set_name: str  # a set or "all"
    split: str  # "dev", "held-out" or "all"
    system: str
    figures: dict[str, Any]


COLUMNS = "emails|lines P|lines R|lines F1|det F1|phone P/R|title P/R|company P/R|name P/R"
COLUMNS += "|invented|misattr"


def build_rows(
    emails: Sequence[RealEmail],
    systems: Mapping[str, tuple[Predictor, Sequence[str]]],
    sets: Sequence[str],
) -> list[Row]:
    """One row per (set, split, system), then one total per system."""
    judged = {
        name: judge_all(emails, predict, fields) for name, (predict, fields) in systems.items()
    }
    rows = []
    groups = [(s, split) for s in sets for split in ("dev", "held-out")] + [("all", "all")]
    for set_name, split in groups:
        for name, results in judged.items():
            total: Counter[str] = Counter()
            for e, j in results:
                if set_name in ("all", e.set_name) and split in ("all", _split(e)):
                    total.update(j.counts)
            rows.append(Row(set_name, split, name, figures(total, systems[name][1])))
    return rows


def _split(e: RealEmail) -> str:
    return "held-out" if is_held_out(e) else "dev"


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _pair(precision: float | None, recall: float | None) -> str:
    return "n/a" if precision is None and recall is None else f"{_fmt(precision)}/{_fmt(recall)}"


def _cells(f: dict[str, Any]) -> list[str]:
    return [
        str(f["emails"]),
        _fmt(f["line_precision"]),
        _fmt(f["line_recall"]),
        _fmt(f["line_f1"]),
        _fmt(f["detection_f1"]),
        *(_pair(f[f"{k}_precision"], f[f"{k}_recall"]) for k in ("phone", *FIELDS)),
        f"{f['invented']}/{f['no_signature']}",
        "n/a" if f["misattributed"] is None else str(f["misattributed"]),
    ]


def render(rows: Sequence[Row], markdown: bool, notes: Sequence[str] = ()) -> str:
    """The table, then one line per note."""
    head = ["set", "split", "system", *COLUMNS.split("|")]
    body = [[r.set_name, r.split, r.system, *_cells(r.figures)] for r in rows]
    if markdown:
        lines = ["| " + " | ".join(row) + " |" for row in [head, *body]]
        lines.insert(1, "|" + "---|" * 3 + "---:|" * (len(head) - 3))
    else:
        widths = [max(len(row[i]) for row in [head, *body]) for i in range(len(head))]
        lines = [
            "  ".join(
                c.ljust(w) if i < 3 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
            for row in [head, *body]
        ]
    return "\n".join([*lines, "", *notes] if notes else lines)


def print_errors(emails: Sequence[RealEmail], predict: Predictor, limit: int) -> None:
    """The first `limit` dev errors: misattributions first, then line errors."""
    dev = [e for e in emails if not is_held_out(e)]
    results = judge_all(dev, predict)
    errors = [r for r in results if r[1].misattributed]
    errors += [r for r in results if r[1].line_error and not r[1].misattributed]
    for e, j in errors[:limit]:
        print(f"\n== {e.id} (sender {e.sender_name!r} <{e.sender_address}>)")
        if j.misattributed:
            print(f"   MISATTRIBUTED: {j.misattributed}")
        print(f"   gold sign-off: {[norm(x) for x in e.gold.sign_off_lines if x.strip()]}")
        print(f"   gold:      {j.gold_lines}")
        print(f"   predicted: {j.predicted_lines}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    add = parser.add_argument
    add("--sets", default=",".join(SETS), help="comma-separated: enron,asf,forge")
    add("--corpora", help="corpora folder (default: $INGESTOR_CORPORA or ../shared/corpora)")
    add("--no-talon", action="store_true", help="skip the talon rows")
    add("--verbose", type=int, default=0, metavar="N", help="print the first N dev errors")
    add("--markdown", action="store_true", help="print a Markdown table")
    add("--json", metavar="PATH", help="write all figures as JSON ('-': stdout)")
    add("--cv-forge", metavar="MODULE:FUNC", help="cross-validate forge with this function")
    add("--calibrate", action="store_true", help="precision by field-confidence threshold")
    add("--rules-only", action="store_true", help="the project without its line model")
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    parser = _parser()
    args = parser.parse_args(argv)
    sets = [s for s in args.sets.split(",") if s]
    if unknown := set(sets) - set(SETS):
        parser.error(f"unknown sets: {', '.join(sorted(unknown))}")
    if not corpora_dir(args.corpora).is_dir():
        parser.error(f"no corpora folder at {corpora_dir(args.corpora)}")
    emails = load_sets(sets, args.corpora)
    if args.calibrate:
        print(calibration(emails))
        return

    notes = []
    line_model = None if args.rules_only else "shipped"
    project: dict[str, Prediction] = {e.id: predict_project(e, line_model) for e in emails}
    if args.rules_only:
        notes.append("project: the hand-written rules alone (no line model)")
    if args.cv_forge and "forge" in sets:
        forge = [e for e in emails if e.set_name == "forge"]
        project.update(cross_validated(forge, import_function(args.cv_forge)))
        notes.append(f"project on forge: cross-validated by mailbox with {args.cv_forge}")
    systems: dict[str, tuple[Predictor, Sequence[str]]] = {"project": (project, FIELDS)}
    try:
        talon = None if args.no_talon else talon_predictions(emails)
    except (subprocess.SubprocessError, OSError) as exc:  # report the project's figures anyway
        notes.append(f"talon failed: {exc}")
        talon, args.no_talon = None, True
    if talon is not None:
        systems["talon"] = (talon[0], ())
        notes.append(f"talon 1.4.4, signature by {talon[1]}; title/company/name n/a")
    elif not args.no_talon:
        notes.append("talon not installed (make talon-venv; commands in benchmarks/score_real.py)")

    rows = build_rows(emails, systems, sets)
    print(render(rows, args.markdown, notes))
    if args.verbose:
        print_errors(emails, project, args.verbose)
    if args.json:
        payload = {"corpora": str(corpora_dir(args.corpora)), "notes": notes}
        text = json.dumps({**payload, "rows": [vars(r) for r in rows]}, indent=2)
        if args.json == "-":
            print(text)
        else:
            Path(args.json).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
