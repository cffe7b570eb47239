"""Find the sender's signature block in a message's new text, and read its fields.

The rules find the block from the bottom up: trailing disclaimers, mobile sign-offs ("Sent from
my iPhone") and banners are set aside first; then the block starts after a "-- " delimiter,
else after the last sign-off ("Best regards", "-Frank", "С уважением", …), else at a line
naming the sender, else at a trailing paragraph that reads like contact details. The line model
(sigmodel.py) gives the block its confidence, and may find one alone where the rules find none.
Fields (name, title, company, location, phones, emails, URLs) are then read segment by segment.
Input is new text only (quotes.py removes history first); `is_senders` then refuses a block
that names somebody else or sits under a header the splitter did not recognise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from ingestor.extractors.gazetteer import COUNTRY_REGION, find_place
from ingestor.extractors.memo import cached_when_small
from ingestor.extractors.phones import Phone, clear_phone_cache, find_phones
from ingestor.extractors.sendername import SenderName, fold, name_parts
from ingestor.extractors.siglines import (
    EMAIL,
    SEGMENT_SPLIT,
    URL,
    is_contact,
    is_prose,
    looks_like_name,
)
from ingestor.extractors.siglines import clear_caches as clear_line_caches
from ingestor.extractors.sigmodel import LineModel, shipped_model
from ingestor.extractors.sigmodel import clear_cache as clear_model_cache
from ingestor.extractors.sigwords import (
    BANNER,
    COMPANY_SUFFIX,
    CONTACT_LABELS,
    DELIMITER,
    DEPARTMENT_WORDS,
    DISCLAIMER,
    LINK_WORDS,
    MOBILE_SIGN_OFF,
    POSTSCRIPT,
    REGION_WORDS,
    SIGN_OFF,
    TITLE_WORDS,
    US_CITY_LINE,
)

_AT_SPLIT = re.compile(r"^(.+?)\s+(?:at|@|bei|chez|en|в|в компании)\s+(.+)$", re.IGNORECASE)
# Around a name but not part of it: pronouns, degrees in brackets, German "i. A." / "i. V.".
_NAME_EXTRAS = re.compile(r"\s*\([^)]{1,20}\)\s*$|^\s*i\.\s?[AV]\.\s+")
# A Russian company's legal form opens its name: "HR-менеджер ООО «Вектор»".
_LEGAL_FORM = re.compile(r"\b(?:ООО|АО|ПАО|ЗАО|ОАО|ГК)\s*[«\"]")
_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"[^\W\d_]+|&")
# A line of a message header: what sits above a quoted person's signature, never the sender's.
_HEADER_LINE = re.compile(
    r"^\s*(?:to|cc|bcc|subject|from|sent|date|an|von|betreff|de|à|objet|кому|от|тема)\s*:"
    r"|@\S*\s+\d{1,2}/\d{1,2}/\d{2,4}|^\s*\d{1,2}/\d{1,2}/\d{2,4}\s+\d{1,2}:\d{2}",
    re.IGNORECASE,
)
_HEADER_GUARD = 8  # lines above a block searched for such a header
_NOT_LABELS = REGION_WORDS | LINK_WORDS | CONTACT_LABELS
_SEARCH_WINDOW = 25  # lines above the end of the text that a signature may start in
_MAX_BLOCK = 15  # non-blank lines
_DASH_SIGN_OFF = re.compile(r"^[-–—~]{1,2}\s?([^\W\d_][^\d@:,.]{0,30})$")
# Pasted configuration or code after a sign-off ends a block: no signature line looks so.
_CODE = re.compile(r'=\s*"|/>|[{};]\s*$|^\s*</?\w+[ >]')
# A block the line model finds without the rules: this many lines at least, this sure.
MODEL_MIN_LINES = 3
MODEL_MIN_CONFIDENCE = 0.9


@dataclass(frozen=True)
class SignatureBlock:
    """The signature's lines exactly as in the new text, and the index of the first one."""

    lines: list[str]
    start_line: int
    confidence: float = 1.0  # the line model's mean probability over the block's lines

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass(frozen=True)
class Location:
    city: str | None
    country: str | None

    def __str__(self) -> str:
        return ", ".join(p for p in (self.city, self.country) if p)


@dataclass(frozen=True)
class SignatureFields:
    """What a signature says about its writer. Unknown fields are None or empty."""

    name: str | None
    title: str | None
    company: str | None
    location: Location | None
    phones: list[Phone] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    linkedin: str | None = None
    name_matches_sender: bool = False  # the name agrees with the From display name or address
    guessed: frozenset[str] = frozenset()  # fields known only by their place in the block


def find_signature(
    new_text: str,
    sender_name: str | None,
    sender_email: str | None,
    model: LineModel | None | Literal["shipped"] = "shipped",
) -> SignatureBlock | None:
    """The sender's signature block at the end of `new_text`, or None when there is none.

    The hand-written rules go first: a block after "-- ", a sign-off, the sender's name or a
    trailing paragraph of contact details. The line model then gives the block its confidence
    (the mean probability of its lines). Where the rules find nothing and the sender is not
    known (list archives, bodies without headers), the model alone may still find a block, but
    only a sure one of MODEL_MIN_LINES lines or more: on the real dev
    sets this order did at least as well as the rules alone and better than the model alone
    (see the README).
    Without a model (`model=None`) the rules decide alone.
    """
    lines = new_text.split("\n")
    sender = SenderName(sender_name, sender_email)
    rule = rule_signature(lines, sender)
    if model == "shipped":
        model = shipped_model()
    if model is None:
        return rule
    if rule is not None:
        block = range(rule.start_line, rule.start_line + len(rule.lines))
        probabilities = model.signature_probabilities(lines, sender, block, rule.start_line)
        inside = [p for i, p in probabilities if i in block]
        confidence = sum(inside) / len(inside) if inside else 0.0
        return SignatureBlock(rule.lines, rule.start_line, round(confidence, 3))
    if sender.tokens:
        # With a known sender the rules already start a block at a line naming them; a block
        # the model found alone, naming nobody, gave a quoted stranger's phone to the sender
        # in the measurements. So the model searches alone only for mail without a sender.
        return None
    if not any(is_contact(line) for line in lines[-_SEARCH_WINDOW:]):
        return None  # a block without an address, link or number is never sure enough
    run: list[tuple[int, float]] = []
    for index, p in reversed(model.signature_probabilities(lines, sender)):
        if p >= 0.5:
            run.append((index, p))
        elif run:
            break
    confidence = sum(p for _, p in run) / len(run) if run else 0.0
    if len(run) < MODEL_MIN_LINES or confidence < MODEL_MIN_CONFIDENCE:
        return None
    stop, start = run[0][0] + 1, run[-1][0]
    return SignatureBlock(lines[start:stop], start, round(confidence, 3))


def rule_signature(lines: list[str], sender: SenderName) -> SignatureBlock | None:
    """The block the hand-written rules find: after "-- ", a sign-off, the sender's name, or a
    trailing paragraph of contact details."""
    end = _content_end(lines)
    if end == 0:
        return None
    start = _delimited_start(lines, end)
    if start is None:
        start = _sign_off_start(lines, end)
    if start is None:
        start = _name_start(lines, end, sender)
    if start is None:
        start = _contact_block_start(lines, end)
    if start is None:
        return None
    while start < end and not lines[start].strip():
        start += 1
    stop, seen = start, 0
    while stop < end:
        text = lines[stop].strip()
        if text and (is_prose(text) or MOBILE_SIGN_OFF.match(text) or _CODE.search(text)):
            break
        seen += bool(text)
        if seen > _MAX_BLOCK:
            break
        stop += 1
    while stop > start and (not lines[stop - 1].strip() or BANNER.match(lines[stop - 1])):
        stop -= 1
    while start < stop and BANNER.match(lines[start]):
        start += 1
    return SignatureBlock(lines[start:stop], start) if stop > start else None


def is_senders(
    block: SignatureBlock,
    fields: SignatureFields,
    new_text: str,
    sender_name: str | None,
    sender_email: str | None,
) -> bool:
    """Whether the block is the sender's own: no header of a quoted or forwarded message sits
    above it (one the quote splitter did not recognise), and it gives the sender's address or
    names nobody else."""
    lines = new_text.split("\n")
    above = lines[max(0, block.start_line - _HEADER_GUARD) : block.start_line]
    if any(_HEADER_LINE.match(line) for line in above):
        return False
    if sender_email and sender_email.lower() in fields.emails:
        return True  # the block gives the sender's own address
    if fields.name and not fields.name_matches_sender and len(fields.name.split()) > 1:
        return not SenderName(sender_name, sender_email).tokens
    return True


def parse_signature(
    block: SignatureBlock,
    sender_name: str | None,
    sender_email: str | None,
    default_region: str,
) -> SignatureFields:
    """Read name, title, company, location, phones, emails and URLs from a signature block.

    Cached: a person signs every message the same way, and this is the most expensive step of
    extraction. The result is shared between calls: never modify it.
    """
    return _parse_signature(tuple(block.lines), sender_name, sender_email, default_region)


# Only ordinary blocks are cached: 15 lines can still be megabytes of hostile text.
@cached_when_small(maxsize=4096, limit=2000, size=lambda lines: sum(map(len, lines)))
def _parse_signature(
    block_lines: tuple[str, ...],
    sender_name: str | None,
    sender_email: str | None,
    default_region: str,
) -> SignatureFields:
    # Image placeholders ("[cid:image001.png@01D…]") look like addresses but are not.
    text = "\n".join(line for line in block_lines if not BANNER.match(line))
    domain = sender_email.rsplit("@", 1)[-1] if sender_email and "@" in sender_email else None
    # The signature's own country helps read its national numbers ("Москва" → RU).
    place = next((p for p in map(find_place, block_lines) if p and p.country), None)
    hints = [COUNTRY_REGION[place.country]] if place and place.country in COUNTRY_REGION else []
    phones = find_phones(
        text,
        sender_domain=domain,
        default_region=default_region,
        in_signature=True,
        hint_regions=hints,
    )
    emails = list(dict.fromkeys(m.lower() for m in EMAIL.findall(text)))
    urls = list(dict.fromkeys(u.rstrip(".") for u in URL.findall(EMAIL.sub(" ", text))))
    linkedin = next((u for u in urls if "linkedin.com" in u.lower()), None)

    segments = [s for s in _segments(list(block_lines)) if not is_contact(s[1])]
    # The signature's own addresses are evidence too: a team mailbox (jobs@…) says nothing.
    sender = SenderName(sender_name, sender_email, emails)
    name, name_index, matched = _pick_name(segments, sender)
    title: str | None = None
    company: str | None = None
    location = None
    title_at = -1
    leftovers: list[tuple[int, str]] = []
    for index, (_, seg) in enumerate(segments):
        if index == name_index:
            continue
        pair = _split_title_company(seg)
        if pair and (title is None or company is None):
            title, company = title or pair[0], company or pair[1]
            title_at = index
            continue
        parts = [p.strip() for p in seg.split(",")]
        if company is None and COMPANY_SUFFIX.search(parts[0]) and not TITLE_WORDS.search(parts[0]):
            company = parts[0]
            seg = ", ".join(parts[1:])
            if not seg:
                continue
        elif title is None and TITLE_WORDS.search(seg) and not _DIGIT.search(seg):
            title, title_at = seg, index
            continue
        place = find_place(seg)
        if place is not None:
            location = location or Location(place.city, place.country)
            continue
        us_city = US_CITY_LINE.match(seg)
        if us_city:
            location = location or Location(us_city.group("city").strip(), "United States")
            continue
        if _plain_label(seg) and index > name_index >= 0:
            leftovers.append((index, seg))
    # Unmarked lines right under the name are, by convention, the title and then the company;
    # a department line ("Talent Acquisition · EMEA") may sit between them.
    guessed: set[str] = set()  # fields read from their position alone
    if title is None and leftovers and not COMPANY_SUFFIX.search(leftovers[0][1]):
        title_at, title = leftovers.pop(0)
        guessed.add("title")
    if company is None:
        after = [seg for index, seg in leftovers[:3] if index > title_at]
        named = [seg for seg in after if not TITLE_WORDS.search(seg)]
        company = next(iter(named or after), None)
        # Right after a recognised title ("Data Scientist | Quantia") it is no guess.
        if company and not COMPANY_SUFFIX.search(company) and (title is None or "title" in guessed):
            guessed.add("company")
    return SignatureFields(name, title, company, location, phones, emails, urls, linkedin,
                           matched, frozenset(guessed))  # fmt: skip


def clear_caches() -> None:
    """Empty the per-line memo caches (for benchmarks that replay the same messages)."""
    clear_line_caches()
    clear_model_cache()
    find_place.cache_clear()
    fold.cache_clear()
    name_parts.cache_clear()
    clear_phone_cache()
    _parse_signature.cache_clear()


def _content_end(lines: list[str]) -> int:
    """Index after the last line that is neither blank, mobile sign-off, banner nor disclaimer."""
    end = len(lines)
    while end > 0:
        text = lines[end - 1].strip()
        if not text or MOBILE_SIGN_OFF.match(text) or BANNER.match(text):
            end -= 1
            continue
        para = end - 1
        while para > 0 and lines[para - 1].strip():
            para -= 1
        if POSTSCRIPT.match(lines[para]):
            end = para
            continue
        cut = _disclaimer_start(lines, para, end)
        if cut is None:
            break
        end = cut
    return end


def _disclaimer_start(lines: list[str], para: int, end: int) -> int | None:
    first = next((i for i in range(para, end) if DISCLAIMER.search(lines[i])), None)
    if first is None or sum(len(line.split()) for line in lines[first:end]) < 8:
        return None
    while first > para and is_prose(lines[first - 1].strip()):
        first -= 1
    return first


def _delimited_start(lines: list[str], end: int) -> int | None:
    for i in range(end - 1, max(-1, end - 1 - _SEARCH_WINDOW), -1):
        if DELIMITER.match(lines[i].rstrip()):
            return i + 1
    return None


def _sign_off_start(lines: list[str], end: int) -> int | None:
    for i in range(end - 1, max(-1, end - 1 - _SEARCH_WINDOW), -1):
        text = lines[i].strip()
        if is_prose(text):
            return None  # a sign-off closes the letter: it cannot sit above a paragraph
        dash = _DASH_SIGN_OFF.match(text)
        if dash and looks_like_name(dash.group(1)):
            return i  # "-Frank", "— Anna"
        match = SIGN_OFF.match(text)
        if not match:
            continue
        name = (match.group("name") or "").strip(" ,.!")
        if name and (not looks_like_name(name) or _addresses(text, match)):
            continue
        if name:
            return i
        following = [j for j in range(i + 1, end) if lines[j].strip()]
        return following[0] if following else None
    return None


def _addresses(text: str, match: re.Match[str]) -> bool:
    """ "Thanks Erick," / "Thanks Alessandro!": a thank-you to someone, not a signed sign-off
    ("Thanks, Erick" is one)."""
    before = text[: match.start("name")]
    return "," not in before and text.rstrip()[-1:] in (",", "!")


def _name_start(lines: list[str], end: int, sender: SenderName) -> int | None:
    best: int | None = None
    for i in range(end - 1, max(-1, end - 1 - _SEARCH_WINDOW), -1):
        text = lines[i].strip()
        if is_prose(text):
            break
        first = SEGMENT_SPLIT.split(text)[0].split(", ")[0].strip(" ,")
        if looks_like_name(first) and sender.score(first) >= 0.5:
            best = i
    return best


def _contact_block_start(lines: list[str], end: int) -> int | None:
    """A trailing paragraph that starts with a full name and holds contact details, or two
    paragraphs when a blank line separates the name from the details."""
    tops: list[int] = []
    bottom = end
    while len(tops) < 2 and bottom > 0:
        top = bottom - 1
        while top > 0 and lines[top - 1].strip():
            top -= 1
        tops.append(top)
        bottom = top
        while bottom > 0 and not lines[bottom - 1].strip():
            bottom -= 1
    for top in tops:
        chunk = [line.strip() for line in lines[top:end] if line.strip()]
        if len(chunk) > 12 or any(is_prose(c) for c in chunk):
            return None
        details = any(is_contact(c) or TITLE_WORDS.search(c) for c in chunk)
        if details and looks_like_name(chunk[0]) and len(chunk[0].split()) >= 2:
            return top
    return None


def _segments(block_lines: list[str]) -> list[tuple[int, str]]:
    """Each line's parts between separators ("|", "·", " – ", wide gaps); "Name, Title" on the
    first line is two parts."""
    out: list[tuple[int, str]] = []
    for index, line in enumerate(block_lines):
        text = line.strip()
        if not text or BANNER.match(text) or DELIMITER.match(text):
            continue
        match = SIGN_OFF.match(text)
        if match:
            text = (match.group("name") or "").strip(" ,.!")
            if not text:
                continue
        parts = _join_departments(SEGMENT_SPLIT.split(text))
        head, sep, tail = parts[0].partition(", ")
        if not out and sep and looks_like_name(head) and TITLE_WORDS.search(tail):
            parts[:1] = [head, tail]
        for seg in parts:
            seg = seg.strip(" ,;")
            if seg:
                out.append((index, seg))
    return out


def _join_departments(parts: list[str]) -> list[str]:
    """ "Manager - Human Capital Advisory Services" is one title, not a title and a company;
    "Enron Corp. - Global Finance" is one company."""
    out: list[str] = []
    for part in parts:
        if (
            out
            and (TITLE_WORDS.search(out[-1]) or COMPANY_SUFFIX.search(out[-1]))
            and _is_department(part)
        ):
            out[-1] = f"{out[-1]} - {part}"
        else:
            out.append(part)
    return out


def _is_department(text: str) -> bool:
    words = _WORD.findall(text.lower())
    return bool(words) and all(w in DEPARTMENT_WORDS for w in words) and not is_contact(text)


def _pick_name(segments: list[tuple[int, str]], sender: SenderName) -> tuple[str | None, int, bool]:
    """The writer's name: a segment matching the sender, else a name-like first segment."""
    best: tuple[float, int, str] | None = None
    for index, (_, seg) in enumerate(segments[:6]):
        name = _NAME_EXTRAS.sub("", seg).strip()
        if not looks_like_name(name):
            continue
        # Two-word names beat one-word matches ("TalentBridge" from a team's display name).
        score = sender.score(name) + (0.1 if len(name.split()) > 1 else 0.0)
        if score >= 0.5 and (best is None or score > best[0]):
            best = (score, index, name)
    if best is not None:
        return best[2], best[1], True
    if segments:
        name = _NAME_EXTRAS.sub("", segments[0][1]).strip()
        if looks_like_name(name):
            return name, 0, False
    return None, -1, False


def _split_title_company(text: str) -> tuple[str, str] | None:
    """ "Recruiter at ACME", "Recruiter, ACME GmbH" → (title, company)."""
    match = _AT_SPLIT.match(text)
    if (
        match
        and TITLE_WORDS.search(match.group(1))
        and "@" not in match.group(2)
        and not match.group(2)[:1].islower()  # "Consultant en recrutement" is one title
    ):
        return match.group(1).strip(), match.group(2).strip(" ,")
    legal = _LEGAL_FORM.search(text)
    if legal and legal.start() > 0 and TITLE_WORDS.search(text[: legal.start()]):
        return text[: legal.start()].strip(" ,"), text[legal.start() :].strip()
    head, sep, tail = text.partition(", ")
    if not sep or not TITLE_WORDS.search(head) or _DIGIT.search(tail) or _is_department(tail):
        return None
    tail = tail.strip()
    first_word = tail.split()[0] if tail.split() else ""
    if COMPANY_SUFFIX.search(tail) or (
        not TITLE_WORDS.match(first_word)
        and tail.lower() not in REGION_WORDS
        and len(tail.split()) <= 3
        and tail[:1].isupper()
        and find_place(tail) is None
    ):
        return head.strip(), tail
    return None


def _plain_label(seg: str) -> bool:
    """Could be a title or company name: short, no digits, not a sentence, slogan or region."""
    if _DIGIT.search(seg) or len(seg.split()) > 6 or seg.lower() in _NOT_LABELS:
        return False
    if seg.endswith(":"):  # a phone or address label whose value sat in another cell
        return False
    return not (seg[-1] in '.!?"»“”' and not COMPANY_SUFFIX.search(seg))
