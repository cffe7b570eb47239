"""Attached documents → findings: what each CV or card says about its person, with the file's
name, type, size and hash (its provenance). Pure: the text comes from the reader."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import partial
from datetime import date

from ingestor.extractors.attachments import document_type
from ingestor.extractors.cvfields import CvFields, cv_fields
from ingestor.extractors.vcards import VCardError, vcard_fields
from ingestor.model import Attachment

# A CV names its person at least this well: otherwise it is a letter, an invoice, a menu.
MIN_CV_FIELDS = 2


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
    if _filled(fields) < MIN_CV_FIELDS:
        return found(kind="other")
    return found(kind="card" if card else "cv", people=[fields])


def _filled(f: CvFields) -> int:
    return sum(bool(x) for x in (f.name, f.emails, f.phones, f.title or f.company))
