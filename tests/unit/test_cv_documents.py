"""CVs and cards from bytes: what the parser keeps, what the reader refuses, how long it may
take, what the field extractor reads, and whose contact resolve gives it to."""

from __future__ import annotations

import io
import json
import shutil
import sys
import time
import zipfile
from datetime import UTC, date, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest

from ingestor.docreader import DocReader, DocumentOptions
from ingestor.extractors.attachments import MAX_ATTACHMENT_BYTES, Attachment
from ingestor.extractors.cvfields import cv_fields
from ingestor.extractors.doctext import DocumentError, document_text
from ingestor.extractors.message import parse_message
from ingestor.extractors.recruiting import Salary, read_facts
from ingestor.model import RawItem
from ingestor.process import process_item
from ingestor.resolve.batch import resolve_batch
from ingestor.resolve.plan import KnownState
from ingestor.resolve.policy import CreationPolicy

CORPUS = Path(__file__).parents[1] / "corpus" / "cvs"
LABELS = json.loads((CORPUS / "labels.json").read_text())
OWNER = "anna@agency.example"
REFERENCE = date(2026, 11, 2)


def message(files: list[tuple[str, bytes, str]], sender: str = "Bea <bea@talent.example>") -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = OWNER
    msg["Subject"] = "Candidate"
    msg["Message-ID"] = "<cv@test>"
    msg["Date"] = "Tue, 03 Nov 2026 09:00:00 +0000"
    msg.set_content("Hi Anna,\n\nthe CV is attached.\n\nBea\n")
    for name, data, ctype in files:
        main, sub = ctype.split("/")
        msg.add_attachment(data, maintype=main, subtype=sub, filename=name)
    return msg.as_bytes()


def test_the_parser_keeps_cvs_and_cards_and_skips_other_files():
    pdf = (CORPUS / "001-en-pdf.pdf").read_bytes()
    raw = message(
        [
            ("cv.pdf", pdf, "application/octet-stream"),  # by its name, whatever the type says
            ("budget.xlsx", b"x" * 5000, "application/vnd.ms-excel"),
            ("card.vcf", b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A B\r\nEND:VCARD\r\n", "text/vcard"),
        ]
    )
    parsed = parse_message(raw)
    assert [(a.file_name, a.data) for a in parsed.attachments][0] == ("cv.pdf", pdf)
    assert [a.file_name for a in parsed.attachments] == ["cv.pdf", "card.vcf"]
    assert parsed.text_plain is not None and "attached" in parsed.text_plain
    assert parse_message(raw, attachments=False).attachments == []  # read_attachments = false


def test_an_attachment_over_the_cap_is_never_decoded():
    big = b"%PDF-1.4\n" + b"0" * (MAX_ATTACHMENT_BYTES + 1000)
    parsed = parse_message(message([("cv.pdf", big, "application/pdf")]))
    (a,) = parsed.attachments
    assert a.data is None and a.skipped == "over the 10 MB cap" and a.size > MAX_ATTACHMENT_BYTES


def test_an_encrypted_pdf_is_refused():
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(CORPUS / "001-en-pdf.pdf"))
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(DocumentError, match="encrypted PDF"):
        document_text(out.getvalue(), "pdf")


def test_a_zip_bomb_docx_is_refused_before_inflating():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"\0" * (50 * 1024 * 1024))  # compresses to ~50 KB
    assert len(out.getvalue()) < 200_000
    with pytest.raises(DocumentError, match="inflates past the cap"):
        document_text(out.getvalue(), "docx")


@pytest.mark.parametrize("kind", ["pdf", "docx", "odt", "rtf"])
def test_garbage_is_a_one_line_error(kind):
    with pytest.raises(DocumentError) as e:
        document_text(b"\x00\xff garbage \x89PNG" * 50, kind)  # type: ignore[arg-type]
    assert "\n" not in str(e.value)


class _Stuck(DocReader):
    """A worker that never answers: what a file that hangs its parser looks like."""

    def _worker(self):  # type: ignore[no-untyped-def]
        import subprocess

        if self._proc is None or self._proc.poll() is not None:
            self._proc = subprocess.Popen(
                [sys.executable, "-c", "import time; time.sleep(60)"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
        return self._proc


def test_a_file_over_its_time_limit_is_skipped_and_its_worker_killed():
    reader = _Stuck()
    doc = Attachment("cv.pdf", "application/pdf", 9, b"%PDF-1.4\n")
    start = time.monotonic()
    got = reader.read(doc, DocumentOptions(ocr=False, timeout=0.5))
    assert time.monotonic() - start < 3
    assert got.text is None and got.error == "took longer than 0 s: skipped"
    assert reader._proc is None  # killed; the next file gets a new worker
    real = DocReader()
    try:
        pdf = (CORPUS / "001-en-pdf.pdf").read_bytes()
        ok = real.read(Attachment("cv.pdf", "", len(pdf), pdf), DocumentOptions(ocr=False))
        assert ok.error is None and ok.text and "Kowalczyk" in ok.text
    finally:
        real.close()


@pytest.mark.parametrize(
    ("text", "salary", "notice", "available"),
    [
        (
            "my expectation is around 95k EUR gross",
            Salary(95000, "EUR", "year", "gross"),
            None,
            None,
        ),
        ("ожидания от 250 000 ₽ на руки", Salary(250000, "RUB", "month", "net"), None, None),
        (
            "Gehaltsvorstellung 75.000 € brutto p.a.",
            Salary(75000, "EUR", "year", "gross"),
            None,
            None,
        ),
        ("Kündigungsfrist 3 Monate zum Quartalsende", None, "3 months", None),
        ("available from 1 March", None, None, date(2027, 3, 1)),
        ("notice period: 1 month", None, "1 month", None),
        ("Готов выйти через 2 недели", None, "2 weeks", None),
        ("Disponible à partir du 1er avril 2027", None, None, date(2027, 4, 1)),
        ("Lohnvorstellung: CHF 140'000 brutto", Salary(140000, "CHF", "year", "gross"), None, None),
        ("available from April 2027", None, None, None),  # no day: "20" of the year is none
        # Not salaries: no salary word, or no currency; not a notice period without a duration.
        ("We raised 95k EUR last year", None, None, None),
        ("Salary: negotiable", None, None, None),
        ("Please give notice to the team", None, None, None),
    ],
)
def test_recruiting_facts(text, salary, notice, available):
    facts = read_facts(text, REFERENCE)
    assert (facts.salary, facts.notice_period, facts.available_from) == (salary, notice, available)


def test_a_referees_phone_and_address_are_not_the_candidates():
    text = (
        "Jana Brandtner\nData Engineer\nTelefon: +49 151 2345 6789\njana@mailbox.example\n"
        "Wohnort: Berlin, Deutschland\nBerufserfahrung\nSeit 2022: Data Engineer bei Nordlicht "
        "Energie SE\nReferenzen\nDr. Karl Vogel, +49 30 1234567, k.vogel@referee.example\n"
    )
    f = cv_fields(text, "US", REFERENCE)
    assert [p.number for p in f.phones] == ["+4915123456789"]
    assert f.emails == ["jana@mailbox.example"]
    assert (f.name, f.title, f.company) == (
        "Jana Brandtner",
        "Data Engineer",
        "Nordlicht Energie SE",
    )
    assert (f.city, f.country) == ("Berlin", "DE")


def test_an_agencys_cv_goes_to_the_candidate_not_the_agency():
    docx = (CORPUS / "040-en-docx.docx").read_bytes()
    raw = message([("Ethan_Ashby_CV.docx", docx, "application/octet-stream")])
    now = datetime(2026, 11, 5, tzinfo=UTC)
    result = process_item(
        RawItem("1", "INBOX", raw), frozenset({OWNER}), now, documents=DocumentOptions(ocr=False)
    )
    assert result.findings is not None
    (doc,) = result.findings.documents
    assert doc.kind == "cv" and doc.data is None and len(doc.sha256 or "") == 64
    # Read, the file's bytes are dropped: a batch does not carry them to the store.
    assert [a.data for a in result.findings.parsed.attachments] == [None]
    policy = CreationPolicy("all", frozenset({OWNER}), frozenset({"agency.example"}), frozenset())
    plan = resolve_batch([result], KnownState({}, frozenset(), {}), policy, now)
    candidate = LABELS["040-en-docx.docx"]["emails"][0]
    assert [(d.contact, d.document.file_name) for d in plan.documents] == [
        (candidate, "Ethan_Ashby_CV.docx")
    ]
    assert {c.address for c in plan.new_contacts} == {"bea@talent.example", candidate}
    agency_profile = [p for p in plan.profiles if p.contact == "bea@talent.example"]
    cv_phones = set(LABELS["040-en-docx.docx"]["phones"])
    assert all(not {ph.number for ph in p.profile.phones} & cv_phones for p in agency_profile)


def test_a_job_boards_machine_mail_still_gives_its_cv_to_the_candidate():
    pdf = (CORPUS / "025-ru-pdf-hh.pdf").read_bytes()
    msg = EmailMessage()
    msg["From"] = "Job board <noreply@jobs.example>"
    msg["To"] = OWNER
    msg["Subject"] = "Новый отклик на вакансию"
    msg["Message-ID"] = "<board@test>"
    msg["Date"] = "Tue, 03 Nov 2026 09:00:00 +0000"
    msg["List-Unsubscribe"] = "<https://jobs.example/unsubscribe>"
    msg.set_content("Новый отклик. Резюме во вложении.")
    msg.add_attachment(pdf, maintype="application", subtype="pdf", filename="resume.pdf")
    now = datetime(2026, 11, 5, tzinfo=UTC)
    result = process_item(
        RawItem("1", "INBOX", msg.as_bytes()),
        frozenset({OWNER}),
        now,
        documents=DocumentOptions(ocr=False),
    )
    assert result.findings is not None and result.findings.automated_reason is not None
    policy = CreationPolicy("all", frozenset({OWNER}), frozenset({"agency.example"}), frozenset())
    plan = resolve_batch([result], KnownState({}, frozenset(), {}), policy, now)
    candidate = LABELS["025-ru-pdf-hh.pdf"]["emails"][0]
    assert [c.address for c in plan.new_contacts] == [candidate]  # never the job board
    (write,) = plan.documents
    assert write.contact == candidate and write.interaction is None
    assert write.subject == "Новый отклик на вакансию"
    assert [e.outcome for e in plan.ledger] == ["skipped"] and not plan.emails


def test_an_agency_profile_gives_the_candidates_details_not_the_consultants():
    text = (
        "CANDIDATE PROFILE — presented by Northgate Search\n"
        "Consultant: Tom Reyes, +44 20 7946 0321, tom.reyes@northgate.example\n\n"
        "Candidate: Dr. Ana Petrescu\n"
        "Current role: Head of Data at Vantage Freight (since 2021)\n"
        "Location: Dublin, Ireland\n"
        "Contact: ana.petrescu@mailbox.example / +353 87 765 4321\n"
    )
    f = cv_fields(text, "US", REFERENCE)
    assert f.emails == ["ana.petrescu@mailbox.example"]
    assert [p.number for p in f.phones] == ["+353877654321"]
    assert (f.name, f.title, f.company) == ("Ana Petrescu", "Head of Data", "Vantage Freight")


def test_a_name_in_capitals_and_a_position_written_company_first():
    text = (
        "MARGIT VELLACOTT-SØRENSEN\nPortland, OR · (503) 555-0110 · margit@inbox.example.net\n\n"
        "EXPERIENCE\nWillamette Grid Co. — Principal Engineer (Mar 2020 – Present)\n"
    )
    f = cv_fields(text, "US", REFERENCE)
    assert f.name == "Margit Vellacott-Sørensen"
    assert (f.title, f.company) == ("Principal Engineer", "Willamette Grid Co.")
    assert (f.city, f.country) == ("Portland", "US")


def test_extract_json_carries_the_documents_and_the_recruiting_facts(tmp_path):
    from ingestor.extract import extract_file

    pdf = (CORPUS / "001-en-pdf.pdf").read_bytes()
    msg = EmailMessage()
    msg["From"] = "Noah <noahkowalczyk@example.org>"
    msg["To"] = OWNER
    msg["Subject"] = "CV"
    msg["Message-ID"] = "<x@test>"
    msg["Date"] = "Tue, 03 Nov 2026 09:00:00 +0000"
    msg.set_content("Hi,\n\nmy notice period: 1 month.\n\nNoah\n")
    msg.add_attachment(pdf, maintype="application", subtype="pdf", filename="cv.pdf")
    path = tmp_path / "m.eml"
    path.write_bytes(msg.as_bytes())
    out = extract_file(path, "US", datetime(2026, 11, 5, tzinfo=UTC))
    json.dumps(out)  # all of it is JSON
    (doc,) = out["documents"]
    assert doc["kind"] == "cv" and doc["file_name"] == "cv.pdf" and doc["error"] is None
    (person,) = doc["people"]
    assert person["emails"] == ["noahkowalczyk@example.org"]
    assert person["salary_expectation"] == {
        "amount": 130000,
        "currency": "GBP",
        "period": "year",
        "basis": None,
    }
    assert out["recruiting"] == {
        "salary_expectation": None,
        "notice_period": "1 month",
        "available_from": None,
    }


def test_the_demo_candidates_cv_is_read():
    sample = Path(__file__).parents[2] / "ingestor" / "sample" / "maildir" / "cur"
    (path,) = sample.glob("1789067137.M27P1.sample*")
    now = datetime(2026, 12, 1, tzinfo=UTC)
    result = process_item(
        RawItem("m27", "INBOX", path.read_bytes()), frozenset(), now, documents=DocumentOptions()
    )
    assert result.findings is not None
    (doc,) = result.findings.documents
    assert doc.file_name == "Maria_López_CV_2026.pdf" and doc.kind == "cv"
    person = doc.person
    assert person is not None
    # "Finlytics, Senior Backend Engineer (Python, Kafka, PostgreSQL)": the skills in
    # parentheses split nothing.
    assert (person.name, person.title, person.company) == (
        "Maria López",
        "Senior Backend Engineer",
        "Finlytics",
    )
    assert [p.number for p in person.phones] == ["+34612345678"]
    assert (person.city, person.country, person.languages) == ("Madrid", "ES", ["de", "en", "es"])


def test_only_attached_images_of_some_size_may_be_card_photos():
    photo = (Path(__file__).parents[1] / "corpus" / "cards" / "025-de-photo.jpg").read_bytes()
    assert len(photo) > 20 * 1024
    msg = EmailMessage()
    msg["From"] = "Bea <bea@talent.example>"
    msg["To"] = OWNER
    msg["Subject"] = "Card"
    msg.set_content("Hi")
    msg.add_attachment(photo, maintype="image", subtype="jpeg", filename="logo.jpg",
                       disposition="inline")  # fmt: skip
    msg.add_attachment(photo[:5000], maintype="image", subtype="jpeg", filename="icon.jpg")
    msg.add_attachment(photo, maintype="image", subtype="jpeg", filename="card.jpg")
    assert [a.file_name for a in parse_message(msg.as_bytes()).attachments] == ["card.jpg"]


class _Chatty(DocReader):
    """A worker that answers with something that is not the protocol."""

    def _worker(self):  # type: ignore[no-untyped-def]
        import subprocess

        if self._proc is None or self._proc.poll() is not None:
            self._proc = subprocess.Popen(
                [sys.executable, "-c", "print('Warning: odd font', flush=True); input()"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
        return self._proc


def test_a_worker_answering_nonsense_is_an_error_not_a_crash():
    reader = _Chatty()
    got = reader.read(Attachment("cv.pdf", "", 9, b"%PDF-1.4\n"), DocumentOptions(ocr=False))
    assert got.text is None and got.error == "the document reader answered nonsense"
    assert reader._proc is None


WORD97 = Path(__file__).parents[1] / "corpus" / "word97" / "test-ole-file.doc"
DO = DocumentOptions(ocr=False)


@pytest.mark.skipif(shutil.which("catdoc") is None, reason="catdoc is not installed")
def test_a_word_97_document_is_read_by_catdoc_in_the_worker():
    data = WORD97.read_bytes()
    reader = DocReader()
    try:
        got = reader.read(Attachment("CV.DOC", "application/octet-stream", len(data), data), DO)
        assert got.error is None
        assert got.text is not None
        assert got.text.strip() == "Test OLE file, saved as Word 97-2003 Document."
        broken = data[:4096]  # cut off: the compound file's sectors point past its end
        bad = reader.read(Attachment("cv.doc", "application/msword", len(broken), broken), DO)
        assert bad.text is None and bad.error == "unreadable Word 97-2003 document"
    finally:
        reader.close()


def test_a_doc_that_is_really_rtf_or_docx_is_read_as_one_and_anything_else_refused():
    rtf = rb"{\rtf1\ansi Maria Lopez\par Senior Backend Engineer\par}"
    assert "Senior Backend Engineer" in document_text(rtf, "doc").text
    docx = (CORPUS / "038-en-docx.docx").read_bytes()
    assert document_text(docx, "doc").text == document_text(docx, "docx").text
    assert document_text(WORD97.read_bytes(), "doc").word97 is not None  # for the worker
    with pytest.raises(DocumentError, match="not a Word document"):
        document_text(b"<html><body>CV</body></html>", "doc")
