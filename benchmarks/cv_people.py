"""Invented people for the CV and business-card corpus (benchmarks/build_cv_corpus.py).

Every name, company, address and number here is made up; numbers are drawn until libphonenumber
calls them valid, so the corpus tests reading, not validation. A seeded Random makes the corpus
the same on every run.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

import phonenumbers
from anyascii import anyascii

FIRST = {
    "en": ["Oliver", "Amelia", "Harper", "Noah", "Isla", "Ethan", "Grace", "Liam", "Chloe",
           "Samuel", "Maya", "Daniel", "Ruby", "Jacob", "Priya", "Marcus", "Hannah", "Tobias"],
    "de": ["Jonas", "Lena", "Felix", "Miriam", "Lukas", "Katharina", "Maximilian", "Jana",
           "Florian", "Svenja", "Matthias", "Anika", "Tobias", "Ulrike", "Sebastian", "Carina"],
    "ru": ["Алексей", "Мария", "Дмитрий", "Екатерина", "Сергей", "Анна", "Игорь", "Ольга",
           "Никита", "Татьяна", "Павел", "Юлия", "Артём", "Ксения", "Роман", "Вера"],
    "fr": ["Camille", "Julien", "Élodie", "Mathieu", "Chloé", "Antoine", "Margaux", "Hugo"],
}  # fmt: skip
LAST = {
    "en": ["Whitfield", "Okafor", "Brennan", "Castellano", "Holloway", "Pemberton", "Ashby",
           "Lindqvist", "Marlowe", "Thorne", "Kowalczyk", "Desai", "Fairbanks", "Quincey"],
    "de": ["Brandtner", "Hölzl", "Wiesinger", "Kaltenbach", "Oberländer", "Strassmann",
           "Fürstenau", "Lindemayr", "Rautenberg", "Scholtissek", "Vogelsang", "Zimmerlein"],
    "ru": [("Воронцов", "Воронцова"), ("Белозёров", "Белозёрова"), ("Кудрявцев", "Кудрявцева"),
           ("Ласточкин", "Ласточкина"), ("Мещеряков", "Мещерякова"), ("Остроумов", "Остроумова"),
           ("Рябинин", "Рябинина"), ("Суховей", "Суховей"), ("Тихомиров", "Тихомирова")],
    "fr": ["Delacroix-Vernet", "Fontanel", "Guérindon", "Lamarchand", "Rivabelle", "Sauveterre"],
}  # fmt: skip
RU_FEMALE = {"Мария", "Екатерина", "Анна", "Ольга", "Татьяна", "Юлия", "Ксения", "Вера"}
PATRONYMIC = {"m": ["Сергеевич", "Андреевич", "Викторович"], "f": ["Игоревна", "Олеговна"]}

PLACES = {
    "GB": [("London", "United Kingdom"), ("Manchester", "United Kingdom"), ("Leeds", "UK")],
    "US": [("Austin", "USA"), ("Seattle", "United States"), ("Boston", "USA")],
    "DE": [("Berlin", "Deutschland"), ("München", "Germany"), ("Hamburg", "Deutschland"),
           ("Köln", "Germany"), ("Leipzig", "Deutschland")],
    "AT": [("Wien", "Österreich"), ("Graz", "Austria")],
    "CH": [("Zürich", "Schweiz"), ("Basel", "Switzerland")],
    "RU": [("Москва", "Россия"), ("Санкт-Петербург", "Россия"), ("Новосибирск", "Россия"),
           ("Казань", "Россия")],
    "FR": [("Paris", "France"), ("Lyon", "France")],
}  # fmt: skip
COUNTRY_CANON = {
    "United Kingdom": "GB", "UK": "GB", "USA": "US", "United States": "US", "Deutschland": "DE",
    "Germany": "DE", "Österreich": "AT", "Austria": "AT", "Schweiz": "CH", "Switzerland": "CH",
    "Россия": "RU", "France": "FR",
}  # fmt: skip
LANG_COUNTRIES = {"en": ["GB", "US"], "de": ["DE", "DE", "AT", "CH"], "ru": ["RU"], "fr": ["FR"]}
CURRENCY = {"GB": "GBP", "US": "USD", "DE": "EUR", "AT": "EUR", "CH": "CHF", "RU": "RUB",
            "FR": "EUR"}  # fmt: skip

TITLES = {
    "en": ["Senior Backend Engineer", "Data Scientist", "Product Manager", "DevOps Engineer",
           "Engineering Manager", "QA Lead", "Frontend Developer", "Solutions Architect"],
    "de": ["Senior Softwareentwickler", "Projektleiterin", "Data Engineer", "Teamleiter Vertrieb",
           "Systemadministrator", "Produktmanagerin", "Java-Entwickler", "Controllerin"],
    "ru": ["Ведущий разработчик", "Руководитель отдела продаж", "Аналитик данных",
           "Системный администратор", "Менеджер проектов", "Тестировщик", "DevOps-инженер"],
    "fr": ["Cheffe de projet", "Ingénieur logiciel", "Responsable marketing", "Data Analyst"],
}  # fmt: skip
COMPANIES = {
    "en": ["Brightwater Analytics Ltd", "Northwind Robotics", "Copperleaf Systems Inc.",
           "Harbourline Logistics", "Quillstone Software", "Mistral Peak Labs"],
    "de": ["Kesselbach Automotive GmbH", "Rheinblick Software AG", "Lindenhof Logistik GmbH",
           "Nordlicht Energie SE", "Alpenstrom Technik GmbH", "Weserbogen Medien KG"],
    "ru": ["ООО «Северный Ветер»", "АО «Техноград»", "ООО «Кедр Софт»", "ПАО «Волжские Системы»",
           "ООО «Синяя Птица»", "АО «Инфолайн Плюс»"],
    "fr": ["Lumière Numérique SAS", "Atelier Boréal SARL", "Vauban Conseil SA"],
}  # fmt: skip
DOMAINS = ["mailbox.example", "inbox.example.net", "posteo.example", "example.org", "fastmail.test"]
LANGUAGE_NAMES = {
    "en": {"en": "English", "de": "German", "ru": "Russian", "fr": "French", "es": "Spanish"},
    "de": {"en": "Englisch", "de": "Deutsch", "ru": "Russisch", "fr": "Französisch",
           "es": "Spanisch"},
    "ru": {"en": "Английский", "de": "Немецкий", "ru": "Русский", "fr": "Французский",
           "es": "Испанский"},
    "fr": {"en": "Anglais", "de": "Allemand", "ru": "Russe", "fr": "Français", "es": "Espagnol"},
}  # fmt: skip
MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"],
    "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
           "Oktober", "November", "Dezember"],
    "ru": ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
           "сентября", "октября", "ноября", "декабря"],
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"],
}  # fmt: skip
# The corpus is read as if received on this day: "available from 1 March" is 2027-03-01.
REFERENCE_DATE = date(2026, 11, 2)


@dataclass
class Person:
    key: str
    lang: str
    country: str
    first: str
    last: str
    middle: str | None
    city: str
    country_name: str
    email: str
    phone_e164: str
    phone_text: str
    title: str
    company: str
    linkedin: str | None
    past: list[tuple[str, str, str]]  # (years, title, company), older positions
    salary: dict[str, object] | None
    salary_text: str | None
    notice: str | None  # normalised: "3 months", "2 weeks", "immediately"
    available_from: str | None  # ISO date
    notice_text: str | None
    languages: list[str]
    languages_text: list[str]
    extra_phone: tuple[str, str] | None = None  # (e164, text): a second phone of the person
    reference: tuple[str, str, str] | None = None  # someone else's name, phone text, email
    github: str | None = None
    birth: str | None = None
    extras: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    def label(self) -> dict[str, object]:
        phones = [self.phone_e164] + ([self.extra_phone[0]] if self.extra_phone else [])
        urls = [u for u in (self.linkedin, self.github) if u]
        return {
            "name": self.name,
            "emails": [self.email],
            "phones": phones,
            "city": self.city,
            "country": COUNTRY_CANON[self.country_name],
            "title": self.title,
            "company": self.company,
            "linkedin": self.linkedin,
            "urls": urls,
            "salary": self.salary,
            "notice_period": self.notice,
            "available_from": self.available_from,
            "languages": sorted(self.languages),
        }


def _phone(rng: random.Random, country: str, mobile: bool = True) -> tuple[str, str]:
    """(E.164, as written) for a valid number of `country`, in one of its usual styles."""
    for _ in range(500):
        if country == "RU":
            code = rng.choice(["916", "903", "925", "495", "812"] if not mobile else ["916", "903"])
            rest = f"{rng.randint(200, 999)}{rng.randint(10, 99)}{rng.randint(10, 99)}"
            nat = code + rest
            styles = [f"+7 ({code}) {rest[:3]}-{rest[3:5]}-{rest[5:]}",
                      f"8 ({code}) {rest[:3]}-{rest[3:5]}-{rest[5:]}",
                      f"+7 {code} {rest[:3]} {rest[3:5]} {rest[5:]}",
                      f"8-{code}-{rest[:3]}-{rest[3:5]}-{rest[5:]}"]  # fmt: skip
            full = "+7" + nat
        elif country in ("DE", "AT", "CH"):
            cc = {"DE": "49", "AT": "43", "CH": "41"}[country]
            pre = {"DE": ["151", "160", "176", "30", "89"], "AT": ["664", "676", "1"],
                   "CH": ["79", "76", "44"]}[country]  # fmt: skip
            code = rng.choice(pre[:2] if mobile else pre)
            length = {"DE": 8 if code.startswith("1") else 7, "AT": 7, "CH": 7}[country]
            rest = "".join(str(rng.randint(0, 9)) for _ in range(length))
            rest = str(rng.randint(1, 9)) + rest[1:]
            styles = [f"+{cc} {code} {rest[:4]} {rest[4:]}", f"+{cc} (0){code} {rest}",
                      f"0{code} {rest[:3]} {rest[3:]}", f"0{code}/{rest}",
                      f"+{cc}-{code}-{rest}"]  # fmt: skip
            full = f"+{cc}{code}{rest}"
        elif country == "FR":
            rest = "".join(str(rng.randint(0, 9)) for _ in range(8))
            lead = rng.choice(["6", "7"] if mobile else ["1", "4"])
            d = lead + rest
            styles = [f"+33 {d[0]} {d[1:3]} {d[3:5]} {d[5:7]} {d[7:]}",
                      f"0{d[0]} {d[1:3]} {d[3:5]} {d[5:7]} {d[7:]}",
                      f"0{d[0]}.{d[1:3]}.{d[3:5]}.{d[5:7]}.{d[7:]}"]  # fmt: skip
            full = "+33" + d
        elif country == "GB":
            rest = "".join(str(rng.randint(0, 9)) for _ in range(8))
            code = rng.choice(["7911", "7456", "7723"] if mobile else ["20", "161"])
            rest = rest[: 10 - len(code)]
            styles = [f"+44 {code} {rest[:3]} {rest[3:]}", f"0{code} {rest[:3]} {rest[3:]}",
                      f"+44 (0){code} {rest}"]  # fmt: skip
            full = f"+44{code}{rest}"
        else:  # US
            area = rng.choice(["512", "206", "617", "415"])
            ex = str(rng.randint(201, 989))
            ln = f"{rng.randint(0, 9999):04d}"
            styles = [f"({area}) {ex}-{ln}", f"+1 {area} {ex} {ln}", f"{area}.{ex}.{ln}",
                      f"+1 ({area}) {ex}-{ln}"]  # fmt: skip
            full = f"+1{area}{ex}{ln}"
        try:
            parsed = phonenumbers.parse(full, None)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed):
            e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
            return e164, rng.choice(styles)
    raise RuntimeError(f"no valid number for {country}")


def _salary(rng: random.Random, lang: str, country: str) -> tuple[dict[str, object], str]:
    cur = CURRENCY[country]
    period = "month" if country == "RU" or rng.random() < 0.15 else "year"
    basis = rng.choice(["gross", "net", None]) if country != "RU" else rng.choice(["net", "gross"])
    if country == "RU":
        amount = rng.choice([180_000, 220_000, 250_000, 300_000, 350_000, 400_000])
    elif period == "month":
        amount = rng.choice([4_500, 5_000, 6_000, 7_500])
    else:
        amount = rng.choice([60_000, 65_000, 72_000, 75_000, 80_000, 95_000, 110_000, 130_000])
    sym = {"EUR": "€", "GBP": "£", "USD": "$", "CHF": "CHF", "RUB": "₽"}[cur]
    k = f"{amount // 1000}k" if amount % 1000 == 0 else f"{amount:,}"
    if lang == "ru":
        amt = f"{amount:,}".replace(",", " ")
        b = {"net": rng.choice(["на руки", "чистыми"]), "gross": rng.choice(["до вычета налогов",
             "gross", "брутто"])}[basis or "net"]  # fmt: skip
        cur_word = rng.choice(["₽", "руб.", "рублей"])
        text = rng.choice(
            [
                f"Желаемая зарплата: от {amt} {cur_word} {b}",
                f"Зарплатные ожидания: {amt} {cur_word} в месяц, {b}",
                f"Ожидания по доходу — от {amt} {cur_word} {b}",
            ]
        )
    elif lang == "de":
        amt = f"{amount:,}".replace(",", ".")
        b = {"gross": "brutto", "net": "netto", None: ""}[basis]
        per = "p.a." if period == "year" else "monatlich"
        text = (
            rng.choice(
                [
                    f"Gehaltsvorstellung: {amt} € {b} {per}",
                    f"Gehaltsvorstellung {amt} EUR {b} {'jährlich' if period == 'year' else 'pro Monat'}",
                    f"Gehaltswunsch: {k} {cur} {b} {'im Jahr' if period == 'year' else 'im Monat'}",
                ]
            )
            .replace("  ", " ")
            .replace(" €", f" {sym}" if cur != "EUR" else " €")
        )
        if cur == "CHF":
            text = text.replace("€", "CHF").replace("EUR", "CHF")
    elif lang == "fr":
        amt = f"{amount:,}".replace(",", " ")
        b = {"gross": "brut", "net": "net", None: ""}[basis]
        text = (
            f"Prétentions salariales : {amt} € {b} {'par an' if period == 'year' else 'par mois'}"
        )
    else:
        b = {"gross": "gross", "net": "net", None: ""}[basis]
        per = "per annum" if period == "year" else "per month"
        amt = f"{amount:,}"
        text = rng.choice(
            [
                f"Salary expectation: {k} {cur} {b}",
                f"Expected salary: {sym}{amt} {b} {per}",
                f"Desired compensation: {amt} {cur} {b} {per}",
                f"Salary expectations: around {sym}{k} {b}",
            ]
        )
    text = " ".join(text.split())
    return {"amount": amount, "currency": cur, "period": period, "basis": basis}, text


def _notice(rng: random.Random, lang: str) -> tuple[str | None, str | None, str | None]:
    """(notice normalised, available_from ISO, text)."""
    kind = rng.choice(["months", "months", "weeks", "date", "immediately"])
    if kind == "date":
        month = rng.randint(1, 12)
        day = rng.choice([1, 1, 15])
        year = REFERENCE_DATE.year + (date(REFERENCE_DATE.year, month, day) <= REFERENCE_DATE)
        m = MONTHS[lang][month - 1]
        iso = date(year, month, day).isoformat()
        text = {
            "en": rng.choice([f"Available from {day} {m}", f"Available from {m} {day}, {year}"]),
            "de": rng.choice([f"Verfügbar ab {day}. {m} {year}", f"Eintrittstermin: {day}.{month:02d}.{year}"]),
            "ru": rng.choice([f"Готов(а) приступить с {day} {m} {year}", f"Выход на работу: с {day} {m}"]),
            "fr": f"Disponible à partir du {day} {m} {year}",
        }[lang]  # fmt: skip
        return None, iso, text
    if kind == "immediately":
        text = {"en": "Notice period: available immediately", "de": "Verfügbarkeit: ab sofort",
                "ru": "Готов приступить немедленно", "fr": "Disponibilité : immédiate"}[lang]  # fmt: skip
        return "immediately", None, text
    n = rng.choice([1, 2, 3, 6]) if kind == "months" else rng.choice([2, 4])
    unit = "month" if kind == "months" else "week"
    norm = f"{n} {unit}{'s' if n > 1 else ''}"
    if lang == "en":
        text = rng.choice([f"Notice period: {n} {unit}{'s' if n > 1 else ''}",
                           f"Notice: {n} {unit}{'s' if n > 1 else ''}",
                           f"I can start after a {n}-{unit} notice period"])  # fmt: skip
    elif lang == "de":
        word = {"month": "Monat" if n == 1 else "Monate", "week": "Wochen"}[unit]
        text = rng.choice([f"Kündigungsfrist: {n} {word}", f"Kündigungsfrist {n} {word} zum Quartalsende",
                           f"Kündigungsfrist: {n} {word} zum Monatsende"])  # fmt: skip
    elif lang == "ru":
        word = {1: "месяц", 2: "месяца", 3: "месяца", 6: "месяцев"}.get(n, "недели")
        if unit == "week":
            word = "недели" if n in (2, 3, 4) else "недель"
        text = rng.choice([f"Срок уведомления: {n} {word}", f"Готов выйти через {n} {word}"])
    else:
        word = "mois" if unit == "month" else "semaines"
        text = f"Préavis : {n} {word}"
    return norm, None, text


def _languages(rng: random.Random, lang: str) -> tuple[list[str], list[str]]:
    native = {"en": "en", "de": "de", "ru": "ru", "fr": "fr"}[lang]
    others = [c for c in ("en", "de", "ru", "fr", "es") if c != native]
    chosen = [native] + rng.sample(others, rng.randint(1, 2))
    names = LANGUAGE_NAMES[lang]
    levels = {"en": ["native", "C1", "B2", "fluent", "basic"],
              "de": ["Muttersprache", "verhandlungssicher", "C1", "B2", "Grundkenntnisse"],
              "ru": ["родной", "B2", "C1", "свободно", "базовый"],
              "fr": ["langue maternelle", "courant", "B2", "C1", "notions"]}[lang]  # fmt: skip
    texts = [f"{names[chosen[0]]} ({levels[0]})"]
    texts += [f"{names[c]} – {rng.choice(levels[1:])}" for c in chosen[1:]]
    return chosen, texts


def make_person(rng: random.Random, key: str, lang: str) -> Person:
    country = rng.choice(LANG_COUNTRIES[lang])
    first = rng.choice(FIRST[lang])
    last_entry = rng.choice(LAST[lang])
    if isinstance(last_entry, tuple):
        last = last_entry[1] if first in RU_FEMALE else last_entry[0]
    else:
        last = last_entry
    middle = None
    if lang == "ru" and rng.random() < 0.5:
        middle = rng.choice(PATRONYMIC["f" if first in RU_FEMALE else "m"])
    city, country_name = rng.choice(PLACES[country])
    latin = anyascii(f"{first}.{last}").lower().replace("'", "").replace(" ", "")
    email = rng.choice(
        [latin, latin.replace(".", ""), latin.split(".")[0][0] + latin.split(".")[1]]
    )
    email = f"{email}{rng.choice(['', '', str(rng.randint(7, 99))])}@{rng.choice(DOMAINS)}"
    e164, text = _phone(rng, country)
    langs = lang if lang != "fr" else "fr"
    title = rng.choice(TITLES[langs])
    company = rng.choice(COMPANIES[langs])
    past = []
    for i in range(rng.randint(1, 3)):
        y1 = 2021 - 3 * i
        t = rng.choice([x for x in TITLES[langs] if x != title])
        c = rng.choice([x for x in COMPANIES[langs] if x != company])
        past.append((f"{y1 - 3}–{y1}", t, c))
    slug = anyascii(f"{first}-{last}").lower().replace(" ", "-").replace("'", "")
    linkedin = (
        f"https://www.linkedin.com/in/{slug}-{rng.randint(10, 999)}" if rng.random() < 0.7 else None
    )
    salary, salary_text = _salary(rng, lang, country) if rng.random() < 0.75 else (None, None)
    notice, avail, notice_text = _notice(rng, lang) if rng.random() < 0.75 else (None, None, None)
    languages, languages_text = _languages(rng, lang)
    p = Person(
        key,
        lang,
        country,
        first,
        last,
        middle,
        city,
        country_name,
        email,
        e164,
        text,
        title,
        company,
        linkedin,
        past,
        salary,
        salary_text,
        notice,
        avail,
        notice_text,
        languages,
        languages_text,
    )
    if rng.random() < 0.3:
        p.extra_phone = _phone(rng, country, mobile=False)
    if rng.random() < 0.35:
        ref_first = rng.choice(FIRST[lang])
        ref_last = LAST[lang][0] if not isinstance(LAST[lang][0], tuple) else LAST[lang][0][0]
        ref_phone = _phone(rng, country)[1]
        ref_email = anyascii(f"{ref_first}.{ref_last}").lower() + "@referee.example"
        p.reference = (f"{ref_first} {ref_last}", ref_phone, ref_email)
    if rng.random() < 0.25:
        p.github = f"https://github.com/{slug.replace('-', '')}"
    if rng.random() < 0.5:
        p.birth = f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{rng.randint(1975, 2000)}"
    return p
