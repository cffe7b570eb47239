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
    s = RNG.choice("67") + str(RNG.randint(1, 9)) + _digits(7)
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
