"""The text of an attached document, from its bytes alone: PDF, DOCX, ODT, RTF, vCard (a Word
97-2003 DOC is recognised here and converted by the worker, ingestor.docworker).

Only libraries that parse and never run content: pypdf (no JavaScript, no forms, no fonts
loaded), python-docx and odfpy on a zip whose members were checked first (a zip bomb is
refused before anything is inflated), striprtf. Pages are capped; a PDF page without text is
handed back as its images, for OCR when that is on. It is pure but can be slow on hostile
files, so the daemon runs it in a worker process with a time limit (ingestor.docreader).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from ingestor.extractors.attachments import DocumentType

MAX_PAGES = 20
MAX_TEXT_CHARS = 200_000
MAX_UNZIPPED_BYTES = 40 * 1024 * 1024
MAX_ZIP_MEMBERS = 2000
MAX_PAGE_IMAGES = 3  # a scanned page is one image, maybe two; more are decorations
MIN_PAGE_TEXT = 20  # a page with fewer characters is taken for a scan


class DocumentError(ValueError):
    """The file cannot be read: encrypted, corrupt, or over a cap. The message is one line."""


@dataclass(frozen=True)
class DocumentText:
    text: str
    pages: int = 0
    scans: list[bytes] = field(default_factory=list)  # images of pages without text, for OCR
    # A Word 97-2003 binary file: no well-kept Python library reads one, so the worker hands
    # it to catdoc (ingestor.docworker).
    word97: bytes | None = None


def document_text(data: bytes, kind: DocumentType) -> DocumentText:
    """Text of a document; raises DocumentError for files it cannot read."""
    if kind == "pdf":
        return _pdf(data)
    if kind == "doc":
        return _doc(data)
    if kind == "docx":
        return DocumentText(_docx(data))
    if kind == "odt":
        return DocumentText(_odt(data))
    if kind == "rtf":
        return DocumentText(_rtf(data))
    if kind == "vcard":
        return DocumentText(_decode(data))
    return DocumentText("", scans=[data])  # an image: OCR only


def _decode(data: bytes) -> str:
    for charset in ("utf-8", "cp1251" if b"\xd0" not in data else "utf-8", "cp1252"):
        try:
            return data.decode(charset)[:MAX_TEXT_CHARS]
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")[:MAX_TEXT_CHARS]


_PDF_OBJECT = re.compile(rb"\d+\s+\d+\s+obj\b")


def _pdf(data: bytes) -> DocumentText:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # its warnings quote the file
    if b"%%EOF" not in data and not _PDF_OBJECT.search(data):
        # Neither an end marker nor one object: nothing pypdf could read or rebuild, and its
        # search for the marker walks the whole file back line by line (~50 ms a MB).
        raise DocumentError("unreadable PDF: no PDF objects in it")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise DocumentError("encrypted PDF")
        pages = reader.pages
        count = len(pages)
        texts: list[str] = []
        scans: list[bytes] = []
        for i in range(min(count, MAX_PAGES)):
            page = pages[i]
            text = page.extract_text() or ""
            if len(text.strip()) < MIN_PAGE_TEXT:
                scans.extend(_page_images(page))
            texts.append(text)
            if sum(map(len, texts)) > MAX_TEXT_CHARS:
                break
    except DocumentError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError) as e:
        raise DocumentError(f"unreadable PDF: {_one_line(e)}") from None
    return DocumentText("\n".join(texts)[:MAX_TEXT_CHARS], count, scans)


def _page_images(page: object) -> list[bytes]:
    out: list[bytes] = []
    try:
        for image in list(getattr(page, "images", []))[:MAX_PAGE_IMAGES]:
            data = image.data
            if len(data) > 10_000:
                out.append(data)
    except (ValueError, KeyError, TypeError, AttributeError, OSError, NotImplementedError):
        return out  # an image pypdf cannot decode (a filter it lacks) is left out
    return out


def _checked_zip(data: bytes) -> zipfile.ZipFile:
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as e:
        raise DocumentError(f"not a zip document: {_one_line(e)}") from None
    infos = z.infolist()
    if len(infos) > MAX_ZIP_MEMBERS or sum(i.file_size for i in infos) > MAX_UNZIPPED_BYTES:
        raise DocumentError("document inflates past the cap")
    if any(i.flag_bits & 0x1 for i in infos):
        raise DocumentError("encrypted document")
    return z


def _docx(data: bytes) -> str:
    import docx
    from docx.oxml.ns import qn

    _checked_zip(data)
    try:
        d = docx.Document(io.BytesIO(data))
    except (KeyError, ValueError, zipfile.BadZipFile) as e:
        raise DocumentError(f"unreadable DOCX: {_one_line(e)}") from None
    except Exception as e:  # lxml and python-docx raise their own kinds on broken XML
        raise DocumentError(f"unreadable DOCX: {type(e).__name__}") from None
    lines: list[str] = []
    # Body order: paragraphs and tables as they come, so a contact table stays in place.
    for child in d.element.body.iterchildren():
        if child.tag == qn("w:p"):
            lines.append("".join(t.text or "" for t in child.iter(qn("w:t"))))
        elif child.tag == qn("w:tbl"):
            for row in child.iter(qn("w:tr")):
                cells = [
                    "".join(t.text or "" for t in cell.iter(qn("w:t")))
                    for cell in row.iter(qn("w:tc"))
                ]
                lines.append(": ".join(c for c in cells if c.strip()))
        if sum(map(len, lines)) > MAX_TEXT_CHARS:
            break
    for section in d.sections[:1]:  # contact details often sit in the header
        lines[:0] = [p.text for p in section.header.paragraphs if p.text.strip()]
    return "\n".join(lines)[:MAX_TEXT_CHARS]


def _odt(data: bytes) -> str:
    from odf import teletype
    from odf.namespaces import TABLENS, TEXTNS
    from odf.opendocument import load

    _checked_zip(data)
    try:
        doc = load(io.BytesIO(data))
    except Exception as e:  # odfpy raises whatever its XML parser raises
        raise DocumentError(f"unreadable ODT: {type(e).__name__}") from None
    lines: list[str] = []

    def walk(node: object) -> None:
        for child in getattr(node, "childNodes", []):
            qname = getattr(child, "qname", None)
            if qname == (TABLENS, "table-row"):
                cells = [teletype.extractText(c).strip() for c in child.childNodes]
                lines.append(": ".join(c for c in cells if c))
            elif qname in ((TEXTNS, "p"), (TEXTNS, "h")):
                lines.append(teletype.extractText(child))
            else:
                walk(child)

    walk(doc.text)
    return "\n".join(lines)[:MAX_TEXT_CHARS]


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound file a Word 97-2003 .doc is


def _doc(data: bytes) -> DocumentText:
    """A ".doc" is often something else under the old name: an RTF or a DOCX is read as
    one; only a real Word 97-2003 file is left to the converter."""
    if data.startswith(OLE_MAGIC):
        return DocumentText("", word97=data)
    if data.lstrip()[:5] == b"{\\rtf":
        return DocumentText(_rtf(data))
    if data.startswith(b"PK\x03\x04"):
        return DocumentText(_docx(data))
    raise DocumentError("not a Word document")


def _rtf(data: bytes) -> str:
    from striprtf.striprtf import rtf_to_text

    text = _decode(data)
    if not text.lstrip().startswith("{\\rtf"):
        raise DocumentError("not an RTF document")
    try:
        return str(rtf_to_text(text, errors="replace"))[:MAX_TEXT_CHARS]
    except (ValueError, IndexError, OverflowError) as e:
        raise DocumentError(f"unreadable RTF: {_one_line(e)}") from None


def _one_line(e: BaseException) -> str:
    return " ".join(str(e).split())[:160] or type(e).__name__
