"""Parse and extract one item: the pure stage both the daemon and `ingestor extract` run.

Quarantine is for input, not for bugs: only the parser's declared input errors quarantine an
item (their reasons start with one of INPUT_ERROR_REASONS). Any other exception propagates.
"""

from __future__ import annotations

import logging
import os
import traceback
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from ingestor.docreader import DocumentOptions, reader
from ingestor.extractors.attachments import document_type
from ingestor.extractors.documents import DocumentFindings, document_findings
from ingestor.extractors.mail import extract_message
from ingestor.extractors.meetings import CalendarParseError, extract_meetings
from ingestor.extractors.message import MessageParseError, parse_message
from ingestor.model import CalendarResult, ItemResult, MessageFindings, ParsedMessage, RawItem

log = logging.getLogger(__name__)

# Every quarantine reason starts with one of these: each names bad input, never a bug.
UNREADABLE = "unreadable message: "
INPUT_ERROR_REASONS = (
    UNREADABLE,
    "unreadable calendar object: ",
    "calendar object over the size cap",
    "refused by the store: ",
)


def is_input_error(reason: str) -> bool:
    """Whether a quarantine reason is one of the declared input errors."""
    return reason.startswith(INPUT_ERROR_REASONS)


def process_item(
    item: RawItem,
    owners: frozenset[str],
    now: datetime,
    region: str = "US",
    window_days: tuple[int, int] = (365, 180),
    extract: Callable[..., MessageFindings] = extract_message,
    documents: DocumentOptions | None = None,
) -> ItemResult:
    """Parse and extract one item; pure apart from the clock value passed in and the document
    reader's worker process (`documents`: attached CVs and cards are read; None: they are
    not). `extract` is the message extractor (tests hand in a broken one to show a bug is
    not bad input)."""
    window = (now - timedelta(days=window_days[0]), now + timedelta(days=window_days[1]))
    if item.kind == "calendar":
        return process_calendar_item(item, owners, window)
    try:
        parsed = parse_message(item.data, item.internal_date, attachments=documents is not None)
        findings = extract(
            parsed,
            owners,
            item.internal_date or now,
            item.folder,
            region=region,
            window=window,
            raw=item.data,
        )
    except MessageParseError as e:
        # Declared input errors only: parse_message turns hostile input it cannot read
        # (including nesting too deep for the stdlib parser) into these. Anything else is a
        # bug and propagates: it fails the sync instead of hiding in the quarantine.
        return ItemResult(item, None, f"{UNREADABLE}{_one_line(e)}")
    except RecursionError as e:
        # Hostile nesting too deep for an extractor after the parser (text is flat by then, so
        # none is known): keep the bytes, say why and where, move on.
        where = _innermost_frame(e)
        log.warning("quarantining %s: RecursionError in %s", item.ref, where)
        return ItemResult(item, None, f"{UNREADABLE}nested too deeply to read (in {where})")
    if documents is not None and not documents.deferred:
        findings = with_documents(findings, documents, region, item.internal_date or now)
    if item.truncated:
        note = f"[body not downloaded: {item.size} bytes is over the size cap]"
        findings = replace(findings, snippet=note, body=None)
    return ItemResult(item, findings)


def with_documents(
    findings: MessageFindings, options: DocumentOptions, region: str, received: datetime
) -> MessageFindings:
    """The findings with their attached CVs and cards read; the files' bytes go no further
    (the findings keep them only to be stored)."""
    parsed = findings.parsed
    if not parsed.attachments or findings.direction == "outbound":
        return findings
    docs = read_documents(parsed, options, region, received, findings.automated_reason)
    read = [replace(a, data=None) for a in parsed.attachments]
    return replace(findings, documents=docs, parsed=replace(parsed, attachments=read))


def read_deferred(
    results: list[ItemResult], options: DocumentOptions, region: str, now: datetime
) -> list[ItemResult]:
    """Results from parser processes (`options.deferred`), with their documents read here."""
    out = []
    for r in results:
        if r.findings is not None and r.findings.parsed.attachments:
            received = r.item.internal_date or now
            r = replace(r, findings=with_documents(r.findings, options, region, received))
        out.append(r)
    return out


def read_documents(
    parsed: ParsedMessage,
    options: DocumentOptions,
    region: str,
    received: datetime,
    automated: str | None = None,
) -> list[DocumentFindings]:
    """The message's attached CVs and cards, each read in the reader's worker process. Machine
    mail's images are not read: a job board attaches CVs, not photos of business cards."""
    out = []
    reference = (parsed.date or received).date()
    for attachment in parsed.attachments:
        if automated and document_type(attachment.file_name, attachment.content_type) == "image":
            continue
        got = reader().read(attachment, options)
        if got.error:
            # The reason goes to the ledger row; parser messages may quote the file, and mail
            # content stays out of the logs.
            log.info("%s: an attachment was not read (see its ledger row)", parsed.message_id)
        out.append(
            document_findings(
                attachment, got.text, got.error, region, reference, got.ocr, options.store_files
            )
        )
    return out


def _one_line(e: BaseException) -> str:
    return " ".join(str(e).split())[:200] or type(e).__name__


def _innermost_frame(e: BaseException) -> str:
    frames = traceback.extract_tb(e.__traceback__)
    if not frames:
        return "?"
    return f"{os.path.basename(frames[-1].filename)}:{frames[-1].lineno}"


def process_calendar_item(
    item: RawItem, owners: frozenset[str], window: tuple[datetime, datetime]
) -> ItemResult:
    if item.deleted:
        return ItemResult(item, None)
    if item.truncated:
        return ItemResult(item, None, f"calendar object over the size cap ({item.size} bytes)")
    if item.object_key is not None and item.object_key.endswith("#"):
        # No UID could be read: storing it would cancel every meeting of the whole object.
        return ItemResult(item, None, "unreadable calendar object: no event UID")
    try:
        findings = extract_meetings(
            item.data, owner_addresses=owners, window_start=window[0], window_end=window[1]
        )
    except CalendarParseError as e:
        return ItemResult(item, None, f"unreadable calendar object: {e}")
    return ItemResult(item, None, calendar=CalendarResult(findings, window[0], window[1]))
