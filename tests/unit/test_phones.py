"""Phone extraction: region inference, national formats, types from labels, extensions, and the
digit runs that must not become phones."""

from __future__ import annotations

import pytest

import ingestor.extractors.phones as phones_module
from ingestor.extractors.phones import (
    BODY_CONFIDENCE,
    SIGNATURE_CONFIDENCE,
    Phone,
    find_phones,
    region_from_domain,
)


def sig(text: str, domain: str | None = None, region: str = "US") -> list[Phone]:
    return find_phones(text, sender_domain=domain, default_region=region, in_signature=True)


def body(text: str, domain: str | None = None, region: str = "US") -> list[Phone]:
    return find_phones(text, sender_domain=domain, default_region=region, in_signature=False)


def numbers(found: list[Phone]) -> list[str]:
    return [p.number for p in found]


def test_international_number_keeps_raw_text() -> None:
    [phone] = sig("M: +49 (0) 151 2345 6789", region="FR")
    assert phone.number == "+4915123456789"
    assert phone.raw == "+49 (0) 151 2345 6789"
    assert phone.type == "mobile"
    assert phone.confidence == SIGNATURE_CONFIDENCE


@pytest.mark.parametrize(
    ("domain", "region"),
    [("acme.de", "DE"), ("x.co.uk", "GB"), ("romashka.ru", "RU"), ("a.fr", "FR"),
     ("b.es", "ES"), ("acme.com", None), ("acme.io", None), (None, None), ("host.рф", "RU")],
)  # fmt: skip
def test_region_from_domain(domain: str | None, region: str | None) -> None:
    assert region_from_domain(domain) == region


def test_cctld_region_reads_national_numbers() -> None:
    assert numbers(sig("Tel.: 089 1234567", domain="acme.de")) == ["+49891234567"]
    assert numbers(sig("Tel: 020 7946 0958", domain="acme.co.uk", region="DE")) == ["+442079460958"]


def test_other_signature_numbers_set_the_region_before_the_default() -> None:
    text = "Mob.: +7 916 123-45-67\nТел.: 495 123-45-67"
    assert numbers(sig(text, domain="acme.com", region="DE")) == ["+79161234567", "+74951234567"]


def test_body_numbers_do_not_lend_their_region() -> None:
    # In free text a +CC number may be anyone's, so the national one is read with the default.
    found = body("Call +7 916 123-45-67 or 030 12345678", domain="acme.com", region="DE")
    assert numbers(found) == ["+79161234567", "+493012345678"]


def test_default_region_is_the_last_resort() -> None:
    assert numbers(sig("T: 030 12345678", domain="acme.com", region="DE")) == ["+493012345678"]


def test_hint_region_comes_before_the_default() -> None:
    found = find_phones("06 12 34 56 78", sender_domain="acme.com", default_region="DE",
                        in_signature=True, hint_regions=["FR"])  # fmt: skip
    assert numbers(found) == ["+33612345678"]


def test_russian_trunk_prefix() -> None:
    [phone] = sig("Тел.: 8 (495) 123-45-67", domain="romashka.ru", region="DE")
    assert (phone.number, phone.type) == ("+74951234567", "work")
    # Without any Russian hint the "8 (…)" style itself says Russia, as a last resort.
    assert numbers(sig("8 (495) 123-45-67", domain="acme.com", region="DE")) == ["+74951234567"]


def test_north_american_style_as_last_resort() -> None:
    assert numbers(sig("c: 312.909.1187", domain="acme.com", region="DE")) == ["+13129091187"]


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("M: +49 151 23456789", "mobile"), ("Mobile: +49 151 23456789", "mobile"),
        ("Cell +1 415 555 2671", "mobile"), ("Моб.: +7 916 123-45-67", "mobile"),
        ("Мобильный: +7 916 123-45-67", "mobile"), ("Handy: +49 151 23456789", "mobile"),
        ("Port. : +33 6 12 34 56 78", "mobile"), ("Móvil: +34 612 345 678", "mobile"),
        ("Tel. móvil: +34 912 345 678", "mobile"), ("📱 +49 30 12345678", "mobile"),
        ("T: +49 30 12345678", "work"), ("Tel.: +49 30 12345678", "work"),
        ("Direct: +44 20 7946 0958", "work"), ("Office +44 20 7946 0958", "work"),
        ("Тел.: +7 495 123-45-67", "work"), ("Раб.: +7 495 123-45-67", "work"),
        ("Telefon: +49 30 12345678", "work"), ("Tél. : +33 1 23 45 67 89", "work"),
        ("Teléfono: +34 912 345 678", "work"),
        ("Fax: +49 30 12345679", "fax"), ("F: +49 30 12345679", "fax"),
        ("Факс: +7 495 123-45-68", "fax"), ("+33 1 23 45 67 89 (fax)", "fax"),
    ],
)  # fmt: skip
def test_types_from_labels(line: str, kind: str) -> None:
    [phone] = sig(line)
    assert phone.type == kind


def test_several_labelled_numbers_on_one_line() -> None:
    found = sig("M: +49 151 23456789 | T: +49 89 1234567 | F: +49 89 1234568")
    assert [(p.number, p.type) for p in found] == [
        ("+4915123456789", "mobile"), ("+49891234567", "work"), ("+49891234568", "fax"),
    ]  # fmt: skip


def test_type_falls_back_to_the_number_itself() -> None:
    assert sig("+49 151 23456789")[0].type == "mobile"
    assert sig("+49 89 1234567")[0].type == "work"  # an unlabelled landline in a signature
    assert body("see +49 89 1234567")[0].type == "other"  # in free text nobody knows


@pytest.mark.parametrize(
    ("line", "extension"),
    [("Тел.: +7 495 123-45-67, доб. 123", "123"), ("T: +44 20 7946 0958 ext. 12", "12"),
     ("+1 415 555 2671 x 22", "22")],
)  # fmt: skip
def test_extensions(line: str, extension: str) -> None:
    [phone] = sig(line)
    assert phone.extension == extension
    assert "ext" not in phone.number


@pytest.mark.parametrize(
    "text",
    [
        "Interview on 12.03.2025 at 14:30",
        "Start: 2025-06-01",
        "Order #123456789 has shipped",
        "Invoice no. 20250312-88",
        "Ticket ID: 4471203",
        "Ihre Bewerbung läuft unter der Bestellnummer 77120934",
        "Заказ № 52211873",
        "ИНН 7701234567, КПП 770101001",
        "IBAN DE89 3704 0044 0532 0130 00",
        "Leopoldstraße 12, 80802 München",
        "Meeting ID: 845 2231 9987\nPasscode: 482913",
        "Join Zoom Meeting\nhttps://us02web.zoom.us/j/84522319987\n+1 646 558 8656 US (New York)",
        "Microsoft Teams meeting\nOr call in (audio only)\n+49 69 365057152,,518236947# Germany\n"
        "Phone Conference ID: 518 236 947#",
        "Salary 85.000 EUR, bonus 10.000",
    ],
)
def test_digit_runs_that_are_not_phones(text: str) -> None:
    assert body(text, domain="acme.de", region="DE") == []


def test_body_phones_have_lower_confidence() -> None:
    [phone] = body("Call me on +49 151 23456789 tomorrow")
    assert phone.confidence == BODY_CONFIDENCE
    [national] = body("Call me on 0151 23456789", region="DE")
    assert national.confidence < BODY_CONFIDENCE  # read with an inferred region


def test_each_number_once_in_text_order() -> None:
    found = sig("+49 151 23456789\nMobil: 0151 23456789\n+49 30 12345678", domain="a.de")
    assert numbers(found) == ["+4915123456789", "+493012345678"]


def test_matcher_runs_only_on_plausible_lines() -> None:
    text = "Hi Anna,\nsee you on 12.03.2025 at 10:00.\nRoom 12\n\nM: +49 151 23456789"
    assert numbers(sig(text, domain="a.de")) == ["+4915123456789"]
    # find_phones hands only these lines to phonenumbers' (slow) matcher.
    assert [line for line in text.splitlines() if phones_module.plausible_line(line)] == [
        "M: +49 151 23456789"
    ]
