"""extract_profile end to end: which text is read, whose signature is taken, which phones are
kept, and the JSON members of the extract contract."""

from __future__ import annotations

import dataclasses
import json

import pytest

from ingestor.extractors.profile import ProfileFindings, extract_profile, to_json_dict

REPLY_WITH_QUOTED_SIGNATURE = """Hi Olga,

Tuesday at 15:00 works. You can also call me on 0151 23456789.

Best regards,
Anna Schmidt
Senior Recruiter | Muster Consulting GmbH
T: +49 89 1234567
Leopoldstraße 12, 80802 München

On Mon, Mar 3, 2025 at 10:00 AM Olga Smirnova <olga@example.ru> wrote:
> Hello Anna,
>
> I'm interested.
>
> С уважением,
> Ольга Смирнова
> Руководитель отдела разработки, ООО «Вектор»
> Моб.: +7 916 123-45-67
"""


def extract(plain: str | None, html: str | None = None) -> ProfileFindings:
    return extract_profile(plain, html, "Anna Schmidt", "anna.schmidt@muster.de", "US")


def test_quoted_persons_signature_is_never_the_senders() -> None:
    findings = extract(REPLY_WITH_QUOTED_SIGNATURE)
    assert findings.signature is not None
    fields = findings.signature.fields
    assert (fields.name, fields.title, fields.company) == (
        "Anna Schmidt", "Senior Recruiter", "Muster Consulting GmbH",
    )  # fmt: skip
    assert str(fields.location) == "Munich, Germany"
    assert "+79161234567" not in [p.number for p in findings.phones]
    assert findings.quoted[0].sender_email == "olga@example.ru"
    assert "Ольга" in findings.quoted[0].text


def test_phones_in_body_and_signature_with_confidence() -> None:
    findings = extract(REPLY_WITH_QUOTED_SIGNATURE)
    by_number = {p.number: p for p in findings.phones}
    assert list(by_number) == ["+4915123456789", "+49891234567"]  # text order
    assert by_number["+4915123456789"].confidence < 0.6  # said in the body
    assert by_number["+49891234567"].confidence >= 0.9  # in the signature
    assert by_number["+49891234567"].type == "work"


def test_forward_keeps_the_forwarders_signature_only() -> None:
    text = (
        "FYI, strong candidate.\n\n-- \nAnna Schmidt\nMuster Consulting GmbH\n\n"
        "---------- Forwarded message ---------\nFrom: Max Weber <max@weber.de>\n"
        "Date: Mon, 3 Mar 2025\nSubject: CV\nTo: <anna@muster.de>\n\nHello,\nCV attached.\n\n"
        "Viele Grüße\nMax Weber\nMobil: +49 170 1234567\n"
    )
    findings = extract(text)
    assert findings.signature is not None
    assert findings.signature.block.lines == ["Anna Schmidt", "Muster Consulting GmbH"]
    assert findings.phones == []
    assert findings.quoted[0].forwarded


def test_plain_part_preferred_html_used_when_alone() -> None:
    html = (
        "<div>Hello,</div><div>see attached.</div><p>Kind regards,</p><table><tr><td>"
        "<img src='https://cdn.example/logo.png'></td><td><b>Anna Schmidt</b><br>"
        "Recruiter<br>M: +49 151 23456789</td></tr></table>"
    )
    from_html = extract(None, html)
    assert from_html.signature is not None
    assert from_html.signature.block.lines == ["Anna Schmidt", "Recruiter", "M: +49 151 23456789"]
    assert from_html.phones[0].type == "mobile"
    from_plain = extract("Plain part wins.", html)
    assert from_plain.new_text == "Plain part wins."
    assert from_plain.signature is None


def test_nothing_to_read() -> None:
    findings = extract_profile(None, None, None, None, "DE")
    assert (findings.new_text, findings.signature, findings.phones) == ("", None, [])
    assert to_json_dict(findings) == {"new_text": "", "signature": None, "phones": []}


def test_findings_are_frozen() -> None:
    findings = extract(REPLY_WITH_QUOTED_SIGNATURE)
    with pytest.raises(dataclasses.FrozenInstanceError):
        findings.new_text = "x"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        findings.phones[0].number = "x"  # type: ignore[misc]


def test_json_contract_members() -> None:
    out = to_json_dict(extract(REPLY_WITH_QUOTED_SIGNATURE))
    json.dumps(out)  # plain JSON types only
    assert set(out) == {"new_text", "signature", "phones"}
    assert out["new_text"].startswith("Hi Olga,")
    assert "Olga Smirnova <olga@example.ru> wrote" not in out["new_text"]
    signature = out["signature"]
    assert signature["text"] == (
        "Anna Schmidt\nSenior Recruiter | Muster Consulting GmbH\nT: +49 89 1234567\n"
        "Leopoldstraße 12, 80802 München"
    )
    assert signature["location"] == "Munich, Germany"
    assert (signature["name"], signature["title"], signature["company"]) == (
        "Anna Schmidt", "Senior Recruiter", "Muster Consulting GmbH",
    )  # fmt: skip
    assert signature["phones"] == [
        {"number": "+49891234567", "type": "work", "raw": "+49 89 1234567", "extension": None,
         "confidence": 0.9},
    ]  # fmt: skip
    assert signature["emails"] == [] and signature["urls"] == []
    assert [p["number"] for p in out["phones"]] == ["+4915123456789", "+49891234567"]
    assert {"number", "type", "raw"} <= set(out["phones"][0])
