"""The date an out-of-office reply names as the end of the absence, read in its language.

Only a date that follows a return cue ("until", "back on", "bis", "до", "jusqu'au", ...) counts:
an auto-reply also names the day the absence began, office hours and quoted meetings. Numeric
dates are read here (the order follows the language and region); named months, weekdays and
"tomorrow" go to dateparser, relative to the message's own Date header.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import dateparser

MAX_AHEAD_DAYS = 120
WINDOW_CHARS = 60
MAX_PHRASE_TOKENS = 5

# A return cue per language; the date follows it. Longest alternatives first.
_CUES: dict[str, str] = {
    "en": r"until|till|\btil\b|through|thru|back(?: in the office| in office| at work| at my desk)?"
    r"(?: on)?|return(?:ing)?(?: to the office| to work)?(?: on)?|returns? on|be back|"
    r"away (?:from [^.\n]{3,30}? )?to|out (?:of (?:the )?office )?(?:from [^.\n]{3,30}? )?to|"
    r"return date(?: is)?:?|to",
    "de": r"bis (?:einschlie(?:ß|ss)lich|inklusive|inkl\.?|zum|einschl\.?)(?: (?:zum|den))?|"
    r"bis(?: zum| am| Ende| den)?|zurück(?: am| ab)?|wieder (?:im Büro |erreichbar |da )?"
    r"(?:am|ab)|ab dem|ab (?=\w+, den|\d)",
    "ru": r"до(?: конца)?|по(?= \d)|вернусь|выйду(?: на работу)?|буду на (?:месте|связи) с|"
    r"возвращаюсь",
    "fr": r"jusqu['’]au|jusqu['’]à|de retour(?: au bureau)?(?: le| à partir du)?|retour(?: prévu)?"
    r"(?: le)?|à partir du",
    "es": r"hasta(?: el)?|regreso(?: el)?|de vuelta(?: el)?|volveré(?: el)?|"
    r"me reincorporo(?: el)?|a partir del",
    "it": r"fino al|fino a|rientro(?: previsto)?(?: il| per il| in ufficio il)?|"
    r"di ritorno(?: il)?|tornerò(?: il)?|sarò di nuovo in ufficio(?: il| da)?",
    "pt": r"até(?: ao| o| dia| ao dia| o dia)?|retorno(?: no dia| em| a| dia)?|regresso(?: a| em)?|"
    r"de volta(?: em| a| no dia)?|volto(?: em| no dia| dia)?",
    "nl": r"tot en met|t/m|tot|terug op|weer aanwezig(?: op| vanaf)?|vanaf",
    "pl": r"do(?: dnia)?|wracam(?: do biura)?(?: w| dnia)?|powrót(?: do biura)?(?: w| dnia)?|"
    r"od dnia",
}
CUE_PATTERNS = {
    lang: re.compile(rf"(?:^|(?<=[\s(,;:]))(?:{cue})\s*[,:]?\s*", re.IGNORECASE | re.MULTILINE)
    for lang, cue in _CUES.items()
}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})\b")
_NUMERIC = re.compile(
    r"^(?:\w{2,12}\.?,?\s+(?:den\s+|le\s+)?)?(\d{1,2})([./-])(\d{1,2})(?:\2(\d{2,4}))?\b"
)
_TIME_ONLY = re.compile(r"^\d{1,2}(?:[:.h]\d\d)?\s*(?:am|pm|uhr|h|hrs)?\.?$", re.IGNORECASE)
_TOKEN = re.compile(r"\S+")
_STOP = re.compile(r"[\n;]|(?<!\d)\.\s+[A-ZА-Я]|\(|\s[-–—]\s|\b(?:and|und|и|et|y|e|en|oraz|i)\b\s")
_NEXT_WEEK = re.compile(
    r"^(?:next week|nächste[rn]? Woche|следующей недели|следующей неделе|la semaine prochaine|"
    r"la próxima semana|la settimana prossima|próxima semana|volgende week|przyszłego tygodnia)",
    re.IGNORECASE,
)
# Words between a weekday and its date that dateparser does not read ("Montag, den 24. August").
_FILLER = re.compile(r"(?<=\w),?\s+(?:den|dem)\s+", re.IGNORECASE)
MDY_REGIONS = frozenset({"US", "CA", "PH"})


def read_return_date(text: str, sent: date, region: str = "US") -> tuple[date | None, str | None]:
    """The latest cue-anchored date in `text` within [sent, sent + 120 days], and the language
    of the cue that gave it; (None, language) when the cues name no usable date."""
    best: date | None = None
    best_lang: str | None = None
    seen_lang: str | None = None
    for lang, pattern in CUE_PATTERNS.items():
        for m in pattern.finditer(text[:20_000]):
            window = text[m.end() : m.end() + WINDOW_CHARS]
            found = read_date(window, sent, lang, region)
            if found is None:
                continue
            seen_lang = seen_lang or lang
            if sent <= found <= sent + timedelta(days=MAX_AHEAD_DAYS) and (
                best is None or found > best
            ):
                best, best_lang = found, lang
    return best, best_lang or seen_lang


def read_date(window: str, sent: date, lang: str, region: str = "US") -> date | None:
    """The date a phrase starts with, relative to `sent`; None when it starts with none."""
    window = _STOP.split(window, maxsplit=1)[0].strip().strip(".,")
    if not window:
        return None
    numeric = _numeric(window, sent, lang, region)
    if numeric is not None:
        return numeric
    if _NEXT_WEEK.match(window):
        return sent + timedelta(days=7 - sent.weekday())  # the Monday after
    tokens = _TOKEN.findall(window)[:MAX_PHRASE_TOKENS]
    base = datetime.combine(sent, time(12, 0))
    settings = {
        "RELATIVE_BASE": base,
        "PREFER_DATES_FROM": "future",
        "DATE_ORDER": "MDY" if lang == "en" and region in MDY_REGIONS else "DMY",
        "PREFER_DAY_OF_MONTH": "first",
    }
    for n in range(len(tokens), 0, -1):
        phrase = _FILLER.sub(" ", " ".join(tokens[:n])).strip(".,;:! ")
        if not phrase or _TIME_ONLY.match(phrase) or phrase.isdigit():
            continue
        if not re.search(r"[^\W\d_]{3,}", phrase):
            continue  # a month name, a weekday or "tomorrow": bare numbers are too loose
        parsed = dateparser.parse(phrase, languages=[lang], settings=settings)
        if parsed is None:
            continue
        found = parsed.date()
        if not re.search(r"\d", phrase) and found <= sent:
            found += timedelta(days=7)  # "back on Monday", sent on a Monday
        return found
    return None


def _numeric(window: str, sent: date, lang: str, region: str) -> date | None:
    iso = _ISO.match(window)
    if iso:
        return _safe_date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    m = _NUMERIC.match(window)
    if m is None:
        return None
    a, sep, b, year_text = int(m.group(1)), m.group(2), int(m.group(3)), m.group(4)
    day, month = a, b
    if sep == "/" and lang == "en" and region in MDY_REGIONS and a <= 12:
        day, month = b, a
    if sep == "/" and a <= 12 < b:
        day, month = b, a
    if year_text:
        year = int(year_text) + (2000 if len(year_text) == 2 else 0)
        return _safe_date(year, month, day)
    found = _safe_date(sent.year, month, day)
    if found is not None and found < sent:
        found = _safe_date(sent.year + 1, month, day)
    return found


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def working_day_after(day: date) -> date:
    """The first Monday-to-Friday strictly after `day` (public holidays are not known)."""
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day
