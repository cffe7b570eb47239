"""Conference boilerplate stripped from meeting descriptions, in the services' languages; the
organizer's own words and the join link kept."""

from __future__ import annotations

import pytest

from ingestor.extractors.conference_text import strip_conference

TEAMS_EN = """Weekly sync on the Senior Data Scientist search (pipeline, feedback, next steps).

________________________________________________________________________________
Microsoft Teams meeting
Join on your computer, mobile app or room device
Click here to join the meeting<https://teams.microsoft.com/l/meetup-join/19%3ameeting_Tm9y%40thread.v2/0?context=%7b%22Tid%22%7d>
Meeting ID: 271 834 509 662
Passcode: nW7kQe
Download Teams<https://www.microsoft.com/en-us/microsoft-teams/download-app> | Join on the web<https://www.microsoft.com/microsoft-teams/join-a-meeting>
Or call in (audio only)
+1 617-555-0100,,482013557#<tel:+16175550100,,482013557#>   United States, Boston
Phone Conference ID: 482 013 557#
Find a local number<https://dialin.teams.microsoft.com/northwind?id=482013557> | Reset PIN<https://dialin.teams.microsoft.com/usp/pstnconferencing>
Learn More<https://aka.ms/JoinTeamsMeeting> | Meeting options<https://teams.microsoft.com/meetingOptions/?organizerId=1>
________________________________________________________________________________
"""

# The newer Teams layout: inner separators of another length, a footer after the block.
TEAMS_DE = """Erstes Kennenlernen mit Frau López, danach kurze Abstimmung zum Gehalt.

________________________________________________________________________________
Microsoft Teams Hilfe?<https://aka.ms/JoinTeamsMeeting?omkt=de-DE>
Jetzt an der Besprechung teilnehmen<https://teams.microsoft.com/l/meetup-join/19%3ameeting_QXV0b1dl%40thread.v2/0>
Besprechungs-ID: 318 449 027 115
Kennung: Aw9Mz2
________________________________
Telefonische Einwahl
+49 30 23125 0456,,615203948#<tel:+4930231250456,,615203948#> Germany, Berlin
Konferenz-ID: 615 203 948#
Ortsgebundene Nummer suchen<https://dialin.teams.microsoft.com/autowerk?id=615203948>
________________________________
Für Organisatoren: Besprechungsoptionen<https://teams.microsoft.com/meetingOptions/> | Einwahl-PIN zurücksetzen<https://dialin.teams.microsoft.com/usp/pstnconferencing>
________________________________________________________________________________
Bitte Lebenslauf vorab an j.mueller@autowerk.de.
"""

TEAMS_FR = """Point hebdomadaire recrutement Lumière.
________________________________________________________________________________
Réunion Microsoft Teams
Rejoindre sur votre ordinateur, application mobile ou appareil de salle
Cliquez ici pour rejoindre la réunion<https://teams.microsoft.com/l/meetup-join/19%3ameeting_THVt%40thread.v2/0>
ID de la réunion : 342 118 902 771
Code secret : Lm3Qp9
Ou appelez (audio uniquement)
+33 1 70 37 45 12,,118290277#<tel:+33170374512,,118290277#>   France, Paris
ID de conférence téléphonique : 118 290 277#
Trouver un numéro local<https://dialin.teams.microsoft.com/lumiere?id=118290277> | Réinitialiser le code confidentiel<https://dialin.teams.microsoft.com/usp/pstnconferencing>
________________________________________________________________________________
"""

TEAMS_ES = """Entrevista técnica – segunda ronda.

________________________________________________________________________________
Reunión de Microsoft Teams
Únase a través de su ordenador, aplicación móvil o dispositivo de sala
Haga clic aquí para unirse a la reunión<https://teams.microsoft.com/l/meetup-join/19%3ameeting_RmlubHl0%40thread.v2/0>
Id. de reunión: 281 447 390 556
Código de acceso: Fq8Tz2
Más información<https://aka.ms/JoinTeamsMeeting> | Opciones de reunión<https://teams.microsoft.com/meetingOptions/>
________________________________________________________________________________
"""

TEAMS_RU = """Собеседование с Иваном Петровым: архитектура биллинга.

________________________________________________________________________________
Собрание Microsoft Teams
Присоединяйтесь к собранию на компьютере, в мобильном приложении или на устройстве в комнате
Щелкните здесь, чтобы присоединиться к собранию<https://teams.microsoft.com/l/meetup-join/19%3ameeting_SXZhbg%40thread.v2/0>
Идентификатор собрания: 391 552 807 114
Секретный код: Rp4Kx7
Подробнее<https://aka.ms/JoinTeamsMeeting> | Параметры собрания<https://teams.microsoft.com/meetingOptions/>
________________________________________________________________________________
"""

ZOOM_EN = """Anna Keller is inviting you to a scheduled Zoom meeting.

Join Zoom Meeting
https://us06web.zoom.us/j/83355501234?pwd=THVtaWVyZUl2YW4.1

Meeting ID: 833 5550 1234
Passcode: 260922

---

One tap mobile
+33199001234,,83355501234#,,,,*260922# France
+442079460123,,83355501234#,,,,*260922# United Kingdom

---

Dial by your location
• +33 1 99 00 12 34 France
• +44 20 7946 0123 United Kingdom
• +1 312 555 0123 US (Chicago)

Meeting ID: 833 5550 1234
Passcode: 260922

Find your local number: https://us06web.zoom.us/u/kLmNo1234

Join by SIP
• 83355501234@zoomcrc.com

Join by H.323
• 162.255.37.11 (US West)
"""

ZOOM_DE = """Agenda: Gehaltsband, Umzugspaket, nächste Schritte.

Anna Keller lädt Sie zu einem geplanten Zoom-Meeting ein.

Zoom-Meeting beitreten
https://us06web.zoom.us/j/84412345678?pwd=QXV0b1dlcms.1

Meeting-ID: 844 1234 5678
Kenncode: 551203

---

Schnelleinwahl mobil
+496938079883,,84412345678#,,,,*551203# Deutschland

---

Einwahl nach aktuellem Standort
• +49 69 3807 9883 Deutschland
• +49 30 5679 5800 Deutschland

Ortseinwahl suchen: https://us06web.zoom.us/u/kbXyZ12
"""

ZOOM_ES = """Maria López le está invitando a una reunión de Zoom programada.

Unirse a la reunión Zoom
https://us02web.zoom.us/j/81234567890?pwd=TWFyaWE.1

ID de reunión: 812 3456 7890
Código de acceso: 730011

---

Un toque en móvil
+34917873431,,81234567890#,,,,*730011# España

Marcar según su ubicación
• +34 91 787 3431 España

Encuentre su número local: https://us02web.zoom.us/u/kdEfGh
"""

ZOOM_RU = """Иван Петров приглашает вас на запланированную конференцию: Zoom.

Подключиться к конференции Zoom
https://us05web.zoom.us/j/87654321098?pwd=SXZhbg.1

Идентификатор конференции: 876 5432 1098
Код доступа: 118822

Быстрое подключение с мобильного
+74993506102,,87654321098#,,,,*118822# Россия

Тема: оффер и дата выхода.
"""

GOOGLE_EN = """Panel interview for the Senior Data Scientist role.

-::~:~::~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~::~:~::-
Join with Google Meet: https://meet.google.com/dcn-prql-wxy
Or dial: (US) +1 617-555-0177 PIN: 431 772 901#
More phone numbers: https://tel.meet/dcn-prql-wxy?pin=431772901

Learn more about Meet at: https://support.google.com/a/users/answer/9282720

Please do not edit this section.
-::~:~::~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~::~:~::-
"""

GOOGLE_FR = """Entretien avec Sophie Martin (Lumière).
-::~:~::~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~::~:~::-
Participer avec Google Meet : https://meet.google.com/abc-defg-hij
Ou appeler le : (FR) +33 1 87 40 22 11 Code : 552 001 773#
Autres numéros de téléphone : https://tel.meet/abc-defg-hij?pin=552001773

En savoir plus sur Meet : https://support.google.com/a/users/answer/9282720

Veuillez ne pas modifier cette section.
-::~:~::~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~::~:~::-
"""

# Google Meet's shorter block with no separator lines.
GOOGLE_RU_PLAIN = """Обсуждение оффера.

Присоединиться к Google Meet
meet.google.com/xyz-abcd-efg
https://meet.google.com/xyz-abcd-efg

Подключиться по телефону
(RU) +7 495 215-00-11 PIN-код: 771 002 334#
"""

WEBEX_EN = """Intro call with the hiring manager.

-- Do not delete or change any of the following text. --

When it's time, join the Webex meeting here.

Meeting number (access code): 2634 123 4567
Meeting password: Tb7pQ2

Join meeting<https://acme.webex.com/acme/j.php?MTID=m1a2b3c4d5e6f>

Tap to join from a mobile device (attendees only)
+1-408-525-6800,,26341234567## United States Toll

Join by phone
+1-408-525-6800 United States Toll
Global call-in numbers<https://acme.webex.com/acme/globalcallin.php?MTID=m1a2b3>

Join from a video system or application
Dial 26341234567@acme.webex.com
You can also dial 173.243.2.68 and enter your meeting number.

Need help? Go to https://help.webex.com
"""


@pytest.mark.parametrize(
    ("description", "kept", "link"),
    [
        (
            TEAMS_EN,
            "Weekly sync on the Senior Data Scientist search (pipeline, feedback, next steps).",
            "https://teams.microsoft.com/l/meetup-join/19%3ameeting_Tm9y%40thread.v2/0?context=%7b%22Tid%22%7d",
        ),
        (
            TEAMS_DE,
            "Erstes Kennenlernen mit Frau López, danach kurze Abstimmung zum Gehalt.\n\n"
            "Bitte Lebenslauf vorab an j.mueller@autowerk.de.",
            "https://teams.microsoft.com/l/meetup-join/19%3ameeting_QXV0b1dl%40thread.v2/0",
        ),
        (
            TEAMS_FR,
            "Point hebdomadaire recrutement Lumière.",
            "https://teams.microsoft.com/l/meetup-join/19%3ameeting_THVt%40thread.v2/0",
        ),
        (
            TEAMS_ES,
            "Entrevista técnica – segunda ronda.",
            "https://teams.microsoft.com/l/meetup-join/19%3ameeting_RmlubHl0%40thread.v2/0",
        ),
        (
            TEAMS_RU,
            "Собеседование с Иваном Петровым: архитектура биллинга.",
            "https://teams.microsoft.com/l/meetup-join/19%3ameeting_SXZhbg%40thread.v2/0",
        ),
        (ZOOM_EN, "", "https://us06web.zoom.us/j/83355501234?pwd=THVtaWVyZUl2YW4.1"),
        (
            ZOOM_DE,
            "Agenda: Gehaltsband, Umzugspaket, nächste Schritte.",
            "https://us06web.zoom.us/j/84412345678?pwd=QXV0b1dlcms.1",
        ),
        (ZOOM_ES, "", "https://us02web.zoom.us/j/81234567890?pwd=TWFyaWE.1"),
        (
            ZOOM_RU,
            "Тема: оффер и дата выхода.",
            "https://us05web.zoom.us/j/87654321098?pwd=SXZhbg.1",
        ),
        (
            GOOGLE_EN,
            "Panel interview for the Senior Data Scientist role.",
            "https://meet.google.com/dcn-prql-wxy",
        ),
        (
            GOOGLE_FR,
            "Entretien avec Sophie Martin (Lumière).",
            "https://meet.google.com/abc-defg-hij",
        ),
        (GOOGLE_RU_PLAIN, "Обсуждение оффера.", "https://meet.google.com/xyz-abcd-efg"),
        (
            WEBEX_EN,
            "Intro call with the hiring manager.",
            "https://acme.webex.com/acme/j.php?MTID=m1a2b3c4d5e6f",
        ),
    ],
    ids=[
        "teams-en",
        "teams-de-new-layout",
        "teams-fr",
        "teams-es",
        "teams-ru",
        "zoom-en",
        "zoom-de",
        "zoom-es",
        "zoom-ru",
        "google-en",
        "google-fr",
        "google-meet-ru-no-separators",
        "webex-en",
    ],
)
def test_boilerplate_goes_the_words_and_the_link_stay(
    description: str, kept: str, link: str
) -> None:
    out = strip_conference(description)
    assert out.text == kept
    assert out.join_url == link
    assert out.stripped
    # Nothing of the block survives: no ID, passcode or dial-in number.
    for leftover in ("Passcode", "Kenncode", "Code secret", "PIN", "+1 ", "+49", "+33", "+7 "):
        assert leftover not in out.text


@pytest.mark.parametrize(
    ("snippet", "kept"),
    [
        # Snippets stored before stripping existed: whitespace collapsed, cut at 240 characters.
        (
            " ".join(TEAMS_EN.split())[:240],
            "Weekly sync on the Senior Data Scientist search (pipeline, feedback, next steps).",
        ),
        (" ".join(ZOOM_EN.split())[:240], ""),
        (
            " ".join(GOOGLE_EN.split())[:240],
            "Panel interview for the Senior Data Scientist role.",
        ),
        (" ".join(ZOOM_DE.split())[:240], "Agenda: Gehaltsband, Umzugspaket, nächste Schritte."),
        (" ".join(TEAMS_FR.split())[:240], "Point hebdomadaire recrutement Lumière."),
        (" ".join(WEBEX_EN.split())[:240], "Intro call with the hiring manager."),
    ],
    ids=["teams", "zoom", "google", "zoom-de", "teams-fr", "webex"],
)
def test_collapsed_snippets_are_stripped_too(snippet: str, kept: str) -> None:
    assert strip_conference(snippet).text == kept


@pytest.mark.parametrize(
    "text",
    [
        "Open searches, candidates in process, blockers.",
        "We moved the team to Zoom last year; Maria asked about the Teams licences.\n\n"
        "Agenda:\n1. Salary band 85-95k\n2. Start date 01.02.2027",
        "Call me on +49 30 5550 1234 before the interview.",
        "Final interview (90 min). Panel: Jürgen Müller, Dr. Klaus Weber.",
    ],
)
def test_descriptions_without_boilerplate_are_untouched(text: str) -> None:
    out = strip_conference(text)
    assert out.text == text.strip()
    assert not out.stripped


def test_empty_and_hostile_input() -> None:
    assert strip_conference(None).text == ""
    assert strip_conference("").join_url is None
    # A huge description is cut, not scanned for ever.
    big = ("Agenda line.\n" * 50_000) + "_" * 80 + "\nMicrosoft Teams meeting\n"
    assert len(strip_conference(big).text) <= 200_000
    # A link that is not a conference link is never taken for the join link.
    out = strip_conference("Join Zoom Meeting\nhttps://evil.example/j/123\nMeeting ID: 1")
    assert out.text == ""
    assert out.join_url is None
