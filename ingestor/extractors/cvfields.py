"""A CV's or a card's text → the candidate's fields: name, emails, phones, location, current
title and company, profile URLs, salary expectation, notice period, languages.

Pure. Precision first: the references section (someone else's phone and address) is cut off
before anything is read; phones are read as a signature's, with the CV's own country as the
region of national formats; the current position is the one marked "present"/"heute"/"по
настоящее время" (or "since"), else the line under the name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import phonenumbers
from anyascii import anyascii

from ingestor.extractors.gazetteer import CITY_NAMES, COUNTRY_REGION, find_place
from ingestor.extractors.phones import Phone, find_phones
from ingestor.extractors.recruiting import MONTHS, RecruitingFacts, read_facts, read_languages
from ingestor.extractors.sigwords import COMPANY_SUFFIX, TITLE_WORDS, US_CITY_LINE

MAX_LINES = 2000
_MONTH_WORDS = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))
HEADER_LINES = 15


@dataclass(frozen=True)
class CvFields:
    name: str | None = None
    emails: list[str] = field(default_factory=list)
    phones: list[Phone] = field(default_factory=list)
    city: str | None = None
    country: str | None = None  # ISO 3166 alpha-2
    title: str | None = None
    company: str | None = None
    linkedin: str | None = None
    urls: list[str] = field(default_factory=list)
    facts: RecruitingFacts = field(default_factory=RecruitingFacts)
    languages: list[str] = field(default_factory=list)

    @property
    def location(self) -> str | None:
        return ", ".join(x for x in (self.city, self.country) if x) or None


_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+", re.UNICODE)
_URL = re.compile(r"(?:https?://)?(?:www\.)?(?:linkedin\.com/in|github\.com|xing\.com/profile)"
                  r"/[\w%.-]{2,100}/?", re.IGNORECASE)  # fmt: skip
_HEADING = re.compile(
    r"^(?:references?|referenzen|рекомендации|références|referees)\s*:?$", re.IGNORECASE
)
_SECTION = re.compile(
    r"^(?:experience|work experience|berufserfahrung|опыт работы|expérience professionnelle"
    r"|education|ausbildung|образование|formation|skills|kenntnisse|навыки|compétences"
    r"|languages|sprachkenntnisse|sprachen|знание языков|языки|langues|profile|profil|о себе"
    r"|other|sonstiges|дополнительно|divers|contact|kontakt|контакты|coordonnées"
    r"|personal information|persönliche daten|personal data|summary)\s*:?$",
    re.IGNORECASE,
)
_LANG_HEADING = re.compile(
    r"^(?:(?:foreign )?languages?|sprachkenntnisse|sprachen|fremdsprachen|знание языков"
    r"|(?:иностранные )?языки|langues)\s*:?\s*(.*)$",
    re.IGNORECASE,
)
_LOCATION_LABEL = re.compile(
    r"^(?:location|address|city|wohnort|anschrift|adresse|ort|проживает|город|адрес)\s*:\s*(.+)$",
    re.IGNORECASE,
)
_NAME_LABEL = re.compile(
    r"^(?:name|full name|candidate|candidate name|фио|кандидат|nom|nom et prénom"
    r"|vor- und nachname|vorname und name|surname\(s\) / first name\(s\))\s*:\s*(.+)$",
    re.IGNORECASE,
)
# Degrees and honorifics before a name: "Dipl.-Ing.", "Mag.", "Dr.", "Prof.".
_HONORIFIC = re.compile(
    r"^(?:(?:dipl\.?-?\s?(?:ing|kfm|kff|inf|oec)\.?|dr\.?(?:\s?(?:rer|med|phil|ing)\.\s?\w*\.?)?"
    r"|prof\.?|mag\.?|ing\.?|mr\.?|mrs\.?|ms\.?|herr|frau|m\.|mme)\s+)+",
    re.IGNORECASE,
)
_SEGMENT = re.compile(r"\s+[·|•/]\s+|\s+[–—]\s+")
_NOT_NAMES = re.compile(
    r"lebenslauf|curriculum|vitae|resume|résumé|europass|резюме|persönliche|personal|contact"
    r"|kontakt|контакты|profil|experience|mobile|phone|e-mail|werdegang|beruflich|stationen"
    r"|tabellarisch|summary|education|ausbildung|career|history|опыт|образование|expérience",
    re.IGNORECASE,
)
_NAME_WORD = re.compile(r"^[A-ZÀ-ÞА-ЯЁ][a-zß-ÿа-яё'’]+(?:-[A-ZÀ-ÞА-ЯЁ]?[a-zß-ÿа-яё'’]+)?$")
_PATRONYMIC = re.compile(r"(?:вич|вна|ична|ьич)$")
_RU_SURNAME = re.compile(r"(?:ов|ев|ёв|ин|ын|ова|ева|ёва|ина|ына|ский|ская|цкий|цкая|ей)$")
_PRESENT = re.compile(
    r"present|current|today|\bnow\b|to date|heute|aktuell|jetzt|\bdato\b|по настоящее время"
    r"|н\.\s?в\.|настоящее время|сейчас|aujourd'hui|à ce jour"
    rf"|^(?:since|seit|с|depuis)\s+(?:(?:{_MONTH_WORDS})\w*\.?\s+)?\d",
    re.IGNORECASE,
)
_DATES = re.compile(
    rf"(?:(?:since|seit|с|depuis|from)\s+)?(?:(?:{_MONTH_WORDS})\w*\.?\s+)?(?:\d{{1,2}}[./])?\d{{4}}"
    r"\s*(?:(?:[–—-]|to|bis|по)\s*(?:(?:"
    rf"{_MONTH_WORDS})\w*\.?\s+)?(?:\d{{1,2}}[./])?"
    r"(?:\d{4}|present|current|today|now|to date|date|heute|aktuell|dato|по настоящее время"
    r"|настоящее время|сейчас|aujourd'hui))?"
    r"|present|current|heute|dato|по настоящее время|настоящее время|сейчас|aujourd'hui|to date",
    re.IGNORECASE,
)
_ROLE_LABEL = re.compile(
    r"^(?:current (?:role|position)|position|role|aktuelle position|текущая должность)\s*:\s*",
    re.IGNORECASE,
)
_AT = re.compile(r"\s+(?:at|bei|в|chez|@)\s+", re.IGNORECASE)


# Labels that a table or a form puts on a line of their own, the value on the next line.
_BARE_LABEL = re.compile(
    r"^(?:name|surname\(s\) / first name\(s\)|address|location|wohnort|anschrift|adresse"
    r"|проживает|город|mobile|telephone|phone|telefon|e-mail|email)$",
    re.IGNORECASE,
)
# OCR often drops diacritics ("Munchen"): cities by their ASCII spelling too.
_ASCII_CITIES = {" ".join(anyascii(k).casefold().split()): v for k, v in CITY_NAMES.items()}


def _join_labels(lines: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(lines):
        if _BARE_LABEL.match(lines[i]) and i + 1 < len(lines) and lines[i + 1]:
            out.append(f"{lines[i]}: {lines[i + 1]}")
            i += 2
            continue
        out.append(lines[i])
        i += 1
    return out


def cv_fields(text: str, default_region: str, reference: date, card: bool = False) -> CvFields:
    """The candidate's fields in a CV's (or, `card`, a business card's) text."""
    lines = [" ".join(raw.split()) for raw in text.replace("\r", "\n").split("\n")][:MAX_LINES]
    lines = _join_labels(_without_references(lines))
    body = "\n".join(lines)
    emails = list(dict.fromkeys(m.group(0).lower().rstrip(".") for m in _EMAIL.finditer(body)))
    city, country = _location(lines, card)
    name = _name(lines, emails, card)
    region = country or default_region
    phones = find_phones(
        body, sender_domain=None, default_region=region, in_signature=True, hint_regions=[region]
    )
    if country is None and phones:
        country = _phone_country(phones[0].number)
    title, company = _card_position(lines, name) if card else _position(lines, name)
    urls = list(dict.fromkeys(_url(m.group(0)) for m in _URL.finditer(body)))
    linkedin = next((u for u in urls if "linkedin.com" in u), None)
    return CvFields(
        name=name,
        emails=emails[:5],
        phones=phones[:5],
        city=city,
        country=country,
        title=title,
        company=company,
        linkedin=linkedin,
        urls=urls[:5],
        facts=read_facts(body, reference) if not card else RecruitingFacts(),
        languages=[] if card else _languages(lines),
    )


# An agency's or job board's own people on a candidate profile: their details are not his.
_PRESENTER = re.compile(
    r"^(?:consultant|recruiter|agent|account manager|presented by|your contact|contact person"
    r"|ansprechpartner(?:in)?|berater(?:in)?|рекрутер|контактное лицо|consultant\(e\))\s*:",
    re.IGNORECASE,
)


def _without_references(lines: list[str]) -> list[str]:
    """The lines minus a references section and an agency's own contact lines: referees' and
    consultants' phones and addresses are not the candidate's."""
    out: list[str] = []
    skipping = False
    for line in lines:
        if _PRESENTER.match(line) or re.search(r"presented by|vorgestellt von", line, re.I):
            continue
        if _HEADING.match(line):
            skipping = True
            continue
        if skipping and _SECTION.match(line):
            skipping = False
        if not skipping:
            out.append(line)
    return out


def _url(raw: str) -> str:
    url = raw.rstrip("/.")
    if not url.lower().startswith("http"):
        url = "https://" + url
    return url


def _phone_country(number: str) -> str | None:
    try:
        region = phonenumbers.region_code_for_number(phonenumbers.parse(number, None))
    except phonenumbers.NumberParseException:
        return None
    return region if region and region != "ZZ" else None


def _location(lines: list[str], card: bool) -> tuple[str | None, str | None]:
    for line in lines:
        m = _LOCATION_LABEL.match(line)
        if m:
            return _place(m.group(1))
    for line in lines[: HEADER_LINES if not card else 30]:
        for piece in re.split(r"\s*\|\s*|\s+[·•]\s+", line):
            if "@" in piece or "http" in piece:
                continue
            city, country = _place(piece, labelled=False)
            if city or country:
                return city, country
    return None, None


def _place(text: str, labelled: bool = True) -> tuple[str | None, str | None]:
    us = US_CITY_LINE.match(text.strip())
    if us:
        return us.group("city").strip(), "US"
    place = find_place(text)
    # Without postcodes and house numbers: "22 Harrow Lane, Bristol BS1 4QT" → "Bristol".
    parts = [
        " ".join(w for w in p.split() if not re.search(r"\d", w)).strip() for p in text.split(",")
    ]
    parts = [p for p in parts if p and not re.fullmatch(r"[A-Z]{1,2}", p)]
    country = COUNTRY_REGION.get(place.country) if place and place.country else None
    city = place.city if place else None
    if city is None:
        for part in parts:
            known = _ASCII_CITIES.get(" ".join(anyascii(part).casefold().split()))
            if known:
                return known[0], COUNTRY_REGION.get(known[1])
    if city is None and parts:
        # A city the gazetteer does not know: the part before the country, without a street.
        plain = [p for p in parts if find_place(p) is None]
        # Unlabelled (a header line), only beside a country: "Leeds, UK", not "B.S., 2016".
        near = country or (labelled and len(parts) > 1)
        if plain and near and len(plain[-1].split()) <= 3:
            city = plain[-1]
    return city, country


def _name(lines: list[str], emails: list[str], card: bool) -> str | None:
    for line in lines[:60]:
        m = _NAME_LABEL.match(line)
        if m:
            value = _HONORIFIC.sub("", m.group(1).strip())
            if "," in value:  # Europass: "Surname, First name"
                last, _, first = value.partition(",")
                value = f"{first.strip()} {last.strip()}"
            return _order(value.split())
    candidates = [name for ln in lines[: HEADER_LINES * 2] if (name := _name_in(ln)) is not None]
    local = anyascii(emails[0].split("@")[0]).lower() if emails else ""
    for line in candidates:  # the name that the address spells wins
        words = [anyascii(w).lower().replace("'", "") for w in line.split()]
        if local and sum(w[:4] in local for w in words if len(w) > 2) >= 1:
            return _order(line.split())
    return _order(candidates[0].split()) if candidates else None


def _name_in(line: str) -> str | None:
    """The name a header line starts with: its first segment ("Reto Zwahlen · Street 8"),
    without degrees, in capitals turned to title case."""
    first = _SEGMENT.split(line, maxsplit=1)[0].strip()
    first = _HONORIFIC.sub("", first).strip()
    words = first.split()
    if 2 <= len(words) <= 4 and first.isupper() and not re.search(r"\d", first):
        first = " ".join(w.capitalize() if "-" not in w else "-".join(
            p.capitalize() for p in w.split("-")) for w in words)  # fmt: skip
    return first if _looks_like_name(first) else None


def _looks_like_name(line: str) -> bool:
    words = line.split()
    if not 2 <= len(words) <= 4 or _NOT_NAMES.search(line) or TITLE_WORDS.search(line):
        return False
    if COMPANY_SUFFIX.search(line) or find_place(line) is not None:
        return False
    return all(_NAME_WORD.match(w) for w in words)


def _order(words: list[str]) -> str | None:
    """First name first; a Russian patronymic is dropped ("Иванов Иван Петрович" → "Иван
    Иванов"), and "Иванов Иван" is turned round by its surname ending."""
    if not words:
        return None
    if (
        len(words) == 3
        and _PATRONYMIC.search(words[2])
        or len(words) == 2
        and _RU_SURNAME.search(words[0])
        and not _RU_SURNAME.search(words[1])
    ):
        words = [words[1], words[0]]
    return " ".join(words)


def _position(lines: list[str], name: str | None) -> tuple[str | None, str | None]:
    for i, line in enumerate(lines):
        if not _PRESENT.search(line) or "@" in line:
            continue
        rest = _DATES.sub(" ", line)
        rest = re.sub(r"\(\s*[^\w]*\s*\)", " ", rest)  # "( )" where the dates were
        rest = _ROLE_LABEL.sub("", rest.strip(" :|–—-,"))
        rest = " ".join(rest.split()).strip(" :|–—-,")
        if rest:
            found = _split(rest)
            if found != (None, None):
                return found
        else:  # dates alone on the line: company, then title, below
            after = [ln for ln in lines[i + 1 : i + 3] if ln]
            if len(after) == 2:
                return _split(f"{after[1]} | {after[0]}")
    return None, None


def _split(text: str) -> tuple[str | None, str | None]:
    """(title, company) from "Title, Company", "Title at Company" or "Company | Title"."""
    # "(Python, Kafka)" after a title lists skills: its commas split nothing.
    text = re.sub(r"\s*\([^()]*,[^()]*\)", "", text).strip()
    if _AT.search(text):
        title, company = _AT.split(text, maxsplit=1)
        return title.strip() or None, company.strip() or None
    parts = [p.strip() for p in re.split(r"\s*\|\s*|,\s+|\s+[–—]\s+", text) if p.strip()]
    if len(parts) < 2:
        return None, None
    a, b = parts[0], parts[1]
    if COMPANY_SUFFIX.search(a) and not COMPANY_SUFFIX.search(b):
        return b, a
    if TITLE_WORDS.search(b) and not TITLE_WORDS.search(a):
        return b, a
    return a, b


def _card_position(lines: list[str], name: str | None) -> tuple[str | None, str | None]:
    """On a card: the lines under the name, told apart by job-title words and legal forms."""
    if name is None:
        return None, None
    words = set(name.split())
    start = next((i for i, ln in enumerate(lines) if set(ln.split()) == words), None)
    if start is None:
        return None, None
    after = [ln for ln in lines[start + 1 : start + 4] if ln and not re.search(r"\d|@", ln)]
    title = next((ln for ln in after if TITLE_WORDS.search(ln)), None)
    company = next((ln for ln in after if ln != title and COMPANY_SUFFIX.search(ln)), None)
    if company is None:
        company = next((ln for ln in after if ln != title), None)
    return title, company


def _languages(lines: list[str]) -> list[str]:
    for i, line in enumerate(lines):
        m = _LANG_HEADING.match(line)
        if not m:
            continue
        section = [m.group(1)] if m.group(1) else []
        for following in lines[i + 1 : i + 10]:
            if _SECTION.match(following):
                break
            section.append(following)
        return read_languages(section)
    return []
