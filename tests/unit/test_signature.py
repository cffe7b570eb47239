"""Signature finding (where the block is) and parsing (what it says)."""

from __future__ import annotations

import pytest

from ingestor.extractors.signature import (
    Location,
    SignatureBlock,
    SignatureFields,
    find_signature,
    parse_signature,
)

BODY = "Hi Anna,\n\nthanks for the CV. Let's talk on Tuesday at 10.\n\n"


def block_lines(text: str, name: str | None = None, email: str | None = None) -> list[str]:
    block = find_signature(text, name, email)
    return block.lines if block else []


def test_delimiter_starts_the_block_and_lines_are_kept_exactly() -> None:
    text = BODY + "-- \n  Ivan Petrov\nRecruiter\n"
    block = find_signature(text, None, None)
    assert block is not None
    assert block.lines == ["  Ivan Petrov", "Recruiter"]
    assert text.split("\n")[block.start_line] == "  Ivan Petrov"
    assert block.text == "  Ivan Petrov\nRecruiter"


@pytest.mark.parametrize(
    "sign_off",
    ["Best regards,", "Kind regards,", "Thanks,", "Cheers", "С уважением,", "Спасибо!",
     "Mit freundlichen Grüßen", "Viele Grüße", "Beste Grüße", "Viele Grüße aus Berlin",
     "Cordialement,", "Bien à vous,", "Saludos,", "Un saludo,"],
)  # fmt: skip
def test_sign_offs_start_the_block(sign_off: str) -> None:
    text = BODY + f"{sign_off}\nJulia Wagner\nPersonalreferentin\n"
    assert block_lines(text) == ["Julia Wagner", "Personalreferentin"]


def test_sign_off_with_the_name_on_the_same_line() -> None:
    assert block_lines(BODY + "Cheers, Tom\n") == ["Cheers, Tom"]
    fields = parse_signature(SignatureBlock(["Cheers, Tom"], 0), "Tom Baker", "tom@x.com", "US")
    assert fields.name == "Tom"
    assert fields.name_matches_sender


def test_no_delimiter_no_sign_off_starts_at_the_senders_name() -> None:
    text = BODY + "Ivan Petrov\nSenior Recruiter\nACME GmbH\n"
    assert block_lines(text, "Ivan Petrov", "ivan@acme.de") == [
        "Ivan Petrov", "Senior Recruiter", "ACME GmbH",
    ]  # fmt: skip


def test_trailing_contact_paragraph_without_any_marker() -> None:
    text = BODY + "Anna Schmidt\nHead of Talent\n+49 151 23456789\n"
    assert block_lines(text, "HR Team", "jobs@acme.de") == [
        "Anna Schmidt", "Head of Talent", "+49 151 23456789",
    ]  # fmt: skip


def test_no_signature() -> None:
    assert find_signature("Thanks!", "Anna", "anna@x.com") is None
    assert find_signature("", None, None) is None
    # A sign-off followed by a paragraph is not the end of the letter.
    text = "Thanks,\nI will send the contract tomorrow and we can discuss the details then."
    assert find_signature(text, None, None) is None


@pytest.mark.parametrize(
    "tail",
    [
        "\n\nCONFIDENTIALITY NOTICE: This e-mail and any attachments are confidential and may be\n"
        "privileged. If you are not the intended recipient, please notify the sender.",
        "\nDiese E-Mail enthält vertrauliche Informationen. Wenn Sie nicht der richtige Adressat "
        "sind, informieren Sie bitte sofort den Absender.",
        "\n\nSent from my iPhone",
        "\n\nVon meinem iPhone gesendet",
        "\n\nОтправлено с iPhone",
        "\n\nWe're hiring! See our open roles at acme.de/careers",
        "\n\n[image: ACME logo]",
        "\n\nP.S. I'm out of office next week; my colleague will follow up with you.",
    ],
)
def test_disclaimers_mobile_sign_offs_banners_and_postscripts_are_left_out(tail: str) -> None:
    text = BODY + "Best regards,\nIvan Petrov\nM: +49 151 23456789" + tail
    assert block_lines(text) == ["Ivan Petrov", "M: +49 151 23456789"]


def parse(lines: list[str], name: str | None = None, email: str | None = None) -> SignatureFields:
    return parse_signature(SignatureBlock(lines, 0), name, email, "DE")


def test_name_checked_against_transliterated_address() -> None:
    fields = parse_signature(
        SignatureBlock(["Иван Петров", "Менеджер по подбору персонала"], 0),
        None, "ivan.petrov@romashka.ru", "RU",
    )  # fmt: skip
    assert fields.name == "Иван Петров"
    assert fields.name_matches_sender
    other = parse_signature(SignatureBlock(["Olga Smirnova"], 0), "Ivan Petrov", "i@x.ru", "RU")
    assert other.name == "Olga Smirnova"
    assert not other.name_matches_sender


def test_team_display_name_does_not_beat_the_persons_name() -> None:
    fields = parse_signature(
        SignatureBlock(["Aisha Khan | Recruiter", "TalentBridge", "aisha.khan@talentbridge.com"],
                       0),
        "TalentBridge Recruiting", "jobs@talentbridge.com", "US",
    )  # fmt: skip
    assert (fields.name, fields.title, fields.company) == (
        "Aisha Khan",
        "Recruiter",
        "TalentBridge",
    )


@pytest.mark.parametrize(
    ("lines", "title", "company"),
    [
        (["Anna Schmidt", "Senior Recruiter | ACME GmbH"], "Senior Recruiter", "ACME GmbH"),
        (["Anna Schmidt", "Head of Talent at Zalando"], "Head of Talent", "Zalando"),
        (["Anna Schmidt", "Talent Partner, Northwind"], "Talent Partner", "Northwind"),
        (["Anna Schmidt", "Personalreferentin", "Muster Consulting GmbH"], "Personalreferentin",
         "Muster Consulting GmbH"),
        (["Анна Лебедева", "HR-менеджер ООО «Вектор»"], "HR-менеджер", "ООО «Вектор»"),
        (["Claire Martin", "Consultant en recrutement", "Talentia SAS"],
         "Consultant en recrutement", "Talentia SAS"),
        (["Lena Koch", "Recruiter", "Talent Acquisition · EMEA", "Northwind Recruiting"],
         "Recruiter", "Northwind Recruiting"),
        (["Anna Schmidt, Senior Recruiterin", "Talentwerk AG"], "Senior Recruiterin",
         "Talentwerk AG"),
        (["Tom Baker", "Recruiter", "Acme Corp", "Connecting great people with great teams."],
         "Recruiter", "Acme Corp"),
    ],
)  # fmt: skip
def test_title_and_company(lines: list[str], title: str, company: str) -> None:
    fields = parse(lines)
    assert (fields.title, fields.company) == (title, company)


@pytest.mark.parametrize(
    ("line", "city", "country"),
    [
        ("Leopoldstraße 12, 80802 München", "Munich", "Germany"),
        ("Москва, Россия", "Moscow", "Russia"),
        ("630099, г. Новосибирск, Красный проспект, 42", "Novosibirsk", "Russia"),
        ("Paris, France", "Paris", "France"),
        ("Based in the UK", None, "United Kingdom"),
    ],
)
def test_location(line: str, city: str | None, country: str | None) -> None:
    fields = parse(["Anna Schmidt", "Recruiter", line])
    assert fields.location == Location(city, country)
    assert str(Location("Munich", "Germany")) == "Munich, Germany"


def test_contacts() -> None:
    fields = parse_signature(
        SignatureBlock(
            ["Anna Schmidt", "M: +49 151 23456789 | T: 089 1234567",
             "Anna.Schmidt@acme.de | www.acme.de", "https://www.linkedin.com/in/anna-schmidt",
             "[cid:image001.png@01DB8A2C.5F3E1A20]"], 0),
        "Anna Schmidt", "anna.schmidt@acme.de", "US",
    )  # fmt: skip
    assert [(p.number, p.type) for p in fields.phones] == [
        ("+4915123456789", "mobile"), ("+49891234567", "work"),
    ]  # fmt: skip
    assert fields.emails == ["anna.schmidt@acme.de"]
    assert fields.urls == ["www.acme.de", "https://www.linkedin.com/in/anna-schmidt"]
    assert fields.linkedin == "https://www.linkedin.com/in/anna-schmidt"


def test_name_without_pronouns_or_on_behalf_marker() -> None:
    assert parse(["Sarah Mitchell (she/her)", "Recruiter"]).name == "Sarah Mitchell"
    assert parse(["i. A. Anna Schmidt", "Personal"]).name == "Anna Schmidt"
