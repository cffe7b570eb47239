"""Separate what the sender wrote now from the quoted history and forwarded mail under it.

A message's text is read line by line. History is recognised by the marks the mail clients put
above it:

- "> " prefixes (every client in plain text; htmltext.py turns HTML quote containers into them);
- attribution lines: "On … wrote:" (Gmail, Apple Mail, Thunderbird; also wrapped over two or
  three lines), "Am … schrieb …:", "… hat am … geschrieben:", "Le … a écrit :", "El … escribió:",
  "… написал(а):", Gmail's bare "2017-03-02 15:57 GMT+02:00 Name <a@b>:", "Name wrote:" (Nabble,
  old Outlook Express), Horde's "Quoting Name <a@b>:", GroupWise's ">>> Name 2/16/01 10:41 am >>>";
- Outlook separators and header blocks: "-----Original Message-----", the "____" rule, and the
  "From:/Sent:/To:/Subject:" block alone (also bold "*From:*" from HTML, and its forms in de, fr,
  ru, es, pt, it, nl, pl, the Nordic languages, cs, tr, ja and zh: "Von:", "De :", "От:",
  "Enviado el:", …), or quoted under the sender's text (">From:", "> -----Original Message");
  Pine's ": "-quoted header block;
- Lotus Notes: "----- Forwarded by Name/ORG on 08/04/2000 09:12 AM -----", and the memo header
  of a reply or forward: "Name" or "Name@ORG" over "08/04/2000 09:12 AM", or "Name <a@b> on
  08/04/2000 09:12:07 AM", or "From:  Name @ ORG   12/07/2000 10:45 AM" under a letterhead line,
  each followed by indented "To:/cc:/Subject:" lines, or all of it on one line, or in Notes'
  column layout; cc:Mail's "____Reply Separator____"; Exchange's "--------- Inline attachment
  follows ---------"; Gmail's "[Quoted text hidden]".

Whatever follows a header without "> " prefixes is history to the end. A header over "> " lines
under the sender's own text (top-posting) is history to the end as well, with everything below
it: a client footer or a stray unquoted line down there is not the sender's new text. When the
message opens with the quote (bottom-posting, or only a greeting above it), the "> " runs are cut
out one by one and the answers written between them stay new. Lines that an archive wrapped out
of a long quoted line ("> a long line that was\nwrapped here\n> next") belong to the quote.

Forwarded-attachment lines at the end of the new text (Notes' " - report.xls", Outlook's
"<<file.pdf>>", Notes' "(See attached file: x.doc)") are neither body nor signature: they are
moved from the new text to `QuoteSplit.attachments`.

Detection reads a copy of the lines with quoted-printable residue ("=09", "=20") decoded, so
archived mail that was never decoded is read the same way; the text returned is the original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_QUOTE_LINE = re.compile(r"^\s*>")
_QUOTE_PREFIX = re.compile(r"^\s*> ?")

# ---------------------------------------------------------------- separators and markers
# Outlook, Outlook Express, Thunderbird, Apple Mail: "-----Original Message-----" and its forms.
_SEPARATOR = re.compile(
    r"^\s*-{2,}\s*(?:original message|ursprüngliche nachricht|original-nachricht"
    r"|исходное сообщение|message d'origine|mensaje original|messaggio originale"
    r"|oorspronkelijk bericht|mensagem original|wiadomość oryginalna|ursprungligt meddelande"
    r"|oprindelig meddelelse|opprinnelig melding|původní zpráva|alkuperäinen viesti)\s*-{2,}\s*$",
    re.IGNORECASE,
)
# Gmail, Thunderbird, Apple Mail, Outlook.com forwards.
_FORWARD = re.compile(
    r"^\s*-{2,}\s*(?:forwarded message|weitergeleitete nachricht|пересылаемое сообщение"
    r"|переадресованное сообщение|message transféré|mensaje reenviado"
    r"|messaggio inoltrato)\s*-{2,}\s*$"
    r"|^\s*(?:begin forwarded message|anfang der weitergeleiteten nachricht"
    r"|début du message réexpédié|inicio del mensaje reenviado"
    r"|начало пересылаемого сообщения)\s*:\s*$",
    re.IGNORECASE,
)
# Lotus Notes forwards, often wrapped: "----- Forwarded by Name/HOU/ECT on 08/04/2000 09:12 AM
# -----"; Exchange/Notes "--------- Inline attachment follows ---------".
_NOTES_FORWARD = re.compile(
    r"^\s*-{3,}\s*(?:forwarded by\s|inline attachment follows\b)", re.IGNORECASE
)
# cc:Mail (and Notes bridging it): "____________________Reply Separator____________________".
_REPLY_SEPARATOR = re.compile(r"^\s*_{4,}\s*reply separator\s*_{4,}\s*$", re.IGNORECASE)
_RULE = re.compile(r"^\s*_{10,}\s*$")  # Outlook's line above its header block
# Where Gmail's print view and web archives folded the history away.
_HIDDEN_QUOTE = re.compile(
    r"^\s*(?:\[quoted text(?: hidden)?\]|- show quoted text -)\s*$", re.IGNORECASE
)

# ---------------------------------------------------------------- header blocks
# The keys of Outlook's header block (and of Thunderbird's, Apple Mail's and Gmail's forward
# headers) in en, de, ru, fr, es, pt, it, nl, pl, sv/da/no, cs, tr, ja, zh.
_FROM_WORDS = "from|von|от|de|da|van|od|från|fra|kimden|差出人|发件人|寄件者"
_DATE_WORDS = (
    "sent|date|gesendet|datum|отправлено|дата|envoyé|enviado(?: el| em)?|enviada(?: em)?|fecha"
    "|data|inviato|verzonden|wysłano|skickat|sendt|odesláno|gönderildi|tarih|送信日時|发送时间|日期"
)
_TO_WORDS = "to|an|кому|à|a|para|aan|do|till|til|komu|kime|宛先|收件人"
_OTHER_WORDS = (
    f"{_DATE_WORDS}|{_TO_WORDS}|sent by|cc|bcc|subject|reply-to|importance|betreff|kopie|копия"
    "|тема|objet|asunto|assunto|oggetto|onderwerp|temat|ämne|emne|kopia|předmět|konu|bilgi|件名"
    "|主题|抄送"
)


def _key(words: str, value: str = "") -> re.Pattern[str]:
    """A header line "Key: value" for one of `words`, also bold from HTML ("*From:*")."""
    return re.compile(rf"^\s*\*?(?:{words})\s*[:：]\*?{value}", re.IGNORECASE)


_FROM_KEY = _key(_FROM_WORDS, r"\s*(.*)$")
_OTHER_KEY = _key(_OTHER_WORDS)
_DATE_KEY = _key(_DATE_WORDS)
_TO_KEY = _key(_TO_WORDS)
_SUBJECT_KEY = _key(
    "subject|betreff|тема|objet|asunto|assunto|oggetto|onderwerp|temat|ämne|emne|předmět|konu"
    "|件名|主题"
)
# Lines a Notes memo header holds between its sender and its "To:" line.
_NOTES_EXTRA = re.compile(r"^\s*(?:sent by:|please respond to\b)", re.IGNORECASE)
_HEADER_LOOKAHEAD = 4
_BLOCK_MAX_LINES = 24  # Notes' To and cc lists wrap over many lines

# ---------------------------------------------------------------- Lotus Notes memo headers
# A Notes date at the end of a line: "07/26/2000 05:20 PM", "27/06/2000 20:03",
# "04/19/2001 09:01:03 PM", "13/12/2000 13:52 CST", or the bare date when the time wrapped.
_NOTES_DATE = re.compile(
    r"(?:^|\s)(\d{1,2}/\d{1,2}/\d{2,4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AP]M)?"
    r"(?:\s+[A-Z]{3})?)?\s*$",
    re.IGNORECASE,
)
_NOTES_TIME_LINE = re.compile(r"^\s*\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AP]M)?\s*$", re.IGNORECASE)
# Notes' column layout: '        "Patti Young"   To:   <t@x.com>', then "cc:" and "Subject:".
_NOTES_COLUMNS = re.compile(r"^(\s{8,})\S.{0,40}?\s{3,}To:\s")
_NOTES_COLUMN_KEY = re.compile(r"\s{3,}(?:cc|bcc|Subject):", re.IGNORECASE)
# Notes' one-line layout: "Name@ORG 05/30/01 09:20 AM    To: … cc: … Subject: …".
_NOTES_DATE_TO = re.compile(
    r"\d{1,2}/\d{1,2}/\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?\s*[AP]M\s+To:", re.IGNORECASE
)
# Cheap test before the date regex: how a line ending in a Notes date or time can end.
_NOTES_DATE_ENDINGS = frozenset("0123456789MTm")
_NOTES_NAME_NOISE = re.compile(r"(?:\s+on)?\s*$|^\s*from:\s*", re.IGNORECASE)

# ---------------------------------------------------------------- attributions
# "… wrote:", "Am … schrieb Max Muster:", "Max <max@x.de> schrieb am 03.03.2025 um 10:00:",
# "Max <max@x.de> hat am 17. Mai 2017 um 15:10 geschrieben:", Gmail's Russian
# "…, Иван Петров <ivan@x.ru>:" and its ISO-dated "2017-03-02 15:57 GMT+02:00 Name <a@b>:".
_ATTRIBUTION = re.compile(
    r"(?:\bwrote|\bschrieb|\bgeschrieben|a écrit|\bescribió|\bescribio|\bha scritto|\bschreef"
    r"|\bescreveu|\bskrev|\bpisze|napsal\(a\)|\bnapsala?|написал\(а\)|\bнаписала?|\bпишет)"
    r"(?:\s.{0,80})?\s*:\s*$"
    r"|@[^\s>]+>\)?\s*:\s*$",
    re.IGNORECASE,
)
# How a wrapped attribution's first line begins: "On", "Am", "Le", "El", "Il", "Op", "Em",
# "Den", "W dniu", "В", a date ("03.03.2025", "2017-03-02"), "пн,".
_ATTRIBUTION_OPENER = re.compile(
    r"^\s*(?:(?:On|Am|Le|El|Il|Op|Em|Den|W dniu|В|\d{1,4}[./ ]|\w{2,4}\.?,)\s"
    r"|\d{4}-\d\d-\d\d\s)",
    re.UNICODE,
)
_KEYWORD = re.compile(
    r"\bwrote\b|\bschrieb\b|\bgeschrieben\b|a écrit|\bescribió|\bescribio|\bha scritto"
    r"|\bschreef\b|\bescreveu\b|\bskrev\b|\bpisze\b|napsal\(a\)|\bnapsala?\b|написал\(а\)"
    r"|\bнаписала?\b|\bпишет\b",
    re.IGNORECASE,
)
# Undated attributions, taken only over a quote: "John Smith wrote:", Nabble's "John wrote",
# Horde's "Quoting John Smith:". The name is capitalised and not a pronoun ("I wrote:").
_BARE_ATTRIBUTION = re.compile(
    r"^\s*(?:(?!(?:I|You|He|She|We|They|It|Someone|Somebody|Everyone)\s)"
    r"[A-Z][\w.'-]*(?:,? [A-Z][\w.'-]*){0,3}\s+wrote:?|Quoting\s+[^:]{1,100}:)\s*$"
)
# The keyword or address an attribution ends with is in its last characters: only they are
# searched, so that a long line costs no more than a short one.
_ATTRIBUTION_TAIL = 160
# Substrings one of which every attribution holds: tested before the regex, which is slow.
_ATTRIBUTION_STEMS = (
    "@", "wrote", "schrieb", "geschrieben", "écrit", "escribi", "scritto", "schreef", "escreveu",
    "skrev", "pisze", "napsal", "написал", "пишет",
)  # fmt: skip
# GroupWise: ">>> Name <a@b> 2/16/01 10:41:43 am >>>"; the history under it is not quoted.
_GROUPWISE = re.compile(r"^\s*>>>\s.{0,100}\d{1,2}:\d{2}.{0,40}>>>\s*$")
_TIME = re.compile(r"\d{1,2}[:.h]\d{2}(?:\s*(?:[ap]\.?\s?m\.?|uhr|ч\.?))?", re.IGNORECASE)
_NAME_NOISE = re.compile(
    r"^(?:schrieb|schreef|skrev|wrote|um|om|kl|at|à|às|a las|alle ore|в|от|le|on|am|el|quoting)\s+"
    r"|\s+(?:schrieb|wrote|a|a écrit|hat am|hat)$",
    re.IGNORECASE,
)

# ---------------------------------------------------------------- what is above the history
# A greeting alone above a quote does not make the message top-posted.
_GREETING = re.compile(
    r"^\s*(?:(?:hi|hello|hey|dear|hallo|liebe[rs]?|bonjour|salut|hola|ciao|привет"
    r"|здравствуйте|добрый день|good (?:morning|afternoon|evening))\b[^.!?]{0,40}[,!:]?"
    r"|(?-i:[A-Z][\w'-]*(?: [A-Z][\w'-]*)?)\s*[,:])\s*$",
    re.IGNORECASE,
)
# "Answers inline:", "see my comments below" - the sender writes between the quotes.
_INLINE_NOTE = re.compile(
    r"\b(?:inline|in-line|interspersed|interleaved)\b"
    r"|\b(?:answers?|comments?|responses?|replies|notes)\s+(?:are\s+)?below\b",
    re.IGNORECASE,
)
# Archives and clients wrap long quoted lines; the tail is left without "> ".
_WRAP_MIN = 60
_WRAP_MAX_LINES = 12
_WRAP_END_LINES = 2

# Forwarded attachments listed at the end of the new text.
_ATTACHMENT = re.compile(
    r"^\s*(?:<<[^<>]{1,200}>>\s*)+$"
    r"|^\s*-\s+\S[^\t]{0,100}\.(?:docx?|xlsx?|xlsm|pptx?|pdf|txt|rtf|csv|zip|vcf|msg|wpd|htm|html"
    r"|jpe?g|gif|png|bmp|tiff?|dat|xml|mpp|vsd)\s*$"
    r"|^\s*\(see attached file: [^)]{1,200}\)\s*$",
    re.IGNORECASE,
)
_GAP = -1  # in the list of kept lines: a removed quote


@dataclass(frozen=True)
class QuotedPart:
    """One stretch of history: its text (one level of "> " removed) and who wrote it, if said."""

    text: str
    sender_name: str | None = None
    sender_email: str | None = None
    forwarded: bool = False


@dataclass(frozen=True)
class QuoteSplit:
    """A message's own new text and the quoted parts found in it, in order.

    `attachments` holds the forwarded-attachment lines taken off the end of the new text
    ("- report.xls", "<<file.pdf>>").
    """

    new_text: str
    quoted: list[QuotedPart]
    attachments: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Header:
    start: int  # first line of the header (a Notes memo header starts above its date line)
    end: int  # first line after the header
    name: str | None
    email: str | None
    forwarded: bool
    attribution: bool = False  # an "On … wrote:" line: the quote is under it in "> " lines


def split_new_text(text: str) -> QuoteSplit:
    """Split `text` into the sender's new text and the quoted or forwarded parts."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    probe = _decoded(lines) if "=09" in text or "=20" in text else lines
    keep: list[int] = []  # line numbers of the new text, _GAP where a quote was cut out
    quoted: list[QuotedPart] = []
    i, n = 0, len(lines)
    while i < n:
        header = _header_at(probe, i)
        if header is not None:
            while keep and keep[-1] >= header.start:
                keep.pop()
            j = _skip_blank(probe, header.end)
            if header.attribution and j < n and _QUOTE_LINE.match(probe[j]):
                if _top_posted(probe, keep):
                    quoted.append(QuotedPart(_unquote(lines[j:]), header.name, header.email))
                    break
                k = _quote_run_end(probe, j)
                quoted.append(QuotedPart(_unquote(lines[j:k]), header.name, header.email))
                keep.append(_GAP)
                i = k
                continue
            rest = "\n".join(lines[header.end :]).strip("\n")
            quoted.append(QuotedPart(rest, header.name, header.email, header.forwarded))
            break
        if _QUOTE_LINE.match(probe[i]):
            k = _quote_run_end(probe, i)
            inner = _quoted_header(probe, i, k)
            if inner is not None and _top_posted(probe, keep):
                # "> -----Original Message-----" or ">From: …" under the sender's own text.
                quoted.append(QuotedPart(_unquote(lines[i:]), inner.name, inner.email))
                break
            quoted.append(QuotedPart(_unquote(lines[i:k])))
            keep.append(_GAP)
            i = k
            continue
        keep.append(i)
        i += 1
    new, attachments = _strip_attachments(_render(lines, keep))
    return QuoteSplit("\n".join(new).strip("\n"), quoted, attachments)


def _decoded(lines: list[str]) -> list[str]:
    """The lines with quoted-printable tabs and spaces decoded and soft breaks dropped."""
    out = []
    for line in lines:
        line = line.replace("=09", "\t").replace("=20", " ")
        out.append(line[:-1] if line.endswith("=") else line)
    return out


def _render(lines: list[str], keep: list[int]) -> list[str]:
    """The kept lines; one blank line stands for a removed quote or a run of blank lines."""
    new: list[str] = []
    for k in keep:
        line = lines[k] if k != _GAP else ""
        if line.strip() or (new and new[-1].strip()):
            new.append(line)
    return new


def _strip_attachments(new: list[str]) -> tuple[list[str], list[str]]:
    """Forwarded-attachment lines at the end of the new text, taken off it."""
    end = len(new)
    attachments: list[str] = []
    while end > 0 and (not new[end - 1].strip() or _ATTACHMENT.match(new[end - 1])):
        end -= 1
        if new[end].strip():
            attachments.append(new[end].strip())
    if not attachments:
        return new, []
    return new[:end], attachments[::-1]


# ---------------------------------------------------------------- finding headers


def _header_at(lines: list[str], i: int) -> _Header | None:
    """The history header starting at (or, for a Notes memo, ending its first part at) line i."""
    line = lines[i]
    lead = line.lstrip()[:1]
    # Every header form has a colon, a slash (a Notes date), starts a rule line or a quote,
    # ends in "wrote", or opens a wrapped attribution: anything else is rejected at once.
    colon = ":" in line or "：" in line
    if (
        not colon
        and "/" not in line
        and lead not in ("-", "_", ">", "[")
        and not line.rstrip().endswith("wrote")
        and not _ATTRIBUTION_OPENER.match(line)
    ):
        return None
    if lead in ("-", "_") or line.rstrip().endswith(":"):  # "Begin forwarded message:"
        marker = _marker_at(lines, i)
        if marker is not None:
            return marker
    if lead in ("[", "-") and _HIDDEN_QUOTE.match(line):
        return _Header(i, i + 1, None, None, False)
    if colon and (_FROM_KEY.match(line) or (_OTHER_KEY.match(line) and _opens_block(lines, i))):
        block = _header_block(lines, i)
        if block is not None:
            return block
    if ("/" in line and line.rstrip()[-1:] in _NOTES_DATE_ENDINGS) or (
        "To:" in line and ("/" in line or line[:1] in (" ", "\t"))
    ):
        memo = _notes_memo(lines, i)
        if memo is not None:
            return memo
    if lead == ":" and line.startswith(": "):
        return _colon_quoted_block(lines, i)
    if len(line) > 300:
        return None  # no attribution is that long; the regexes below would only cost time
    if lead == ">":  # a quote that opens with its own attribution (Apple Mail on iOS)
        if _GROUPWISE.match(line):
            return _Header(i, i + 1, None, _first_email(line), False)
        if not line.rstrip().endswith(":"):
            return None
    return _attribution_at(lines, i)


def _marker_at(lines: list[str], i: int) -> _Header | None:
    """A separator, forward marker or Outlook rule at line i, with the header block under it."""
    line = lines[i]
    forwarded = bool(_FORWARD.match(line) or _NOTES_FORWARD.match(line))
    if not (
        forwarded
        or _SEPARATOR.match(line)
        or _REPLY_SEPARATOR.match(line)
        or (_RULE.match(line) and _block_follows(lines, i + 1) is not None)
    ):
        return None
    after = i + 1
    if _NOTES_FORWARD.match(line) and after < len(lines) and _is_dash_tail(lines[after]):
        after += 1  # the marker wrapped: "… on 08/04/2000 09:12\nAM ------------"
    j = _skip_blank(lines, after)
    block = None
    if j < len(lines):
        block = _header_block(lines, j) or _notes_memo_below(lines, j)
        if block is None and _QUOTE_LINE.match(lines[j]):  # "-----Original message-----\n> From:"
            block = _quoted_header(lines, j, len(lines))
    if block is None:
        return _Header(i, after, None, None, forwarded)
    return _Header(i, block.end, block.name, block.email, forwarded)


def _is_dash_tail(line: str) -> bool:
    return line.rstrip().endswith("---") and len(line) < 80


def _opens_block(lines: list[str], i: int) -> bool:
    """Whether a block that opens with To:/Subject: can start at i: a block starting on the
    line above was already tried (and the lines of a long key list are not each tried)."""
    above = lines[i - 1] if i > 0 else ""
    return not (above.strip() and (_OTHER_KEY.match(above) or _FROM_KEY.match(above)))


def _block_follows(lines: list[str], i: int) -> _Header | None:
    """The header block after the blank lines from i, if one is there."""
    j = _skip_blank(lines, i)
    if j < len(lines) and (_FROM_KEY.match(lines[j]) or _OTHER_KEY.match(lines[j])):
        return _header_block(lines, j)
    return None


def _header_block(lines: list[str], i: int) -> _Header | None:
    """An Outlook-style block of "Key: value" lines starting at `i`, with a From line in it.

    Notes writes "From:  Name @ ORG   12/07/2000 10:45 AM", then blank lines, then the "To:"
    lines: after such a From line blank lines may separate it from the rest of the block.
    """
    end = i
    keys = 0
    sender = ""
    first_from = _FROM_KEY.match(lines[i])
    notes = bool(first_from and _NOTES_DATE.search(first_from.group(1)))
    while end < len(lines) and end < i + _BLOCK_MAX_LINES:
        line = lines[end]
        from_match = _FROM_KEY.match(line)
        if from_match:
            if sender and end > i:
                break  # the next header's From line
            sender = from_match.group(1)
            keys += 1
        elif _OTHER_KEY.match(line) or (notes and _NOTES_EXTRA.match(line)):
            keys += 1
        elif not line.strip():
            if not (notes and keys < 2):
                break
            nxt = _skip_blank(lines, end)
            if nxt - end > 4 or nxt >= len(lines) or not _OTHER_KEY.match(lines[nxt]):
                break
            end = nxt
            continue
        elif end - i >= _HEADER_LOOKAHEAD and keys < 2:
            break
        elif not _wrapped_list_line(line):
            break  # not a wrapped To:/Cc: list: the quoted body has begun
        end += 1
    if not sender:
        return None
    # "From: my side, all good" / "To: be confirmed" is prose, and "Date: 3 March / From: 9:00 /
    # To: 17:00" a schedule: a real header block names an address, or is dated and has a
    # Subject line (Outlook writes one even when it is empty).
    if keys < 2:
        return None
    if "@" not in sender and not (
        notes
        or (
            any(_DATE_KEY.match(x) and re.search(r"\d", x) for x in lines[i:end])
            and any(_SUBJECT_KEY.match(x) for x in lines[i : end + 3])
        )
    ):
        return None
    if not first_from and keys < 3:
        return None  # a block that opens with To: or Subject: needs more than two keys
    name, email = _parse_sender(sender)
    if notes:
        return _Header(_letterhead_start(lines, i), end, _notes_name(sender), email, False)
    return _Header(i, end, name, email, False)


def _letterhead_start(lines: list[str], i: int) -> int:
    """Line i, or the Notes letterhead ("\tEnron North America Corp.") over its From line.

    Notes indents the letterhead, the From line and the whitespace line between them with tabs.
    """
    if i >= 2 and not lines[i - 1].strip() and "\t" in lines[i - 1] and lines[i - 2][:1] == "\t":
        letterhead = lines[i - 2].strip()
        if len(letterhead.split()) <= 6 and (i < 3 or not lines[i - 3].strip()):
            return i - 2
    return i


def _colon_quoted_block(lines: list[str], i: int) -> _Header | None:
    """A header block quoted with ": " instead of "> " (some Pine/Alpine setups)."""
    end = i
    while end < len(lines) and end < i + _BLOCK_MAX_LINES and lines[end].startswith(":"):
        end += 1
    block = _header_block([line[2:] for line in lines[i:end]], 0)
    if block is None:
        return None
    return _Header(i, i + block.end, block.name, block.email, False)


def _wrapped_list_line(line: str) -> bool:
    """A continuation of a To:/Cc: list: addresses, Notes names ("Bob Hall/NA/Enron@Enron")."""
    return "@" in line or ";" in line or "/" in line or line.rstrip().endswith(",")


def _notes_memo(lines: list[str], i: int) -> _Header | None:
    """A Lotus Notes memo header whose date line is line i.

    Forms: "Name" (or "Name@ORG", "Name <a@b>") over "08/04/2000 09:12 AM", perhaps with a
    "Sent by:" line between; "Name   08/04/2000 09:12 AM" on one line; "Name <a@b> on
    08/04/2000 09:12:07 AM" (its time may wrap to the next line); then, after blank lines, the
    "To:", "cc:", "Subject:" lines. Or the whole header on one line: "Name 05/30/01 09:20 AM
    To: … cc: … Subject: …".
    """
    line = lines[i]
    if "To:" in line and line[:1] in (" ", "\t"):
        columns = _notes_columns(lines, i)
        if columns is not None:
            return columns
    one_line = _NOTES_DATE_TO.search(line)
    if one_line:
        head = line[: one_line.start()].strip()
        if not head or len(head.split()) > 8:
            return None
        return _Header(i, i + 1, _notes_name(head), _first_email(head), False)
    date = _NOTES_DATE.search(line)
    if date is None:
        return None
    head = _NOTES_NAME_NOISE.sub("", line[: date.start()]).strip()
    j = i + 1
    if j < len(lines) and _NOTES_TIME_LINE.match(lines[j]):
        j += 1
    end = _notes_keys(lines, j)
    if end is None:
        return None
    if head:
        if len(head.split()) > 10 or head.endswith((".", "?", "!")):
            return None
        return _Header(i, end, _notes_name(head), _first_email(head), False)
    start = _notes_sender_start(lines, i)
    if start is None:
        return None
    sender = lines[start].strip()
    return _Header(start, end, _notes_name(sender), _first_email(sender), False)


def _notes_columns(lines: list[str], i: int) -> _Header | None:
    """Notes' column layout for Internet mail: the sender, wrapped, in a column on the left of
    the "To:", "cc:" and "Subject:" lines, with the date under it::

                            "Patti Young"
                            <pyoung@cliverun        To:     <Tana.Jones@enron.com>
                            nells.com>              cc:
                                                    Subject:     RE: Thursday
                            05/17/2001 05:53
    """
    match = _NOTES_COLUMNS.match(lines[i])
    if match is None or not any(_NOTES_COLUMN_KEY.search(x) for x in lines[i + 1 : i + 7]):
        return None
    indent = match.group(1)
    start = i
    while start > 0 and i - start < 2 and _left_column(lines[start - 1], indent) is not None:
        if "To:" in lines[start - 1]:
            break
        start -= 1
    sender = ""
    end = start
    while end < len(lines) and end < i + 4:
        part = _left_column(lines[end], indent)
        if part is None and end > i:
            break
        if part and not _NOTES_DATE.search(part):
            sender += ("" if _address_open(sender) else " ") + part
        end += 1
    name, email = _parse_sender(sender.strip())
    return _Header(start, end, name, email, False)


def _address_open(text: str) -> bool:
    """Whether `text` ends inside an address the column wrapped: "<pyoung@cliverun", "x@aol."."""
    last = text.rsplit(" ", 1)[-1]
    return text.count("<") > text.count(">") or ("@" in last and last.endswith((".", "@", "-")))


def _left_column(line: str, indent: str) -> str | None:
    """The text in the left column of a Notes column layout: "" if the column is empty there."""
    if not line.startswith(indent) or not line.strip():
        return None
    return re.split(r"\s{3,}", line[len(indent) :], maxsplit=1)[0].strip()


def _notes_memo_below(lines: list[str], j: int) -> _Header | None:
    """The Notes memo header right under a forward marker: its sender line is at j."""
    for k in range(j, min(j + 4, len(lines))):
        stripped = lines[k].strip()
        if ("/" in stripped and stripped[-1:] in _NOTES_DATE_ENDINGS) or "To:" in stripped:
            memo = _notes_memo(lines, k)
            if memo is not None and memo.start >= j:
                return memo
    return None


def _notes_keys(lines: list[str], j: int) -> int | None:
    """End of the "To:/cc:/Subject:" lines of a Notes memo header that starts near line j.

    The lines must reach a Subject line (one blank line may come before it), or name Notes or
    Internet addresses: "To: be confirmed / cc: nobody" under a date is prose.
    """
    skipped = 0
    while j < len(lines) and (not lines[j].strip() or _NOTES_EXTRA.match(lines[j])):
        j += 1
        skipped += 1
        if skipped > 6:
            return None
    if j >= len(lines) or not _TO_KEY.match(lines[j]):
        return None
    end = j + 1
    keys = 1
    addressed = _wrapped_list_line(lines[j])
    while end < len(lines) and end < j + _BLOCK_MAX_LINES:
        line = lines[end]
        if _SUBJECT_KEY.match(line):
            return end + 1
        if _OTHER_KEY.match(line):
            keys += 1
            addressed = addressed or _wrapped_list_line(line)
        elif not line.strip():
            if end + 1 < len(lines) and _SUBJECT_KEY.match(lines[end + 1]):
                return end + 2
            break
        elif not _wrapped_list_line(line):
            break
        else:
            addressed = True
        end += 1
    return end if keys >= 2 and addressed else None


def _notes_sender_start(lines: list[str], i: int) -> int | None:
    """The sender line above a Notes date line at i: "Name", then maybe "Sent by: …"."""
    k = i - 1
    if k >= 0 and _NOTES_EXTRA.match(lines[k]):
        k -= 1
    if k >= 0 and not lines[k].strip() and k - 1 >= 0 and (k - 2 < 0 or not lines[k - 2].strip()):
        k -= 1  # "Name\n\n11/17/99 01:12 PM", the name line standing alone
    if k < 0 or not _name_like(lines[k]):
        return None
    return k


def _name_like(line: str) -> bool:
    """A short line that can be a Notes sender: "Tim Belden@ECT", '"Ann Lee" <a@b.com>'."""
    stripped = line.strip()
    if not stripped or len(stripped) > 90 or stripped.endswith((".", "?", "!", ":", ",")):
        return False
    return len(stripped.split()) <= 8 and any(c.isalpha() for c in stripped)


def _notes_name(value: str) -> str | None:
    """The person in a Notes sender: "Tim Belden@ECT", "Kate Symes @ ECT   04/04/2001 …",
    "Heather Kroll/ENRON@enronXgate", '"Ann Lee" <ann@x.com> on 04/19/2001'."""
    date = _NOTES_DATE.search(value)
    if date:
        value = value[: date.start()]
    value = _NOTES_NAME_NOISE.sub("", value).strip()
    if "<" in value:
        value = value[: value.index("<")]
    elif not _EMAIL.search(value):
        value = re.split(r"\s*[/@]", value, maxsplit=1)[0]
    name = value.strip().strip("\"' ").strip()
    return name or None


# ---------------------------------------------------------------- attributions


def _attribution_at(lines: list[str], i: int) -> _Header | None:
    """An attribution line at i ("On … wrote:"), or one wrapped over the lines after it."""
    line = lines[i]
    tail = line.rstrip()
    # Every attribution ends in ":" or, in Nabble's form, "wrote": test that before the regexes.
    if tail.endswith(":") and _attribution_ends(tail) and _looks_dated(line):
        return _attribution(line, i, i + 1)
    if (
        tail.endswith((":", "wrote"))
        and _BARE_ATTRIBUTION.match(line)
        and _quote_follows(lines, i + 1)
    ):
        return _attribution(tail.rstrip(":") + ":", i, i + 1)
    if i + 1 < len(lines) and _ATTRIBUTION_OPENER.match(line) and _looks_dated(line):
        # Attributions wrapped over two or three lines; no later line may open one of its own.
        joined = line.rstrip()
        for k in (i + 1, i + 2):
            nxt = lines[k].strip() if k < len(lines) else ""
            if nxt.startswith(">") and joined.count("<") > joined.count(">"):
                nxt = nxt[1:].strip()  # "… David <d@x.com\n> wrote:": the bracket wrapped
            if not nxt or nxt.startswith(">") or _ATTRIBUTION_OPENER.match(nxt):
                return None
            joined += ("" if joined.endswith("<") else " ") + nxt
            if nxt.endswith(":") and _attribution_ends(joined):
                return _attribution(joined, i, k + 1)
            if len(joined) > 200:
                return None
    return None


def _attribution_ends(text: str) -> bool:
    """Whether `text` ends like an attribution ("… wrote:", "… <a@b>:")."""
    tail = text[-_ATTRIBUTION_TAIL:]
    low = tail.lower()
    return any(stem in low for stem in _ATTRIBUTION_STEMS) and bool(_ATTRIBUTION.search(tail))


def _looks_dated(line: str) -> bool:
    return "@" in line or any(c.isdigit() for c in line)


def _quote_follows(lines: list[str], i: int) -> bool:
    j = _skip_blank(lines, i)
    return j < len(lines) and bool(_QUOTE_LINE.match(lines[j]))


def _attribution(text: str, start: int, end: int) -> _Header:
    text = _QUOTE_PREFIX.sub("", text)
    match = _EMAIL.search(text)
    email = match.group(0).lower() if match else None
    if match:
        head = text[: match.start()]
    else:
        kw = _KEYWORD.search(text)
        head = text[: kw.start()] if kw else text.rstrip(" :")
        # "Am 03.03.2025 um 10:00 schrieb Max Mustermann:": the name follows the keyword.
        after = text[kw.end() :].strip(" :") if kw else ""
        if after and not any(c.isdigit() for c in after) and len(after.split()) <= 5:
            return _Header(start, end, after, None, False, True)
    quoted_name = re.search(r'"([^"]+)"\s*[<(\[]*\s*$', head)
    if quoted_name:
        return _Header(start, end, quoted_name.group(1).strip() or None, email, False, True)
    head = head.rstrip(" <([\"'")
    head = re.split(r",|" + _TIME.pattern, head, flags=re.IGNORECASE)[-1]
    name = _NAME_NOISE.sub("", head.strip()).strip(" \"'")
    name = _NAME_NOISE.sub("", name).strip()
    if not name or any(c.isdigit() for c in name) or len(name.split()) > 5:
        return _Header(start, end, None, email, False, True)
    return _Header(start, end, name, email, False, True)


def _parse_sender(value: str) -> tuple[str | None, str | None]:
    """Name and address from a header value like '"Petrov, Ivan" <ivan@x.ru>' or 'Ivan [mailto:…]'."""
    match = _EMAIL.search(value)
    email = match.group(0).lower() if match else None
    name = value[: match.start()] if match else value
    name = name.replace("mailto:", "").strip().strip("<>[(\"' ").strip()
    if name.startswith("/O="):  # Exchange's X.500 address: "</O=ENRON/OU=NA/CN=RECIPIENTS/…>"
        name = ""
    return (name or None), email


def _first_email(value: str) -> str | None:
    match = _EMAIL.search(value)
    return match.group(0).lower() if match else None


# ---------------------------------------------------------------- quote runs


def _top_posted(lines: list[str], keep: list[int]) -> bool:
    """Whether the sender wrote above the history: more than a greeting, and no quote cut out
    above (that makes it a bottom-posted reply), and no "answers inline" note."""
    if _GAP in keep:
        return False
    own = [lines[k] for k in keep if lines[k].strip()]
    if any(_INLINE_NOTE.search(line) for line in own):
        return False
    return any(not _GREETING.match(line) for line in own)


def _quoted_header(lines: list[str], i: int, k: int) -> _Header | None:
    """A header at the top of the "> " run lines[i:k]: "> -----Original Message-----", ">From:"."""
    inner = [_QUOTE_PREFIX.sub("", line) for line in lines[i : min(k, i + _BLOCK_MAX_LINES)]]
    j = _skip_blank(inner, 0)
    header = _header_at(inner, j) if j < len(inner) else None
    if header is None:
        return None
    return replace(header, start=i + header.start, end=i + header.end)


def _skip_blank(lines: list[str], i: int) -> int:
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i


def _quote_run_end(lines: list[str], i: int) -> int:
    """End of a run of "> " lines; blank lines inside the run and wrapped tails belong to it."""
    end = i
    while end < len(lines):
        line = lines[end]
        if _QUOTE_LINE.match(line):
            end += 1
            continue
        if line.strip():
            tail = _wrapped_tail_end(lines, end)
            if tail == end:
                break
            end = tail
            continue
        nxt = _skip_blank(lines, end)
        if nxt < len(lines) and _QUOTE_LINE.match(lines[nxt]):
            end = nxt
            continue
        break
    return end


def _wrapped_tail_end(lines: list[str], i: int) -> int:
    """End of the unquoted lines from i that were wrapped out of the long quoted line above.

    They follow a long "> " line that stops mid-sentence, each line before them is long too,
    and the next quoted line follows them directly: "> … and\nit\n> repros". Otherwise i: they
    are new text, such as an answer written right under a quoted question.
    """
    if lines[i - 1].rstrip().endswith((".", "?", "!", ":")):
        return i
    k = i
    while k < len(lines) and lines[k].strip() and not _QUOTE_LINE.match(lines[k]):
        if len(lines[k - 1].rstrip()) < _WRAP_MIN or k - i >= _WRAP_MAX_LINES:
            return i
        k += 1
    if k < len(lines) and _QUOTE_LINE.match(lines[k]):
        return k
    # At the end of the run: only a short tail that carries on the sentence in lower case.
    if k - i <= _WRAP_END_LINES and lines[i].lstrip()[:1].islower():
        return k
    return i


def _unquote(lines: list[str]) -> str:
    return "\n".join(_QUOTE_PREFIX.sub("", line) for line in lines).strip("\n")
