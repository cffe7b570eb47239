"""Find phone numbers in message text and type them (mobile, work, fax, other).

Parsing and validation are libphonenumber's job (the `phonenumbers` package); this module decides
*where* to run it, *which region* to assume for national formats, and which digit runs are not
phones at all (dates, order numbers, IBANs, conference dial-ins). It is pure: text in, phones out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import phonenumbers
from phonenumbers import Leniency, PhoneNumberFormat, PhoneNumberMatcher, PhoneNumberType

from ingestor.extractors.memo import cached_when_small

PhoneType = Literal["mobile", "work", "fax", "other"]

SIGNATURE_CONFIDENCE = 0.9
BODY_CONFIDENCE = 0.5
# A national number read with a guessed region is a little less certain than one with its +CC.
GUESSED_REGION_PENALTY = 0.1


@dataclass(frozen=True)
class Phone:
    """One phone number as found in text."""

    number: str  # E.164, without the extension
    type: PhoneType
    raw: str  # the text as written, e.g. "8 (495) 123-45-67"
    extension: str | None = None
    confidence: float = SIGNATURE_CONFIDENCE


# Cheap gate before the (comparatively slow) phonenumbers matcher: 7+ digits with separators.
_PLAUSIBLE = re.compile(r"\d(?:[ \t\-().\/\u00a0]{0,3}\d){6,}")
# Digit runs that are certainly not phones, blanked before the gate so their lines cost nothing.
_NOT_PHONE_RUNS = re.compile(
    r"https?://\S+|[^\s@]{1,64}@\S{1,255}"
    r"|(?<![\d.])\d{1,2}[./]\d{1,2}[./]\d{2,4}(?![./]?\d)|\b\d{4}-\d{2}-\d{2}\b"
    r"|\b\d{1,2}:\d{2}\b|\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?\b"
)
# A matched run that is entirely a date ("03.03.2025", "2025-03-03", "3/4/25") is not a phone.
_DATE = re.compile(
    r"\s*(?:\d{1,2}([./-])\d{1,2}\1(?:\d{4}|\d{2})|\d{4}([./-])\d{1,2}\2\d{1,2})"
    r"(?:[ T,]+\d{1,2}(?::\d{2})?)?\s*"
)
# Lines about conference calls: their numbers are dial-ins and meeting IDs, never the sender's.
_CONFERENCE = re.compile(
    r"zoom\.us|\bzoom\b|\bteams\b|meet\.google|google meet|webex|gotomeeting|\bbluejeans\b"
    r"|meeting id|conference id|passcode|pass code|dial[- ]?in|one tap mobile|\bpin\b"
    r"|kenncode|besprechungs-id|konferenz-id|einwahl|код (?:доступа|конференции)"
    r"|идентификатор (?:конференции|встречи)|id de (?:réunion|reunión)|code secret"
    r"|código de acceso|tap mobile",
    re.IGNORECASE,
)
# A conference line taints this many lines before and after it: dial-in blocks run long.
_CONFERENCE_WINDOW = (2, 6)
# Keywords right before a number that make it an identifier, not a phone.
_NOT_A_PHONE_BEFORE = re.compile(
    r"(?:[#№]|\b(?:order|invoice|ticket|case|ref(?:erence)?|po|bestell\w*|rechnung\w*|auftrag\w*"
    r"|kunden\w*|vorgang|заказ\w*|сч[её]т\w*|договор\w*|инн|кпп|огрн|бик|commande|facture"
    r"|dossier|pedido|factura|iban|bic|swift|vat|ust-?id\w*|hrb|siret|siren|cif|nif|kvk|tracking"
    r"|sendung\w*|plz|zip|postcode|account|konto)"
    r"(?:\s*(?:no|nr|number|num|номер|n°|id))?)\s*[:#.]?\s*$",
    re.IGNORECASE,
)
_NATIONAL_STYLES = (
    ("US", re.compile(r"(?<!\d)\(?[2-9]\d{2}\)?[ .-]?[2-9]\d{2}[ .-]\d{4}(?!\d)")),
    ("RU", re.compile(r"(?<![\d+])8[ -]?\(?[3-9]\d{2}\)?[ -]?\d{3}[ -]?\d{2}[ -]?\d{2}(?!\d)")),
)
_MIN_DIGITS = 7
_MAX_CANDIDATE_LINES = 100
_MAX_LINE = 2000  # longer "lines" are unwrapped paragraphs or junk, not contact details
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){3,7}(?:[ ]?[A-Z0-9]{1,3})?\b")

# Label words (lower-case, without trailing dots) → type. Covers en/ru/de/fr/es.
_LABEL_WORDS: tuple[tuple[PhoneType, str], ...] = (
    (
        "mobile",
        "m c mob mobile cell cellphone cell-phone handy mobil mobiltelefon gsm моб мобильный "
        "мобильного мобил сотовый сот portable port móvil movil celular cel",
    ),
    (
        "work",
        "t o tel telephone phone p ph office work direct d dd dir telefon büro buero festnetz "
        "durchwahl zentrale тел телефон раб рабочий офис прямой tél téléphone bureau fixe "
        "ligne standard teléfono telefono tfno tlf oficina directo",
    ),
    ("fax", "f fax telefax факс télécopie telecopie"),
)
_LABELS: dict[str, PhoneType] = {w: kind for kind, words in _LABEL_WORDS for w in words.split()}
_ICON_LABELS: dict[str, PhoneType] = {
    "📱": "mobile", "📲": "mobile", "📞": "work", "☎": "work", "☎️": "work", "📠": "fax",
}  # fmt: skip
_LABEL_BEFORE = re.compile(r"([^\W\d_]+(?:\.?[ -][^\W\d_]+)?)\.?\s*[:.]?\s*[(\[]?\s*$")
_LABEL_AFTER = re.compile(r"^\s*[(\[]\s*([^\W\d_]+)\.?\s*[)\]]")
_EXT_AFTER = re.compile(
    r"^\s*[,;]?\s*(?:ext|extn|x|доб|durchwahl|dw|poste|ext\.|extensión)\.?\s*:?\s*(\d{1,6})\b",
    re.IGNORECASE,
)

# ccTLDs whose uppercase form is not their phone region, and TLDs that say nothing about a country.
_TLD_REGION = {"uk": "GB", "su": "RU", "xn--p1ai": "RU", "рф": "RU", "gb": "GB"}
_GENERIC_TLDS = frozenset({
    "com", "org", "net", "io", "ai", "co", "me", "tv", "cc", "ly", "app", "dev", "biz", "info",
    "eu", "int", "edu", "gov",
})  # fmt: skip


def region_from_domain(domain: str | None) -> str | None:
    """The phone region a sender's domain suggests (.de → DE, .co.uk → GB), or None."""
    if not domain:
        return None
    tld = domain.lower().rstrip(".").rsplit(".", 1)[-1]
    if tld in _GENERIC_TLDS:
        return None
    region = _TLD_REGION.get(tld, tld.upper())
    return region if region in phonenumbers.SUPPORTED_REGIONS else None


def find_phones(
    text: str,
    *,
    sender_domain: str | None,
    default_region: str,
    in_signature: bool,
    hint_regions: Iterable[str] = (),
) -> list[Phone]:
    """All phones in `text`, in order of appearance, each number once.

    National formats are read with, in order: the ccTLD region of `sender_domain`, the regions of
    international numbers elsewhere in the same text (only when `in_signature`, where they are
    the same person's), `hint_regions` (e.g. the signature's country), then `default_region`.
    Written conventions that name a country are a last resort: "(617) 482-3310" is North
    American, "8 (495) 123-45-67" Russian.
    """
    lines = text.split("\n")
    # Hostile or machine-made text can have thousands of digit lines; a person's has a few.
    candidates = [i for i, line in enumerate(lines) if plausible_line(line)][:_MAX_CANDIDATE_LINES]
    if not candidates:
        return []
    candidates = [i for i in candidates if not _in_conference_block(lines, i)]
    base = SIGNATURE_CONFIDENCE if in_signature else BODY_CONFIDENCE

    found: list[tuple[phonenumbers.PhoneNumber, str, PhoneType]] = []
    pending: list[int] = []
    # In a signature without a ccTLD, its international numbers decide how to read its national
    # ones, so they are collected first ("ZZ" reads only +CC numbers). Otherwise one pass with
    # the first region in order reads both at once; the matcher is the expensive part.
    scan_first = in_signature and region_from_domain(sender_domain) is None and "+" in text
    first = (
        "ZZ" if scan_first else _region_order(sender_domain, default_region, [], hint_regions)[0]
    )
    for i in candidates:
        matches = _match_line(lines[i], first) if first != "ZZ" or "+" in lines[i] else []
        found.extend(matches)
        if _uncovered(lines[i], (m[1] for m in matches)):
            pending.append(i)

    regions = _region_order(
        sender_domain, default_region, found if in_signature else [], hint_regions
    )
    for i in pending:
        seen_raw = {raw for _, raw, _ in found}
        extra = [r for r, style in _NATIONAL_STYLES if r not in regions and style.search(lines[i])]
        for region in regions + extra:
            if region == first:
                continue
            matches = [m for m in _match_line(lines[i], region) if m[1] not in seen_raw]
            if matches:
                found.extend(matches)
                if not _uncovered(lines[i], [*seen_raw, *(m[1] for m in matches)]):
                    break

    phones: list[Phone] = []
    seen: set[str] = set()
    for num, raw, kind in _in_text_order(found, text):
        e164 = phonenumbers.format_number(num, PhoneNumberFormat.E164)
        if e164 in seen:
            continue
        seen.add(e164)
        if kind == "other":
            kind = _kind_from_number(num, in_signature)
        # A national format was read with an inferred region: slightly less certain.
        guessed = not raw.lstrip().startswith("+")
        conf = base - (GUESSED_REGION_PENALTY if guessed else 0.0)
        phones.append(Phone(e164, kind, raw, num.extension or None, round(conf, 2)))
    return phones


# Contact lines are short; only those are cached, so the cache stays under ~1 MB.
@cached_when_small(maxsize=4096, limit=200, size=len)
def _match_line(
    line: str, region: str
) -> tuple[tuple[phonenumbers.PhoneNumber, str, PhoneType], ...]:
    """phonenumbers' matcher on one line, minus the digit runs that are identifiers.

    Cached: a person's signature lines come back with every message they send, and the matcher
    is the expensive part of extraction. The numbers returned are shared: never modify them.
    """
    out: list[tuple[phonenumbers.PhoneNumber, str, PhoneType]] = []
    prev_end = 0
    for m in PhoneNumberMatcher(line, region, leniency=Leniency.VALID):
        before, after = line[prev_end : m.start], line[m.end :]
        if _rejected(line, m.raw_string, m.start):
            continue
        number = m.number
        ext = _EXT_AFTER.match(after)
        if ext and not number.extension:
            number.extension = ext.group(1)
        out.append((number, m.raw_string, _label_kind(before, after)))
        prev_end = m.end
    return tuple(out)


def clear_phone_cache() -> None:
    _match_line.cache_clear()


def _rejected(line: str, raw: str, start: int) -> bool:
    """Whether a matched number is really a date, an identifier or part of a longer token."""
    if _DATE.fullmatch(raw):
        return True
    if _NOT_A_PHONE_BEFORE.search(line[max(0, start - 24) : start]):
        return True
    if sum(c.isdigit() for c in raw) < _MIN_DIGITS:
        return True
    # Part of a longer token (IBAN, ticket "AB-12345678", the tail of "512.339.1685").
    if start > 0 and (line[start - 1].isalpha() or line[start - 1] in "-_/"):
        return True
    if start > 1 and line[start - 1] in ". " and line[start - 2].isdigit():
        return True
    return any(start >= m.start() and start < m.end() for m in _IBAN.finditer(line))


def _label_kind(before: str, after: str) -> PhoneType:
    """Type from the label written before the number ("Mob.:") or after it ("(office)")."""
    segs = [x for x in re.split(r"[|•·,;/]|\s{3,}", before) if x.strip()]
    seg = segs[-1].strip().lower() if segs else ""
    for icon, kind in _ICON_LABELS.items():
        if seg.endswith(icon):
            return kind
    lab = _LABEL_BEFORE.search(seg)
    if lab:
        # "Tel. mobil", "Моб. тел.", "Tel/Fax": the specific kind wins over the generic "tel".
        kinds = {_LABELS[w] for w in re.split(r"[\s.-]+", lab.group(1)) if w in _LABELS}
        specific: tuple[PhoneType, ...] = ("fax", "mobile", "work")
        for kind in specific:
            if kind in kinds:
                return kind
    # "my mobile", "мой мобильный": the label is the last word of a short phrase.
    words = re.findall(r"[^\W\d_]+", seg)
    for word in reversed(words[-4:]):
        if word in _LABELS and len(word) > 2:
            return _LABELS[word]
    lab_after = _LABEL_AFTER.match(after.lower())
    if lab_after and lab_after.group(1) in _LABELS:
        return _LABELS[lab_after.group(1)]
    return "other"


def _kind_from_number(number: phonenumbers.PhoneNumber, in_signature: bool) -> PhoneType:
    ntype = phonenumbers.number_type(number)
    if ntype == PhoneNumberType.MOBILE:
        return "mobile"
    # An unlabelled landline in a signature is the office line; in free text it is unknown.
    if in_signature and ntype in (PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE):
        return "work"
    return "other"


def _uncovered(line: str, raws: Iterable[str]) -> bool:
    """Whether the line still has a plausible digit run that no accepted match explains."""
    rest = line
    for raw in raws:
        rest = rest.replace(raw, " ")
    return plausible_line(rest)


def plausible_line(line: str) -> bool:
    """Cheap gate for the phonenumbers matcher: 7+ digits that are not a date, URL or IBAN."""
    if len(line) > _MAX_LINE or not _PLAUSIBLE.search(line):
        return False
    return _PLAUSIBLE.search(_NOT_PHONE_RUNS.sub(" ", line)) is not None


def _region_order(
    sender_domain: str | None,
    default_region: str,
    international: list[tuple[phonenumbers.PhoneNumber, str, PhoneType]],
    hints: Iterable[str],
) -> list[str]:
    order: list[str] = []
    tld_region = region_from_domain(sender_domain)
    if tld_region:
        order.append(tld_region)
    for num, _, _ in international:
        region = phonenumbers.region_code_for_number(num)
        if region and region != "001":
            order.append(region)
    order.extend(h.upper() for h in hints)
    order.append(default_region.upper())
    return list(dict.fromkeys(order))


def _in_conference_block(lines: list[str], i: int) -> bool:
    """Whether line `i` sits in a dial-in block: a conference line shortly above or below it."""
    before, after = _CONFERENCE_WINDOW
    nearby = lines[max(0, i - after) : i + before + 1]
    return any(_CONFERENCE.search(line) for line in nearby)


def _in_text_order(
    found: list[tuple[phonenumbers.PhoneNumber, str, PhoneType]], text: str
) -> list[tuple[phonenumbers.PhoneNumber, str, PhoneType]]:
    return sorted(found, key=lambda f: text.find(f[1]))
