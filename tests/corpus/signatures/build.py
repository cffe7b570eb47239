"""Build the labelled signature corpus: realistic recruiter mail as .eml files plus labels.jsonl.

Run from anywhere: `python tests/corpus/signatures/build.py`. Output is deterministic (fixed
seed, fixed dates). This script deliberately shares no code with ingestor's extractors: the
people, companies, phone numbers and their E.164 forms, layouts and labels are all written out
here by hand, so the labels say what a human reader sees, not what the extractor computes.

Label conventions (see README.md beside this file):
- signature_lines: the sender's own signature block as visible lines, without the sign-off line
  ("Best regards,"), the "-- " delimiter, blank lines, image placeholders, banners, legal
  footers, disclaimers and "Sent from my iPhone". A sign-off line that carries the name
  ("Cheers, Tom") counts as a signature line.
- name/title/company: as written in the signature; city/country: canonical English names,
  the country also when only the city is written.
- phones: every real phone in the new text (signature and body), E.164 + type; dial-ins,
  meeting IDs, dates, order numbers are not phones. Unlabelled landlines in a signature are work.
- emails/urls: those written in the signature.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from html import escape
from pathlib import Path

OUT = Path(__file__).resolve().parent
RNG = random.Random(20250303)
N_MESSAGES = 240


# ---------------------------------------------------------------- phones
@dataclass
class Num:
    e164: str
    kind: str  # mobile | landline
    formats: list[str]


def _digits(n: int) -> str:
    return "".join(str(RNG.randint(0, 9)) for _ in range(n))


def de_mobile() -> Num:
    pre = RNG.choice(["151", "152", "160", "170", "171", "172", "175", "176", "177", "179"])
    sub = str(RNG.randint(1, 9)) + _digits(7 if pre.startswith("15") else 6 + (pre != "160"))
    return Num(f"+49{pre}{sub}", "mobile", [
        f"+49 {pre} {sub}", f"0{pre} {sub}", f"+49 (0) {pre} {sub[:4]} {sub[4:]}",
        f"0{pre}/{sub}", f"+49 {pre} {sub[:3]} {sub[3:]}",
    ])


DE_AREAS = {"Munich": "89", "Berlin": "30", "Hamburg": "40", "Frankfurt": "69",
            "Cologne": "221", "Stuttgart": "711", "Nuremberg": "911"}


def de_land(city: str = "Munich") -> Num:
    area = DE_AREAS.get(city, "89")
    sub = str(RNG.randint(2, 9)) + _digits(7 if len(area) == 2 else 6)
    return Num(f"+49{area}{sub}", "landline", [
        f"+49 {area} {sub}", f"0{area} {sub}", f"+49 (0){area} {sub[:3]} {sub[3:]}",
        f"0{area} / {sub[:3]} {sub[3:]}", f"+49 {area} {sub[:-2]}-{sub[-2:]}",
    ])


def at_land() -> Num:
    sub = str(RNG.randint(2, 9)) + _digits(6)
    return Num(f"+431{sub}", "landline", [f"+43 1 {sub}", f"+43 (0)1 {sub[:3]} {sub[3:]}"])


def ch_land() -> Num:
    sub = str(RNG.randint(2, 9)) + _digits(6)
    return Num(f"+4144{sub}", "landline",
               [f"+41 44 {sub[:3]} {sub[3:5]} {sub[5:]}", f"044 {sub[:3]} {sub[3:5]} {sub[5:]}"])


def ru_mobile() -> Num:
    op = RNG.choice(["916", "903", "925", "985", "926", "910", "921", "999"])
    s = str(RNG.randint(1, 9)) + _digits(6)
    a, b, c = s[:3], s[3:5], s[5:]
    return Num(f"+7{op}{s}", "mobile", [
        f"+7 ({op}) {a}-{b}-{c}", f"8 {op} {a} {b} {c}", f"+7{op}{s}",
        f"8-{op}-{a}-{b}-{c}", f"+7 {op} {a}-{b}-{c}", f"8 ({op}) {a}-{b}-{c}",
    ])


RU_AREAS = {"Moscow": "495", "Saint Petersburg": "812", "Novosibirsk": "383",
            "Yekaterinburg": "343", "Kazan": "843"}


def ru_land(city: str = "Moscow") -> Num:
    area = RU_AREAS.get(city, "495")
    if area == "495":
        area = RNG.choice(["495", "499"])
    s = str(RNG.randint(2, 9)) + _digits(6)
    a, b, c = s[:3], s[3:5], s[5:]
    return Num(f"+7{area}{s}", "landline", [
        f"+7 ({area}) {a}-{b}-{c}", f"8 ({area}) {a}-{b}-{c}", f"+7 {area} {a} {b} {c}",
        f"8 {area} {a}-{b}-{c}",
    ])


def fr_mobile() -> Num:
    s = RNG.choice(["6" + RNG.choice("12345678"), "7" + RNG.choice("345678")]) + _digits(7)
    p = [s[i : i + 2] for i in (1, 3, 5, 7)]
    return Num(f"+33{s}", "mobile", [
        f"0{s[0]} {' '.join(p)}", f"+33 {s[0]} {' '.join(p)}", f"0{s[0]}.{'.'.join(p)}",
    ])


def fr_land(city: str = "Paris") -> Num:
    z = {"Paris": "1", "Lyon": "4", "Toulouse": "5", "Nantes": "2"}.get(city, "1")
    s = z + str(RNG.randint(2, 9)) + _digits(7)
    p = [s[i : i + 2] for i in (1, 3, 5, 7)]
    return Num(f"+33{s}", "landline", [
        f"0{z} {' '.join(p)}", f"+33 {z} {' '.join(p)}", f"+33 (0){z} {' '.join(p)}",
    ])


def es_mobile() -> Num:
    s = "6" + str(RNG.randint(0, 9)) + _digits(7)
    return Num(f"+34{s}", "mobile", [
        f"{s[:3]} {s[3:6]} {s[6:]}", f"+34 {s[:3]} {s[3:5]} {s[5:7]} {s[7:]}", f"+34 {s}",
    ])


def es_land(city: str = "Madrid") -> Num:
    z = {"Madrid": "91", "Barcelona": "93", "Valencia": "96", "Bilbao": "94"}.get(city, "91")
    s = z + str(RNG.randint(2, 8)) + _digits(6)
    return Num(f"+34{s}", "landline", [
        f"{s[:2]} {s[2:5]} {s[5:7]} {s[7:]}", f"+34 {s[:3]} {s[3:6]} {s[6:]}",
    ])


def gb_mobile() -> Num:
    s = "7" + RNG.choice(["4", "5", "7", "8", "9"]) + _digits(8)
    return Num(f"+44{s}", "mobile", [f"+44 {s[:4]} {s[4:]}", f"0{s[:4]} {s[4:]}",
                                      f"+44 (0){s[:4]} {s[4:7]} {s[7:]}"])


def gb_land(city: str = "London") -> Num:
    if city == "Manchester":
        s = "161" + str(RNG.randint(2, 8)) + _digits(6)
        return Num(f"+44{s}", "landline", [f"+44 161 {s[3:6]} {s[6:]}", f"0161 {s[3:6]} {s[6:]}"])
    s = "20" + RNG.choice("378") + _digits(7)
    return Num(f"+44{s}", "landline", [f"+44 20 {s[2:6]} {s[6:]}", f"020 {s[2:6]} {s[6:]}",
                                        f"+44 (0)20 {s[2:6]} {s[6:]}"])


US_AREAS = {"New York": "212", "Boston": "617", "Chicago": "312", "San Francisco": "415",
            "Austin": "512", "Seattle": "206"}


def us_num(city: str = "New York") -> Num:
    area = US_AREAS.get(city, "646")
    exch = str(RNG.randint(2, 9)) + str(RNG.randint(0, 9)) + str(RNG.randint(2, 9))
    line = _digits(4)
    return Num(f"+1{area}{exch}{line}", "landline", [
        f"({area}) {exch}-{line}", f"+1 {area} {exch} {line}", f"{area}-{exch}-{line}",
        f"+1 ({area}) {exch}-{line}", f"{area}.{exch}.{line}",
    ])


def ie_land() -> Num:
    s = "1" + str(RNG.randint(4, 8)) + _digits(6)
    return Num(f"+353{s}", "landline", [f"+353 1 {s[1:4]} {s[4:]}", f"+353 (0)1 {s[1:4]} {s[4:]}"])


# ---------------------------------------------------------------- people and companies
@dataclass
class Company:
    name: str
    domain: str
    city: str  # canonical English, for labels
    country: str
    city_line: str  # as written in a signature
    address: str
    land: object
    mobile: object
    lang: str


@dataclass
class Person:
    first: str
    last: str
    latin_first: str
    latin_last: str
    lang: str

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def latin(self) -> str:
        return f"{self.latin_first} {self.latin_last}"


def _people(lang: str, rows: str) -> list[Person]:
    out = []
    for row in rows.strip().splitlines():
        f, l, lf, ll = (row.split(";") + ["", ""])[:4]
        out.append(Person(f, l, lf or f, ll or l, lang))
    return out


PEOPLE = {
    "en": _people("en", """
Sarah;Mitchell
James;O'Connor
Emily;Carter
Daniel;Hughes
Olivia;Bennett
Michael;Turner
Priya;Sharma
Tom;Baker
Hannah;Lewis
Chris;Walker
Megan;Foster
David;Kim
Laura;Jenkins
Mark;Robinson
Sophie;Clarke
Aisha;Khan"""),
    "ru": _people("ru", """
Иван;Петров;Ivan;Petrov
Ольга;Смирнова;Olga;Smirnova
Алексей;Кузнецов;Alexey;Kuznetsov
Екатерина;Соколова;Ekaterina;Sokolova
Дмитрий;Волков;Dmitry;Volkov
Юлия;Морозова;Yulia;Morozova
Сергей;Новиков;Sergey;Novikov
Анна;Лебедева;Anna;Lebedeva
Максим;Козлов;Maxim;Kozlov
Мария;Павлова;Maria;Pavlova
Наталья;Фёдорова;Natalia;Fedorova
Андрей;Михайлов;Andrei;Mikhailov
Ксения;Орлова;Ksenia;Orlova
Артём;Захаров;Artem;Zakharov
Татьяна;Васильева;Tatiana;Vasilyeva"""),
    "de": _people("de", """
Julia;Wagner
Max;Müller;Max;Mueller
Anna;Schmidt
Lukas;Becker
Laura;Hoffmann
Jonas;Fischer
Sophie;Weber
Felix;Schneider
Katharina;Schulz
Tobias;Meyer
Lena;Koch
Jan;Richter
Miriam;Krüger;Miriam;Krueger
Stefan;Wolf
Anna-Lena;Bauer
Jörg;Hartmann;Joerg;Hartmann"""),
    "fr": _people("fr", """
Camille;Dubois
Julien;Martin
Claire;Lefèvre;Claire;Lefevre
Nicolas;Moreau
Élodie;Laurent;Elodie;Laurent
Thomas;Girard
Sophie;Bernard"""),
    "es": _people("es", """
Lucía;García;Lucia;Garcia
Javier;Fernández;Javier;Fernandez
María;López;Maria;Lopez
Carlos;Martínez;Carlos;Martinez
Elena;Sánchez;Elena;Sanchez
Pablo;Romero
Sara;Navarro"""),
}

COMPANIES = {
    "en": [
        Company("Brightpath Talent Ltd", "brightpath.co.uk", "London", "United Kingdom", "London, UK",
                "71 Queen Victoria Street, London EC4V 4AY", gb_land, gb_mobile, "en"),
        Company("Northwind Recruiting", "northwindrecruiting.com", "New York", "United States",
                "New York, NY", "350 Fifth Avenue, New York, NY 10118", us_num, us_num, "en"),
        Company("Harbor & Finch LLC", "harborfinch.com", "Boston", "United States", "Boston, MA",
                "100 Summer St, Boston, MA 02110", us_num, us_num, "en"),
        Company("Elevate People Partners", "elevatepeople.com", "San Francisco", "United States",
                "San Francisco, CA", "535 Mission St, San Francisco, CA 94105", us_num, us_num, "en"),
        Company("Kinetic Staffing Ltd", "kineticstaffing.co.uk", "Manchester", "United Kingdom",
                "Manchester, United Kingdom", "1 Spinningfields, Manchester M3 3AP", gb_land,
                gb_mobile, "en"),
        Company("Bluefin Analytics", "bluefin.io", "Dublin", "Ireland", "Dublin, Ireland",
                "2 Grand Canal Square, Dublin 2", ie_land, gb_mobile, "en"),
        Company("Crestline Search Inc.", "crestlinesearch.com", "Chicago", "United States",
                "Chicago, IL", "233 S Wacker Dr, Chicago, IL 60606", us_num, us_num, "en"),
        Company("TalentBridge", "talentbridge.com", "Austin", "United States", "Austin, TX",
                "600 Congress Ave, Austin, TX 78701", us_num, us_num, "en"),
    ],
    "ru": [
        Company("ООО «Альфа Рекрутинг»", "alfarecruiting.ru", "Moscow", "Russia", "Москва, Россия",
                "г. Москва, ул. Тверская, д. 7", ru_land, ru_mobile, "ru"),
        Company("АО «Северный Инфоком»", "severinfocom.ru", "Saint Petersburg", "Russia",
                "Санкт-Петербург", "Санкт-Петербург, Невский пр., д. 28", ru_land, ru_mobile, "ru"),
        Company("Кадровое агентство «Персонал Плюс»", "personalplus.ru", "Kazan", "Russia",
                "г. Казань", "г. Казань, ул. Баумана, д. 15", ru_land, ru_mobile, "ru"),
        Company("ООО «Технософт»", "technosoft.ru", "Novosibirsk", "Russia", "Новосибирск",
                "630099, г. Новосибирск, Красный проспект, 42", ru_land, ru_mobile, "ru"),
        Company("ГК «Инфосистемы»", "infosys-gk.com", "Moscow", "Russia", "Москва",
                "Москва, Пресненская наб., 12", ru_land, ru_mobile, "ru"),
        Company("ПАО «ТрансЛогистик»", "translogistic.ru", "Yekaterinburg", "Russia",
                "Екатеринбург, Россия", "г. Екатеринбург, ул. Малышева, 51", ru_land, ru_mobile,
                "ru"),
        Company("HR Partners Group", "hrpartners.group", "Moscow", "Russia", "Moscow, Russia",
                "Moscow, Leningradsky prospekt 39", ru_land, ru_mobile, "ru"),
    ],
    "de": [
        Company("Muster Consulting GmbH", "muster-consulting.de", "Munich", "Germany",
                "München", "Leopoldstraße 12, 80802 München", de_land, de_mobile, "de"),
        Company("Talentwerk AG", "talentwerk.de", "Berlin", "Germany", "Berlin, Deutschland",
                "Friedrichstraße 68, 10117 Berlin", de_land, de_mobile, "de"),
        Company("Nordlicht Personal GmbH & Co. KG", "nordlicht-personal.de", "Hamburg", "Germany",
                "Hamburg", "Große Elbstraße 145, 22767 Hamburg", de_land, de_mobile, "de"),
        Company("Rheinsoft GmbH", "rheinsoft.de", "Cologne", "Germany", "Köln",
                "Hohenzollernring 21, 50672 Köln", de_land, de_mobile, "de"),
        Company("Frankenwerk IT GmbH", "frankenwerk.de", "Nuremberg", "Germany", "Nürnberg",
                "Königstraße 5, 90402 Nürnberg", de_land, de_mobile, "de"),
        Company("Alpen Recruiting GmbH", "alpen-recruiting.at", "Vienna", "Austria",
                "Wien, Österreich", "Mariahilfer Straße 1, 1060 Wien", at_land, de_mobile, "de"),
        Company("Helvetia Talent AG", "helvetia-talent.ch", "Zurich", "Switzerland", "Zürich",
                "Bahnhofstrasse 10, 8001 Zürich", ch_land, de_mobile, "de"),
        Company("Stellenwerk Personalberatung", "stellenwerk.com", "Frankfurt", "Germany",
                "Frankfurt am Main", "Mainzer Landstraße 50, 60325 Frankfurt am Main", de_land,
                de_mobile, "de"),
        Company("Schwabenbyte GmbH", "schwabenbyte.de", "Stuttgart", "Germany", "Stuttgart",
                "Königstraße 1, 70173 Stuttgart", de_land, de_mobile, "de"),
    ],
    "fr": [
        Company("Talentia Conseil SAS", "talentia-conseil.fr", "Paris", "France", "Paris, France",
                "12 rue de la Paix, 75002 Paris", fr_land, fr_mobile, "fr"),
        Company("Lumière RH", "lumiere-rh.fr", "Lyon", "France", "Lyon",
                "8 place Bellecour, 69002 Lyon", fr_land, fr_mobile, "fr"),
        Company("Ondine Technologies", "ondine-tech.fr", "Toulouse", "France", "Toulouse",
                "3 allée Jean Jaurès, 31000 Toulouse", fr_land, fr_mobile, "fr"),
        Company("Atlantique Recrutement SARL", "atlantique-recrutement.fr", "Nantes", "France",
                "Nantes", "5 quai de la Fosse, 44000 Nantes", fr_land, fr_mobile, "fr"),
    ],
    "es": [
        Company("Talento Ibérico S.L.", "talentoiberico.es", "Madrid", "Spain", "Madrid, España",
                "Calle de Alcalá 45, 28014 Madrid", es_land, es_mobile, "es"),
        Company("Grupo Selecta RRHH", "gruposelecta.es", "Barcelona", "Spain", "Barcelona",
                "Passeig de Gràcia 21, 08007 Barcelona", es_land, es_mobile, "es"),
        Company("Levante Tech SA", "levantetech.es", "Valencia", "Spain", "Valencia, España",
                "Avenida del Puerto 12, 46021 Valencia", es_land, es_mobile, "es"),
        Company("Norte Consultores", "norteconsultores.com", "Bilbao", "Spain", "Bilbao",
                "Gran Vía 30, 48009 Bilbao", es_land, es_mobile, "es"),
    ],
}

TITLES = {
    "en": ["Senior Technical Recruiter", "Talent Acquisition Partner", "Head of Talent",
           "Recruitment Consultant", "Principal Consultant", "HR Business Partner",
           "Talent Sourcer", "Director of Recruiting", "People Operations Lead",
           "Account Director", "Engineering Manager", "VP Engineering"],
    "ru": ["Менеджер по подбору персонала", "Ведущий IT-рекрутер", "Руководитель отдела подбора",
           "HR-бизнес-партнёр", "Старший рекрутер", "Директор по персоналу",
           "Специалист по подбору персонала", "Технический директор"],
    "de": ["Personalreferentin", "Senior Recruiterin", "Leiterin Personal", "Teamleiter Recruiting",
           "Personalberater", "Talent Acquisition Manager", "Geschäftsführer",
           "HR Business Partnerin", "Recruiting Specialist", "Senior Consultant"],
    "fr": ["Chargée de recrutement", "Consultant en recrutement", "Responsable RH",
           "Directrice des talents", "Talent Acquisition Manager", "Chasseur de têtes"],
    "es": ["Técnica de selección", "Consultor de selección", "Responsable de RRHH",
           "Directora de talento", "Reclutadora IT", "Headhunter"],
}

ROLES = {
    "en": ["Senior Backend Engineer", "Data Engineer", "Product Manager", "DevOps Engineer",
           "Staff Frontend Engineer"],
    "ru": ["Senior Python-разработчик", "руководитель группы аналитики", "DevOps-инженер",
           "Java-разработчик"],
    "de": ["Senior Java-Entwickler (m/w/d)", "Data Scientist (m/w/d)", "Projektleiter (m/w/d)",
           "Cloud Engineer (m/w/d)"],
    "fr": ["développeur full-stack", "chef de projet digital", "data analyst"],
    "es": ["desarrollador backend", "analista de datos", "jefe de proyecto"],
}

PHONE_LABELS = {
    "en": {"mobile": ["M:", "Mobile:", "Cell:", "Mob:", "m."], "work": ["T:", "Tel:", "Office:",
           "Direct:", "D:", "Phone:", "P:"], "fax": ["F:", "Fax:"]},
    "ru": {"mobile": ["Моб.:", "Мобильный:", "Моб. тел.:", "Сот.:", "Mob.:"],
           "work": ["Тел.:", "Раб.:", "Телефон:", "Тел:", "Tel.:"], "fax": ["Факс:"]},
    "de": {"mobile": ["Mobil:", "Handy:", "M:", "Mobil"], "work": ["Tel.:", "Telefon:", "T:",
           "Fon:", "Tel"], "fax": ["Fax:", "F:"]},
    "fr": {"mobile": ["Port. :", "Portable :", "Mob. :", "Mobile :"],
           "work": ["Tél. :", "Tél :", "Ligne directe :", "Tel :"], "fax": ["Fax :"]},
    "es": {"mobile": ["Móvil:", "Tel. móvil:", "M:", "Móvil"], "work": ["Tel.:", "Teléfono:",
           "Tfno.:", "Oficina:"], "fax": ["Fax:"]},
}

SIGN_OFFS = {
    "en": ["Best regards,", "Kind regards,", "Best,", "Thanks,", "Many thanks,", "Cheers,",
           "Regards,", "Thank you,", "All the best,", "Warm regards,"],
    "ru": ["С уважением,", "Спасибо!", "С уважением", "Всего доброго,", "Хорошего дня!",
           "Заранее спасибо,"],
    "de": ["Mit freundlichen Grüßen", "Viele Grüße", "Beste Grüße", "Freundliche Grüße",
           "Liebe Grüße,", "Danke und viele Grüße", "VG"],
    "fr": ["Cordialement,", "Bien cordialement,", "Bien à vous,", "Merci,", "Belle journée,",
           "Très cordialement"],
    "es": ["Saludos,", "Un saludo,", "Saludos cordiales,", "Gracias,", "Atentamente,",
           "Un abrazo,"],
}

NEW_BODIES = {
    "en": [
        "Hi {to},\n\nI came across your profile and think you'd be a great fit for a {role} role "
        "with one of our clients. The team is remote-friendly and the package is competitive.\n\n"
        "Would you be open to a quick chat this week?",
        "Hello {to},\n\nThanks for applying for the {role} position. I'd love to schedule a "
        "30-minute call to walk you through the process.\n\nLet me know what works for you.",
        "Hi {to},\n\nFollowing up on my message from last week about the {role} opening. Are you "
        "still interested?",
        "Dear {to},\n\nPlease find attached the job description for the {role} position we "
        "discussed. The hiring manager would like to meet you on {date} at {time}.",
    ],
    "ru": [
        "Добрый день, {to}!\n\nМеня зовут {me}, я представляю компанию {company}. Мы ищем "
        "специалиста на позицию «{role}», и ваш опыт нам очень интересен.\n\nУдобно ли вам "
        "созвониться на этой неделе?",
        "Здравствуйте, {to}!\n\nСпасибо за отклик на вакансию «{role}». Предлагаю провести "
        "первое интервью {date} в {time}.\n\nПодтвердите, пожалуйста, удобно ли вам.",
        "{to}, добрый день!\n\nНаправляю описание вакансии «{role}» и условия. Будем рады "
        "обсудить детали.",
    ],
    "de": [
        "Hallo {to},\n\nvielen Dank für Ihre Bewerbung als {role}. Gerne würde ich Sie zu einem "
        "ersten Telefoninterview einladen.\n\nWäre Ihnen der {date} um {time} Uhr recht?",
        "Guten Tag {to},\n\nich bin auf Ihr Profil aufmerksam geworden und hätte eine spannende "
        "Position als {role} für Sie.\n\nHätten Sie diese Woche Zeit für ein kurzes Gespräch?",
        "Hi {to},\n\nkurze Rückmeldung: der Fachbereich möchte Sie gerne kennenlernen. Ich melde "
        "mich morgen mit Terminvorschlägen.",
    ],
    "fr": [
        "Bonjour {to},\n\nJe me permets de vous contacter au sujet d'un poste de {role} chez "
        "l'un de nos clients.\n\nSeriez-vous disponible pour un échange cette semaine ?",
        "Bonjour {to},\n\nMerci pour votre candidature. Je vous propose un entretien le {date} "
        "à {time}.",
    ],
    "es": [
        "Hola {to}:\n\nTe escribo porque estamos buscando un perfil de {role} para un cliente. "
        "Tu experiencia encaja muy bien.\n\n¿Tendrías unos minutos esta semana para hablar?",
        "Buenos días {to}:\n\nGracias por tu candidatura. Te propongo una entrevista el {date} "
        "a las {time}.",
    ],
}

REPLY_BODIES = {
    "en": ["Hi {to},\n\nThanks for getting back to me. Tuesday at 3pm works for the hiring "
           "manager, I'll send an invite.",
           "Hi {to},\n\nGreat news: the client would like to move you to the final round.",
           "Thanks {to}, received. I'll share your CV with the team today."],
    "ru": ["{to}, спасибо за ответ! Вторник в 15:00 подходит, пришлю приглашение.",
           "Добрый день!\n\nРезюме получила, передала руководителю. Вернусь с обратной связью "
           "до конца недели."],
    "de": ["Hallo {to},\n\ndanke für die schnelle Rückmeldung. Dienstag 15 Uhr passt, ich schicke "
           "eine Einladung.",
           "Hallo {to},\n\nich habe Ihre Unterlagen an den Fachbereich weitergeleitet."],
    "fr": ["Bonjour {to},\n\nMerci pour votre retour. Mardi 15h me convient parfaitement."],
    "es": ["Hola {to}:\n\nGracias por tu respuesta. El martes a las 15:00 me va perfecto."],
}

QUOTED_BODIES = {
    "en": "Hi {me},\n\nThanks for reaching out. I'm interested in hearing more about the role. "
          "I'm free Tuesday or Wednesday afternoon.",
    "ru": "Здравствуйте!\n\nСпасибо за предложение, интересно. Могу созвониться во вторник "
          "после 15:00.",
    "de": "Hallo {me},\n\nvielen Dank für Ihre Nachricht. Ich hätte grundsätzlich Interesse. "
          "Dienstag oder Mittwoch nachmittag würde passen.",
    "fr": "Bonjour,\n\nMerci pour votre message. Le poste m'intéresse, je suis disponible mardi "
          "après-midi.",
    "es": "Hola,\n\nGracias por el mensaje. Me interesa la posición; estoy disponible el martes "
          "por la tarde.",
}

QA = {
    "en": [("Is the role remote?", "Hybrid: two days a week in the office."),
           ("What's the salary range?", "Between 80 and 95k depending on experience."),
           ("Who would I report to?", "The VP Engineering.")],
    "ru": [("Какой формат работы?", "Гибрид, 2 дня в офисе."),
           ("Какая вилка?", "До 350 000 руб. на руки."),
           ("Сколько этапов?", "Три: HR, техническое, финальное.")],
    "de": [("Ist die Stelle remote möglich?", "Ja, bis zu 3 Tage pro Woche."),
           ("Wie sieht das Gehaltsband aus?", "Zwischen 70.000 und 85.000 EUR."),
           ("Wann wäre der Start?", "Frühestens zum 01.06.2025.")],
    "fr": [("Le poste est-il en télétravail ?", "Hybride, deux jours sur site."),
           ("Quel est le salaire ?", "Entre 55 et 65 k€ selon profil.")],
    "es": [("¿Es remoto?", "Híbrido, dos días en la oficina."),
           ("¿Rango salarial?", "Entre 45.000 y 55.000 euros brutos.")],
}

FWD_NOTES = {
    "en": ["FYI, see below. Strong candidate for the platform team.", "Forwarding this one to you."],
    "ru": ["Коллеги, пересылаю. Кандидат сильный, посмотрите, пожалуйста.", "Для информации."],
    "de": ["Zur Info, siehe unten. Bitte um kurze Einschätzung.", "Anbei weitergeleitet."],
    "fr": ["Pour info, voir ci-dessous."],
    "es": ["Te reenvío esto, échale un vistazo."],
}

NOSIG_BODIES = {
    "en": ["Thanks!", "Ok, see you then.", "Got it, thanks.", "Sounds good.",
           "Sure, Tuesday works.\n\nThanks!"],
    "ru": ["Спасибо!", "Хорошо, договорились.", "Принято."],
    "de": ["Danke!", "Passt, bis dann.", "Alles klar, danke."],
    "fr": ["Merci !", "Parfait, à mardi."],
    "es": ["¡Gracias!", "Perfecto, hasta el martes."],
}

DISCLAIMERS = {
    "en": ["CONFIDENTIALITY NOTICE: This email and any attachments are confidential and may be "
           "privileged. If you are not the intended recipient, please notify the sender "
           "immediately and delete this message.",
           "This message is intended only for the use of the addressee and may contain "
           "information that is confidential. If you have received this email in error, please "
           "notify us and delete it.",
           "Please consider the environment before printing this email."],
    "ru": ["Данное сообщение и любые приложения к нему являются конфиденциальными и "
           "предназначены исключительно для адресата. Если вы получили это сообщение по ошибке, "
           "пожалуйста, уведомите отправителя и удалите его."],
    "de": ["Diese E-Mail enthält vertrauliche und/oder rechtlich geschützte Informationen. Wenn "
           "Sie nicht der richtige Adressat sind oder diese E-Mail irrtümlich erhalten haben, "
           "informieren Sie bitte sofort den Absender und vernichten Sie diese Mail.",
           "{company} · Sitz der Gesellschaft: {city} · Amtsgericht {city} HRB 123456 · "
           "Geschäftsführer: Dr. Klaus Berger"],
    "fr": ["Ce message et toutes les pièces jointes sont confidentiels et établis à l'intention "
           "exclusive de ses destinataires. Si vous avez reçu ce message par erreur, merci de le "
           "détruire et d'en avertir l'expéditeur."],
    "es": ["Este mensaje y sus archivos adjuntos son confidenciales y van dirigidos "
           "exclusivamente a su destinatario. Si ha recibido este mensaje por error, le rogamos "
           "que lo comunique al remitente y lo elimine."],
}

BANNERS = {
    "en": ["We're hiring! See our open roles at {domain}/careers", "Follow us on LinkedIn | X"],
    "ru": ["Подписывайтесь на нас в Telegram: t.me/{short}", "Мы ищем таланты! {domain}/jobs"],
    "de": ["Wir stellen ein! Alle Jobs unter {domain}/karriere", "Folgen Sie uns auf LinkedIn"],
    "fr": ["Suivez-nous sur LinkedIn"],
    "es": ["Síguenos en LinkedIn"],
}

MOBILE = {
    "en": ["Sent from my iPhone", "Sent from my Samsung Galaxy smartphone.", "Get Outlook for iOS",
           "Sent from Outlook for Android"],
    "ru": ["Отправлено с iPhone", "Отправлено из мобильной Яндекс Почты"],
    "de": ["Von meinem iPhone gesendet", "Gesendet von meinem Smartphone"],
    "fr": ["Envoyé de mon iPhone"],
    "es": ["Enviado desde mi iPhone"],
}

MEETINGS = {
    "en": "Join Zoom Meeting\nhttps://us02web.zoom.us/j/84522319987?pwd=Q2xYb3pQ\n\n"
          "Meeting ID: 845 2231 9987\nPasscode: 482913\n\nOne tap mobile\n"
          "+16465588656,,84522319987# US (New York)\n\nDial by your location\n"
          "        +1 646 558 8656 US (New York)\n        +49 69 7104 9922 Germany",
    "de": "Microsoft Teams-Besprechung\nNehmen Sie über Ihren Computer oder die mobile App teil\n"
          "Klicken Sie hier, um an der Besprechung teilzunehmen\n"
          "Oder rufen Sie an (nur Audio)\n+49 69 365057152,,518236947# Deutschland, Frankfurt\n"
          "Konferenz-ID: 518 236 947#",
    "ru": "Подключиться к конференции Zoom\nhttps://zoom.us/j/93451234567\n\n"
          "Идентификатор конференции: 934 5123 4567\nКод доступа: 771203",
    "fr": "Réunion Microsoft Teams\nRejoindre par téléphone\n+33 1 70 37 97 29,,291044518# France\n"
          "ID de conférence : 291 044 518#",
    "es": "Unirse a la reunión de Zoom\nhttps://zoom.us/j/81234567890\n"
          "ID de reunión: 812 3456 7890\nCódigo de acceso: 552211",
}

DISTRACTORS = {
    "en": ["Your application reference is 2025-004512.", "The job ID is 4471203 if you want to "
           "look it up.", "Invoice no. 20250312-88 for the assessment is attached.",
           "Our office is at 350 Fifth Avenue, New York, NY 10118."],
    "ru": ["Номер вакансии: 1042387.", "Заявка № 52211873 зарегистрирована.",
           "Реквизиты: ИНН 7701234567, КПП 770101001."],
    "de": ["Referenznummer: 2025-3391.", "Ihre Bewerbung läuft unter der Nummer 77120934.",
           "Das Büro ist in der Leopoldstraße 12, 80802 München.",
           "Bankverbindung: IBAN DE89 3704 0044 0532 0130 00."],
    "fr": ["Référence de l'offre : 2025-7781.", "Dossier n° 45120987."],
    "es": ["Referencia de la oferta: 2025-5521.", "Pedido nº 88123456."],
}

BODY_PHONE = {
    "en": ["If it's easier, call me on {mob}.", "You can reach me on my cell at {mob}.",
           "Or just give me a ring on {mob} after 5pm."],
    "ru": ["Если удобнее, звоните мне на мобильный: {mob}.", "Мой номер: {mob}, пишите в "
           "Telegram."],
    "de": ["Sie erreichen mich auch mobil unter {mob}.", "Rufen Sie mich gerne an: {mob}."],
    "fr": ["Vous pouvez aussi m'appeler au {mob}."],
    "es": ["También puedes llamarme al {mob}."],
}

MONTHS = {
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun"],
    "ru_short": ["янв.", "февр.", "мар.", "апр.", "мая", "июн."],
    "ru_long": ["января", "февраля", "марта", "апреля", "мая", "июня"],
    "de": ["Jan.", "Feb.", "März", "Apr.", "Mai", "Juni"],
    "fr": ["janv.", "févr.", "mars", "avr.", "mai", "juin"],
    "es": ["ene", "feb", "mar", "abr", "may", "jun"],
}
WEEKDAYS = {"en": "Mon Tue Wed Thu Fri".split(), "ru": "пн вт ср чт пт".split(),
            "de": "Mo. Di. Mi. Do. Fr.".split(), "fr": "lun. mar. mer. jeu. ven.".split(),
            "es": "lun mar mié jue vie".split()}
BASE = datetime(2025, 3, 3, 9, 0, tzinfo=timezone(timedelta(hours=1)))


# ---------------------------------------------------------------- signatures
@dataclass
class Sig:
    lines: list[list[str]]  # visual lines, each a list of cells
    junk: set[int] = field(default_factory=set)  # indexes of lines that are not signature
    blank_after: set[int] = field(default_factory=set)
    name: str | None = None
    title: str | None = None
    company: str | None = None
    city: str | None = None
    country: str | None = None
    phones: list[tuple[str, str]] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    two_columns: bool = False  # HTML: name block left, contact block right


# One person keeps one address, title and set of numbers within a message (and its history).
STABLE: dict[tuple[str, str], dict] = {}


def email_for(p: Person, c: Company) -> str:
    f = p.latin_first.lower().replace("'", "")
    last = p.latin_last.lower().replace("'", "")
    key = (p.full, c.domain)
    if "style" not in STABLE.setdefault(key, {}):
        STABLE[key]["style"] = RNG.choice(["f.l", "f.l", "fl", "f", "f_l", "fL"])
    style = STABLE[key]["style"]
    local = {"f.l": f"{f}.{last}", "fl": f"{f[0]}{last}", "f": f, "f_l": f"{f}_{last}",
             "fL": f"{f[0]}.{last}"}[style]
    return f"{local}@{c.domain}"


def _phone(lang: str, kind: str, num: Num, labelled: bool = True) -> tuple[list[str], tuple]:
    raw = RNG.choice(num.formats)
    label_kind = kind if kind != "fax" else "fax"
    truth = (num.e164, label_kind if labelled else ("mobile" if num.kind == "mobile" else "work"))
    if not labelled:
        return [raw], truth
    return [RNG.choice(PHONE_LABELS[lang][label_kind]), raw], truth


def _fax_of(num: Num) -> Num:
    last = int(num.e164[-1])
    e = num.e164[:-1] + str((last + 9) % 10)
    return Num(e, "landline", [f[:-1] + e[-1] for f in num.formats])


def make_signature(p: Person, c: Company, layout: str) -> Sig:
    lang = p.lang
    cache = STABLE.setdefault((p.full, c.domain), {})
    if "title" not in cache:
        cache["title"] = RNG.choice(TITLES[lang])
        cache["land"] = c.land(c.city) if c.land in (de_land, ru_land, fr_land, es_land,
                                                     gb_land, us_num) else c.land()
        cache["mob"] = c.mobile() if c.mobile is not us_num else us_num(c.city)
        if c.mobile is us_num:
            cache["mob"].kind = "landline"  # US numbers do not say whether they are mobile
    title, mob, land = cache["title"], cache["mob"], cache["land"]
    email = email_for(p, c)
    www = "www." + c.domain
    slug = f"{p.latin_first}-{p.latin_last}".lower().replace("'", "")
    li = f"https://www.linkedin.com/in/{slug}-{_digits(3)}"
    s = Sig(lines=[], name=p.full)

    def add(cells, truth=None, *, field_=None):
        s.lines.append(cells)
        if truth:
            s.phones.append(truth)

    if layout == "stacked":
        add([p.full]); add([title]); add([c.name])
        s.title, s.company = title, c.name
        add(*_phone(lang, "mobile", mob))
        if RNG.random() < 0.6:
            add(*_phone(lang, "work", land))
        add([email]); s.emails = [email]
        if RNG.random() < 0.5:
            add([www]); s.urls = [www]
    elif layout == "formal":  # German/Russian office style with address and fax
        add([p.full]); add([title]); add([c.name]); add([c.address])
        s.title, s.company, s.city, s.country = title, c.name, c.city, c.country
        add(*_phone(lang, "work", land))
        if RNG.random() < 0.5:
            add(*_phone(lang, "fax", _fax_of(land)))
        add(*_phone(lang, "mobile", mob))
        add([email]); add([www]); s.emails, s.urls = [email], [www]
    elif layout == "pipes":
        add([f"{p.full} | {title}"]); add([c.name]); s.title, s.company = title, c.name
        m_cells, m_truth = _phone(lang, "mobile", mob)
        w_cells, w_truth = _phone(lang, "work", land)
        add([f"{' '.join(m_cells)} | {' '.join(w_cells)}"]); s.phones += [m_truth, w_truth]
        add([email]); s.emails = [email]
    elif layout == "one_line":
        cells, truth = _phone(lang, "mobile", mob)
        add([f"{p.full} · {title} · {c.name} · {' '.join(cells)}"], truth)
        s.title, s.company = title, c.name
    elif layout == "at":
        word = {"en": "at", "de": "bei", "ru": "в", "fr": "chez", "es": "en"}[lang]
        add([p.full]); add([f"{title} {word} {c.name}"]); s.title, s.company = title, c.name
        add(*_phone(lang, "mobile", mob))
        add([li]); s.urls = [li]
    elif layout == "comma":
        add([p.full]); add([f"{title}, {c.name}"]); s.title, s.company = title, c.name
        add(*_phone(lang, "work", land, labelled=False))
        add([c.city_line]); s.city, s.country = c.city, c.country
    elif layout == "name_only":
        add([p.full])
    elif layout == "first_name":
        add([p.first]); s.name = p.first
    elif layout == "name_phone":
        add([p.full]); add(*_phone(lang, "mobile", mob, labelled=False))
    elif layout == "two_para":
        add([p.full]); add([title]); s.blank_after.add(1)
        add([c.name]); add([c.address]); s.title, s.company = title, c.name
        s.city, s.country = c.city, c.country
        add(*_phone(lang, "work", land)); add(*_phone(lang, "mobile", mob))
        add([email]); s.emails = [email]
    elif layout == "ext":
        add([p.full]); add([title]); add([c.name]); s.title, s.company = title, c.name
        raw = RNG.choice(land.formats)
        ext = str(RNG.randint(100, 999))
        ext_word = {"ru": "доб.", "de": "Durchwahl", "en": "ext.", "fr": "poste",
                    "es": "ext."}[lang]
        label = RNG.choice(PHONE_LABELS[lang]["work"])
        add([label, f"{raw}, {ext_word} {ext}" if lang in ("ru", "fr") else f"{raw} {ext_word} {ext}"],
            (land.e164, "work"))
        add(*_phone(lang, "mobile", mob))
        add([email]); s.emails = [email]
        add([c.city_line]); s.city, s.country = c.city, c.country
    elif layout == "web":
        add([p.full]); add([f"{title} | {c.name}"]); s.title, s.company = title, c.name
        w_cells, w_truth = _phone(lang, "work", land)
        m_cells, m_truth = _phone(lang, "mobile", mob)
        add(w_cells, w_truth); add(m_cells, m_truth)
        add([www]); add([li]); s.urls = [www, li]
        add([c.city_line]); s.city, s.country = c.city, c.country
    elif layout == "candidate":  # a private person, no company
        add([p.full]); add(*_phone(lang, "mobile", mob, labelled=RNG.random() < 0.5))
        if RNG.random() < 0.6:
            add([li]); s.urls = [li]
    elif layout == "pronouns":
        add([f"{p.full} ({RNG.choice(['she/her', 'he/him', 'they/them'])})"])
        add([title]); add([c.name]); s.title, s.company = title, c.name
        add(*_phone(lang, "mobile", mob)); add([email]); s.emails = [email]
    elif layout == "slogan":
        add([p.full]); add([title]); add([c.name]); s.title, s.company = title, c.name
        add([RNG.choice(SLOGANS[lang])])
        add(*_phone(lang, "work", land)); add([www]); s.urls = [www]
    elif layout == "im":
        add([p.full]); add([f"{title} | {c.name}"]); s.title, s.company = title, c.name
        add(*_phone(lang, "mobile", mob))
        handle = f"{p.latin_first}.{p.latin_last}".lower().replace("'", "")
        add([RNG.choice([f"Skype: {handle}", f"Telegram: @{handle.replace('.', '_')}"])])
        add([email]); s.emails = [email]
    elif layout == "multi_addr":
        add([p.full]); add([title]); add([c.name]); s.title, s.company = title, c.name
        street, _, rest = c.address.rpartition(", ")
        add([street or rest]); add([rest] if street else [c.city_line])
        add([NATIVE_COUNTRY[c.country]]); s.city, s.country = c.city, c.country
        add(*_phone(lang, "work", land)); add([email]); s.emails = [email]
    elif layout == "caps":
        s.name = p.full.upper()
        add([s.name]); add([title]); add([c.name]); s.title, s.company = title, c.name
        add(*_phone(lang, "mobile", mob))
    elif layout == "reversed":
        s.name = f"{p.last} {p.first}"
        add([s.name]); add([title]); add([c.name]); s.title, s.company = title, c.name
        add(*_phone(lang, "mobile", mob)); add([email]); s.emails = [email]
    elif layout == "ia":  # German business mail: "i. A." (on behalf of) before the name
        add([f"i. A. {p.full}"]); add([title]); add([c.name]); s.title, s.company = title, c.name
        add(*_phone(lang, "work", land)); add([email]); s.emails = [email]
    elif layout == "emoji":
        add([p.full]); add([f"{title} | {c.name}"]); s.title, s.company = title, c.name
        add(["📞", RNG.choice(land.formats)], (land.e164, "work"))
        add(["📱", RNG.choice(mob.formats)], (mob.e164, "mobile"))
        add(["✉️", email]); add(["🌐", www]); s.emails, s.urls = [email], [www]
    elif layout == "dept":
        add([p.full]); add([title]); add([RNG.choice(DEPTS[lang])]); add([c.name])
        s.title, s.company = title, c.name
        add(*_phone(lang, "mobile", mob)); add([email]); s.emails = [email]
    else:
        raise ValueError(layout)
    return s


HARD_LAYOUTS = ["pronouns", "slogan", "im", "multi_addr", "caps", "reversed", "emoji", "dept"]
SLOGANS = {
    "en": ["Connecting great people with great teams.", "\"Hire for attitude, train for skill.\""],
    "ru": ["Мы соединяем людей и возможности.", "«Люди решают всё»"],
    "de": ["Menschen. Machen. Zukunft.", "Wir bringen Talente und Unternehmen zusammen."],
    "fr": ["Le talent au cœur de l'entreprise."],
    "es": ["Conectamos talento con oportunidades."],
}
DEPTS = {
    "en": ["Talent Acquisition · EMEA", "Engineering Hiring Team"],
    "ru": ["Отдел подбора персонала", "Департамент по работе с персоналом"],
    "de": ["Abteilung Personal", "Team Talent Acquisition DACH"],
    "fr": ["Direction des Ressources Humaines"],
    "es": ["Departamento de Recursos Humanos"],
}
NATIVE_COUNTRY = {"Germany": "Deutschland", "Austria": "Österreich", "Switzerland": "Schweiz",
                  "Russia": "Россия", "United Kingdom": "United Kingdom", "United States": "USA",
                  "Ireland": "Ireland", "France": "France", "Spain": "España"}
PS = {
    "en": "P.S. I'm out of office next week; my colleague will follow up with you.",
    "ru": "P.S. На следующей неделе я в отпуске, по срочным вопросам пишите коллеге.",
    "de": "PS: Nächste Woche bin ich im Urlaub, meine Kollegin meldet sich bei Ihnen.",
    "fr": "P.S. Je serai absente la semaine prochaine, ma collègue prendra le relais.",
    "es": "P.D. La semana que viene estoy fuera de la oficina.",
}


# ---------------------------------------------------------------- quoting formats
def when(lang: str, dt: datetime) -> dict[str, str]:
    m = dt.month - 1
    wd = WEEKDAYS[lang if lang in WEEKDAYS else "en"][dt.weekday() % 5]
    hh, mm = dt.hour, dt.minute
    return {
        "en_gmail": f"{wd}, {MONTHS['en'][m]} {dt.day}, {dt.year} at "
                    f"{(hh - 1) % 12 + 1}:{mm:02d} {'AM' if hh < 12 else 'PM'}",
        "en_apple": f"{dt.day} {MONTHS['en'][m]} {dt.year}, at {hh:02d}:{mm:02d}",
        "ru_gmail": f"{wd}, {dt.day} {MONTHS['ru_short'][m]} {dt.year} г. в {hh:02d}:{mm:02d}",
        "ru_apple": f"{dt.day} {MONTHS['ru_long'][m]} {dt.year} г., в {hh:02d}:{mm:02d}",
        "de": f"{wd}, {dt.day}. {MONTHS['de'][m]} {dt.year} um {hh:02d}:{mm:02d}",
        "de_tb": f"{dt.day:02d}.{dt.month:02d}.{dt.year} um {hh:02d}:{mm:02d}",
        "fr": f"{wd} {dt.day} {MONTHS['fr'][m]} {dt.year} à {hh:02d}:{mm:02d}",
        "es": f"{wd}, {dt.day} {MONTHS['es'][m]} {dt.year} a las {hh:02d}:{mm:02d}",
        "outlook": f"{dt:%A, %B} {dt.day}, {dt.year} {(hh - 1) % 12 + 1}:{mm:02d} "
                   f"{'AM' if hh < 12 else 'PM'}",
        "num": f"{dt.day:02d}.{dt.month:02d}.{dt.year} {hh:02d}:{mm:02d}",
    }


def attribution(lang: str, name: str, email: str, dt: datetime) -> str:
    w = when(lang, dt)
    options = {
        "en": [f"On {w['en_gmail']} {name} <{email}> wrote:",
               f"On {w['en_apple']}, {name} <{email}> wrote:"],
        "ru": [f"{w['ru_gmail']}, {name} <{email}>:",
               f"{w['ru_apple']}, {name} <{email}> написал(а):",
               f"{w['num']}, {name} пишет:"],
        "de": [f"Am {w['de']} Uhr schrieb {name} <{email}>:",
               f"Am {w['de_tb']} schrieb {name}:",
               f"{name} <{email}> schrieb am {w['de_tb']}:"],
        "fr": [f"Le {w['fr']}, {name} <{email}> a écrit :"],
        "es": [f"El {w['es']}, {name} (<{email}>) escribió:"],
    }
    return RNG.choice(options[lang])


OUTLOOK_KEYS = {
    "en": ("From", "Sent", "To", "Subject", "-----Original Message-----"),
    "de": ("Von", "Gesendet", "An", "Betreff", "-----Ursprüngliche Nachricht-----"),
    "ru": ("От", "Отправлено", "Кому", "Тема", "-----Исходное сообщение-----"),
    "fr": ("De ", "Envoyé ", "À ", "Objet ", "-----Message d'origine-----"),
    "es": ("De", "Enviado el", "Para", "Asunto", "-----Mensaje original-----"),
}
FORWARD_MARKERS = {
    "en": ["---------- Forwarded message ---------", "Begin forwarded message:"],
    "ru": ["-------- Пересылаемое сообщение --------", "---------- Forwarded message ---------"],
    "de": ["-------- Weitergeleitete Nachricht --------", "---------- Forwarded message ---------"],
    "fr": ["---------- Message transféré ---------"],
    "es": ["---------- Mensaje reenviado ---------"],
}
SUBJECTS = {"en": "Re: {role} opportunity", "ru": "Re: Вакансия {role}",
            "de": "AW: Ihre Bewerbung als {role}", "fr": "RE: Poste {role}",
            "es": "RE: Oferta {role}"}


def outlook_header(lang: str, name: str, email: str, to: str, subject: str, dt: datetime,
                   forward: bool = False) -> list[str]:
    k_from, k_sent, k_to, k_subj, sep = OUTLOOK_KEYS[lang]
    lines = []
    if forward:
        lines.append(RNG.choice(FORWARD_MARKERS[lang]))
        date_key = {"en": "Date", "ru": "Дата", "de": "Datum", "fr": "Date ", "es": "Fecha"}[lang]
        lines += [f"{k_from}: {name} <{email}>", f"{date_key}: {when(lang, dt)['num']}",
                  f"{k_subj}: {subject}", f"{k_to}: {to}"]
        if lines[0].startswith("-------- Weiter"):  # Thunderbird puts the subject first
            lines[1:] = [lines[3], lines[2], lines[1], lines[4]]
        return lines
    lines.append(RNG.choice([sep, "________________________________"]))
    sender = RNG.choice([f"{name} <{email}>", f"{name} [mailto:{email}]"])
    return lines + [f"{k_from}: {sender}", f"{k_sent}: {when(lang, dt)['outlook']}",
                    f"{k_to}: {to}", f"{k_subj}: {subject}"]


# ---------------------------------------------------------------- composing messages
@dataclass
class Quote:
    style: str  # gmail | apple | outlook | forward | bottom
    header: list[str]
    parts: list[tuple]  # the quoted message's parts (para/signoff/sig/quote)
    qa: list[tuple[str, str]] = field(default_factory=list)


LAYOUTS = {
    "en": ["stacked"] * 4 + ["pipes"] * 2 + ["at"] * 2 + ["comma", "name_only", "first_name",
           "name_phone", "two_para", "web", "web", "one_line", "ext"],
    "ru": ["stacked"] * 3 + ["formal"] * 3 + ["ext"] * 3 + ["pipes", "at", "name_only",
           "first_name", "name_phone", "two_para", "web", "comma"],
    "de": ["stacked"] * 3 + ["formal"] * 4 + ["pipes", "at", "name_only", "first_name", "ext",
           "two_para", "web", "one_line", "comma", "name_phone"],
    "fr": ["stacked", "stacked", "formal", "pipes", "at", "web", "name_only", "ext", "comma"],
    "es": ["stacked", "stacked", "formal", "pipes", "at", "web", "first_name", "comma", "ext"],
}


def wrap(text: str, width: int = 72) -> str:
    import textwrap

    return "\n".join(
        "\n".join(textwrap.wrap(par, width)) if len(par) > width else par
        for par in text.split("\n")
    )


def other_message(lang: str, other: Person, other_company: Company, me: Person,
                  candidate: bool) -> list[tuple]:
    body = QUOTED_BODIES[lang].format(me=me.first)
    layout = "candidate" if candidate else RNG.choice(["stacked", "formal", "pipes", "web"])
    sig = make_signature(other, other_company, layout)
    return [("para", body), ("signoff", RNG.choice(SIGN_OFFS[lang])), ("sig", sig)]


def closing(lang: str, p: Person, c: Company, layout: str | None = None) -> tuple[list, Sig]:
    """Sign-off (or delimiter) plus signature; returns the parts and the sender's Sig."""
    layout = layout or RNG.choice(LAYOUTS[lang])
    r = RNG.random()
    if r < 0.06 and lang in ("en", "de", "ru"):
        word = {"en": RNG.choice(["Cheers", "Thanks", "Best"]),
                "de": RNG.choice(["Viele Grüße", "Danke"]), "ru": "Спасибо"}[lang]
        sig = Sig(lines=[[f"{word}, {p.first}"]], name=p.first)
        return [("sig", sig)], sig
    sig = make_signature(p, c, layout)
    if r < 0.20:
        parts = [("delim",), ("sig", sig)]
        if RNG.random() < 0.5:
            parts.insert(0, ("signoff", RNG.choice(SIGN_OFFS[lang])))
    elif r < 0.27:
        parts = [("sig", sig)]  # no sign-off, no delimiter
    else:
        parts = [("signoff", RNG.choice(SIGN_OFFS[lang])), ("sig", sig)]
    return parts, sig


def junk_after(lang: str, c: Company, parts: list, plain: bool) -> None:
    if RNG.random() < 0.12:
        short = c.domain.split(".")[0]
        parts.append(("junk", RNG.choice(BANNERS[lang]).format(domain=c.domain, short=short)))
    if RNG.random() < 0.28:
        text = RNG.choice(DISCLAIMERS[lang]).format(company=c.name, city=c.city_line)
        kind = "junk_tight" if RNG.random() < 0.3 else "junk"
        parts.append((kind, wrap(text) if plain and RNG.random() < 0.6 else text))


def compose(i: int, lang: str, scenario: str, fmt: str, hard: str | None = None) -> dict:
    STABLE.clear()
    me = RNG.choice(PEOPLE[lang])
    company = RNG.choice(COMPANIES[lang])
    other_lang = lang if RNG.random() < 0.85 else "en"
    other = RNG.choice([p for p in PEOPLE[other_lang] if p is not me])
    other_company = RNG.choice(COMPANIES[other_lang])
    my_email = email_for(me, company)
    if hard == "generic_sender":  # a team mailbox: the From name is no person's
        box = RNG.choice(["jobs", "recruiting", "karriere", "hr", "talent"])
        my_email = f"{box}@{company.domain}"
    other_email = f"{other.latin_first.lower()}.{other.latin_last.lower()}@" + RNG.choice(
        ["gmail.com", "yandex.ru", "web.de", "outlook.com", other_company.domain])
    plain = fmt != "html"
    dt = BASE + timedelta(days=i // 3, minutes=37 * i)
    role = RNG.choice(ROLES[lang])
    date_s = {"en": f"March {dt.day + 7}", "ru": f"{dt.day + 7:02d}.03.2025",
              "de": f"{dt.day + 7:02d}.03.2025", "fr": f"{dt.day + 7:02d}/03/2025",
              "es": f"{dt.day + 7:02d}/03/2025"}[lang]
    time_s = RNG.choice(["10:00", "14:30", "16:15", "11:45"])
    fill = dict(to=other.first, me=me.full, company=company.name, role=role, date=date_s,
                time=time_s)
    parts: list[tuple] = []
    quote: Quote | None = None
    sig: Sig | None = None
    body_phones: list[tuple[str, str]] = []

    def para(text: str) -> None:
        parts.append(("para", wrap(text) if plain and RNG.random() < 0.4 else text))

    def maybe_distractor() -> None:
        if RNG.random() < 0.3:
            parts.append(("para", RNG.choice(DISTRACTORS[lang])))

    hard_layout = None
    if hard == "layout":
        hard_layout = RNG.choice(HARD_LAYOUTS + (["ia", "ia"] if lang == "de" else []))

    def closing_(lang: str, p: Person, c: Company) -> tuple[list, Sig]:
        parts_, sig_ = closing(lang, p, c, hard_layout)
        if hard == "spaced":  # Outlook's plain text: a blank line after every line
            sig_.blank_after = set(range(len(sig_.lines)))
        if hard == "two_columns":
            sig_.two_columns = True
        if hard == "ps":
            parts_.append(("para", PS[lang]))
        return parts_, sig_

    def quoted_reply(style: str | None = None) -> Quote:
        candidate = RNG.random() < 0.6
        qparts = other_message(other_lang, other, other_company, me, candidate)
        if RNG.random() < 0.3:  # the sender's own earlier mail, signature and all, further down
            earlier, _ = closing(lang, me, company)
            nested = Quote("gmail", [attribution(lang, me.full, my_email, dt - timedelta(days=2))],
                           [("para", RNG.choice(NEW_BODIES[lang]).format(**fill)), *earlier])
            qparts.append(("quote", nested))
        style = style or RNG.choice(["gmail", "gmail", "apple", "outlook"])
        if style == "outlook":
            subj = SUBJECTS[lang].format(role=role)
            head = outlook_header(lang, other.full, other_email, me.full, subj, dt)
            if hard == "no_separator":
                head = head[1:]
        else:
            head = [attribution(other_lang if style != "apple" else "en", other.full,
                                other_email, dt - timedelta(hours=5))]
            if plain and len(head[0]) > 76 and RNG.random() < 0.5:
                cut = head[0].rfind(" ", 0, 76)
                head = [head[0][:cut], head[0][cut + 1 :]]
        return Quote(style, head, qparts)

    if scenario in ("new", "meeting", "body_phone"):
        para(RNG.choice(NEW_BODIES[lang]).format(**fill))
        maybe_distractor()
        if scenario == "meeting":
            parts.append(("para", MEETINGS[lang]))
        if scenario == "body_phone":
            extra = company.mobile() if company.mobile is not us_num else us_num(company.city)
            raw = RNG.choice(extra.formats)
            template = RNG.choice(BODY_PHONE[lang])
            parts.append(("para", template.format(mob=raw)))
            says_mobile = any(w in template for w in ("cell", "mobil", "мобильн"))
            kind = "mobile" if extra.kind == "mobile" or says_mobile else "other"
            body_phones.append((extra.e164, kind))
        cl, sig = closing_(lang, me, company)
        parts += cl
        junk_after(lang, company, parts, plain)
    elif scenario == "reply_top":
        para(RNG.choice(REPLY_BODIES[lang]).format(**fill))
        maybe_distractor()
        cl, sig = closing_(lang, me, company)
        parts += cl
        junk_after(lang, company, parts, plain)
        quote = quoted_reply()
    elif scenario == "reply_bottom":
        head = [attribution(other_lang, other.full, other_email, dt - timedelta(hours=3))]
        quote = Quote("bottom", head, [], qa=RNG.sample(QA[lang], k=min(2, len(QA[lang]))))
        cl, sig = closing_(lang, me, company)
        parts += cl
    elif scenario == "forward":
        para(RNG.choice(FWD_NOTES[lang]))
        if RNG.random() < 0.6:
            cl, sig = closing_(lang, me, company)
            parts += cl
        candidate = RNG.random() < 0.5
        qparts = other_message(other_lang, other, other_company, me, candidate)
        head = outlook_header(lang, other.full, other_email, me.full,
                              SUBJECTS[lang].format(role=role)[4:], dt, forward=True)
        quote = Quote("forward", head, qparts)
    elif scenario == "mobile":
        para(RNG.choice(NOSIG_BODIES[lang]))
        if RNG.random() < 0.5:
            sig = Sig(lines=[[me.first]], name=me.first)
            parts += [("signoff", RNG.choice(SIGN_OFFS[lang])), ("sig", sig)]
        parts.append(("junk", RNG.choice(MOBILE[lang])))
        if RNG.random() < 0.6:
            quote = quoted_reply("gmail")
    elif scenario == "nosig":
        para(RNG.choice(NOSIG_BODIES[lang]))
        if RNG.random() < 0.6:
            quote = quoted_reply()
    if sig is not None and plain and fmt == "plain" and RNG.random() < 0.1 and len(sig.lines) > 2:
        sig.lines.insert(0, [f"[image: {company.name.split()[0]} logo]"])
        sig.junk = {j + 1 for j in sig.junk} | {0}
        sig.blank_after = {j + 1 for j in sig.blank_after}

    display = display_name(me, company)
    if hard == "generic_sender":
        display = RNG.choice([f"{company.name.split()[0]} Recruiting", "HR Team", None])
    if hard == "mobile_phone":
        extra = company.mobile() if company.mobile is not us_num else us_num(company.city)
        template = RNG.choice(BODY_PHONE[lang])
        parts.insert(1, ("para", template.format(mob=RNG.choice(extra.formats))))
        says_mobile = any(w in template for w in ("cell", "mobil", "мобильн"))
        kind = "mobile" if extra.kind == "mobile" or says_mobile else "other"
        body_phones.append((extra.e164, kind))
    return dict(i=i, lang=lang, scenario=scenario, fmt=fmt, me=me, company=company,
                my_email=my_email, display=display, other=other, other_email=other_email,
                parts=parts, quote=quote, sig=sig, body_phones=body_phones, dt=dt,
                subject=SUBJECTS[lang].format(role=role)[4:])


def display_name(p: Person, c: Company) -> str | None:
    r = RNG.random()
    if p.lang == "ru":
        if r < 0.4:
            return p.latin
        if r < 0.75:
            return p.full
        if r < 0.9:
            return None
        return f"{p.last} {p.first}"
    if r < 0.6:
        return p.full
    if r < 0.75:
        return f"{p.last}, {p.first}"
    if r < 0.9:
        return None
    return f"{p.full} | {c.name.split()[0]}"


# ---------------------------------------------------------------- rendering
def plain_lines(parts: list[tuple], prefix: str = "") -> list[str]:
    out: list[str] = []
    prev = None
    for part in parts:
        kind = part[0]
        if kind == "para":
            if out:
                out.append("")
            out += part[1].split("\n")
        elif kind == "signoff":
            out += ["", part[1]]
        elif kind == "delim":
            if prev != "signoff":
                out.append("")
            out.append("-- ")
        elif kind == "sig":
            sig: Sig = part[1]
            if prev not in ("signoff", "delim"):
                out.append("")
            for j, cells in enumerate(sig.lines):
                out.append(" ".join(cells))
                if j in sig.blank_after:
                    out.append("")
        elif kind == "junk":
            out += ["", *part[1].split("\n")]
        elif kind == "junk_tight":
            out += part[1].split("\n")
        elif kind == "quote":
            q: Quote = part[1]
            out += ["", *q.header, *("> " + line if line else ">" for line in plain_lines(q.parts))]
        prev = kind
    return [prefix + line if prefix else line for line in out]


def render_plain(m: dict) -> str:
    q: Quote | None = m["quote"]
    lines = plain_lines(m["parts"])
    if q is None:
        return "\n".join(lines) + "\n"
    if q.style == "bottom":
        body = [*q.header]
        for question, answer in q.qa:
            body += [f"> {question}", "", answer, ""]
        return "\n".join(body + lines) + "\n"
    quoted = plain_lines(q.parts)
    if q.style in ("gmail", "apple"):
        quoted = [("> " + line) if line else ">" for line in quoted]
        return "\n".join(lines + ["", *q.header, *quoted]) + "\n"
    # outlook and forwards: header block, blank line, body unprefixed
    return "\n".join(lines + ["", *q.header, "", *quoted]) + "\n"


def _cell_html(text: str, li_as_word: bool) -> tuple[str, str]:
    """HTML for one cell, and its visible text."""
    t = text
    if "@" in t and " " not in t:
        return f'<a href="mailto:{escape(t)}">{escape(t)}</a>', t
    if t.startswith("https://www.linkedin.com/") and li_as_word:
        return f'<a href="{escape(t)}">LinkedIn</a>', "LinkedIn"
    if t.startswith(("www.", "https://")):
        href = t if t.startswith("https://") else "https://" + t
        return f'<a href="{escape(href)}">{escape(t)}</a>', t
    return escape(t), t


def sig_html(sig: Sig, visible: list[str]) -> str:
    style = "two_columns" if sig.two_columns else RNG.choice(["table_logo", "rows", "divs"])
    li_word = RNG.random() < 0.35
    rendered = []
    for cells in sig.lines:
        html_cells, texts = zip(*(_cell_html(c, li_word) for c in cells), strict=True)
        rendered.append((list(html_cells), " ".join(texts)))
        visible.append(" ".join(texts))
    if style == "two_columns":
        split = min(3, len(rendered))
        left = "<br>".join(" ".join(h) for h, _ in rendered[:split])
        right = "<br>".join(" ".join(h) for h, _ in rendered[split:])
        return ('<table cellpadding="0" cellspacing="0"><tr><td style="padding-right:20px;'
                f'border-right:2px solid #0a6">{left}</td><td style="padding-left:20px">{right}'
                "</td></tr></table>")
    if style == "table_logo":
        inner = "<br>".join(
            (f"<b>{h[0]}</b>" if j == 0 else " ".join(h)) + ("<br>" if j in sig.blank_after else "")
            for j, (h, _) in enumerate(rendered)
        )
        return ('<table cellpadding="0" cellspacing="0" border="0"><tr>'
                '<td style="padding-right:12px"><img src="cid:logo001" width="80" height="80" '
                f'alt=""></td><td style="font-size:10pt;color:#333">{inner}</td></tr></table>')
    if style == "rows":
        rows = []
        for h, _ in rendered:
            if len(h) == 2:
                rows.append(f"<tr><td>{h[0]}</td><td>{h[1]}</td></tr>")
            else:
                rows.append(f'<tr><td colspan="2">{" ".join(h)}</td></tr>')
        return '<table style="font-family:Arial">' + "".join(rows) + "</table>"
    return "".join(f"<div>{' '.join(h)}</div>" + ("<div><br></div>" if j in sig.blank_after else "")
                   for j, (h, _) in enumerate(rendered))


def html_parts(parts: list[tuple], visible: list[str] | None = None) -> str:
    out = []
    for part in parts:
        kind = part[0]
        if kind == "para":
            out.append("<div>" + "<br>".join(escape(x) for x in part[1].split("\n"))
                       + "</div><div><br></div>")
        elif kind == "signoff":
            out.append(f"<div>{escape(part[1])}</div>")
        elif kind == "delim":
            out.append("<div>-- </div>")
        elif kind == "sig":
            out.append(sig_html(part[1], visible if visible is not None else []))
        elif kind in ("junk", "junk_tight"):
            out.append(f'<p style="font-size:8pt;color:#999999">{escape(part[1])}</p>')
        elif kind == "quote":
            q: Quote = part[1]
            out.append(f'<div class="gmail_quote"><div class="gmail_attr">{escape(q.header[0])}'
                       f'<br></div><blockquote class="gmail_quote">{html_parts(q.parts)}'
                       "</blockquote></div>")
    return "".join(out)


def render_html(m: dict, visible: list[str]) -> str:
    q: Quote | None = m["quote"]
    body = html_parts(m["parts"], visible)
    if q is not None:
        quoted = html_parts(q.parts)
        header = "<br>".join(escape(h) for h in q.header)
        if q.style == "gmail":
            body += (f'<div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">'
                     f'{header}<br></div><blockquote class="gmail_quote" style="margin:0px 0px '
                     f'0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">'
                     f"{quoted}</blockquote></div></div>")
        elif q.style == "apple":
            body += (f"<div><br><blockquote type=\"cite\"><div>{header}</div><br>{quoted}"
                     "</blockquote></div>")
        elif q.style == "outlook":
            rows = q.header[1:]
            hb = "<br>".join(
                f"<b>{escape(r.split(':', 1)[0])}:</b>{escape(r.split(':', 1)[1])}" for r in rows)
            body += ('<div id="appendonsend"></div><hr style="display:inline-block;width:98%">'
                     f'<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri">{hb}</font>'
                     f"<div>&nbsp;</div></div><div>{quoted}</div>")
        else:  # forward, Gmail style
            body += (f'<div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">'
                     f"{header}<br></div><br><br>{quoted}</div></div>")
    return ('<html><head><meta charset="utf-8"><style>p{margin:0}</style></head>'
            f'<body><div dir="ltr">{body}</div></body></html>')


# ---------------------------------------------------------------- labels and output
def label(m: dict, visible: list[str] | None) -> dict:
    sig: Sig | None = m["sig"]
    phones = list(m["body_phones"])
    lines: list[str] = []
    fields: dict = dict(name=None, title=None, company=None, city=None, country=None,
                        emails=[], urls=[])
    if sig is not None:
        texts = visible if visible is not None else [" ".join(c) for c in sig.lines]
        lines = [t for j, t in enumerate(texts) if j not in sig.junk]
        fields = dict(name=sig.name, title=sig.title, company=sig.company, city=sig.city,
                      country=sig.country, emails=sig.emails, urls=sig.urls)
        phones = sig.phones + phones
    seen, uniq = set(), []
    for num, kind in phones:
        if num not in seen:
            seen.add(num)
            uniq.append({"number": num, "type": kind})
    return {"signature_lines": lines, **fields, "phones": uniq}


def write_message(m: dict) -> dict:
    name = f"{m['i']:04d}-{m['lang']}-{m['scenario']}-{m['fmt']}.eml"
    msg = EmailMessage()
    me: Person = m["me"]
    display = m["display"]
    msg["From"] = Address(display or "", addr_spec=m["my_email"])
    msg["To"] = Address(m["other"].full, addr_spec=m["other_email"])
    msg["Subject"] = m["subject"]
    msg["Date"] = format_datetime(m["dt"])
    msg["Message-ID"] = f"<corpus-{m['i']:04d}@signatures.ingestor.test>"
    visible: list[str] | None = None
    if m["fmt"] == "plain":
        msg.set_content(render_plain(m), cte="8bit")
    elif m["fmt"] == "html":
        visible = []
        msg.set_content(render_html(m, visible), subtype="html", cte="8bit")
    else:
        msg.set_content(render_plain(m), cte="8bit")
        msg.add_alternative(render_html(m, []), subtype="html", cte="8bit")
        msg.set_boundary(f"=_corpus_{m['i']:04d}")  # fixed, so rebuilding changes nothing
    (OUT / name).write_bytes(bytes(msg))
    entry = {"file": name, "lang": m["lang"], "scenario": m["scenario"], "format": m["fmt"],
             "sender": m["my_email"], **label(m, visible)}
    del me
    return entry


# ---------------------------------------------------------------- hand-written messages
# Written one by one, not from the templates above: shapes that real mail has and the
# generator does not produce. Labels follow the same conventions.
HANDWRITTEN: list[dict] = [
    dict(
        name="gmail-dashdash-no-space", lang="en", fmt="plain",
        sender=("Megan Foster", "megan@harborfinch.com"),
        body="""Hi Priya,

Attached is the offer letter. Let me know if anything needs changing.

--
Megan Foster
Senior Talent Partner, Harbor & Finch LLC
(617) 482-3310

On Tue, Apr 8, 2025 at 4:02 PM Priya Sharma <priya.sharma@gmail.com> wrote:
> Thanks Megan, happy to proceed.
>
> --
> Priya Sharma
> +44 7700 123456
""",
        label=dict(signature_lines=["Megan Foster", "Senior Talent Partner, Harbor & Finch LLC",
                                    "(617) 482-3310"],
                   name="Megan Foster", title="Senior Talent Partner",
                   company="Harbor & Finch LLC",
                   phones=[{"number": "+16174823310", "type": "work"}]),
    ),
    dict(
        name="outlook-spaced-cid", lang="en", fmt="plain",
        sender=("Robinson, Mark", "mark.robinson@kineticstaffing.co.uk"),
        body="""Hi Daniel,

Just checking you received the assessment link?

Kind regards

Mark Robinson

Principal Consultant

[cid:image001.png@01DB8A2C.5F3E1A20]

Kinetic Staffing Ltd | 1 Spinningfields | Manchester M3 3AP

T: 0161 496 0734 | M: 07911 123456

________________________________
From: Daniel Hughes <dan.hughes@outlook.com>
Sent: 07 April 2025 09:12
To: Mark Robinson <mark.robinson@kineticstaffing.co.uk>
Subject: Re: Assessment

Hi Mark, which link do you mean?
Daniel
""",
        label=dict(signature_lines=["Mark Robinson", "Principal Consultant",
                                    "Kinetic Staffing Ltd | 1 Spinningfields | Manchester M3 3AP",
                                    "T: 0161 496 0734 | M: 07911 123456"],
                   name="Mark Robinson", title="Principal Consultant",
                   company="Kinetic Staffing Ltd", city="Manchester", country="United Kingdom",
                   phones=[{"number": "+441614960734", "type": "work"},
                           {"number": "+447911123456", "type": "mobile"}]),
    ),
    dict(
        name="first-name-only-no-signoff", lang="en", fmt="plain",
        sender=("Sarah Mitchell", "sarah@brightpath.co.uk"),
        body="""Hi Tom,

Great speaking earlier. I'll send the brief over tomorrow morning and we can go
through it on Thursday.

Looking forward to it!

Sarah
""",
        label=dict(signature_lines=["Sarah"], name="Sarah"),
    ),
    dict(
        name="informal-then-formal", lang="en", fmt="plain",
        sender=("Michael Turner", "mturner@crestlinesearch.com"),
        body="""Emily,

Quick one: can you do a 20 min call Friday at 11:30 CT?

Best,
Mike

Michael Turner | Director of Recruiting | Crestline Search Inc.
o: 312.782.4410 | c: 312.909.1187
crestlinesearch.com
""",
        label=dict(signature_lines=["Mike", "Michael Turner | Director of Recruiting | "
                                    "Crestline Search Inc.", "o: 312.782.4410 | c: 312.909.1187",
                                    "crestlinesearch.com"],
                   name="Michael Turner", title="Director of Recruiting",
                   company="Crestline Search Inc.",
                   phones=[{"number": "+13127824410", "type": "work"},
                           {"number": "+13129091187", "type": "mobile"}],
                   urls=["crestlinesearch.com"]),
    ),
    dict(
        name="name-comma-title", lang="de", fmt="plain",
        sender=("Anna Schmidt", "anna.schmidt@talentwerk.de"),
        body="""Hallo Herr Becker,

anbei wie besprochen die Stellenbeschreibung.

Viele Grüße aus Berlin

Anna Schmidt, Senior Recruiterin
Talentwerk AG
Mobil +49 171 4455667
""",
        label=dict(signature_lines=["Anna Schmidt, Senior Recruiterin", "Talentwerk AG",
                                    "Mobil +49 171 4455667"],
                   name="Anna Schmidt", title="Senior Recruiterin", company="Talentwerk AG",
                   phones=[{"number": "+491714455667", "type": "mobile"}]),
    ),
    dict(
        name="ru-delim-signoff-name", lang="ru", fmt="plain",
        sender=("Olga Smirnova", "o.smirnova@vector-hr.ru"),
        body="""Добрый день, Андрей!

Направляю тестовое задание, срок — до пятницы.

--
С уважением, Ольга Смирнова
HR-менеджер ООО «Вектор»
+7 903 123-45-67
""",
        label=dict(signature_lines=["С уважением, Ольга Смирнова", "HR-менеджер ООО «Вектор»",
                                    "+7 903 123-45-67"],
                   name="Ольга Смирнова", title="HR-менеджер", company="ООО «Вектор»",
                   phones=[{"number": "+79031234567", "type": "mobile"}]),
    ),
    dict(
        name="de-bilingual", lang="de", fmt="plain",
        sender=("Dr. Thomas Braun", "t.braun@rheinsoft.de"),
        body="""Sehr geehrte Frau Weber,

vielen Dank für das angenehme Gespräch. Wir melden uns bis Ende der Woche.

Mit freundlichen Grüßen / Kind regards

Dr. Thomas Braun
Geschäftsführer | Managing Director
Rheinsoft GmbH
Hohenzollernring 21, 50672 Köln
Tel./Phone: +49 (0)221 9876 5432

Rheinsoft GmbH, Sitz Köln, Amtsgericht Köln HRB 98765, Geschäftsführer: Dr. Thomas Braun
""",
        label=dict(signature_lines=["Dr. Thomas Braun", "Geschäftsführer | Managing Director",
                                    "Rheinsoft GmbH", "Hohenzollernring 21, 50672 Köln",
                                    "Tel./Phone: +49 (0)221 9876 5432"],
                   name="Dr. Thomas Braun", title="Geschäftsführer", company="Rheinsoft GmbH",
                   city="Cologne", country="Germany",
                   phones=[{"number": "+4922198765432", "type": "work"}]),
    ),
    dict(
        name="fr-dash-separated", lang="fr", fmt="plain",
        sender=("Claire Lefèvre", "claire.lefevre@groupe-horizon.fr"),
        body="""Bonjour Julien,

Suite à notre échange, je vous confirme l'entretien de jeudi.

Bien à vous,

Claire Lefèvre
Chargée de recrutement IT – Groupe Horizon
Tél. : 01 44 55 66 77 – Port. : 06 11 22 33 44
75008 Paris
""",
        label=dict(signature_lines=["Claire Lefèvre", "Chargée de recrutement IT – Groupe Horizon",
                                    "Tél. : 01 44 55 66 77 – Port. : 06 11 22 33 44",
                                    "75008 Paris"],
                   name="Claire Lefèvre", title="Chargée de recrutement IT",
                   company="Groupe Horizon", city="Paris", country="France",
                   phones=[{"number": "+33144556677", "type": "work"},
                           {"number": "+33611223344", "type": "mobile"}]),
    ),
    dict(
        name="es-dots", lang="es", fmt="plain",
        sender=("Javier Fernández", "jfernandez@gruponorte.es"),
        body="""Hola Elena:

Te confirmo la entrevista del martes a las 10:30.

Un saludo,
Javier Fernández
Responsable de Selección | Grupo Norte
Tel. 91 123 45 67 · Móvil 600 123 456
Madrid
""",
        label=dict(signature_lines=["Javier Fernández", "Responsable de Selección | Grupo Norte",
                                    "Tel. 91 123 45 67 · Móvil 600 123 456", "Madrid"],
                   name="Javier Fernández", title="Responsable de Selección",
                   company="Grupo Norte", city="Madrid", country="Spain",
                   phones=[{"number": "+34911234567", "type": "work"},
                           {"number": "+34600123456", "type": "mobile"}]),
    ),
    dict(
        name="false-from-line", lang="en", fmt="plain",
        sender=("Laura Jenkins", "laura.jenkins@elevatepeople.com"),
        body="""Hi Chris,

From: my side, all good with the proposed start date.
To: be confirmed is only the equipment list.

Thanks,
Laura Jenkins
People Operations Lead
""",
        label=dict(signature_lines=["Laura Jenkins", "People Operations Lead"],
                   name="Laura Jenkins", title="People Operations Lead"),
    ),
    dict(
        name="inline-phone-no-sig-phones", lang="de", fmt="plain",
        sender=("Jonas Fischer", "jonas.fischer@schwabenbyte.de"),
        body="""Hallo Frau Koch,

ich bin heute unterwegs, am besten erreichen Sie mich unter Tel: 0711 2200 5566 oder
per Mail. Termin ist der 14.04.2025 um 09:00.

Beste Grüße
Jonas Fischer
Schwabenbyte GmbH
""",
        label=dict(signature_lines=["Jonas Fischer", "Schwabenbyte GmbH"], name="Jonas Fischer",
                   company="Schwabenbyte GmbH",
                   phones=[{"number": "+4971122005566", "type": "work"}]),
    ),
    dict(
        name="ru-mailru-mobile", lang="ru", fmt="plain",
        sender=("Сергей Новиков", "s.novikov@mail.ru"),
        body="""Да, резюме актуальное. Созвонимся в среду.

Отправлено из мобильной Почты Mail.ru
""",
        label=dict(signature_lines=[]),
    ),
    dict(
        name="list-no-sig", lang="en", fmt="plain",
        sender=("Hannah Lewis", "hannah@talentbridge.com"),
        body="""Hi all,

Next steps for the backend role:
- Tech screen with David
- Take-home (4h max)
- Final with the VP

Thanks
""",
        label=dict(signature_lines=[]),
    ),
    dict(
        name="reversed-display", lang="en", fmt="plain",
        sender=("Petrov Ivan", "ivan.petrov@hrpartners.group"),
        body="""Hello Sophie,

Please find my availability below: Monday 10-12, Wednesday after 14:00 CET.

Regards,
Ivan Petrov
Senior IT Recruiter, HR Partners Group
Moscow, Russia
+7 495 221-34-56
""",
        label=dict(signature_lines=["Ivan Petrov", "Senior IT Recruiter, HR Partners Group",
                                    "Moscow, Russia", "+7 495 221-34-56"],
                   name="Ivan Petrov", title="Senior IT Recruiter", company="HR Partners Group",
                   city="Moscow", country="Russia",
                   phones=[{"number": "+74952213456", "type": "work"}]),
    ),
    dict(
        name="html-nbsp-nested", lang="de", fmt="html",
        sender=("Katharina Schulz", "k.schulz@nordlicht-personal.de"),
        body="""<html><body><div>Hallo Herr Wolf,</div><div><br></div><div>gerne bestätige ich
den Termin am Donnerstag.</div><div><br></div><div>Freundliche Grüße</div><div><br></div>
<div><div><span style="font-weight:bold">Katharina&nbsp;Schulz</span></div>
<div><span>Personalberaterin</span></div><div><span>Nordlicht Personal GmbH &amp; Co. KG</span></div>
<div><span>M&nbsp;+49&nbsp;160&nbsp;9988&nbsp;7766</span></div>
<div><span>T&nbsp;+49&nbsp;40&nbsp;3344&nbsp;5566</span></div>
<div><a href="https://www.nordlicht-personal.de">nordlicht-personal.de</a></div></div>
</body></html>""",
        label=dict(signature_lines=["Katharina Schulz", "Personalberaterin",
                                    "Nordlicht Personal GmbH & Co. KG", "M +49 160 9988 7766",
                                    "T +49 40 3344 5566", "nordlicht-personal.de"],
                   name="Katharina Schulz", title="Personalberaterin",
                   company="Nordlicht Personal GmbH & Co. KG",
                   phones=[{"number": "+4916099887766", "type": "mobile"},
                           {"number": "+494033445566", "type": "work"}],
                   urls=["nordlicht-personal.de"]),
    ),
    dict(
        name="tel-fax-combined", lang="de", fmt="plain",
        sender=("Stefan Wolf", "wolf@frankenwerk.de"),
        body="""Hallo,

die Unterlagen sind angekommen, danke.

Gruß
Stefan Wolf
Frankenwerk IT GmbH
Tel.: +49 (0)911 / 2345 678-90
Fax: +49 (0)911 / 2345 678-99
""",
        label=dict(signature_lines=["Stefan Wolf", "Frankenwerk IT GmbH",
                                    "Tel.: +49 (0)911 / 2345 678-90",
                                    "Fax: +49 (0)911 / 2345 678-99"],
                   name="Stefan Wolf", company="Frankenwerk IT GmbH",
                   phones=[{"number": "+49911234567890", "type": "work"},
                           {"number": "+49911234567899", "type": "fax"}]),
    ),
    dict(
        name="forward-no-separator", lang="en", fmt="plain",
        sender=("Olivia Bennett", "olivia.bennett@northwindrecruiting.com"),
        body="""Mark, see the candidate's note below.

Olivia

From: Aisha Khan <aisha.khan@gmail.com>
Date: Monday, April 7, 2025 at 8:15 PM
To: Olivia Bennett <olivia.bennett@northwindrecruiting.com>
Subject: Availability

Hi Olivia, I can start in June.

Aisha Khan
+1 (646) 290-7781
""",
        label=dict(signature_lines=["Olivia"], name="Olivia"),
    ),
    dict(
        name="signoff-same-line-long-name", lang="de", fmt="plain",
        sender=("Lena Koch", "lena.koch@muster-consulting.de"),
        body="""Hi Jan,

passt, ich blocke uns Mittwoch 14 Uhr.

LG Lena
""",
        label=dict(signature_lines=["LG Lena"], name="Lena"),
    ),
]


# ---------------------------------------------------------------- held-out messages
# Written after the extractor was tuned, and scored once without changing it for them: the
# honest estimate of how it does on mail it has not seen ("--only heldout").
HELD_OUT: list[dict] = [
    dict(
        name="outlook-legal-footer", lang="en", fmt="plain",
        sender=("Sarah Mitchell", "sarah.mitchell@brightpath.co.uk"),
        body="""Hi James,

Thanks for your time today. I'll come back to you with feedback by Friday.

Regards
Sarah Mitchell - Senior Recruitment Consultant
Tel +44 (0) 20 7123 4567 | Mob +44 (0) 7912 345678
Brightpath Talent Ltd is registered in England and Wales, company number 01234567.
Registered office: 71 Queen Victoria Street, London EC4V 4AY.
""",
        label=dict(signature_lines=["Sarah Mitchell - Senior Recruitment Consultant",
                                    "Tel +44 (0) 20 7123 4567 | Mob +44 (0) 7912 345678"],
                   name="Sarah Mitchell", title="Senior Recruitment Consultant",
                   phones=[{"number": "+442071234567", "type": "work"},
                           {"number": "+447912345678", "type": "mobile"}]),
    ),
    dict(
        name="ru-brand-no-legal-form", lang="ru", fmt="plain",
        sender=("Максим Козлов", "m.kozlov@technoprom.ru"),
        body="""Добрый день, Наталья!

Спасибо за интерес к вакансии. Пришлю тестовое задание завтра.

С уважением,
Максим Козлов
Руководитель направления подбора IT-специалистов
Компания «ТехноПром»
тел. +7 (495) 777-12-34 (доб. 5678)
моб. +7 (926) 555-12-34
www.technoprom.ru
""",
        label=dict(signature_lines=["Максим Козлов",
                                    "Руководитель направления подбора IT-специалистов",
                                    "Компания «ТехноПром»", "тел. +7 (495) 777-12-34 (доб. 5678)",
                                    "моб. +7 (926) 555-12-34", "www.technoprom.ru"],
                   name="Максим Козлов", title="Руководитель направления подбора IT-специалистов",
                   company="Компания «ТехноПром»",
                   phones=[{"number": "+74957771234", "type": "work"},
                           {"number": "+79265551234", "type": "mobile"}],
                   urls=["www.technoprom.ru"]),
    ),
    dict(
        name="de-besten-gruessen-address-pipes", lang="de", fmt="plain",
        sender=("Laura Hoffmann", "laura.hoffmann@xy-software.de"),
        body="""Hallo Herr Fischer,

anbei die Einladung zum Zweitgespräch.

Mit besten Grüßen
Laura Hoffmann
Recruiting Manager
XY Software GmbH | Invalidenstraße 117 | 10115 Berlin
T +49 30 98765432 | M +49 172 9876543
xy-software.de
""",
        label=dict(signature_lines=["Laura Hoffmann", "Recruiting Manager",
                                    "XY Software GmbH | Invalidenstraße 117 | 10115 Berlin",
                                    "T +49 30 98765432 | M +49 172 9876543", "xy-software.de"],
                   name="Laura Hoffmann", title="Recruiting Manager", company="XY Software GmbH",
                   city="Berlin", country="Germany",
                   phones=[{"number": "+493098765432", "type": "work"},
                           {"number": "+491729876543", "type": "mobile"}],
                   urls=["xy-software.de"]),
    ),
    dict(
        name="fr-first-name-then-full", lang="fr", fmt="plain",
        sender=("Nicolas Moreau", "n.moreau@talentia-conseil.fr"),
        body="""Bonjour Sophie,

Je vous confirme notre rendez-vous de jeudi à 14h.

Bonne journée,
Nicolas

Nicolas Moreau | Responsable Recrutement
Talentia Conseil
+33 (0)6 12 34 56 78
""",
        label=dict(signature_lines=["Nicolas", "Nicolas Moreau | Responsable Recrutement",
                                    "Talentia Conseil", "+33 (0)6 12 34 56 78"],
                   name="Nicolas Moreau", title="Responsable Recrutement",
                   company="Talentia Conseil",
                   phones=[{"number": "+33612345678", "type": "mobile"}]),
    ),
    dict(
        name="es-english-title", lang="es", fmt="plain",
        sender=("María López", "maria.lopez@levantetech.es"),
        body="""Hola Pablo:

Te adjunto la oferta revisada.

Saludos cordiales,
María López
Talent Acquisition Specialist
Levante Tech
Tel: +34 963 123 456
Valencia, España
""",
        label=dict(signature_lines=["María López", "Talent Acquisition Specialist", "Levante Tech",
                                    "Tel: +34 963 123 456", "Valencia, España"],
                   name="María López", title="Talent Acquisition Specialist",
                   company="Levante Tech", city="Valencia", country="Spain",
                   phones=[{"number": "+34963123456", "type": "work"}]),
    ),
    dict(
        name="dash-one-liner", lang="en", fmt="plain",
        sender=("Priya Sharma", "priya@bluefin.io"),
        body="""Hey Tom, CV received, will circulate internally today.

— Priya Sharma, Talent Partner @ Bluefin | +353 1 234 5678
""",
        label=dict(signature_lines=["— Priya Sharma, Talent Partner @ Bluefin | +353 1 234 5678"],
                   name="Priya Sharma", title="Talent Partner", company="Bluefin",
                   phones=[{"number": "+35312345678", "type": "work"}]),
    ),
    dict(
        name="bottom-post-thanks-name", lang="en", fmt="plain",
        sender=("David Kim", "dkim@crestlinesearch.com"),
        body="""On Tue, Apr 8, 2025 at 9:14 AM Hannah Lewis <hannah.lewis@gmail.com> wrote:
> Could we move the call to 3pm?

Sure, 3pm works.

> And is the role open to contractors?

Permanent only, I'm afraid.

Thanks, David
""",
        label=dict(signature_lines=["Thanks, David"], name="David"),
    ),
    dict(
        name="de-ipad-after-signoff", lang="de", fmt="plain",
        sender=("Jan Richter", "jan.richter@muster-consulting.de"),
        body="""Passt, bis morgen.

Mit freundlichen Grüßen
Jan Richter

Von meinem iPad gesendet
""",
        label=dict(signature_lines=["Jan Richter"], name="Jan Richter"),
    ),
    dict(
        name="ru-yandex-forward", lang="ru", fmt="plain",
        sender=("Анна Лебедева", "a.lebedeva@alfarecruiting.ru"),
        body="""Посмотри, пожалуйста, кандидата.

--
Анна

-------- Пересылаемое сообщение --------
03.03.2025, 10:12, "Иван Петров" <ivan.petrov@yandex.ru>:

Добрый день! Высылаю резюме.

--
Иван Петров
+7 916 111-22-33
""",
        label=dict(signature_lines=["Анна"], name="Анна"),
    ),
    dict(
        name="html-icon-label-table", lang="en", fmt="html",
        sender=("Emily Carter", "emily.carter@northwindrecruiting.com"),
        body="""<html><body><p>Hi Chris,</p><p>Please see the interview schedule attached.</p>
<p>Best,</p><table><tr><td colspan="2"><b>Emily Carter</b></td></tr>
<tr><td colspan="2">Talent Acquisition Lead, Northwind Recruiting</td></tr>
<tr><td><img src="cid:phone.png" alt=""></td><td>+1 212 736 0199</td></tr>
<tr><td><img src="cid:mail.png" alt=""></td><td><a href="mailto:emily.carter@northwindrecruiting.com">emily.carter@northwindrecruiting.com</a></td></tr>
</table></body></html>""",
        label=dict(signature_lines=["Emily Carter", "Talent Acquisition Lead, Northwind Recruiting",
                                    "+1 212 736 0199", "emily.carter@northwindrecruiting.com"],
                   name="Emily Carter", title="Talent Acquisition Lead",
                   company="Northwind Recruiting",
                   phones=[{"number": "+12127360199", "type": "work"}],
                   emails=["emily.carter@northwindrecruiting.com"]),
    ),
    dict(
        name="calendly-link", lang="en", fmt="plain",
        sender=("Olivia Bennett", "olivia@elevatepeople.com"),
        body="""Hi Mark,

Grab any slot that works for you below.

Cheers,
Olivia Bennett
Recruiter, Elevate People Partners
Book a call: https://calendly.com/olivia-bennett/30min
""",
        label=dict(signature_lines=["Olivia Bennett", "Recruiter, Elevate People Partners",
                                    "Book a call: https://calendly.com/olivia-bennett/30min"],
                   name="Olivia Bennett", title="Recruiter", company="Elevate People Partners",
                   urls=["https://calendly.com/olivia-bennett/30min"]),
    ),
    dict(
        name="de-thunderbird-quoted-signature", lang="de", fmt="plain",
        sender=("Sophie Weber", "s.weber@talentwerk.de"),
        body="""Passt!

Am 03.03.25 um 10:12 schrieb Max Muster:
> Hallo Frau Weber,
> Donnerstag 11 Uhr?
>
> --
> Max Muster
> Mobil: 0171 2345678
""",
        label=dict(signature_lines=[]),
    ),
]


def write_handwritten(start: int, messages: list[dict], kind: str) -> list[dict]:
    entries = []
    for k, h in enumerate(messages):
        i = start + k
        name = f"{i:04d}-{h['lang']}-{kind}-{h['name']}.eml"
        msg = EmailMessage()
        display, addr = h["sender"]
        msg["From"] = Address(display, addr_spec=addr)
        msg["To"] = "recipient@example.com"
        msg["Subject"] = "Re: your application"
        msg["Date"] = format_datetime(BASE + timedelta(days=40, hours=k))
        msg["Message-ID"] = f"<corpus-{i:04d}@signatures.ingestor.test>"
        msg.set_content(h["body"], subtype="html" if h["fmt"] == "html" else "plain", cte="8bit")
        (OUT / name).write_bytes(bytes(msg))
        lab = dict(name=None, title=None, company=None, city=None, country=None, emails=[],
                   urls=[], phones=[], signature_lines=[])
        lab.update(h["label"])
        entries.append({"file": name, "lang": h["lang"], "scenario": kind,
                        "format": h["fmt"], "sender": addr, **lab})
    return entries


def main() -> None:
    for old in OUT.glob("*.eml"):
        old.unlink()
    plan = (["new"] * 58 + ["reply_top"] * 56 + ["reply_bottom"] * 18 + ["forward"] * 28
            + ["mobile"] * 24 + ["nosig"] * 20 + ["meeting"] * 16 + ["body_phone"] * 20)
    RNG.shuffle(plan)
    langs = RNG.choices(["en", "ru", "de", "fr", "es"], weights=[32, 26, 26, 8, 8], k=len(plan))
    entries = []
    for i, (scenario, lang) in enumerate(zip(plan, langs, strict=True), start=1):
        fmt = "plain" if scenario == "reply_bottom" else RNG.choices(
            ["plain", "html", "both"], weights=[58, 27, 15])[0]
        entries.append(write_message(compose(i, lang, scenario, fmt)))
    # Harder variants, generated after the base set so that the base set stays as it was.
    hard_plan = (["layout"] * 26 + ["spaced"] * 7 + ["generic_sender"] * 8 + ["ps"] * 7
                 + ["two_columns"] * 6 + ["no_separator"] * 6 + ["mobile_phone"] * 4)
    RNG.shuffle(hard_plan)
    for j, hard in enumerate(hard_plan, start=len(plan) + 1):
        lang = RNG.choices(["en", "ru", "de", "fr", "es"], weights=[32, 26, 26, 8, 8])[0]
        scenario = {"no_separator": "reply_top", "mobile_phone": "mobile"}.get(
            hard, RNG.choice(["new", "reply_top", "forward"]))
        if hard in ("spaced", "two_columns", "ps") and scenario == "forward":
            scenario = "new"
        fmt = {"spaced": "plain", "two_columns": "html"}.get(
            hard, RNG.choices(["plain", "html", "both"], weights=[58, 27, 15])[0])
        m = compose(j, lang, scenario, fmt, hard)
        m["scenario"] = f"{scenario}+{hard}"
        entries.append(write_message(m))
    entries += write_handwritten(len(entries) + 1, HANDWRITTEN, "handwritten")
    entries += write_handwritten(len(entries) + 1, HELD_OUT, "heldout")
    with open(OUT / "labels.jsonl", "w", encoding="utf-8") as fh:
        for e in entries:
            fh.write(json.dumps(e, ensure_ascii=False) + "\n")
    print(f"wrote {len(entries)} messages to {OUT}")


if __name__ == "__main__":
    main()
