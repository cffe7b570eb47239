"""Missed-call and voicemail notices from phone systems: who called, how long, what they said.

The system is told by its headers (Asterisk/FreePBX's X-Asterisk-VM-*), its sender's domain or
its name in the sender or the first lines; the call by the notice's words. A notice that names a
system but no call (a RingCentral invoice, a Zoom meeting invite) is not a call. The caller's
number is read with phonenumbers in the mailbox's region; an internal extension stays None.
"""

from __future__ import annotations

import re

import phonenumbers

from ingestor.extractors.signaltypes import CallStatus, PhoneCall
from ingestor.model import ParsedMessage

SENDER_DOMAINS: dict[str, str] = {
    "txt.voice.google.com": "google_voice",
    "voice.google.com": "google_voice",
    "ringcentral.com": "ringcentral",
    "zoom.us": "zoom_phone",
    "zoom.com": "zoom_phone",
    "aircall.io": "aircall",
    "dialpad.com": "dialpad",
    "3cx.net": "3cx",
    "3cx.com": "3cx",
    "teams.microsoft.com": "teams",
    "email.teams.microsoft.com": "teams",
}
GOOGLE_VOICE_SENDERS = frozenset({"voice-noreply@google.com"})
BRANDS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"google voice", re.I), "google_voice"),
    (re.compile(r"ringcentral", re.I), "ringcentral"),
    (re.compile(r"zoom phone|zoom voicemail", re.I), "zoom_phone"),
    (re.compile(r"\baircall\b", re.I), "aircall"),
    (re.compile(r"\bdialpad\b", re.I), "dialpad"),
    (re.compile(r"\b3cx\b", re.I), "3cx"),
    (
        re.compile(
            r"microsoft teams|\bteams voicemail|skype for business|exchange unified messaging", re.I
        ),
        "teams",
    ),
    (re.compile(r"freepbx|asterisk", re.I), "asterisk"),
]
VOICEMAIL = re.compile(
    r"voice ?mail|voice message|new message \d+ in mailbox|left (?:you )?a .{0,20}message|"
    r"sprachnachricht|mailbox-nachricht|голосов\w+ (?:сообщени|почт)|message vocal|messagerie vocale|"
    r"mensaje de voz|buzón de voz|messaggio vocale|segreteria|mensagem de voz|correio de voz|"
    r"voicemailbericht|wiadomość głosowa|poczta głosowa",
    re.IGNORECASE,
)
MISSED = re.compile(
    r"missed (?:a )?call|missed call|call missed|verpasste[rn]? anruf|anruf verpasst|"
    r"пропущенн\w+ (?:вызов|звон)|appel manqué|llamada perdida|chiamata persa|"
    r"chamada perdida|gemiste oproep|nieodebrane połączenie",
    re.IGNORECASE,
)
_DURATION_HMS = re.compile(
    r"(?:duration|length|dauer|длительность|durée|duración|durata|duração|duur|czas)\s*[:=]?\s*"
    r"(?:(\d{1,2}):)?(\d{1,2}):(\d{2})\b",
    re.IGNORECASE,
)
_DURATION_WORDS = re.compile(
    r"(?:duration|length|dauer|durée|duración|durata)\s*[:=]?\s*(?:(\d+)\s*(?:min(?:ute)?s?|m)\s*)?"
    r"(\d+)\s*(?:sec(?:ond)?s?|s)\b",
    re.IGNORECASE,
)
_ASTERISK_LONG = re.compile(r"left a (\d{1,2}):(\d{2}) long message")
_TRANSCRIPT = re.compile(
    r"(?:transcription(?: preview)?|transcript|voicemail transcription|message text|"
    r"transkription|расшифровка|transcripción|trascrizione|transcrição)\s*[:\-]\s*\n?\s*(.+?)(?:\n\s*\n|$)",
    re.IGNORECASE | re.DOTALL,
)
_FROM_NAME = re.compile(
    r"(?:from|von|от|de)\s+(?!\+|\(|\d)([A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,2})(?=\s*[(<,]|\s+(?:at|on)\s|\s*$)",
)
ASTERISK_HEADERS = (
    "x-asterisk-vm-caller-id-num",
    "x-asterisk-vm-message-num",
    "x-asterisk-vm-duration",
)
_NOT_CALLER = frozenset(
    {"WIRELESS CALLER", "Unknown", "UNKNOWN", "Anonymous", "Private", "Wireless Caller"}
)


def phone_system(parsed: ParsedMessage, text: str) -> str | None:
    """Which phone system sent `parsed`, or None when none of them did."""
    if any(h in parsed.headers for h in ASTERISK_HEADERS):
        return "asterisk"
    sender = parsed.sender
    if sender is not None:
        if sender.email in GOOGLE_VOICE_SENDERS:
            return "google_voice"
        domain = sender.email.rpartition("@")[2]
        for known, system in SENDER_DOMAINS.items():
            if domain == known or domain.endswith("." + known):
                return system
    head = " ".join([sender.name or "" if sender else "", parsed.subject or "", text[:1500]])
    for pattern, system in BRANDS:
        if pattern.search(head):
            return system
    return None


def phone_call(parsed: ParsedMessage, text: str, region: str = "US") -> PhoneCall | None:
    """The call a phone system's notice reports, or None."""
    system = phone_system(parsed, text)
    if system is None:
        return None
    subject = parsed.subject or ""
    status = _status(subject, text[:1500], system, parsed)
    if status is None:
        return None
    h = parsed.headers
    number = _e164(h.get("x-asterisk-vm-caller-id-num", ""), region)
    if number is None:
        number = _first_number(subject, region) or _first_number(text[:2000], region)
    name = (h.get("x-asterisk-vm-caller-id-name") or "").strip().strip('"') or None
    if name is None:
        m = _FROM_NAME.search(subject)
        name = m.group(1) if m else None
    if name in _NOT_CALLER or (name and re.search(r"\d", name)):
        name = None
    return PhoneCall(
        system=system,
        status=status,
        number_e164=number,
        caller_name=name,
        duration_s=_duration(h, text),
        transcript=_transcript(text) if status == "voicemail" else None,
        evidence=f"{system}: {subject[:80]}",
    )


def _status(subject: str, text: str, system: str, parsed: ParsedMessage) -> CallStatus | None:
    if system == "asterisk" and any(h in parsed.headers for h in ASTERISK_HEADERS):
        return "voicemail"
    for where in (subject, text):
        if MISSED.search(where):
            return "missed"
        if VOICEMAIL.search(where):
            return "voicemail"
    return None


def _e164(raw: str, region: str) -> str | None:
    digits = re.sub(r"[^\d+]", "", raw)
    if len(digits.lstrip("+")) < 7:
        return None
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _first_number(text: str, region: str) -> str | None:
    for match in phonenumbers.PhoneNumberMatcher(
        text, region, leniency=phonenumbers.Leniency.POSSIBLE
    ):
        before = text[max(0, match.start - 12) : match.start].lower()
        if re.search(r"(?:to|an|на|à|a)\s*:?\s*$|extension|ext\.?\s*$|mailbox\s*$", before):
            continue  # the number called, not the caller
        return phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
    return None


def _duration(headers: dict[str, str], text: str) -> int | None:
    raw = headers.get("x-asterisk-vm-duration", "").strip()
    if raw.isdigit():
        return int(raw)
    m = _DURATION_HMS.search(text) or _ASTERISK_LONG.search(text)
    if m:
        parts = [int(g) for g in m.groups() if g is not None]
        total = 0
        for p in parts:
            total = total * 60 + p
        return total
    w = _DURATION_WORDS.search(text)
    if w:
        return int(w.group(1) or 0) * 60 + int(w.group(2))
    return None


def _transcript(text: str) -> str | None:
    m = _TRANSCRIPT.search(text)
    if m is None:
        return None
    snippet = " ".join(m.group(1).split())
    return snippet[:500] or None
