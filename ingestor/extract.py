"""`ingestor extract PATH`: the whole extraction on one .eml or .ics file, without a database.

It runs `process_item`, the function the daemon runs on every item, so both always agree: a
machine-sent message, for instance, gets no profile here either. The JSON it prints is a
contract other programs rely on (see README).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from ingestor.config import Defaults
from ingestor.docreader import DocumentOptions
from ingestor.errors import IngestorError
from ingestor.extractors.documents import to_json as document_json
from ingestor.extractors.meetings import CalendarFindings, meeting_to_json
from ingestor.extractors.profile import to_json_dict
from ingestor.model import ItemResult, MessageFindings, RawItem
from ingestor.process import process_item

MAX_FILE_BYTES = 50 * 1024 * 1024
# Infinite series are expanded in the daemon's default bounds (calendar_history, future days).
DEFAULT_HISTORY_DAYS = Defaults().calendar_history_days
DEFAULT_FUTURE_DAYS = Defaults().calendar_future_days
NO_PROFILE: dict[str, Any] = {"new_text": "", "signature": None, "phones": []}


class ExtractError(IngestorError):
    """The file cannot be read as a message or a calendar."""


def extract_file(
    path: Path,
    region: str,
    now: datetime,
    past_days: int = DEFAULT_HISTORY_DAYS,
    future_days: int = DEFAULT_FUTURE_DAYS,
) -> dict[str, Any]:
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        raise ExtractError(f"{path}: cannot read: {e.strerror or e}") from None
    if len(data) > MAX_FILE_BYTES:
        raise ExtractError(f"{path}: larger than {MAX_FILE_BYTES} bytes")
    calendar = path.suffix.lower() == ".ics" or data.lstrip()[:15].upper() == b"BEGIN:VCALENDAR"
    item = RawItem(
        ref=str(path),
        folder="",
        data=data,
        size=len(data),
        kind="calendar" if calendar else "message",
    )
    result = process_item(
        item,
        frozenset(),
        now,
        region=region,
        window_days=(past_days, future_days),
        documents=DocumentOptions(),
    )
    if result.quarantine_reason is not None:
        raise ExtractError(f"{path}: {_why(result)}")
    if result.calendar is not None:
        return {
            "message_id": None,
            "from": None,
            "participants": [],
            "automated": False,
            **NO_PROFILE,
            "meetings": _meetings(result.calendar.findings),
        }
    assert result.findings is not None
    return _message(result.findings)


def _why(result: ItemResult) -> str:
    """The quarantine reason as this command has always worded it."""
    reason = result.quarantine_reason or ""
    for prefix, wording in (
        ("unreadable message: ", "not an email message: "),
        ("unreadable calendar object: ", ""),
    ):
        if reason.startswith(prefix):
            return wording + reason[len(prefix) :]
    return reason


def _message(f: MessageFindings) -> dict[str, Any]:
    parsed = f.parsed
    sender = parsed.sender
    return {
        "message_id": parsed.message_id,
        "from": {"name": sender.name, "email": sender.email} if sender else None,
        "participants": [
            {"name": p.name, "email": p.email, "role": p.role} for p in parsed.participants
        ],
        "subject": parsed.subject,
        "date": parsed.date.isoformat() if parsed.date else None,
        "automated": f.automated_reason is not None,
        "automated_reason": f.automated_reason,
        **(to_json_dict(f.profile) if f.profile is not None else NO_PROFILE),
        "meetings": [m for invite in f.invites for m in _meetings(invite)],
        "documents": [document_json(d) for d in f.documents],
        "recruiting": _recruiting(f),
    }


def _recruiting(f: MessageFindings) -> dict[str, Any] | None:
    r = f.recruiting
    if r is None:
        return None
    s = r.salary
    return {
        "salary_expectation": (
            {"amount": s.amount, "currency": s.currency, "period": s.period, "basis": s.basis}
            if s
            else None
        ),
        "notice_period": r.notice_period,
        "available_from": r.available_from.isoformat() if r.available_from else None,
    }


def _meetings(findings: CalendarFindings) -> list[dict[str, Any]]:
    return [{**meeting_to_json(o), "method": findings.method} for o in findings.occurrences]
