"""A contact's recruiting fields and documents on its page and in the API: the values, where
they came from, and a stored file only as a download, its name escaped everywhere."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.orm import Session, sessionmaker

from ingestor.store.api_tokens import create_token
from ingestor.store.schema import Contact, ContactDocument
from tests.web.helpers import Browser
from tests.web.openapi_check import SchemaCheckedClient
from tests.web.seed import Seeded

HOSTILE = '<img src=x onerror=alert(1)>".pdf'


def _give_documents(sessions: sessionmaker[Session], contact_id: int) -> tuple[int, int]:
    with sessions.begin() as s:
        c = s.get(Contact, contact_id)
        assert c is not None
        c.salary_amount, c.salary_currency, c.salary_period, c.salary_basis = (
            95000,
            "EUR",
            "year",
            "gross",
        )
        c.notice_period, c.available_from, c.languages = "3 months", date(2027, 3, 1), ["de", "en"]
        stored = ContactDocument(
            contact_id=contact_id,
            file_name=HOSTILE,
            content_type="text/html",
            kind="cv",
            size=5,
            sha256="a" * 64,
            data=b"<html>",
            created_at=datetime(2026, 11, 3, tzinfo=UTC),
        )
        kept_out = ContactDocument(
            contact_id=contact_id,
            file_name="card.vcf",
            content_type="text/vcard",
            kind="vcard",
            size=300,
            sha256="b" * 64,
            data=None,
            created_at=datetime(2026, 11, 3, tzinfo=UTC),
        )
        s.add_all([stored, kept_out])
        s.flush()
        return stored.id, kept_out.id


def test_the_contact_page_shows_the_recruiting_fields_and_documents(
    anna: Browser, sessions: sessionmaker[Session], seeded: Seeded
) -> None:
    stored, kept_out = _give_documents(sessions, seeded.maria)
    from ingestor.store.schema import Observation

    with sessions.begin() as s:
        s.add(
            Observation(
                contact_id=seeded.maria,
                field="title",
                value="Chief Data Officer",
                extractor="vcard",
                confidence=0.85,
                document_id=kept_out,
                seen_at=datetime(2026, 11, 3, tzinfo=UTC),
            )
        )
    page = anna.get(f"/contacts/{seeded.maria}").text
    assert 'Chief Data Officer <span class="muted">— vcard, 85%' in page
    assert "from card.vcf" in page  # the value's provenance names its document
    assert "95,000 EUR per year, gross" in page
    assert "3 months; available from 2027-03-01" in page
    assert "de, en" in page
    assert HOSTILE not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert f'href="/contacts/{seeded.maria}/documents/{stored}"' in page
    assert f"/documents/{kept_out}" not in page  # not stored: no link
    download = anna.get(f"/contacts/{seeded.maria}/documents/{stored}")
    assert download.status_code == 200 and download.content == b"<html>"
    assert download.headers["content-type"] == "application/octet-stream"
    assert download.headers["content-disposition"].startswith("attachment;")
    assert "<" not in download.headers["content-disposition"]
    assert anna.get(f"/contacts/{seeded.maria}/documents/{kept_out}").status_code == 404
    assert anna.get(f"/contacts/{seeded.eve}/documents/{stored}").status_code == 404


def test_the_api_carries_them(app, sessions: sessionmaker[Session], seeded: Seeded) -> None:
    _give_documents(sessions, seeded.maria)
    with sessions.begin() as s:
        token = create_token(s, "crm", datetime(2026, 11, 5, tzinfo=UTC))
    api = SchemaCheckedClient(app, headers={"Authorization": f"Bearer {token}"})
    body = api.get(f"/api/contacts/{seeded.maria}").json()  # checked against the OpenAPI schema
    assert body["salary_expectation"] == {
        "amount": 95000,
        "currency": "EUR",
        "period": "year",
        "basis": "gross",
    }
    assert body["notice_period"] == "3 months" and body["available_from"] == "2027-03-01"
    assert body["languages"] == ["de", "en"]
    assert [d["file_name"] for d in body["documents"]] == [HOSTILE, "card.vcf"]
    assert [d["stored"] for d in body["documents"]] == [True, False]
    listed = api.get("/api/contacts").json()
    assert all("documents" not in c for c in listed["items"])
    assert any(c["notice_period"] == "3 months" for c in listed["items"])


def test_a_merge_moves_documents_and_fills_blank_recruiting_fields(
    sessions: sessionmaker[Session], seeded: Seeded
) -> None:
    from sqlalchemy import select

    from ingestor.resolve.merge import merge_contacts
    from ingestor.store.schema import Observation

    _give_documents(sessions, seeded.maria)  # maria: salary, notice, two documents
    with sessions.begin() as s:
        same = ContactDocument(
            contact_id=seeded.eve,
            file_name="cv-again.pdf",
            content_type="application/pdf",
            kind="cv",
            size=5,
            sha256="a" * 64,  # the same file maria has
            created_at=datetime(2026, 11, 4, tzinfo=UTC),
        )
        s.add(same)
        s.flush()
        s.add(
            Observation(
                contact_id=seeded.eve,
                field="title",
                value="CTO",
                extractor="cv",
                confidence=0.85,
                document_id=same.id,
            )
        )
        result = merge_contacts(s, seeded.eve, seeded.maria, "anna", datetime.now(UTC))
    assert result.moved["documents"] == 1  # the vCard; the PDF eve has already
    with sessions() as s:
        eve = s.get(Contact, seeded.eve)
        assert eve is not None and eve.salary_amount == 95000 and eve.notice_period == "3 months"
        docs = s.scalars(
            select(ContactDocument.sha256).where(ContactDocument.contact_id == seeded.eve)
        ).all()
        assert sorted(docs) == ["a" * 64, "b" * 64]
        cto = s.scalar(
            select(Observation).where(Observation.value == "CTO", Observation.extractor == "cv")
        )
        assert cto is not None and s.get(ContactDocument, cto.document_id) is not None


def test_rejecting_a_new_contact_keeps_its_documents_hidden_with_it(
    sessions: sessionmaker[Session], seeded: Seeded
) -> None:
    """Rejected is hidden, not erased (Undo, Restore): the documents stay with the contact."""
    from sqlalchemy import func, select

    from ingestor.store.decisions import reject

    _give_documents(sessions, seeded.eve)
    with sessions.begin() as s:
        reject(s, seeded.new_eve, "anna", datetime.now(UTC))
    with sessions() as s:
        left = s.scalar(
            select(func.count())
            .select_from(ContactDocument)
            .where(ContactDocument.contact_id == seeded.eve)
        )
        eve = s.get(Contact, seeded.eve)
        assert left == 2 and eve is not None and eve.status == "rejected"


def test_undoing_a_merge_gives_the_documents_and_the_recruiting_fields_back(
    sessions: sessionmaker[Session], seeded: Seeded
) -> None:
    from sqlalchemy import select

    from ingestor.store.decisions import merge, new_batch
    from ingestor.store.undo import undo_batch

    _give_documents(sessions, seeded.maria)
    batch = new_batch()
    now = datetime.now(UTC)
    with sessions.begin() as s:
        merge(s, seeded.eve, seeded.maria, "anna", now, batch=batch)
    with sessions.begin() as s:
        eve = s.get(Contact, seeded.eve)
        assert eve is not None and eve.salary_amount == 95000 and eve.languages == ["de", "en"]
        eve.notice_period = "1 month"  # newer mail said so after the merge: not the merge's
    with sessions.begin() as s:
        undo_batch(s, batch, "anna", now)
    with sessions() as s:
        owners = s.scalars(select(ContactDocument.contact_id)).all()
        assert sorted(owners) == [seeded.maria, seeded.maria]
        eve, maria = s.get(Contact, seeded.eve), s.get(Contact, seeded.maria)
        assert eve is not None and maria is not None
        filled = (eve.salary_amount, eve.salary_currency, eve.available_from, eve.languages)
        assert filled == (None, None, None, None)
        assert eve.notice_period == "1 month"
        assert (maria.salary_amount, maria.available_from) == (95000, date(2027, 3, 1))
