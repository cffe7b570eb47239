"""`ingestor extract PATH`: the whole extraction on one .eml or .ics file, without a database.

The JSON it prints is a contract other programs rely on (see README).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ingestor.errors import IngestorError
from ingestor.extractors.automated import automated_reason
from ingestor.extractors.message import MessageParseError, parse_message
from ingestor.extractors.profile import extract_profile, to_json_dict

MAX_FILE_BYTES = 50 * 1024 * 1024


class ExtractError(IngestorError):
    """The file cannot be read as a message or a calendar."""


def extract_file(
    path: Path, region: str, now: datetime, past_days: int = 365, future_days: int = 180
) -> dict[str, Any]:
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        raise ExtractError(f"{path}: cannot read: {e.strerror or e}") from None
    if len(data) > MAX_FILE_BYTES:
        raise ExtractError(f"{path}: larger than {MAX_FILE_BYTES} bytes")
    window = (now - timedelta(days=past_days), now + timedelta(days=future_days))
    if path.suffix.lower() == ".ics" or data.lstrip()[:15].upper() == b"BEGIN:VCALENDAR":
        return _calendar(path, data, window)
    return _message(path, data, region, window)


def _message(
    path: Path, data: bytes, region: str, window: tuple[datetime, datetime]
) -> dict[str, Any]:
    try:
        parsed = parse_message(data)
    except MessageParseError as e:  # the parser's declared input errors; anything else is a bug
        raise ExtractError(f"{path}: not an email message: {e}") from None
    sender = parsed.sender
    profile = extract_profile(
        parsed.text_plain,
        parsed.text_html,
        sender.name if sender else None,
        sender.email if sender else None,
        region,
    )
    meetings: list[dict[str, Any]] = []
    for part in parsed.calendar_parts:
        meetings.extend(_meetings(part, window, strict=False))
    return {
        "message_id": parsed.message_id,
        "from": {"name": sender.name, "email": sender.email} if sender else None,
        "participants": [
            {"name": p.name, "email": p.email, "role": p.role} for p in parsed.participants
        ],
        "subject": parsed.subject,
        "date": parsed.date.isoformat() if parsed.date else None,
        "automated": automated_reason(parsed) is not None,
        "automated_reason": automated_reason(parsed),
        **to_json_dict(profile),
        "meetings": meetings,
    }


def _calendar(path: Path, data: bytes, window: tuple[datetime, datetime]) -> dict[str, Any]:
    from ingestor.extractors.meetings import CalendarParseError

    try:
        meetings = _meetings(data, window, strict=True)
    except CalendarParseError as e:
        raise ExtractError(f"{path}: {e}") from None
    return {
        "message_id": None,
        "from": None,
        "participants": [],
        "automated": False,
        "new_text": "",
        "signature": None,
        "phones": [],
        "meetings": meetings,
    }


def _meetings(data: bytes, window: tuple[datetime, datetime], strict: bool) -> list[dict[str, Any]]:
    from ingestor.extractors.meetings import CalendarParseError, extract_meetings, meeting_to_json

    try:
        findings = extract_meetings(
            data, owner_addresses=frozenset(), window_start=window[0], window_end=window[1]
        )
    except CalendarParseError:
        if strict:
            raise
        return []
    return [{**meeting_to_json(o), "method": findings.method} for o in findings.occurrences]
