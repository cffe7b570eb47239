"""The start of the period a "not now" reply names ("in Q3", "after the summer", "в январе").

Each rule is a pattern and the first day of the period it names, relative to the reply's own
date; a period already begun or past moves to its next occurrence. Vague words ("later",
"some day") name no period.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from dateutil.easter import easter
from dateutil.relativedelta import relativedelta

_MONTHS: dict[int, str] = {
    1: r"january|jan\.?|januar|jänner|январ[еья]|janvier|enero|gennaio|janeiro|januari|styczeń|stycznia|styczniu",
    2: r"february|feb\.?|februar|феврал[еья]|février|febrero|febbraio|fevereiro|februari|luty|lutego|lutym",
    3: r"march|märz|март[еа]?|mars|marzo|março|maart|marzec|marca|marcu",
    4: r"april|апрел[еья]|avril|abril|aprile|kwiecień|kwietnia|kwietniu",
    5: r"may|mai|ма[йея]|mayo|maggio|maio|mei|maj|maja",
    6: r"june|juni|июн[еья]|juin|junio|giugno|junho|czerwiec|czerwca|czerwcu",
    7: r"july|juli|июл[еья]|juillet|julio|luglio|julho|lipiec|lipca|lipcu",
    8: r"august|aug\.?|август[еа]?|août|agosto|augustus|sierpień|sierpnia|sierpniu",
    9: r"september|sept?\.?|сентябр[еья]|septembre|septiembre|settembre|setembro|wrzesień|września|wrześniu",
    10: r"october|oct\.?|oktober|октябр[еья]|octobre|octubre|ottobre|outubro|październik|października|październiku",
    11: r"november|nov\.?|ноябр[еья]|novembre|noviembre|novembro|listopad|listopada|listopadzie",
    12: r"december|dec\.?|dezember|декабр[еья]|décembre|diciembre|dicembre|dezembro|grudzień|grudnia|grudniu",
}
_IN = r"(?:in|im|в|en|a|ad|em|w|we|от|после|na|in the|au mois d['’]|au mois de|a partir de|ab|from|after|nach|après|después de|dopo|depois de|na)"
_NUM_WORDS = {
    "a": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "six": 6,
    "a few": 3,
    "a couple of": 2,
    "ein": 1,
    "einem": 1,
    "zwei": 2,
    "drei": 3,
    "sechs": 6,
    "один": 1,
    "два": 2,
    "три": 3,
    "шесть": 6,
    "un": 1,
    "deux": 2,
    "trois": 3,
    "six ": 6,
    "uno": 1,
    "dos": 2,
    "tres": 3,
    "seis": 6,
    "due": 2,
    "tre": 3,
    "sei": 6,
    "um": 1,
    "dois": 2,
    "três": 3,
    "een": 1,
    "twee": 2,
    "drie": 3,
    "zes": 6,
    "jeden": 1,
    "dwa": 2,
    "trzy": 3,
    "sześć": 6,
}
Rule = tuple[re.Pattern[str], Callable[[re.Match[str], date], date | None]]


def _next_yearly(month: int, day: int) -> Callable[[re.Match[str], date], date]:
    def start(_: re.Match[str], sent: date) -> date:
        found = date(sent.year, month, day)
        return found if found > sent else date(sent.year + 1, month, day)

    return start


def _quarter(m: re.Match[str], sent: date) -> date:
    q = int(m.group("q"))
    year = int(m.group("y")) if m.group("y") else sent.year
    if year < 100:
        year += 2000
    found = date(year, 3 * q - 2, 1)
    if found <= sent and not m.group("y"):
        found = date(year + 1, 3 * q - 2, 1)
    return found


def _month(m: re.Match[str], sent: date) -> date:
    name = m.group("m").lower()
    for number, names in _MONTHS.items():
        if re.fullmatch(names, name):
            found = date(sent.year, number, 1)
            return found if found > sent else date(sent.year + 1, number, 1)
    raise AssertionError(name)


def _months_ahead(m: re.Match[str], sent: date) -> date:
    raw = m.group("n").lower().strip()
    n = int(raw) if raw.isdigit() else _NUM_WORDS.get(raw, 0)
    unit = m.group("u").lower()
    if unit.startswith(("week", "woch", "недел", "semai", "seman", "settim", "tydz", "tygod")):
        return sent + timedelta(weeks=n)
    if unit.startswith(("year", "jahr", "год", "лет", "an", "año", "ann", "jaar", "rok", "lat")):
        return sent + relativedelta(years=n)
    return sent + relativedelta(months=n)


def _next_year(_: re.Match[str], sent: date) -> date:
    return date(sent.year + 1, 1, 1)


def _next_month(_: re.Match[str], sent: date) -> date:
    return sent.replace(day=1) + relativedelta(months=1)


def _after_easter(_: re.Match[str], sent: date) -> date:
    monday = easter(sent.year) + timedelta(days=1)
    return monday if monday > sent else easter(sent.year + 1) + timedelta(days=1)


def _half_year(_: re.Match[str], sent: date) -> date:
    return sent + relativedelta(months=6)


_MONTH_ANY = "|".join(_MONTHS.values())
_UNITS = (
    r"months?|weeks?|years?|monaten?|monate|wochen?|jahren?|месяц(?:а|ев)?|недел[юиь]|года?|лет|"
    r"mois|semaines?|ans?|mes(?:es)?|semanas?|años?|mesi|settimane|anni|meses|anos|maanden|weken|"
    r"jaar|miesiące|miesięcy|tygodnie|tygodni|lat"
)
RULES: list[Rule] = [
    (
        re.compile(r"\b(?:Q|quarter )(?P<q>[1-4])(?:\s*[/']?\s*(?P<y>20\d\d|\d\d)\b)?", re.I),
        _quarter,
    ),
    (re.compile(r"\b(?P<q>[1-4])(?:st|nd|rd|th)? quarter", re.I), _quarter),
    (
        re.compile(
            r"(?:after|nach|после|après|después del?|dopo|depois d[oa]|na|po) (?:the |dem |l['’]|el |il |o |de )?"
            r"(?:summer(?: holidays| break)?|sommer(?:ferien|pause)?|лета|летних отпусков|été|vacances d['’]été|verano|estate|verão|zomer(?:vakantie)?|wakacjach|lecie)",
            re.I,
        ),
        _next_yearly(9, 1),
    ),
    (
        re.compile(
            r"à la rentrée|nach den Sommerferien|in (?:the )?(?:autumn|fall)|im Herbst|осенью|"
            r"à l['’]automne|en otoño|in autunno|no outono|in de herfst|jesienią",
            re.I,
        ),
        _next_yearly(9, 1),
    ),
    (
        re.compile(
            r"in (?:the )?spring|im Frühling|im Frühjahr|весной|au printemps|en primavera|"
            r"in primavera|na primavera|in het voorjaar|wiosną",
            re.I,
        ),
        _next_yearly(3, 1),
    ),
    (
        re.compile(
            r"in (?:the )?summer|im Sommer|летом|en été|en verano|in estate|no verão|"
            r"in de zomer|latem",
            re.I,
        ),
        _next_yearly(6, 1),
    ),
    (
        re.compile(
            r"in (?:the )?winter|im Winter|зимой|en hiver|en invierno|in inverno|no inverno|"
            r"in de winter|zimą",
            re.I,
        ),
        _next_yearly(12, 1),
    ),
    (
        re.compile(
            r"(?:after|nach|после|après|después de|dopo|depois d[ae]|na|po) (?:Easter|Ostern|Пасхи|Pâques|Semana Santa|Pasqua|Páscoa|Pasen|Wielkanocy)",
            re.I,
        ),
        _after_easter,
    ),
    (
        re.compile(
            r"next year|in the new year|early next year|nächste[ns]? Jahr|im neuen Jahr|"
            r"в следующем году|после нового года|в новом году|l['’]année prochaine|l['’]an prochain|"
            r"el (?:año que viene|próximo año)|el año próximo|l['’]anno prossimo|il prossimo anno|"
            r"no próximo ano|no ano que vem|volgend jaar|w przyszłym roku|po nowym roku",
            re.I,
        ),
        _next_year,
    ),
    (
        re.compile(
            r"next month|nächste[nm]? Monat|в следующем месяце|le mois prochain|el (?:mes que viene|próximo mes)|"
            r"il mese prossimo|no próximo mês|volgende maand|w przyszłym miesiącu",
            re.I,
        ),
        _next_month,
    ),
    (
        re.compile(
            r"через полгода|in (?:half a year|six months' time)|in einem halben Jahr|dans six mois|"
            r"en seis meses|dentro de seis meses|tra sei mesi|daqui a seis meses|over een half jaar|za pół roku",
            re.I,
        ),
        _half_year,
    ),
    (
        re.compile(
            rf"(?:in|через|dans|en|dentro de|tra|fra|daqui a|em|over|za) (?P<n>\d{{1,2}}|a few|a couple of|{'|'.join(k.strip() for k in _NUM_WORDS)}) "
            rf"(?P<u>{_UNITS})\b",
            re.I,
        ),
        _months_ahead,
    ),
    (
        re.compile(
            rf"\b{_IN} (?:early |mid-?|late |Anfang |Mitte |Ende |начале |середине |конце |début |mi-|fin |principios de |mediados de |finales de |inizio |metà |fine |início de |meados de |begin |eind |początku |połowie |końcu )?(?P<m>{_MONTH_ANY})\b",
            re.I,
        ),
        _month,
    ),
]


def period_start(text: str, sent: date) -> tuple[date, str] | None:
    """The first day of the first period `text` names after `sent`, and the words naming it."""
    best: tuple[int, date, str] | None = None
    for pattern, start in RULES:
        m = pattern.search(text)
        if m is None:
            continue
        found = start(m, sent)
        if found is None or found <= sent:
            continue
        if best is None or m.start() < best[0]:
            best = (m.start(), found, m.group(0))
    return (best[1], best[2]) if best else None
