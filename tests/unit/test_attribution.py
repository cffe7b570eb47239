"""A signature is the sender's only when nothing says otherwise; titles and companies split."""

from __future__ import annotations

import pytest

from ingestor.extractors.profile import extract_profile
from ingestor.extractors.signature import SignatureBlock, parse_signature
from tests.factories import VINCE_DAVID


def test_a_quoted_persons_phone_never_reaches_the_sender() -> None:
    found = extract_profile(VINCE_DAVID, None, "Vince J Kaminski", "vince.kaminski@enron.com", "US")
    assert found.phones == []
    assert found.signature is None or "Phillips" not in found.signature.text


def test_a_block_under_an_unrecognised_header_is_not_the_senders() -> None:
    # A header shape the quote splitter does not know still guards what is below it.
    text = (
        "ok, see below\n\nBob Smith@ECT\n01/31/2001 12:34 PM\nTo: Vince Kaminski\n"
        "Subject: Memo\n\nBob Smith\nAnalyst\n713-853-3512"
    )
    found = extract_profile(text, None, "Vince Kaminski", "vince.kaminski@enron.com", "US")
    assert found.signature is None
    assert all(p.number != "+17138533512" or p.confidence < 0.7 for p in found.phones)


def test_a_block_naming_someone_else_is_not_the_senders() -> None:
    text = "Please call Robin about the slots.\n\nRobin Deguara\nExecutive Assistant\nTel: 650-798-3367"
    found = extract_profile(text, None, "Jeff Dasovich", "jeff.dasovich@enron.com", "US")
    assert found.signature is None


def test_the_senders_own_block_is_kept() -> None:
    text = "Please call me.\n\nJeff Dasovich\nDirector, Government Affairs\nTel: 415-782-7822"
    found = extract_profile(text, None, None, "jeff.dasovich@enron.com", "US")
    assert found.signature is not None
    assert found.signature.fields.title == "Director, Government Affairs"
    assert [p.number for p in found.phones] == ["+14157827822"]


@pytest.mark.parametrize(
    ("lines", "title", "company"),
    [
        (["Jane Roe", "Manager, Load Forecasting", "Enron Energy Services"],
         "Manager, Load Forecasting", "Enron Energy Services"),
        (["David Chen", "Data Scientist, Quantia"], "Data Scientist", "Quantia"),
        (["Jane Roe", "Bank United"], None, "Bank United"),
        (["Jane Roe", "CTO @ Stripe"], "CTO", "Stripe"),
        (["Jean Roe", "Ingénieur logiciel chez Criteo"], "Ingénieur logiciel", "Criteo"),
        (["Carolyn Vavrek", "Manager - Human Capital Advisory Services", "Deloitte & Touche"],
         "Manager - Human Capital Advisory Services", "Deloitte & Touche"),
        (["Marcy Brinegar", "MBM Consultants"], None, "MBM Consultants"),
        (["Anna Keller", "Recruiter, Northwind Recruiting"], "Recruiter", "Northwind Recruiting"),
    ],
)  # fmt: skip
def test_title_and_company_split(lines: list[str], title: str | None, company: str) -> None:
    fields = parse_signature(SignatureBlock(lines, 0), None, None, "US")
    assert (fields.title, fields.company) == (title, company)


def test_a_block_with_the_senders_own_address_is_the_senders() -> None:
    # The display name is empty and the address says nothing of "Marcy Brinegar".
    text = (
        "Have a terrific holiday!\n\nmb\n\nMarcy Brinegar\nMBM Consultants\n"
        "(770) 886-6202 (Office)\nbrinconsult@aol.com"
    )
    found = extract_profile(text, None, None, "brinconsult@aol.com", "US")
    assert found.signature is not None and found.signature.fields.company == "MBM Consultants"
    assert [p.number for p in found.phones] == ["+17708866202"]
