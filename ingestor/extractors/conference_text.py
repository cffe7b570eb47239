"""Conference boilerplate out of meeting descriptions, the join link kept.

Teams, Zoom, Google Meet and Webex append the same screenful to every invitation (join text,
meeting IDs, passcodes, dial-in lists, "do not edit" notes), in the organizer's language. A
timeline shows what the organizer wrote; the one thing worth keeping from the boilerplate is
its join link, returned apart.

Two kinds of block:
- delimited: Teams puts its block between lines of underscores, Google Calendar between
  "-::~:~::~…" lines. Everything from the first such line to the last one goes.
- undelimited (Zoom, Webex, Google Meet without separators, Teams without underscores): a line
  naming the service with a join word or its link starts the block, and it runs on over the
  lines that look like boilerplate (IDs, passcodes, numbers, links, the services' phrases),
  up to the first line of prose.

Works on full descriptions and on snippets whose whitespace was collapsed into one line
(interactions stored before this module existed). Pure; linear in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingestor.extractors.conference import join_link

MAX_CHARS = 200_000  # of a description looked at; the rest is cut (descriptions are capped)

_UNDERSCORES = re.compile(r"_{20,}")
_GOOGLE_SEP = re.compile(r"-::~[:~]{6,}-?")
_URL = re.compile(r"<?\b(?:https?|tel|sip)://?[^\s<>]*>?|<?\btel:[^\s<>]*>?", re.IGNORECASE)
_BRAND = re.compile(r"zoom|microsoft teams|teams-|google meet|webex|meet\.google\.com", re.I)
# Words that make a line naming a service the start of its block ("Join Zoom Meeting",
# "Microsoft Teams-Besprechung", "Participer avec Google Meet", "Подключиться к конференции").
_JOIN_WORD = re.compile(
    r"join|meeting|beitreten|teilnehmen|besprechung|réunion|participer|rejoindre|reunión"
    r"|unirse|únase|conferencia|конференц|собрани|встреч|подключ|присоедин|войти",
    re.IGNORECASE,
)
# The sentence Zoom opens with: "<name> is inviting you to a scheduled Zoom meeting."
_ZOOM_INVITE = re.compile(
    r"is inviting you to a scheduled zoom|lädt sie zu einem geplanten zoom|vous invite à une"
    r" réunion zoom|le está invitando a una reunión de zoom|te está invitando a una reunión"
    r" de zoom|приглашает вас на запланированную конференцию",
    re.IGNORECASE,
)
# Lines that open a block whatever else they say (Webex's own marker among them).
_BLOCK_START = re.compile(
    r"do not delete or change any of the following text|join the webex meeting"
    r"|" + _ZOOM_INVITE.pattern,
    re.IGNORECASE,
)
_ZOOM_INVITE_SENTENCE = re.compile(
    r"(?<=[.!?])[ \t]+(?=[^.!?\n]{0,100}(?:" + _ZOOM_INVITE.pattern + "))", re.IGNORECASE
)
# Phrases that start a block in the middle of a collapsed snippet: a line break goes before.
_SPLIT_BEFORE = re.compile(
    r"[ \t]+(?=(?:join zoom meeting|zoom-meeting beitreten|participer à la réunion zoom"
    r"|unirse a la reunión (?:de )?zoom|подключиться к конференции zoom"
    r"|join with google meet|mit google meet teilnehmen|participer avec google meet"
    r"|unirse con google meet|присоединиться к google meet|join webex meeting"
    r"|microsoft teams[- ](?:meeting|besprechung)|réunion microsoft teams"
    r"|reunión de microsoft teams|собрание microsoft teams"
    r"|-- do not delete or change any of the following text)\b)",
    re.IGNORECASE,
)
# What the lines of a block say, in the services' languages.
_BOILERPLATE = re.compile(
    r"meeting[- ]?id|meeting number|besprechungs-id|konferenz-id|id de (?:la )?réunion"
    r"|id de (?:la )?reunión|id de conférence|id de conferencia|идентификатор|passcode"
    r"|password|kennung|kenncode|code secret|mot de passe|código|contraseña|код доступа"
    r"|пароль|\bpin\b|access code|conference id|one tap mobile|dial by your location"
    r"|find your local number|find a local number|join by|or call in|or dial|dial[- ]?in"
    r"|\bdial\b|einwahl|composez|appel audio|marcar|llamar|por teléfono|набор|позвон"
    r"|по телефону|more phone numbers|learn more|need help|meeting options|besprechungsoptionen"
    r"|options de (?:la )?réunion|opciones de (?:la )?reunión|параметры (?:собрания|встречи)"
    r"|reset (?:dial-in )?pin|please do not edit|do not delete|tap to join|click here to join"
    r"|klicken sie hier|cliquez ici|haga clic aquí|hacer clic aquí|щелкните здесь|нажмите здесь"
    r"|join on your computer|join the meeting|join from|join meeting|nehmen sie|rejoindre"
    r"|participer|unirse|únase|присоедин|подключ|schnelleinwahl|appuyez une fois|un toque"
    r"|быстрое подключение|ortseinwahl|trouver votre numéro|encuentre su número|найдите"
    r"|audio only|nur audio|audio uniquement|solo audio|только звук|for organizers"
    r"|für organisatoren|pour les organisateurs|para organizadores|для организаторов"
    r"|you can also dial|enter your meeting number|video system|zoomcrc|h\.323|\bsip\b"
    r"|zoom|webex|google meet|meet\.google\.com|microsoft teams",
    re.IGNORECASE,
)
_LETTER = re.compile(r"[^\W\d_]")
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class MeetingText:
    """A description without its conference boilerplate, and the block's join link."""

    text: str
    join_url: str | None
    stripped: bool  # some boilerplate was found and removed


def strip_conference(description: str | None) -> MeetingText:
    """The organizer's own words of a meeting description, and the conference join link."""
    if not description:
        return MeetingText("", None, False)
    text = description[:MAX_CHARS].replace("\r\n", "\n").replace("\r", "\n")
    text = _UNDERSCORES.sub(lambda m: "\n" + m.group(0) + "\n", text)
    text = _GOOGLE_SEP.sub(lambda m: "\n" + m.group(0) + "\n", text)
    text = _SPLIT_BEFORE.sub("\n", text)
    text = _ZOOM_INVITE_SENTENCE.sub("\n", text)
    lines = [line.strip() for line in text.split("\n")]
    keep = [True] * len(lines)
    for sep in (_UNDERSCORES, _GOOGLE_SEP):
        marks = [i for i, line in enumerate(lines) if sep.fullmatch(line)]
        if marks:
            last = marks[-1] if len(marks) > 1 else len(lines) - 1
            for i in range(marks[0], last + 1):
                keep[i] = False
    i = 0
    while i < len(lines):
        if keep[i] and _starts_block(lines[i]):
            keep[i] = False
            i += 1
            while i < len(lines) and keep[i] and _is_boilerplate(lines[i]):
                keep[i] = False
                i += 1
            continue
        i += 1
    removed = "\n".join(line for line, k in zip(lines, keep, strict=True) if not k)
    kept = "\n".join(line for line, k in zip(lines, keep, strict=True) if k)
    kept = re.sub(r"\n{3,}", "\n\n", kept).strip()
    if not removed.strip():
        return MeetingText(kept, join_link(kept), False)
    return MeetingText(kept, join_link(removed) or join_link(kept), True)


def _starts_block(line: str) -> bool:
    if _BLOCK_START.search(line):
        return True
    brand = _BRAND.search(line)
    if brand is None:
        return False
    rest = _URL.sub(" ", line)
    # "Join Zoom Meeting", "Microsoft Teams-Besprechung", or the service's link beside its name;
    # a sentence that merely names the service ("we moved to Zoom last year") is prose.
    return bool(_JOIN_WORD.search(rest) and len(_LETTER.findall(rest)) <= 80) or bool(
        _URL.search(line) and len(_LETTER.findall(rest)) <= 40
    )


def _is_boilerplate(line: str) -> bool:
    if not line or line.strip("-•*·=~_ ") == "":
        return True  # blank, or a "---" divider
    rest = _URL.sub(" ", line)
    letters = len(_LETTER.findall(rest))
    if letters == 0:
        return True  # a link, a number
    if _BOILERPLATE.search(rest) and letters <= 90:
        return True
    # A dial-in line: "+1 312 555 0123 US (Chicago)", "162.255.37.11 (US West)".
    return len(_DIGIT.findall(rest)) >= 6 and letters <= 30
