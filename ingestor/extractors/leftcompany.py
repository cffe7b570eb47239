"""'No longer with the company' replies, and who to write to instead when they say.

Read from auto-replies (the mailbox speaks of its owner, often in the third person) and from a
person's own new text in the first person only ("I have left Acme"): a colleague writing "Anna
has left" is about someone else than the sender, and a wrong job change is worse than none.
"""

from __future__ import annotations

import re

from ingestor.extractors.signaltypes import LeftCompany

_COMPANY = r"(?:the |our )?(?:company|firm|organi[sz]ation|business|team|[A-Z][\w&.-]+(?: [A-Z][\w&.-]+){0,2})"
# Third person (auto-replies) and first person.
LEFT_THIRD = re.compile(
    rf"\b(?:is|are) no longer (?:with {_COMPANY}|with us|employed|working (?:at|for|with)|"
    rf"part of {_COMPANY}|at {_COMPANY})|\bno longer works? (?:at|for|with|here)|"
    rf"\bhas (?:now )?left {_COMPANY}|\bhas left\b(?= and| as of| on| effective|\.)|"
    r"\bhas (?:now )?departed|\bno longer employed|"
    r"nicht mehr (?:bei|für|im Unternehmen|in unserem Unternehmen|Teil)|"
    r"(?:hat|haben) (?:das Unternehmen|die Firma|unser Unternehmen) verlassen|ausgeschieden|"
    r"больше не работа|не является сотрудник|покинул[аи]? компанию|уволил(?:ся|ась)|"
    r"ne fait plus partie|a quitté (?:la société|l['’]entreprise|le groupe|notre)|"
    r"ne travaille plus|n['’]est plus (?:en poste|chez|salarié)|"
    r"ya no (?:trabaja|forma parte|está en)|ha dejado (?:la empresa|la compañía)|dejó la empresa|"
    r"non (?:lavora|fa) più|ha lasciato (?:l['’]azienda|la società)|non è più (?:in|con|parte)|"
    r"não (?:trabalha|faz parte|faz) mais|já não (?:trabalha|faz parte)|deixou a empresa|"
    r"niet meer (?:werkzaam|in dienst)|werkt niet meer|is uit dienst|heeft (?:het bedrijf|ons) verlaten|"
    r"nie pracuje już|już nie pracuje|nie jest już pracownik|opuścił[a]? firmę",
    re.IGNORECASE,
)
LEFT_FIRST = re.compile(
    rf"\bI(?:'ve| have) (?:now )?left {_COMPANY}|\bI (?:left|am no longer with|no longer work "
    rf"(?:at|for)) {_COMPANY}|\bI(?:'m| am) no longer (?:with|at|working (?:at|for)) {_COMPANY}|"
    r"\bich bin nicht mehr bei|\bich habe (?:das Unternehmen|die Firma) verlassen|"
    r"я больше не работаю|я уволил(?:ся|ась)|je ne fais plus partie|j['’]ai quitté (?:la société|"
    r"l['’]entreprise)|je ne travaille plus|ya no trabajo|he dejado la empresa|"
    r"non lavoro più|ho lasciato l['’]azienda|não trabalho mais|já não trabalho|"
    r"ik werk niet meer|ik ben niet meer werkzaam|już nie pracuję|nie pracuję już",
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_NAME = r"([A-ZÀ-ÞА-Я][\w'’-]+(?: (?:van |de |von |der )?[A-ZÀ-ÞА-Я][\w'’-]+){1,2})"
CONTACT_CUE = re.compile(
    r"(?:contact|reach(?: out to)?|write to|email|e-mail|get in touch with|direct (?:your )?\w+ to|"
    r"successor(?: is)?|replaced by|taken over by|take over|colleague|wenden Sie sich (?:bitte )?an|"
    r"kontaktieren Sie|Nachfolger(?:in)?(?: ist)?|Ansprechpartner(?:in)?(?: ist)?|"
    r"обращайтесь к|обратитесь к|пишите|свяжитесь с|contacter|contactez|adresser à|"
    r"contacte con|contactar con|contacte a|escriba a|contatta(?:re)?|rivolgersi a|"
    r"entre em contato com|contacte|neem contact op met|kontakt z|prosimy o kontakt z)\s*:?\s*"
    r"(?:(?:my |our |his |her )?(?:colleague|successor|Kollegin|Kollegen|коллег[еу]|"
    r"collègue|colega|collega)\s*,?\s*)?",
    re.IGNORECASE,
)
ROLE_LOCALS = frozenset(
    [
        "info",
        "support",
        "sales",
        "hr",
        "office",
        "contact",
        "hello",
        "team",
        "admin",
        "service",
        "kontakt",
        "help",
        "jobs",
        "careers",
        "noreply",
        "no-reply",
        "postmaster",
    ]
)


def left_company(text: str, sender_email: str | None, auto: bool) -> LeftCompany | None:
    """The 'left the company' reading of `text` (an auto-reply when `auto`), or None."""
    text = text[:10_000]
    m = (LEFT_THIRD.search(text) if auto else None) or LEFT_FIRST.search(text)
    if m is None:
        return None
    name, email = replacement(text, sender_email)
    return LeftCompany(
        replacement_name=name, replacement_email=email, evidence=_sentence(text, m.start())
    )


def replacement(text: str, sender_email: str | None) -> tuple[str | None, str | None]:
    """The person (and address) the text tells readers to write to instead."""
    own = (sender_email or "").lower()
    email = None
    for found in _EMAIL.finditer(text):
        addr = found.group(0).rstrip(".").lower()
        if addr != own and addr.split("@")[0] not in ROLE_LOCALS:
            email = addr
            before = text[max(0, found.start() - 60) : found.start()]
            named = re.search(_NAME + r"\s*[(<\[]?\s*(?:at |under |:|-|–)?\s*$", before)
            if named:
                return named.group(1), email
            break
    for cue in CONTACT_CUE.finditer(text):
        named = re.match(_NAME, text[cue.end() : cue.end() + 60])
        if named:
            return named.group(1), email
    return None, email


def _sentence(text: str, at: int) -> str:
    start = max(text.rfind(".", 0, at), text.rfind("\n", 0, at)) + 1
    end_dot = text.find(".", at)
    end = end_dot + 1 if end_dot != -1 else len(text)
    return " ".join(text[start:end].split())[:200]
