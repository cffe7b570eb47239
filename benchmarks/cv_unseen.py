"""Twelve CVs written by hand, in wordings the generator (cv_people, build_cv_corpus) never
uses, kept apart as the "unseen" set: the extractor was not changed after they were first
scored, so their figures say how it does on layouts and phrasings it was not written against.
All people are invented. build_cv_corpus renders them (PDF, DOCX, RTF) with their labels.
"""

from __future__ import annotations

from typing import Any

UNSEEN: list[tuple[str, str, dict[str, Any]]] = [
    (
        "u01-en-resume.pdf",
        """DANIELLE OKORO-HAYES
Senior Site Reliability Engineer
Denver, CO · (720) 555-0143 · danielle.okoro.hayes@mailbox.example · linkedin.com/in/dokorohayes

SUMMARY
Reliability engineer who likes boring pagers.

EXPERIENCE
Cobalt Ridge Networks — Senior SRE (Jan 2021 – Present)
 - Ran the on-call rotation for 40 services
Pinecrest Data — Systems Engineer (2016 – 2020)

EDUCATION
B.S. Computer Science, 2016

Compensation expectations: USD 165,000 base
Notice: two weeks
""",
        {"name": "Danielle Okoro-Hayes", "emails": ["danielle.okoro.hayes@mailbox.example"],
         "phones": ["+17205550143"], "city": "Denver", "country": "US",
         "title": "Senior SRE", "company": "Cobalt Ridge Networks",
         "linkedin": "https://linkedin.com/in/dokorohayes",
         "salary": {"amount": 165000, "currency": "USD", "period": "year", "basis": None},
         "notice_period": "2 weeks", "available_from": None, "languages": []},
    ),
    (
        "u02-de-tabellarisch.docx",
        """Tabellarischer Lebenslauf

Dipl.-Ing. Henrike Sauerbrey
Lindenallee 4
04109 Leipzig
Mobil 0176 4455 2031
henrike.sauerbrey@posteo.example

Beruflicher Werdegang
seit 04/2020    Leiterin Qualitätssicherung, Elbtal Maschinenbau GmbH, Dresden
2015 – 2020     Qualitätsingenieurin, Saalewerk AG

Sprachen
Deutsch (Muttersprache), Englisch (fließend), Polnisch (Grundkenntnisse)

Gehaltsvorstellung: 82.000 EUR brutto jährlich
Frühester Eintrittstermin: 01.07.2027
""",
        {"name": "Henrike Sauerbrey", "emails": ["henrike.sauerbrey@posteo.example"],
         "phones": ["+4917644552031"], "city": "Leipzig", "country": "DE",
         "title": "Leiterin Qualitätssicherung", "company": "Elbtal Maschinenbau GmbH",
         "linkedin": None,
         "salary": {"amount": 82000, "currency": "EUR", "period": "year", "basis": "gross"},
         "notice_period": None, "available_from": "2027-07-01", "languages": ["de", "en", "pl"]},
    ),
    (
        "u03-ru-rezume.pdf",
        """Резюме

Гордеева Алина Викторовна
Дата рождения: 14.02.1991
Город: Екатеринбург
Моб. тел.: +7 912 604-18-33
E-mail: a.gordeeva@mail.example.ru

Цель: руководитель направления аналитики

Опыт работы — 9 лет
Июнь 2019 — сейчас
ООО «Уральские Сети»
Руководитель группы BI-аналитики

Март 2015 — Май 2019
АО «Сбыт-Инвест», аналитик

Иностранные языки: английский — upper-intermediate

Ожидаемый уровень дохода: 280 000 руб. на руки
""",
        {"name": "Алина Гордеева", "emails": ["a.gordeeva@mail.example.ru"],
         "phones": ["+79126041833"], "city": "Екатеринбург", "country": "RU",
         "title": "Руководитель группы BI-аналитики", "company": "ООО «Уральские Сети»",
         "linkedin": None,
         "salary": {"amount": 280000, "currency": "RUB", "period": "month", "basis": "net"},
         "notice_period": None, "available_from": None, "languages": ["en", "ru"]},
    ),
    (
        "u04-en-uk-cv.rtf",
        """Curriculum Vitae

Name: Rhys Pennington-Vale
Address: 22 Harrow Lane, Bristol BS1 4QT
Tel: 0117 496 0712   Mobile: 07700 900458
Email: rhys.pv@inbox.example.net

Employment History
March 2018 to date: Head of Finance, Severnside Housing Trust
2012 – 2018: Management Accountant, Avonmouth Freight Ltd

I am currently on a three month notice period.
Salary sought: £70,000 - £75,000 p.a.
""",
        {"name": "Rhys Pennington-Vale", "emails": ["rhys.pv@inbox.example.net"],
         "phones": ["+441174960712"], "city": "Bristol", "country": "GB",
         "title": "Head of Finance", "company": "Severnside Housing Trust", "linkedin": None,
         "salary": {"amount": 70000, "currency": "GBP", "period": "year", "basis": None},
         "notice_period": "3 months", "available_from": None, "languages": []},
    ),
    (
        "u05-fr-cv.docx",
        """Bastien Mercier-Lalande
Développeur full-stack
Nantes, France
06 71 23 45 98 — bastien.mercier@fastmail.test
github.com/bmercierlalande

EXPÉRIENCES
Depuis septembre 2022 — Développeur full-stack chez Océane Logiciels
2019 – 2022 — Développeur PHP, Agence Brumaire

LANGUES
Français : langue maternelle · Anglais : courant · Espagnol : scolaire

Salaire souhaité : 48 000 € brut annuel
Préavis de 2 mois
""",
        {"name": "Bastien Mercier-Lalande", "emails": ["bastien.mercier@fastmail.test"],
         "phones": ["+33671234598"], "city": "Nantes", "country": "FR",
         "title": "Développeur full-stack", "company": "Océane Logiciels", "linkedin": None,
         "salary": {"amount": 48000, "currency": "EUR", "period": "year", "basis": "gross"},
         "notice_period": "2 months", "available_from": None, "languages": ["en", "es", "fr"]},
    ),
    (
        "u06-en-agency-profile.pdf",
        """CANDIDATE PROFILE — presented by Talent Bridge Partners
Consultant: Tom Reyes, +44 20 7946 0321, tom.reyes@talentbridge.example

Candidate: Meera Chaudhary
Current role: Lead Data Engineer at Halcyon Payments (since 2021)
Location: Dublin, Ireland
Contact: meera.chaudhary@mailbox.example / +353 87 123 4567

Desired package: €105k gross + bonus
Availability: 1 month's notice
Languages: English, Hindi, German (basic)
""",
        {"name": "Meera Chaudhary", "emails": ["meera.chaudhary@mailbox.example"],
         "phones": ["+353871234567"], "city": "Dublin", "country": "IE",
         "title": "Lead Data Engineer", "company": "Halcyon Payments", "linkedin": None,
         "salary": {"amount": 105000, "currency": "EUR", "period": "year", "basis": "gross"},
         "notice_period": "1 month", "available_from": None, "languages": ["de", "en", "hi"]},
    ),
    (
        "u07-de-ch-cv.pdf",
        """Lebenslauf
Reto Zwahlen · Seefeldstrasse 88 · 8008 Zürich
+41 79 345 67 12 · reto.zwahlen@example.ch

Berufserfahrung
2019 – heute  UX Lead | Helvetic Insurance Group AG
2014 – 2019   Interaction Designer | Nordwand Digital GmbH

Lohnvorstellung: CHF 140'000 brutto
Kündigungsfrist: 3 Monate
""",
        {"name": "Reto Zwahlen", "emails": ["reto.zwahlen@example.ch"],
         "phones": ["+41793456712"], "city": "Zürich", "country": "CH", "title": "UX Lead",
         "company": "Helvetic Insurance Group AG", "linkedin": None,
         "salary": {"amount": 140000, "currency": "CHF", "period": "year", "basis": "gross"},
         "notice_period": "3 months", "available_from": None, "languages": []},
    ),
    (
        "u08-ru-hh-it.docx",
        """Лебедев Константин
Мужчина, 29 лет
+7 (985) 221-40-77
k.lebedev@inbox.example.ru — предпочитаемый способ связи
Проживает: Москва, м. Сокол
Не готов к переезду, готов к командировкам

Python-разработчик
250 000 ₽ на руки
Специализации: Программист, разработчик

Опыт работы —6 лет 2 месяца
Октябрь 2021 — настоящее время
ООО «Ягода Технологии»
Python-разработчик (backend)

Знание языков
Русский — Родной
Английский — B2 — Средне-продвинутый
""",
        {"name": "Константин Лебедев", "emails": ["k.lebedev@inbox.example.ru"],
         "phones": ["+79852214077"], "city": "Москва", "country": "RU",
         "title": "Python-разработчик (backend)", "company": "ООО «Ягода Технологии»",
         "linkedin": None,
         "salary": {"amount": 250000, "currency": "RUB", "period": "month", "basis": "net"},
         "notice_period": None, "available_from": None, "languages": ["en", "ru"]},
    ),
    (
        "u09-en-us-minimal.rtf",
        """Jordan Whitcombe
jwhitcombe@example.com | 312-555-0178 | Chicago, IL

Product Designer, Lakeshore Health (2020–present)
Visual Designer, Windy City Creative (2017–2020)

Start date: available March 15
""",
        {"name": "Jordan Whitcombe", "emails": ["jwhitcombe@example.com"],
         "phones": ["+13125550178"], "city": "Chicago", "country": "US",
         "title": "Product Designer", "company": "Lakeshore Health", "linkedin": None,
         "salary": None, "notice_period": None, "available_from": "2027-03-15",
         "languages": []},
    ),
    (
        "u10-de-at-cv.docx",
        """Mag. Theresa Gruber-Pichler
Wien, Österreich | +43 676 812 4490 | theresa.gruber@example.at

PROFIL
Personalentwicklerin mit 10 Jahren Erfahrung.

STATIONEN
03/2019 – dato: HR Business Partnerin, Donauhafen Logistik GmbH
2013 – 2019: Recruiterin, Kahlenberg Consulting

GEHALT: € 5.200 brutto monatlich (14x)
VERFÜGBARKEIT: nach Vereinbarung
""",
        {"name": "Theresa Gruber-Pichler", "emails": ["theresa.gruber@example.at"],
         "phones": ["+436768124490"], "city": "Wien", "country": "AT",
         "title": "HR Business Partnerin", "company": "Donauhafen Logistik GmbH",
         "linkedin": None,
         "salary": {"amount": 5200, "currency": "EUR", "period": "month", "basis": "gross"},
         "notice_period": None, "available_from": None, "languages": []},
    ),
    (
        "u11-en-twocol-table.docx",
        """Contact | Experience
Samir Haddad | 2022 - Present
samir.haddad@mailbox.example | Staff Engineer, Meridian Freight Systems
+1 (646) 555-0102 | 2018 - 2022
New York, NY | Senior Engineer, Brightline Ads
Languages: English, Arabic, French |
Notice period: 3 weeks | Expected: $210k total comp
""",
        {"name": "Samir Haddad", "emails": ["samir.haddad@mailbox.example"],
         "phones": ["+16465550102"], "city": "New York", "country": "US",
         "title": "Staff Engineer", "company": "Meridian Freight Systems", "linkedin": None,
         "salary": {"amount": 210000, "currency": "USD", "period": "year", "basis": None},
         "notice_period": "3 weeks", "available_from": None, "languages": ["ar", "en", "fr"]},
    ),
    (
        "u12-ru-en-bilingual.pdf",
        """Ilya Sorokin / Илья Сорокин
Senior Android Developer
Belgrade, Serbia (relocated from Saint Petersburg)
Telegram: @isorokin_dev · Phone: +381 64 123 4567 · ilya.sorokin@posteo.example

Work experience
Since 2023: Senior Android Developer, Dunav Mobile d.o.o.
2019–2023: Android Developer, ООО «Невские Приложения», Санкт-Петербург

Languages: Russian (native), English (C1), Serbian (A2)
Expected salary: 4 500 EUR net per month
Ready to start: from 1 February 2027
""",
        {"name": "Ilya Sorokin", "emails": ["ilya.sorokin@posteo.example"],
         "phones": ["+381641234567"], "city": "Belgrade", "country": "RS",
         "title": "Senior Android Developer", "company": "Dunav Mobile d.o.o.", "linkedin": None,
         "salary": {"amount": 4500, "currency": "EUR", "period": "month", "basis": "net"},
         "notice_period": None, "available_from": "2027-02-01", "languages": ["en", "ru", "sr"]},
    ),
]  # fmt: skip

# Written after the first set was scored and the extractor tuned on its misses; scored once, at
# the end, to say how the tuned extractor does on CVs it has not seen ("unseen2").
UNSEEN2: list[tuple[str, str, dict[str, Any]]] = [
    (
        "v01-en-resume.docx",
        """KATHERINE "KATE" LOWENSTEIN
Seattle, WA 98101 | 206.555.0187 | kate.lowenstein@inbox.example.net

PROFESSIONAL EXPERIENCE
Emerald Sound Biotech, Seattle, WA
Director of Clinical Operations, 2019 – Present
 • Built a team of 14

Puget Research Group — Clinical Project Manager, 2014 – 2019

Salary requirement: $185,000
Available to start with 30 days notice
""",
        {"name": "Katherine Lowenstein", "emails": ["kate.lowenstein@inbox.example.net"],
         "phones": ["+12065550187"], "city": "Seattle", "country": "US",
         "title": "Director of Clinical Operations", "company": "Emerald Sound Biotech",
         "linkedin": None,
         "salary": {"amount": 185000, "currency": "USD", "period": "year", "basis": None},
         "notice_period": None, "available_from": None, "languages": []},
    ),
    (
        "v02-de-lebenslauf.pdf",
        """LEBENSLAUF

Persönliche Angaben
Vor- und Nachname: Friederike Bachstelz
Adresse: Kastanienweg 12, 50667 Köln
Handy: +49 (0) 172 / 998 34 21
Mail: f.bachstelz@example.de

Berufliche Erfahrung
01.2021 – heute
Rheinufer Versicherung AG
Referentin Unternehmenskommunikation

Sprachkenntnisse: Deutsch, Englisch (C1), Italienisch (B1)
Gehaltsvorstellung: 68.000 € brutto/Jahr
Kündigungsfrist: 6 Wochen zum Quartalsende
""",
        {"name": "Friederike Bachstelz", "emails": ["f.bachstelz@example.de"],
         "phones": ["+491729983421"], "city": "Köln", "country": "DE",
         "title": "Referentin Unternehmenskommunikation", "company": "Rheinufer Versicherung AG",
         "linkedin": None,
         "salary": {"amount": 68000, "currency": "EUR", "period": "year", "basis": "gross"},
         "notice_period": "6 weeks", "available_from": None, "languages": ["de", "en", "it"]},
    ),
    (
        "v03-ru-rezume.docx",
        """Соколова Дарья Андреевна
Санкт-Петербург
+7 (921) 345-67-89
daria.sokolova@mail.example.ru

Желаемая должность: Финансовый контролёр
Желаемая заработная плата: 200 000 руб.

Опыт работы
Апрель 2020 — по настоящее время
АО «Балтийские Верфи»
Финансовый контролёр

Языки: русский (родной), английский (B2), немецкий (A2)
""",
        {"name": "Дарья Соколова", "emails": ["daria.sokolova@mail.example.ru"],
         "phones": ["+79213456789"], "city": "Санкт-Петербург", "country": "RU",
         "title": "Финансовый контролёр", "company": "АО «Балтийские Верфи»", "linkedin": None,
         "salary": {"amount": 200000, "currency": "RUB", "period": "month", "basis": None},
         "notice_period": None, "available_from": None, "languages": ["de", "en", "ru"]},
    ),
    (
        "v04-en-uk.pdf",
        """Oluwaseun Adeyemi-Clarke
Marketing Manager
Birmingham, UK · +44 121 496 0055 · seun.adeyemi@fastmail.test
www.linkedin.com/in/seunadeyemiclarke

Career history
Aug 2022 – present | Marketing Manager | Midland Craft Breweries Ltd
2018 – 2022 | Digital Marketing Executive | Bullring Retail Group

Expected salary: £58,000 per annum
Notice period: 1 month
""",
        {"name": "Oluwaseun Adeyemi-Clarke", "emails": ["seun.adeyemi@fastmail.test"],
         "phones": ["+441214960055"], "city": "Birmingham", "country": "GB",
         "title": "Marketing Manager", "company": "Midland Craft Breweries Ltd",
         "linkedin": "https://www.linkedin.com/in/seunadeyemiclarke",
         "salary": {"amount": 58000, "currency": "GBP", "period": "year", "basis": None},
         "notice_period": "1 month", "available_from": None, "languages": []},
    ),
    (
        "v05-fr-cv.pdf",
        """Inès Barthélémy-Roux
Lyon · 07 45 12 98 60 · ines.barthelemy@posteo.example

EXPÉRIENCE
2021 – aujourd'hui : Responsable RH, Groupe Confluence Santé
2016 – 2021 : Chargée de recrutement, Cabinet Fourvière

Langues : français, anglais (C1), italien
Rémunération souhaitée : 55 000 € bruts annuels
Disponible à partir du 1er avril 2027
""",
        {"name": "Inès Barthélémy-Roux", "emails": ["ines.barthelemy@posteo.example"],
         "phones": ["+33745129860"], "city": "Lyon", "country": "FR", "title": "Responsable RH",
         "company": "Groupe Confluence Santé", "linkedin": None,
         "salary": {"amount": 55000, "currency": "EUR", "period": "year", "basis": "gross"},
         "notice_period": None, "available_from": "2027-04-01", "languages": ["en", "fr", "it"]},
    ),
    (
        "v06-en-dev.rtf",
        """Tomasz Wierzbicki — Backend Engineer
Berlin · tomasz.wierzbicki@mailbox.example · +49 1512 3456789 · github.com/twierzbicki

Experience
Backend Engineer @ Spree Mobility GmbH (2022–now)
Software Developer @ Warta Systems (2018–2022)

Languages: Polish (native), English (C1), German (B1)
Salary expectation: 85,000 EUR gross/year
Notice: 3 months
""",
        {"name": "Tomasz Wierzbicki", "emails": ["tomasz.wierzbicki@mailbox.example"],
         "phones": ["+4915123456789"], "city": "Berlin", "country": "DE",
         "title": "Backend Engineer", "company": "Spree Mobility GmbH", "linkedin": None,
         "salary": {"amount": 85000, "currency": "EUR", "period": "year", "basis": "gross"},
         "notice_period": "3 months", "available_from": None, "languages": ["de", "en", "pl"]},
    ),
    (
        "v07-ru-hh.pdf",
        """Карпов Михаил
Мужчина, 41 год, родился 3 мая 1985
+7 (903) 118-22-47 — предпочитаемый способ связи
m.karpov@inbox.example.ru
Проживает: Нижний Новгород

Желаемая должность и зарплата
Руководитель службы логистики
от 230 000 ₽ на руки

Опыт работы — 15 лет
Ноябрь 2018 — настоящее время
ООО «Волга Транзит»
Начальник отдела логистики

Знание языков
Русский — Родной
Английский — A2 — Элементарный
""",
        {"name": "Михаил Карпов", "emails": ["m.karpov@inbox.example.ru"],
         "phones": ["+79031182247"], "city": "Нижний Новгород", "country": "RU",
         "title": "Начальник отдела логистики", "company": "ООО «Волга Транзит»",
         "linkedin": None,
         "salary": {"amount": 230000, "currency": "RUB", "period": "month", "basis": "net"},
         "notice_period": None, "available_from": None, "languages": ["en", "ru"]},
    ),
    (
        "v08-de-xing.docx",
        """Jan-Hendrik Mölders
Senior Consultant SAP FI/CO
Mobil: 0160 92 33 41 77 · E-Mail: jh.moelders@example.de · Hamburg

Werdegang
Seit 07/2019 Senior Consultant SAP FI/CO bei Alsterwerk Consulting GmbH
2014 – 2019 SAP-Berater, Hanseatic IT Services AG

Vergütungswunsch: 95 TEUR brutto p.a.
Verfügbar ab 01.05.2027
""",
        {"name": "Jan-Hendrik Mölders", "emails": ["jh.moelders@example.de"],
         "phones": ["+4916092334177"], "city": "Hamburg", "country": "DE",
         "title": "Senior Consultant SAP FI/CO", "company": "Alsterwerk Consulting GmbH",
         "linkedin": None,
         "salary": {"amount": 95000, "currency": "EUR", "period": "year", "basis": "gross"},
         "notice_period": None, "available_from": "2027-05-01", "languages": []},
    ),
]  # fmt: skip
