"""Automatic replies: which header or subject says so, and whether it is an out-of-office.

An auto-reply is told by its headers (RFC 3834 Auto-Submitted, the X-Autoreply family,
Precedence: auto_reply, Exchange's inbox-rules loop marker together with its suppress request)
or by a localized subject prefix. X-Auto-Response-Suppress alone only asks others not to
answer: Outlook sets it on ordinary mail too. An auto-reply is an out-of-office only when it
speaks of an absence: a ticket system's "we received your request" is not one.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from ingestor.extractors.returndate import read_return_date, working_day_after
from ingestor.extractors.signaltypes import OutOfOffice
from ingestor.model import ParsedMessage

NO_DATE_DAYS = 7

# Localized subject prefixes of out-of-office replies (Outlook, Exchange, Gmail, mobile clients).
OOO_SUBJECT = re.compile(
    r"^\s*(?:\[[^\]]{1,30}\]\s*)?(?:"
    r"automatic reply|auto[- ]?reply|auto[- ]?response|autoresponse|out of (?:the )?office"
    r"(?: reply| autoreply| notice)?|away from (?:the )?office|on vacation|vacation reply|"
    r"abwesenheitsnotiz|automatische antwort|abwesend|nicht im büro|"
    r"réponse automatique|absence du bureau|absent du bureau|absence|"
    r"автоответ|автоматический ответ|нет на месте|в отпуске|"
    r"respuesta automática|fuera de la oficina|ausente|"
    r"risposta automatica|fuori sede|fuori ufficio|"
    r"resposta automática|ausência(?: do escritório)?|fora do escritório|"
    r"automatisch antwoord|afwezig|niet aanwezig|"
    r"odpowiedź automatyczna|autoodpowiedź|automatyczna odpowiedź|poza biurem|nieobecność"
    r")\s*(?::|$|-\s)",
    re.IGNORECASE,
)
# Words of an absence, in the same languages; an auto-reply without one is not an OOO.
ABSENCE = re.compile(
    r"out of (?:the )?office|\booo\b|away from|\baway\b|on (?:annual |parental |sick |maternity )?"
    r"leave|vacation|holiday|travell?ing|limited access|not in the office|off work|"
    r"abwesen|urlaub|nicht im büro|außer haus|nicht erreichbar|dienstreise|elternzeit|"
    r"отпуск|командировк|отсутств|нет на месте|не в офисе|вне офиса|"
    r"absente?\b|absence|congés?\b|vacances|en déplacement|hors du bureau|"
    r"fuera de la oficina|vacaciones|ausente|de viaje|"
    r"fuori (?:sede|ufficio)|ferie|assente|in viaggio|"
    r"fora do escritório|férias|ausente|em viagem|ausência|"
    r"afwezig|vakantie|niet aanwezig|verlof|"
    r"poza biurem|urlop|nieobecn|nieobecność|w podróży",
    re.IGNORECASE,
)


def auto_reply_evidence(parsed: ParsedMessage) -> str | None:
    """The header (or subject) that shows `parsed` is an automatic reply, or None."""
    h = parsed.headers
    auto = h.get("auto-submitted", "").strip().lower()
    if auto.startswith("auto-replied"):
        return "Auto-Submitted: auto-replied"
    for name in ("x-autoreply", "x-autorespond"):
        value = h.get(name)
        if value is not None and value.strip().lower() not in ("no", "false", "0"):
            return f"{name}: {value.strip()[:40]}"
    if h.get("precedence", "").strip().lower() == "auto_reply":
        return "Precedence: auto_reply"
    if "x-ms-exchange-inbox-rules-loop" in h and "x-auto-response-suppress" in h:
        return "X-MS-Exchange-Inbox-Rules-Loop"
    subject = parsed.subject or ""
    if OOO_SUBJECT.match(subject):
        return f"subject: {subject[:60]}"
    return None


def out_of_office(
    parsed: ParsedMessage, text: str, evidence: str, sent: date, region: str = "US"
) -> OutOfOffice | None:
    """The out-of-office reading of an auto-reply, or None when it speaks of no absence."""
    subject = parsed.subject or ""
    if not (OOO_SUBJECT.match(subject) or ABSENCE.search(text[:5000])):
        return None
    return_date, language = read_return_date(text, sent, region)
    due = working_day_after(return_date) if return_date else sent + timedelta(days=NO_DATE_DAYS)
    return OutOfOffice(return_date=return_date, due=due, language=language, evidence=evidence)
