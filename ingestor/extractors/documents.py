"""Attached documents → findings: what each CV or card says about its person, with the file's
name, type, size and hash (its provenance). Pure: the text comes from the reader."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial

from ingestor.extractors.attachments import Attachment, document_type
from ingestor.extractors.cvfields import CvFields, cv_fields
from ingestor.extractors.signature import SignatureBlock, parse_signature
from ingestor.extractors.vcards import VCardError, vcard_fields

# A CV names its person at least this well: otherwise it is a letter, an invoice, a menu.
MIN_CV_FIELDS = 2
MAX_CARD_LINES = 15  # a card has a dozen lines; OCR noise past that is not the card


@dataclass(frozen=True)
class DocumentFindings:
    file_name: str
    content_type: str
    size: int
    sha256: str | None
    kind: str  # cv | vcard | card (a photo) | other
    people: list[CvFields] = field(default_factory=list)  # a vCard file can hold several
    error: str | None = None  # why it was not read: over the cap, encrypted, corrupt, a timeout
    ocr: bool = False
    data: bytes | None = None  # the file, only when the store keeps files (store_attachments)

    @property
    def person(self) -> CvFields | None:
        return self.people[0] if self.people else None


def document_findings(
    attachment: Attachment,
    text: str | None,
    error: str | None,
    region: str,
    reference: date,
    ocr: bool = False,
    keep_file: bool = False,
) -> DocumentFindings:
    kind = document_type(attachment.file_name, attachment.content_type)
    digest = hashlib.sha256(attachment.data).hexdigest() if attachment.data else None
    found = partial(
        DocumentFindings,
        file_name=attachment.file_name,
        content_type=attachment.content_type,
        size=attachment.size,
        sha256=digest,
        data=attachment.data if keep_file else None,
        ocr=ocr,
    )
    if text is None:
        return found(kind="other", error=error or "not read")
    if kind == "vcard":
        try:
            people = vcard_fields(text, region)
        except VCardError as e:
            return found(kind="vcard", error=str(e))
        return found(kind="vcard", people=people)
    card = kind == "image"
    fields = cv_fields(text, region, reference, card=card)
    if card:
        fields = _with_signature_reading(fields, text, region)
    if _filled(fields) < MIN_CV_FIELDS:
        return found(kind="other")
    return found(kind="card" if card else "cv", people=[fields])


def _with_signature_reading(fields: CvFields, text: str, region: str) -> CvFields:
    """A card photo's OCR text is a signature block: its title and company are read by the
    signature parser (its job-title and company vocabulary, its line model of order), the
    card's own reading kept where the parser finds none."""
    lines = [line.strip() for line in text.split("\n") if line.strip()][:MAX_CARD_LINES]
    if not lines:
        return fields
    sig = parse_signature(
        SignatureBlock(lines, 0), fields.name, fields.emails[0] if fields.emails else None, region
    )
    return replace(fields, title=sig.title or fields.title, company=sig.company or fields.company)


def _filled(f: CvFields) -> int:
    return sum(bool(x) for x in (f.name, f.emails, f.phones, f.title or f.company))


def person_json(f: CvFields) -> dict[str, object]:
    s = f.facts.salary
    return {
        "name": f.name,
        "emails": list(f.emails),
        "phones": [{"number": p.number, "type": p.type, "raw": p.raw} for p in f.phones],
        "city": f.city,
        "country": f.country,
        "title": f.title,
        "company": f.company,
        "linkedin": f.linkedin,
        "urls": list(f.urls),
        "salary_expectation": (
            {"amount": s.amount, "currency": s.currency, "period": s.period, "basis": s.basis}
            if s
            else None
        ),
        "notice_period": f.facts.notice_period,
        "available_from": f.facts.available_from.isoformat() if f.facts.available_from else None,
        "languages": list(f.languages),
    }


def to_json(d: DocumentFindings) -> dict[str, object]:
    """One member of the "documents" list of the extract --json contract."""
    return {
        "file_name": d.file_name,
        "content_type": d.content_type,
        "size": d.size,
        "sha256": d.sha256,
        "kind": d.kind,
        "error": d.error,
        "ocr": d.ocr,
        "people": [person_json(p) for p in d.people],
    }
