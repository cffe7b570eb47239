"""Which attached files the parser keeps: CVs (PDF, DOCX, ODT, RTF, Word 97-2003 DOC), business
cards (vCard) and card photos (JPEG, PNG), each at most MAX_ATTACHMENT_BYTES.

Every other attachment is still skipped without decoding. The size is checked on the encoded
payload before any decoding, so a 25 MB attachment costs no more than before.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import Message
from typing import Literal

DocumentType = Literal["pdf", "docx", "doc", "odt", "rtf", "vcard", "image"]

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 5  # per message: an application has a CV and a letter, not fifty files
MIN_IMAGE_BYTES = 20 * 1024  # smaller images are logos and icons, not photos of cards

_BY_TYPE: dict[str, DocumentType] = {
    "application/pdf": "pdf",
    "application/x-pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/msword": "doc",
    "application/rtf": "rtf",
    "text/rtf": "rtf",
    "text/vcard": "vcard",
    "text/x-vcard": "vcard",
    "text/directory": "vcard",
    "image/jpeg": "image",
    "image/png": "image",
}
_BY_SUFFIX: dict[str, DocumentType] = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".doc": "doc",
    ".odt": "odt",
    ".rtf": "rtf",
    ".vcf": "vcard",
    ".vcard": "vcard",
    ".jpg": "image",
    ".jpeg": "image",
    ".png": "image",
}


@dataclass(frozen=True)
class Attachment:
    """An attached document the parser kept: a CV, a business card or a card photo.

    `data` is None when the file is over the size cap (`skipped` says so): it is never decoded.
    """

    file_name: str
    content_type: str
    size: int  # decoded bytes; for a skipped file, the encoded size
    data: bytes | None
    skipped: str | None = None


def document_type(file_name: str, content_type: str) -> DocumentType | None:
    """The kind of document an attachment is, by its name first (mailers often send
    application/octet-stream), else by its declared type; None for anything else."""
    name = file_name.lower().strip()
    dot = name.rfind(".")
    if dot != -1 and name[dot:] in _BY_SUFFIX:
        return _BY_SUFFIX[name[dot:]]
    return _BY_TYPE.get(content_type.lower())


def is_attached_file(part: Message, disposition: str, file_name: str) -> bool:
    """An attachment, or an inline part with a file name that is not the message's text."""
    if disposition.lstrip().lower().startswith("attachment"):
        return True
    return bool(file_name) and part.get_content_maintype() != "text"


def is_card_photo(disposition: str) -> bool:
    """Only an image sent as an attachment may be a card photo: inline ones are the logos,
    banners and photos of signatures and newsletters, and OCR costs a second each."""
    return disposition.lstrip().lower().startswith("attachment")


def encoded_size(part: Message) -> int:
    payload = part.get_payload()
    return len(payload) if isinstance(payload, str) else 0


def over_cap(part: Message) -> bool:
    """Whether the decoded file would be over the cap: base64 is 4/3 of the bytes."""
    size = encoded_size(part)
    cte = str(part.get("content-transfer-encoding", "")).strip().lower()
    return (size * 3 // 4 if cte == "base64" else size) > MAX_ATTACHMENT_BYTES
