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
