"""CVs and business cards from a real Dovecot mailbox fill the candidates' profiles, each value
with its document as evidence, on SQLite and PostgreSQL.

The mailbox: a candidate's own PDF CV, an agency sending another candidate's DOCX CV, a scanned
PDF CV (OCR), a vCard, a card photo (OCR), a reply stating salary and notice in its text, and a
broken PDF that must only leave a ledger note. The files are the labelled corpus's.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from ingestor.config import PasswordSpec
from ingestor.pipeline import Stages, sync_source
from ingestor.store.schema import (
    Contact,
    ContactDocument,
    ContactEmail,
    ContactPhone,
    LedgerEntry,
    Observation,
    Suggestion,
)
from tests.factories import defaults, source_config
from tests.servers.dovecot import DovecotServer

pytestmark = pytest.mark.integration
CORPUS = Path(__file__).parents[1] / "corpus"
OWNER = "alex@talent.example"
NOW = datetime(2026, 11, 5, 12, 0, tzinfo=UTC)
AGENCY = "bea@talentbridge.example"
CVS = json.loads((CORPUS / "cvs" / "labels.json").read_text())
CARDS = json.loads((CORPUS / "cards" / "labels.json").read_text())


def mail(
    sender: str,
    subject: str,
    n: int,
    body: str,
    files: list[tuple[str, bytes, str]],
    headers: dict[str, str] | None = None,
) -> bytes:
    msg = EmailMessage()
    for name, value in (headers or {}).items():
        msg[name] = value
    msg["From"] = sender
    msg["To"] = f"Alex Recruiter <{OWNER}>"
    msg["Subject"] = subject
    msg["Message-ID"] = f"<cv{n}@test>"
    msg["Date"] = format_datetime(datetime(2026, 11, 3, 9, n, tzinfo=UTC))
    msg.set_content(body)
    for name, data, ctype in files:
        maintype, subtype = ctype.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes()


def corpus_file(kind: str, name: str, ctype: str) -> tuple[str, bytes, str]:
    return name, (CORPUS / kind / name).read_bytes(), ctype


PDF = "001-en-pdf.pdf"  # Noah Kowalczyk sends his own
DOCX = "040-en-docx.docx"  # Ethan Ashby's, sent by an agency
SCAN = "059-en-scan.pdf"  # Maya Lindqvist's, scanned
VCF = "001-en-vcf3.vcf"  # Priya Whitfield
PHOTO = "025-de-photo.jpg"  # Svenja Wiesinger
HH = "025-ru-pdf-hh.pdf"  # Екатерина, sent by a job board's no-reply notification
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def messages() -> list[bytes]:
    noah, maya = CVS[PDF], CVS[SCAN]
    return [
        mail(
            f"Noah Kowalczyk <{noah['emails'][0]}>",
            "Application: QA Lead",
            1,
            "Hi Alex,\n\nplease find my CV attached.\n\nNoah\n",
            [corpus_file("cvs", PDF, "application/pdf")],
        ),
        mail(
            f"Bea Agent <{AGENCY}>",
            "Candidate for your Data Scientist role",
            2,
            "Hi Alex,\n\nEthan's CV is attached.\n\nBea Agent\nTalentBridge\nTel: +1 212 555 0147\n",
            [corpus_file("cvs", DOCX, DOCX_TYPE)],
        ),
        mail(
            f"Maya Lindqvist <{maya['emails'][0]}>",
            "My CV",
            3,
            "Hello,\n\nmy CV (scanned).\n\nMaya\n",
            [corpus_file("cvs", SCAN, "application/pdf")],
        ),
        mail(
            f"Bea Agent <{AGENCY}>",
            "Contact card",
            4,
            "Priya's card, as promised.\n\nBea\n",
            [
                corpus_file("cards", VCF, "text/vcard"),
                corpus_file("cards", PHOTO, "image/jpeg"),
            ],
        ),
        mail(
            f"Noah Kowalczyk <{noah['emails'][0]}>",
            "Re: Application: QA Lead",
            5,
            "Hi Alex,\n\nmy expectation is around 95k EUR gross, and my notice period: 1 month.\n\n"
            "Noah\n",
            [
                (
                    "broken.pdf",
                    b"%PDF-1.7\n1 0 obj << /Length 99999 >>\nstream\n...",
                    "application/pdf",
                )
            ],
        ),
        mail(
            "Job board <noreply@jobs.example>",
            "Новый отклик на вакансию «Тестировщик»",
            6,
            "Новый отклик на вашу вакансию. Резюме кандидата во вложении.\n",
            [corpus_file("cvs", HH, "application/pdf")],
            headers={"List-Unsubscribe": "<https://jobs.example/unsubscribe>"},
        ),
    ]


@pytest.fixture
def mailbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CV_PW", "pw")
    with DovecotServer(tmp_path / "dovecot", users={"alex": "pw"}) as server:
        server.bulk_load("alex", "INBOX", messages())
        yield server


def sync(server: DovecotServer, sessions) -> None:
    cfg = source_config(
        name="alex",
        type="imap",
        host=server.host,
        port=server.port,
        security="none",
        username="alex",
        password=PasswordSpec(env="CV_PW"),
        folders=("INBOX",),
        owner_addresses=(OWNER,),
        timeout=10.0,
    )
    summary = sync_source(cfg, defaults(ocr=True), sessions, stages=Stages(clock=lambda: NOW))
    assert summary.ok, summary.error


def contact_of(s, address: str) -> Contact:
    contact = s.scalar(
        select(Contact)
        .join(ContactEmail, ContactEmail.contact_id == Contact.id)
        .where(ContactEmail.address == address)
    )
    assert contact is not None, address
    return contact


def phones(s, contact: Contact) -> set[str]:
    return set(s.scalars(select(ContactPhone.number).where(ContactPhone.contact_id == contact.id)))


def documents(s, contact: Contact) -> list[str]:
    return list(
        s.scalars(select(ContactDocument.file_name).where(ContactDocument.contact_id == contact.id))
    )


def test_cvs_and_cards_fill_the_candidates_profiles(mailbox, sessions):
    sync(mailbox, sessions)
    with sessions() as s:
        noah = contact_of(s, CVS[PDF]["emails"][0])
        assert phones(s, noah) == set(CVS[PDF]["phones"])
        assert (noah.title, noah.company) == (CVS[PDF]["title"], CVS[PDF]["company"])
        assert noah.location == "Manchester, GB"
        # The CV's salary came first; the later mail's different one is evidence only.
        assert (noah.salary_amount, noah.salary_currency, noah.salary_period) == (
            130000,
            "GBP",
            "year",
        )
        assert noah.notice_period == "2 weeks"
        assert noah.languages == ["en", "fr", "ru"]
        assert documents(s, noah) == [PDF]
        # Each value's provenance: the document's row and the interaction it came with.
        title = s.scalar(
            select(Observation).where(
                Observation.contact_id == noah.id, Observation.field == "title"
            )
        )
        assert title is not None and title.extractor == "cv"
        doc = s.get(ContactDocument, title.document_id)
        assert doc is not None and doc.file_name == PDF and doc.data is None  # not stored
        assert doc.size == (CORPUS / "cvs" / PDF).stat().st_size and len(doc.sha256) == 64
        said = {
            o.field: o.value
            for o in s.scalars(
                select(Observation).where(
                    Observation.contact_id == noah.id, Observation.extractor == "mail"
                )
            )
        }
        assert said == {
            "salary_expectation": "95000 EUR per year gross",
            "notice_period": "1 month",
        }
        # ... and, differing from the CV's, they are proposed, with the mail as evidence.
        proposed = {
            (x.field, x.old_value, x.new_value): x.evidence[0]["subject"]
            for x in s.scalars(
                select(Suggestion).where(
                    Suggestion.contact_id == noah.id, Suggestion.kind == "field_update"
                )
            )
        }
        assert proposed == {
            ("salary_expectation", "130000 GBP per year", "95000 EUR per year gross"): (
                "Re: Application: QA Lead"
            ),
            ("notice_period", "2 weeks", "1 month"): "Re: Application: QA Lead",
        }

        # The agency's CV describes Ethan: his contact is made from it, the agency gets nothing.
        ethan = contact_of(s, CVS[DOCX]["emails"][0])
        assert phones(s, ethan) == set(CVS[DOCX]["phones"])
        assert ethan.name == "Ethan Ashby" and ethan.company == CVS[DOCX]["company"]
        assert ethan.salary_amount == 130000 and ethan.notice_period == "4 weeks"
        assert documents(s, ethan) == [DOCX]
        new = s.scalar(
            select(Suggestion).where(
                Suggestion.contact_id == ethan.id, Suggestion.kind == "new_contact"
            )
        )
        assert new is not None
        agency = contact_of(s, AGENCY)
        assert not phones(s, agency) & set(CVS[DOCX]["phones"])
        assert documents(s, agency) == [] and agency.salary_amount is None

        maya = contact_of(s, CVS[SCAN]["emails"][0])  # OCR
        assert phones(s, maya) == set(CVS[SCAN]["phones"])
        assert maya.notice_period == "1 month" and maya.salary_amount == 60000
        assert documents(s, maya) == [SCAN]

        priya = contact_of(s, CARDS[VCF]["emails"][0])  # the vCard
        assert phones(s, priya) == set(CARDS[VCF]["phones"])
        assert (priya.title, priya.company) == (CARDS[VCF]["title"], CARDS[VCF]["company"])
        svenja = contact_of(s, CARDS[PHOTO]["emails"][0])  # the card photo, by OCR
        assert phones(s, svenja) == set(CARDS[PHOTO]["phones"])
        assert svenja.name == CARDS[PHOTO]["name"]

        # The job board's notification is machine mail (skipped, never a contact), but the
        # CV it carries is the candidate's.
        hh = contact_of(s, CVS[HH]["emails"][0])
        assert phones(s, hh) == set(CVS[HH]["phones"]) and documents(s, hh) == [HH]
        assert hh.salary_amount == CVS[HH]["salary"]["amount"]
        assert s.scalar(select(ContactEmail).where(ContactEmail.address.like("noreply@%"))) is None

        notes = [r for r in s.scalars(select(LedgerEntry.reason)) if r]
        assert any("'broken.pdf' not read: unreadable PDF" in n for n in notes), notes
        assert s.scalar(select(Contact).where(Contact.available_from == date(2000, 1, 1))) is None


def test_a_second_sync_adds_nothing(mailbox, sessions):
    sync(mailbox, sessions)
    with sessions() as s:
        before = (
            len(s.scalars(select(ContactDocument)).all()),
            len(s.scalars(select(Observation)).all()),
        )
    sync(mailbox, sessions)
    with sessions() as s:
        after = (
            len(s.scalars(select(ContactDocument)).all()),
            len(s.scalars(select(Observation)).all()),
        )
    assert after == before


@pytest.mark.parametrize("workers", ["0", "2"], ids=["in-process", "parser-processes"])
def test_parser_processes_leave_the_documents_to_the_syncing_process(
    tmp_path: Path, sessions, monkeypatch: pytest.MonkeyPatch, workers: str
):
    from ingestor.parsepool import POOL_MIN_ITEMS
    from tests.factories import make_message, write_maildir

    monkeypatch.setenv("INGESTOR_PARSE_WORKERS", workers)
    filler = [
        make_message(message_id=f"<f{i}@test>", subject=f"f{i}") for i in range(POOL_MIN_ITEMS)
    ]
    root = write_maildir(tmp_path / "mail", {"INBOX": [*filler, *messages()[:2]]})
    cfg = source_config(path=str(root), owner_addresses=(OWNER,))
    summary = sync_source(cfg, defaults(ocr=False), sessions, stages=Stages(clock=lambda: NOW))
    assert summary.ok, summary.error
    with sessions() as s:
        noah, ethan = contact_of(s, CVS[PDF]["emails"][0]), contact_of(s, CVS[DOCX]["emails"][0])
        assert phones(s, noah) == set(CVS[PDF]["phones"]) and documents(s, noah) == [PDF]
        assert phones(s, ethan) == set(CVS[DOCX]["phones"]) and documents(s, ethan) == [DOCX]
