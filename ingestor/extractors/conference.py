"""Conference links, dial-in numbers, and whether an event is a call or a meeting.

A dial-in number belongs to the conferencing service, never to a participant: callers keep these
numbers away from contacts.
"""

from __future__ import annotations

import re

from icalendar import Component

from ingestor.extractors.icsprops import text_of
from ingestor.extractors.occurrences import Kind

_CONFERENCE = re.compile(
    r"https://(?:[\w-]+\.)*(?:zoom\.us|zoomgov\.com|teams\.microsoft\.com|teams\.live\.com"
    r"|meet\.google\.com|webex\.com|gotomeeting\.com|meet\.goto\.com|whereby\.com|meet\.jit\.si"
    r"|bluejeans\.com|chime\.aws)(?:/[^\s<>\"'\]\)]{0,2000})?",
    re.IGNORECASE,
)
_NOT_A_JOIN_LINK = re.compile(r"//dialin\.|zoom\.us/u/|/meetingOptions|/support", re.IGNORECASE)
_CONFERENCE_PROPS = (
    "X-GOOGLE-CONFERENCE",
    "X-MICROSOFT-SKYPETEAMSMEETINGURL",
    "X-MICROSOFT-ONLINEMEETINGURL",
    "X-MICROSOFT-ONLINEMEETINGEXTERNALLINK",
    "CONFERENCE",
)


def conference_url(comp: Component, description: str | None) -> str | None:
    for name in _CONFERENCE_PROPS:
        value = text_of(comp, name, 2000)
        if value and value.lower().startswith("https://"):
            return value
    for text in (text_of(comp, "URL", 2000), text_of(comp, "LOCATION"), description):
        url = join_link(text)
        if url:
            return url
    return None


def join_link(text: str | None) -> str | None:
    """The first conference join link in a text (not a dial-in page or a help page)."""
    for m in _CONFERENCE.finditer(text or ""):
        url = m.group(0).rstrip(".,;:!?")
        if not _NOT_A_JOIN_LINK.search(url):
            return url
    return None


_CONFERENCE_CONTEXT = re.compile(
    r"dial[- ]?in|join by phone|one tap mobile|dial by your location|conference id|meeting id"
    r"|\bpin\b|passcode|zoom|teams|meet\.google|webex|einwahl|konferenz|tel:",
    re.IGNORECASE,
)
# Not after "," "#" "*": in "+16465588656,,85012345678#" only the first run is a phone.
_NUMBER = re.compile(r"(?<![\w+,#*])(?:\+|00)?\(?\d[\d \t().\-/]{5,24}\d(?![\w])")
_WEB_LINK = re.compile(r"\b(?:https?|ftp)://\S+", re.IGNORECASE)
_ID_LABEL = re.compile(
    r"(?:\bid|\bpin|passcode|password|code|kenncode|konferenz-id|webinar)\s*[:#.]?\s*$",
    re.IGNORECASE,
)
_DATE_LIKE = re.compile(r"^\d{4}[-./]\d{1,2}[-./]\d{1,2}$|^\d{1,2}[-./]\d{1,2}[-./]\d{4}$")


def dial_in_numbers(description: str | None, conference: str | None) -> list[str]:
    """Phone numbers in a conferencing description: the caller keeps them away from contacts."""
    if not description or not (conference or _CONFERENCE_CONTEXT.search(description)):
        return []
    description = _WEB_LINK.sub(" ", description)  # meeting numbers inside join links
    found: list[str] = []
    for m in _NUMBER.finditer(description):
        raw = m.group(0)
        line_start = description.rfind("\n", 0, m.start()) + 1
        if _ID_LABEL.search(description[max(line_start, m.start() - 30) : m.start()]):
            continue  # "Meeting ID: 850 1234 5678", "PIN: 123 456 789#" are not phones
        if _DATE_LIKE.match(raw.strip()):
            continue
        digits = re.sub(r"\D", "", raw)
        international = raw.startswith(("+", "00"))
        if international and raw.startswith("00"):
            digits = digits[2:]
        if not (8 if international else 10) <= len(digits) <= 15:
            continue
        number = ("+" if international else "") + digits
        if number not in found:
            found.append(number)
        if len(found) >= 50:
            break
    return found


_PHONE_LOCATION = re.compile(r"^\s*(?:tel:)?\s*\+?[\d \t().\-/]{7,30}\s*$", re.IGNORECASE)
_CALL_TITLE = re.compile(
    r"^\s*(?:quick\s+|short\s+|intro\s+|phone\s+|follow[- ]up\s+)?call\b"
    r"|\bcall\s+(?:with|w/|mit|avec|con)\b"
    r"|\bphone\s+(?:call|screen|screening|interview|chat)\b"
    r"|\b(?:звонок|созвон|телефонн)\w*"
    r"|\b(?:telefonat|anruf|telefoninterview|telefongespr[äa]ch|rückruf)\w*"
    r"|\bllamada\b|\bappel\s+(?:avec|t[ée]l[ée]phonique)",
    re.IGNORECASE,
)


def meeting_kind(
    url: str | None,
    summary: str | None,
    location: str | None,
    description: str | None,
    conference: str | None,
) -> Kind:
    if (url or "").lower().startswith("tel:") or "tel:" in (location or "").lower():
        return "call"
    if location and _PHONE_LOCATION.match(location) and len(re.sub(r"\D", "", location)) >= 7:
        return "call"
    if conference:
        # "Call with Maria" on Zoom is a video meeting; Teams and Zoom invites also carry tel:
        # links for their dial-in, which say nothing about the meeting itself.
        return "meeting"
    if summary and _CALL_TITLE.search(summary):
        return "call"
    return "call" if description and "tel:" in description.lower() else "meeting"
