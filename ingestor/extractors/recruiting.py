"""Salary expectations, notice periods, start dates and languages, as people write them in CVs
and in their own replies ("95k EUR gross", "от 250 000 ₽ на руки", "Gehaltsvorstellung
75.000 € brutto p.a.", "Kündigungsfrist 3 Monate zum Quartalsende", "available from 1 March").

Pure and precision-first: a salary needs a salary word, an amount and a currency on one line;
a notice period needs a notice word and a duration. Dates without a year are the next such day
after the reference date (the message's date).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MAX_LINE = 300


@dataclass(frozen=True)
class Salary:
    amount: int
    currency: str  # ISO 4217
    period: str  # year | month | hour
    basis: str | None  # gross | net | None when not stated

    def __str__(self) -> str:
        basis = f" {self.basis}" if self.basis else ""
        return f"{self.amount} {self.currency} per {self.period}{basis}"


@dataclass(frozen=True)
class RecruitingFacts:
    salary: Salary | None = None
    notice_period: str | None = None  # "3 months", "2 weeks", "immediately"
    available_from: date | None = None

    def __bool__(self) -> bool:
        return bool(self.salary or self.notice_period or self.available_from)


_SALARY_WORD = re.compile(
    r"salary|compensation|pay expectation|expectation|expected|desired (?:pay|income)|package"
    r"|gehalt|lohn|vergütung|jahresbrutto|зарплат|заработн|доход|оклад|ожидани|вознагражден"
    r"|prétentions|salaire|rémunération",
    re.IGNORECASE,
)
_CURRENCY = (
    ("EUR", r"€|\beur\b|\beuro?s?\b|евро"),
    ("GBP", r"£|\bgbp\b|pounds?\b"),
    ("USD", r"\$|\busd\b|dollars?\b|долл"),
    ("CHF", r"\bchf\b|franken\b"),
    ("RUB", r"₽|\brub\b|руб|\bр\.|рублей|тыс\.\s*р"),
)
_AMOUNT = re.compile(
    r"(?<![\d.,])(\d{1,3}(?:[ \u00a0\u202f.,’']\d{3})+|\d{1,7})(?:[.,]\d{1,2})?"
    r"(\s?(?:k|к|тыс\.?|tsd\.?|thousand|mille)(?![\w]))?",
    re.IGNORECASE,
)
_MONTH_WORDS = re.compile(
    r"per month|a month|/\s?month|monthly|\bp\.?\s?m\.?(?!\w)|pro monat|im monat|monatlich"
    r"|/\s?monat|в месяц|/\s?мес|ежемесячно|par mois|mensuel",
    re.IGNORECASE,
)
_YEAR_WORDS = re.compile(
    r"per annum|p\.\s?a\.|per year|a year|/\s?year|annual|yearly|jährlich|im jahr|pro jahr"
    r"|jahres|в год|годов|par an\b|annuel",
    re.IGNORECASE,
)
_HOUR_WORDS = re.compile(r"per hour|/\s?h(?:our)?\b|hourly|pro stunde|в час|de l'heure")
_GROSS = re.compile(r"gross|brutto|брутто|до вычета|до уплаты|\bbrut\b|before tax", re.I)
_NET = re.compile(r"\bnet\b|netto|на руки|чистыми|после вычета|after tax|нетто", re.I)

_NOTICE_WORD = re.compile(
    r"notice|kündigungsfrist|uvedoml|уведомлени|отработк|préavis|выйти через|start after",
    re.IGNORECASE,
)
_IMMEDIATE = re.compile(
    r"available immediately|immediately available|start immediately|ab sofort|sofort verfügbar"
    r"|немедленно|сразу|disponibilité\s*:?\s*immédiate|disponible immédiatement",
    re.IGNORECASE,
)
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "six": 6, "a": 1, "ein": 1, "einen": 1,
    "eine": 1, "zwei": 2, "drei": 3, "vier": 4, "sechs": 6, "один": 1, "одного": 1, "два": 2,
    "двух": 2, "три": 3, "трёх": 3, "трех": 3, "un": 1, "deux": 2, "trois": 3,
}  # fmt: skip
_DURATION = re.compile(
    r"(\d{1,2}|one|two|three|four|six|a|ein|einen|eine|zwei|drei|vier|sechs|один|одного|два"
    r"|двух|три|тр[её]х|un|deux|trois)[\s-]*"
    r"(months?|weeks?|monat(?:e|en)?|wochen?|месяц\w*|недел\w*|mois|semaines?)(?!\w)",
    re.IGNORECASE,
)
_AVAILABLE_WORD = re.compile(
    r"available|availability|start date|starting|ready to start|can start|verfügbar|eintritt"
    r"|frühester|готов\w*"
    r"|приступить|выход на работу|disponible|à partir du",
    re.IGNORECASE,
)
# A line states a fact only with one of these in it (a salary with its currency).
_CUES = (
    re.compile("|".join(p for _, p in _CURRENCY), re.IGNORECASE),
    _NOTICE_WORD,
    _IMMEDIATE,
    _AVAILABLE_WORD,
)
MONTHS: dict[str, int] = {}
for _i, _names in enumerate(
    (
        "january jan januar janvier январ",
        "february feb februar février fevrier феврал",
        "march mar märz maerz mars март",
        "april apr avril апрел",
        "may mai мая май",
        "june jun juni juin июн",
        "july jul juli juillet июл",
        "august aug août aout август",
        "september sep sept septembre сентябр",
        "october oct oktober okt octobre октябр",
        "november nov novembre ноябр",
        "december dec dezember dez décembre decembre декабр",
    ),
    start=1,
):
    for _n in _names.split():
        MONTHS[_n] = _i
_MONTH_RE = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))
_DAY_MONTH = re.compile(
    rf"(?<!\d)(\d{{1,2}})(?:st|nd|rd|th|er|\.)?\s+(?:of\s+)?({_MONTH_RE})\w*\.?(?:,?\s+(\d{{4}}))?",
    re.IGNORECASE,
)
_MONTH_DAY = re.compile(  # the day is not the start of a year: "avril 2027" is no 20 April
    rf"\b({_MONTH_RE})\w*\.?\s+(\d{{1,2}})(?!\d)(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?",
    re.IGNORECASE,
)
_NUMERIC_DATE = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?![\d.])")


def read_facts(text: str, reference: date) -> RecruitingFacts:
    """The salary, notice period and start date a text states, each from its first line."""
    if not any(cue.search(text) for cue in _CUES):  # most mail: none of them, line by line
        return RecruitingFacts(None, None, None)
    salary: Salary | None = None
    notice: str | None = None
    available: date | None = None
    since_word = 99  # lines since one with a salary word ("Желаемая должность и зарплата")
    for raw in text.split("\n"):
        line = raw.strip()[:MAX_LINE]
        if not line:
            continue
        since_word += 1
        if _SALARY_WORD.search(line):
            since_word = 0
            if salary is None:
                salary = read_salary(line)
        elif salary is None and since_word <= 3 and len(line) <= 40:
            salary = read_salary(line)  # "250 000 ₽ на руки" under its heading
        if notice is None:
            notice = read_notice(line)
        if available is None and notice is None and _AVAILABLE_WORD.search(line):
            available = read_date(line, reference)
    return RecruitingFacts(salary, notice, available)


def read_salary(line: str) -> Salary | None:
    currency = None
    for code, pattern in _CURRENCY:
        if re.search(pattern, line, re.IGNORECASE):
            currency = code
            break
    if currency is None:
        return None
    amount = None
    for m in _AMOUNT.finditer(line):
        digits = re.sub(r"\D", "", m.group(1))
        value = int(digits)
        if m.group(2):
            value *= 1000
        if 1000 <= value <= 10_000_000 and not 1950 <= value <= 2100:
            amount = value
            break
    if amount is None:
        return None
    if _HOUR_WORDS.search(line):
        period = "hour"
    elif _MONTH_WORDS.search(line):
        period = "month"
    elif _YEAR_WORDS.search(line):
        period = "year"
    else:  # monthly in Russia and for small amounts, as people write them
        period = "month" if currency == "RUB" or amount < 20_000 else "year"
    basis = "gross" if _GROSS.search(line) else "net" if _NET.search(line) else None
    return Salary(amount, currency, period, basis)


def read_notice(line: str) -> str | None:
    if _IMMEDIATE.search(line):
        return "immediately"
    if not _NOTICE_WORD.search(line):
        return None
    m = _DURATION.search(line)
    if m is None:
        return None
    count = m.group(1).lower()
    n = int(count) if count.isdigit() else _NUMBER_WORDS.get(count, 0)
    unit_word = m.group(2).lower()
    unit = "week" if unit_word.startswith(("week", "woche", "недел", "semaine")) else "month"
    if not 0 < n <= 12:
        return None
    return f"{n} {unit}{'s' if n > 1 else ''}"


def read_date(line: str, reference: date) -> date | None:
    m = _NUMERIC_DATE.search(line)
    if m:
        return _date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    m = _DAY_MONTH.search(line)
    if m:
        return _complete(int(m.group(1)), _month(m.group(2)), m.group(3), reference)
    m = _MONTH_DAY.search(line)
    if m:
        return _complete(int(m.group(2)), _month(m.group(1)), m.group(3), reference)
    return None


def _month(word: str) -> int:
    low = word.lower()
    for name in sorted(MONTHS, key=len, reverse=True):
        if low.startswith(name):
            return MONTHS[name]
    return 0


def _complete(day: int, month: int, year: str | None, reference: date) -> date | None:
    if not month:
        return None
    if year:
        return _date(int(year), month, day)
    found = _date(reference.year, month, day)
    if found is not None and found <= reference:
        found = _date(reference.year + 1, month, day)
    return found


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


LANGUAGES = {
    "en": "english englisch английский anglais inglés englisch",
    "de": "german deutsch немецкий allemand alemán",
    "ru": "russian russisch русский russe ruso",
    "fr": "french französisch французский français francais francés",
    "es": "spanish spanisch испанский espagnol español",
    "it": "italian italienisch итальянский italien italiano",
    "zh": "chinese chinesisch китайский chinois mandarin",
    "pl": "polish polnisch польский polonais",
    "uk": "ukrainian ukrainisch украинский ukrainien",
    "hi": "hindi хинди",
    "ar": "arabic arabisch арабский arabe árabe",
    "sr": "serbian serbisch сербский serbe",
    "pt": "portuguese portugiesisch португальский portugais portugués",
    "nl": "dutch niederländisch нидерландский néerlandais",
    "tr": "turkish türkisch турецкий turc",
    "ja": "japanese japanisch японский japonais",
    "cs": "czech tschechisch чешский tchèque",
    "sv": "swedish schwedisch шведский suédois",
}
_LANGUAGE_CODES = {word: code for code, words in LANGUAGES.items() for word in words.split()}
_LANGUAGE_WORD = re.compile(r"[^\W\d_]+")


def read_languages(lines: list[str]) -> list[str]:
    """ISO 639-1 codes of the languages named in a CV's languages section, sorted."""
    found: set[str] = set()
    for line in lines:
        for word in _LANGUAGE_WORD.findall(line.lower()):
            code = _LANGUAGE_CODES.get(word)
            if code:
                found.add(code)
    return sorted(found)


# The day the labelled corpus (tests/corpus/cvs) is read as if received.
REFERENCE_DATE_DEFAULT = date(2026, 11, 2)
