"""What a person's own reply asks for: later, never, someone else, or no more mail.

Rules, precision first (a wrong task is worse than none): a reply is `not_now` only when it
declines or defers AND names a period; `not_interested` only on an explicit decline with no
warmth next to it ("not interested in relocating, but happy to talk" is neither); `referral`
only with a name or an address after a referral cue; `unsubscribe` only on a first-person
request to stop. Reads the new text only: quoted history says what others wrote.
"""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

from ingestor.extractors.leftcompany import ROLE_LOCALS
from ingestor.extractors.periods import period_start
from ingestor.extractors.signaltypes import ReplyIntent

MAX_CHARS = 3000

UNSUBSCRIBE = re.compile(
    r"\b(?:please |pls |kindly )?(?:remove|delete|take) me (?:off|from)\b|\bunsubscribe me\b|"
    r"\bplease unsubscribe\b|\bstop (?:e-?mailing|contacting|messaging|writing to|spamming) me\b|"
    r"\b(?:do not|don['’]t|never) (?:contact|e-?mail|message|write to) me (?:again|any ?more|in the future)|"
    r"\bno (?:more|further) (?:e-?mails|messages|contact),? please|"
    r"не пишите мне|(?:прошу|просьба) (?:больше )?не (?:писать|беспокоить)|больше не пишите|"
    r"удалите меня|отпишите меня|не беспокойте меня|"
    r"keine (?:E-?Mails|Mails|Nachrichten|Anfragen) mehr|kontaktieren Sie mich (?:bitte )?nicht mehr|"
    r"schreiben Sie mir (?:bitte )?nicht mehr|(?:streichen|entfernen|löschen) Sie mich|"
    r"ne (?:me )?(?:contactez|écrivez) plus|(?:merci de|veuillez) ne plus me (?:contacter|écrire)|"
    r"retirez[- ]moi|désinscri(?:vez|re)[- ]moi|supprimez[- ]moi|"
    r"no me (?:escriba|escriban|contacte|contacten|envíe|envíen)n? más|dejen? de escribirme|"
    r"(?:elimínenme|bórrenme|elimíname|bórrame|dame de baja|denme de baja)|"
    r"non (?:contattatemi|scrivetemi|contattarmi|scrivermi) più|(?:rimuovetemi|cancellatemi)|"
    r"não me (?:contate|contatem|escreva|escrevam|envie|enviem) mais|(?:remova-me|removam-me|me removam)|"
    r"pare(?:m)? de me (?:enviar|escrever|contatar)|"
    r"(?:neem|wil) geen contact meer|verwijder (?:mij|me)|mail me niet meer|"
    r"(?:proszę|prosimy) (?:do mnie )?nie pisać|(?:proszę|prosimy) mnie usunąć|nie kontaktujcie się",
    re.IGNORECASE,
)
DEFER = re.compile(
    r"\bnot (?:right )?now\b|not at (?:the|this) (?:moment|time|point|stage)|not the right time|"
    r"bad timing|timing (?:is not|isn['’]t) (?:right|great|good)|not (?:actively )?looking|"
    r"\b(?:circle|check) back|reach out (?:again|back)|get back (?:to me|in touch)|ping me|"
    r"try me|contact me again|follow up (?:with me )?(?:again )?|reconnect|touch base|"
    r"revisit|(?:write|email|talk to) me again|too early|not before|not (?:until|till)|"
    r"nicht jetzt|(?:im Moment|derzeit|zurzeit|momentan|aktuell|gerade) (?:leider )?(?:nicht|kein)|"
    r"melden Sie sich\b[^.!?]{0,40}?\b(?:wieder|nochmal|noch einmal|erneut)|passt es (?:leider )?nicht|"
    r"wir melden uns|ich melde mich|kommen Sie (?:gerne |gern )?(?:wieder |nochmal )?auf mich zu|"
    r"frühestens|nicht vor|"
    r"не сейчас|сейчас не|пока не|напишите|свяжитесь|вернёмся|вернемся|давайте вернуться|"
    r"не раньше|обратитесь (?:ко мне )?(?:снова|ещё раз|еще раз)|"
    r"pas (?:pour le moment|maintenant|en ce moment|pour l['’]instant|tout de suite)|"
    r"recontacte[rz][- ]moi|revenez vers moi|reprenons contact|relancez[- ]moi|pas avant|plus tard|"
    r"ahora no|no es (?:un )?buen momento|por ahora no|en este momento no|de momento no|"
    r"escríbe(?:me|nos)|vuelva a contactar(?:me|nos)|vuelve a escribirme|contáctame|retomemos|no antes de|"
    r"non ora|al momento no|per ora no|in questo momento no|ricontatta(?:mi|temi)|risentiamoci|scrivimi|"
    r"agora não|no momento não|por enquanto não|volte a (?:falar|entrar em contato)|retome o contato|me procure|"
    r"nu niet|op dit moment niet|momenteel niet|neem (?:gerust )?(?:opnieuw |weer |later )?contact|"
    r"kom (?:er )?(?:later )?op terug|"
    r"nie teraz|obecnie nie|w tej chwili nie|(?:proszę|prosimy) (?:się )?odezwać|odezwij się|wróćmy do",
    re.IGNORECASE,
)
DECLINE = re.compile(
    r"\bnot (?:really |currently |at all )?interested\b|\bno interest\b|\bI['’]ll pass(?=[.!,]|\s*$| on (?:this|it|that))|"
    r"\bpass on this\b|\bnot (?:open|considering|looking for) (?:to |any )?(?:new |other )?"
    r"(?:opportunities|roles|positions|offers|a change|a move)|"
    r"\bhappy (?:where I am|in my (?:current )?(?:role|position|job))|"
    r"\bnot for me\b|"
    r"kein(?:erlei)? Interesse|nicht interessiert|kein Bedarf|keinen Bedarf|nicht auf der Suche|"
    r"nicht wechselwillig|"
    r"не интересно|не интересует|неинтересно|не рассматриваю|"
    r"pas intéressée?|ne suis pas intéressée?|ne m['’]intéresse pas|pas à la recherche|"
    r"no me interesa|no estoy interesad[oa]|no estoy buscando|no busco|"
    r"non sono interessat[oa]|non mi interessa|non sto cercando|"
    r"não tenho interesse|não estou interessad[oa]|não me interessa|não estou procurando|"
    r"geen interesse|niet geïnteresseerd|niet op zoek|"
    r"nie jestem zainteresowan[ya]|nie interesuje mnie|nie szukam",
    re.IGNORECASE,
)
# "No thanks" declines only when it is (nearly) the whole reply: "No thanks, I'll wait for
# Cheryl's review" declines something else.
SHORT_DECLINE = re.compile(
    r"^\W*(?:no,? thanks?(?: you)?|no,? thank you|nein,? danke|нет,? спасибо|non,? merci|no,? gracias|"
    r"no,? grazie|não,? obrigad[oa]|nee,? dank(?:je|u)(?: wel)?|nie,? dziękuję)\W*$",
    re.IGNORECASE,
)
WARMTH = re.compile(
    r"sounds (?:great|good|interesting)|would love|happy to (?:chat|talk|hear|discuss|meet)|"
    r"let['’]s (?:talk|chat|meet|schedule)|interested in (?:hearing|learning|the role|this)|"
    r"send (?:me )?(?:more|the details)|call me|I['’]d be (?:happy|glad|keen)|keen to|"
    r"gerne (?:mehr|ein Gespräch|telefonieren)|klingt (?:gut|interessant)|"
    r"интересно,? (?:давайте|расскажите)|давайте созвонимся|"
    r"ça m['’]intéresse|avec plaisir|me interesa mucho|con gusto|mi interessa|tenho interesse|"
    r"graag meer|chętnie",
    re.IGNORECASE,
)
_NAME = r"([A-ZÀ-ÞА-Я][\w'’-]+(?: (?:van |de |von |der )?[A-ZÀ-ÞА-Я][\w'’-]+){1,2})"
REFERRAL = re.compile(
    r"(?:you should|you might want to|you may want to|better to|I['’]d suggest you|I suggest you|"
    r"please) (?:talk|speak|reach out|write|get in touch)(?: to| with)?\s+|"
    r"(?:please |I['’]d suggest |I suggest |try )(?:contact(?:ing)?|reaching out to|emailing)\s+|"
    r"(?:the right|a better|the best|better) (?:person|contact|fit)(?: for this)?(?: would be| is)\s+|"
    r"(?:I['’]ve |I have )?(?:cc['’]?d|copied|looped in|forwarded (?:this|your (?:email|message)) to)\s+"
    r"(?:my colleague |our )?|"
    r"wenden Sie sich (?:bitte |gerne )?an\s+|sprechen Sie (?:bitte |gerne )?mit\s+|"
    r"(?:der richtige|die richtige) Ansprechpartner(?:in)? (?:ist|wäre)\s+|"
    r"обратитесь (?:лучше )?к\s+|напишите (?:лучше )?\s+|свяжитесь (?:лучше )?с\s+|поговорите с\s+|"
    r"adressez[- ]vous à\s+|contactez(?: plutôt)?\s+|la bonne personne (?:est|serait)\s+|"
    r"hable con\s+|contacte (?:con|a)\s+|escriba a\s+|la persona indicada (?:es|sería)\s+|"
    r"parla(?:te)? con\s+|contatta(?:te)?\s+|la persona giusta è\s+|"
    r"fale com\s+|entre em contato com\s+|a pessoa certa é\s+|"
    r"neem contact op met\s+|spreek met\s+|"
    r"(?:proszę|prosimy) (?:o kontakt z|skontaktować się z|napisać do)\s+",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Cues that name a person to talk to without an address: anything weaker needs the address.
STRONG_REFERRAL = re.compile(
    r"(?:you should|you might want to|you may want to|better to|I['’]d suggest you|I suggest you)|"
    r"(?:the right|a better|the best|better) (?:person|contact|fit)|(?:I['’]ve |I have )?(?:cc['’]?d|"
    r"copied|looped in|forwarded)|(?:der richtige|die richtige) Ansprechpartner|la bonne personne|"
    r"la persona indicada|la persona giusta|a pessoa certa",
    re.IGNORECASE,
)
_IF = re.compile(
    r"\b(?:if|should you|wenn|falls|sollten Sie|если|si|se|als|jeśli|jeżeli)\b", re.IGNORECASE
)
_NOT_NAMES = frozenset(
    [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "HR",
        "Human",
        "Resources",
        "The",
        "Our",
        "My",
    ]
)


class _Cues(NamedTuple):
    unsubscribe: re.Pattern[str]
    defer: re.Pattern[str]
    decline: re.Pattern[str]
    warmth: re.Pattern[str]
    referral: re.Pattern[str]


def _lowercased(rx: re.Pattern[str]) -> re.Pattern[str]:
    """`rx` for lowercased text: its literals lowercased (escapes kept), without IGNORECASE,
    which makes Python's re compare every character case-folded (3x slower on these)."""
    source = re.sub(r"\\.|[^\\]+", lambda m: m[0] if m[0][0] == "\\" else m[0].lower(), rx.pattern)
    return re.compile(source, rx.flags & ~re.IGNORECASE)


_ANY_CASE = _Cues(UNSUBSCRIBE, DEFER, DECLINE, WARMTH, REFERRAL)
_LOWER_CASE = _Cues(*(_lowercased(rx) for rx in _ANY_CASE))


def reply_intent(
    new_text: str, sent: date, sender_email: str | None, sender_name: str | None
) -> ReplyIntent | None:
    """The intent of a person's own reply, from its new text; None when it states none."""
    text = " ".join(new_text[:MAX_CHARS].split())
    if not text:
        return None
    lowered = text.lower()
    # The cues run on the lowercased text, whose positions are the text's ("İ" is the one
    # letter whose lowercase is longer: then they run case-insensitively on the text itself).
    cues, haystack = (_LOWER_CASE, lowered) if len(lowered) == len(text) else (_ANY_CASE, text)
    m = cues.unsubscribe.search(haystack)
    if m:
        return ReplyIntent("unsubscribe", None, None, None, _around(text, m))
    referral = _referral(text, haystack, cues.referral, sender_email, sender_name)
    if referral is not None:
        return referral
    defer = cues.defer.search(haystack)
    decline = cues.decline.search(haystack) or SHORT_DECLINE.match(_without_signoff(text))
    if defer or decline:
        anchors = [m.start() for m in cues.defer.finditer(haystack)]
        anchors += [decline.start()] if decline else []
        period = period_start(text, sent, anchors)
        if period is not None:
            cue = defer or decline
            assert cue is not None
            return ReplyIntent("not_now", period[0], None, None, _around(text, cue))
    if decline and not cues.warmth.search(haystack) and not _quoted_or_asked(text, decline):
        return ReplyIntent("not_interested", None, None, None, _around(text, decline))
    return None


def _referral(
    text: str,
    haystack: str,
    cues: re.Pattern[str],
    sender_email: str | None,
    sender_name: str | None,
) -> ReplyIntent | None:
    own = (sender_email or "").lower()
    for cue in cues.finditer(haystack):
        after = text[cue.end() : cue.end() + 100]
        email_m = _EMAIL.search(after[:80])
        name_m = re.match(_NAME, after)
        email = email_m.group(0).rstrip(".").lower() if email_m else None
        if email and (email == own or email.split("@")[0] in ROLE_LOCALS):
            email = None
        name = name_m.group(1) if name_m else None
        if name and (name.split()[0] in _NOT_NAMES or (sender_name and name in sender_name)):
            name = None
        if email and name is None and email_m and email_m.start() > 40:
            email = None  # an address far from the cue belongs to something else
        if not (name or email) or _conditional(text, cue.start()):
            continue
        if email is None and not STRONG_REFERRAL.match(cue.group(0)):
            continue  # "please contact Susan Lewis (x5471)" is an instruction, not a referral
        return ReplyIntent("referral", None, name, email, _around(text, cue))
    return None


def _conditional(text: str, at: int) -> bool:
    """'If you have questions, please contact ...': the sentence sets a condition first."""
    start = max(text.rfind(".", 0, at), text.rfind("!", 0, at), text.rfind("?", 0, at)) + 1
    return bool(_IF.search(text[max(start, at - 120) : at]))


def _quoted_or_asked(text: str, m: re.Match[str]) -> bool:
    """'If you are not interested...' and 'Are you not interested?' decline nothing."""
    before = text[max(0, m.start() - 25) : m.start()].lower()
    sentence_end = text.find("?", m.end())
    asked = (
        sentence_end != -1
        and "." not in text[m.end() : sentence_end]
        and sentence_end - m.end() < 60
    )
    return asked or bool(
        re.search(r"\b(?:if|whether|unless|wenn|falls|если|si|se|als|jeśli)\b", before)
    )


def _without_signoff(text: str) -> str:
    """The reply without a trailing sign-off or device line ("Sent from my iPhone", "Best, Kim")."""
    text = re.sub(
        r"(?i)\b(?:sent from my \w+|von meinem \w+ gesendet|отправлено с \w+)\W*$", "", text
    )
    return re.sub(
        r"(?i)(?<=[.!?,])\s*(?:best|regards|kind regards|cheers|br|mfg|grüße|с уважением|cordialement|saludos)\b.{0,40}$",
        "",
        text,
    ).strip()


def _around(text: str, m: re.Match[str]) -> str:
    return text[max(0, m.start() - 60) : m.end() + 60].strip()[:200]
