"""Hypothesis strategies for hostile MIME: odd headers in trees of odd parts, as raw bytes.

What they draw, on purpose: RFC 2047 encoded words (well-formed, broken base64 and QP, unknown
and unusable charsets such as "undefined", "rot13" or a NUL in the name), values serialised from
`email.header.Header` objects, folded lines, undeclared 8-bit bytes in header values and bodies,
missing and duplicated headers, nested multiparts with wrong, missing or unclosed boundaries,
message/rfc822 parts, and Content-Transfer-Encodings that do not match the body.
"""

from __future__ import annotations

import base64
import quopri
from email.charset import UNKNOWN8BIT
from email.header import Header

from hypothesis import strategies as st

CHARSETS = [
    b"utf-8",
    b"UTF-8",
    b"iso-8859-1",
    b"koi8-r",
    b"windows-1252",
    b"shift_jis",
    b"gb2312",
    b"us-ascii",
    b"utf-16",
    b"utf-7",
    b"x-unknown",
    b"unknown-8bit",
    b"undefined",  # a real codec that refuses everything with a bare UnicodeError
    b"idna",
    b"punycode",
    b"rot13",  # a codec, but not a text encoding: LookupError on bytes.decode
    b"base64",
    b"utf\x00",  # ValueError, not LookupError, from the codec registry
    b"",
    b"utf-8*en",  # RFC 2231 language suffix
    b"\xe9\xff",
    b"x" * 80,
]
HEADER_NAMES = [
    b"From",
    b"To",
    b"Cc",
    b"Sender",
    b"Reply-To",
    b"Subject",
    b"Date",
    b"Message-ID",
    b"In-Reply-To",
    b"References",
    b"List-Id",
    b"List-Unsubscribe",
    b"Precedence",
    b"Auto-Submitted",
    b"Return-Path",
    b"X-Autoreply",
    b"X-Auto-Response-Suppress",
    b"Content-Type",
    b"Content-Disposition",
    b"Content-Transfer-Encoding",
    b"MIME-Version",
    b"X-\xff\xfe",
    b"",
]
ADDRESSES = [
    b"maria@gmail.example",
    b"Maria Lopez <maria@gmail.example>",
    b'"Doe, John" <john@corp.example>',
    b"Doe, John <john@corp.example>",
    b"<>",
    b"undisclosed-recipients:;",
    b"team: a@x.example, b@y.example;",
    b"@@@",
    b"=?utf-8?q?J=C3=B6rg_M=C3=BCller?= <joerg@example.de>",
    b"=?koi8-r?b?8NLJ18XU?= <ivan@mail.example>",
    b"J\xf6rg M\xfcller <joerg@example.de>",
    b"J\xc3\xb6rg <joerg@example.de>",
    b"(comment (nested) ) a@b.example",
    b'"unterminated <x@y.example>',
    b"a@b.example, , ,c@d.example",
]
CONTENT_TYPES = [
    b"text/plain",
    b"text/html",
    b"TEXT/PLAIN",
    b"text/calendar",
    b"application/ics",
    b"application/octet-stream",
    b"image/png",
    b"text",
    b"",
    b"\xff/\xfe",
    b"message/delivery-status",
]
ENCODINGS = [
    b"7bit",
    b"8bit",
    b"binary",
    b"base64",
    b"BASE64",
    b"quoted-printable",
    b"x-uuencode",
    b"uuencode",
    b"rot13",
    b"",
    b"base64 garbage",
    b"\xe9",
]
DISPOSITIONS = [
    b"inline",
    b"attachment",
    b'attachment; filename="caf\xe9.pdf"',  # 8-bit: the stdlib returns a Header for it
    b'inline; filename="caf\xc3\xa9.ics"',
    b"attachment; filename*=utf-8''caf%C3%A9.txt",
    b"attachment; filename*=undefined''caf%E9.txt",
    b"attachment; filename*=utf%00''x.txt",
    b"attachment; filename*0*=utf-8''a%E9; filename*1=b.txt",
    b'attachment; filename="=?utf-8?b?Y2Fmw6kucGRm?="',
    b"\xff\xfe",
    b"ATTACHMENT",
    b"",
]
ICS = (
    b"BEGIN:VCALENDAR\nVERSION:2.0\nMETHOD:REQUEST\nBEGIN:VEVENT\nUID:fuzz-1\n"
    b"DTSTART:20261110T100000Z\nDTEND:20261110T110000Z\nSUMMARY:Caf\xe9\n"
    b"ORGANIZER:mailto:maria@gmail.example\nEND:VEVENT\nEND:VCALENDAR\n"
)

ascii_text = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=20)
any_text = st.text(
    st.characters(blacklist_categories=["Cs"], blacklist_characters="\r\n"), max_size=20
)
# Lone surrogates, written with surrogatepass: bytes that are valid in no charset.
odd_bytes = st.text(st.characters(blacklist_characters="\r\n"), max_size=20).map(
    lambda s: s.encode("utf-8", "surrogatepass")
)
# Strategies are built once, here: building them inside each draw is what makes a run slow.
charsets = st.sampled_from(CHARSETS)
word_kinds = st.sampled_from([b"B", b"b", b"Q", b"q", b"X", b""])
word_bytes = st.one_of(odd_bytes, st.binary(max_size=12))
header_charsets = st.sampled_from(["utf-8", "iso-8859-1", "koi8-r", "us-ascii", "unknown-8bit"])
line_lengths = st.sampled_from([20, 76, 0])
folds = st.sampled_from([b" ", b"", b"\r\n\t", b"\n ", b"\r\n "])
cases = st.sampled_from([bytes, bytes.lower, bytes.upper])
separators = st.sampled_from([b": ", b": ", b": ", b":", b" : "])  # " : " makes no header
names = st.lists(st.sampled_from(HEADER_NAMES), max_size=10)


@st.composite
def encoded_word(draw: st.DrawFn) -> bytes:
    charset, kind, raw = draw(charsets), draw(word_kinds), draw(word_bytes)
    payload = draw(
        st.sampled_from(
            [
                base64.b64encode(raw),
                base64.b64encode(raw).rstrip(b"="),  # missing padding
                base64.b64encode(raw) + b"=",  # too much
                quopri.encodestring(raw, header=True).replace(b"=\n", b""),
                b"=G1=Z" + raw.replace(b"?", b""),  # broken QP escapes, raw bytes
                b"!!!",
                b"",
            ]
        )
    )
    closing = b"?=" if draw(st.booleans()) else b""  # or never closed
    return b"=?" + charset + b"?" + kind + b"?" + payload + closing


@st.composite
def header_object(draw: st.DrawFn) -> bytes:
    """The serialised form of an email.header.Header, as other mailers write it."""
    text = draw(any_text)
    charset = draw(header_charsets)
    try:
        if charset == "unknown-8bit":
            raw = text.encode("utf-8", "surrogatepass")
            header = Header(raw.decode("ascii", "surrogateescape"), charset=UNKNOWN8BIT)
        else:
            header = Header(text, charset=charset)
        return header.encode(maxlinelen=draw(line_lengths)).encode("ascii", "surrogateescape")
    except (UnicodeError, LookupError):
        return Header(text, charset="utf-8").encode().encode("ascii")


value_pieces = st.lists(
    st.one_of(
        ascii_text.map(str.encode),
        odd_bytes,
        st.binary(max_size=10).filter(lambda b: b"\n" not in b and b"\r" not in b),
        st.sampled_from(ADDRESSES),
        encoded_word(),
        header_object(),
        st.sampled_from([b";", b",", b"<", b">", b'"', b"(", b")", b"\x00", b"\t", b"=?", b"?="]),
    ),
    max_size=6,
)


@st.composite
def header_value(draw: st.DrawFn) -> bytes:
    return b"".join(piece + draw(folds) for piece in draw(value_pieces))


header_values = header_value()


@st.composite
def header_lines(draw: st.DrawFn, required: tuple[bytes, ...] = ()) -> list[bytes]:
    """Any number of headers, names repeated or missing; `required` names come first."""
    return [
        draw(cases)(name) + draw(separators) + draw(header_values)
        for name in list(required) + draw(names)
    ]


header_objects = header_object()


@st.composite
def param(draw: st.DrawFn) -> bytes:
    charset = draw(st.sampled_from(CHARSETS))
    return draw(
        st.sampled_from(
            [
                b'; charset="' + charset + b'"',
                b"; charset=" + charset,
                b'; name="caf\xe9.ics"',
                b"; name*=" + charset + b"''%E9t%E9.ics",
                b"; format=flowed",
                b"; charset",
                b";;",
                b"; " + draw(header_objects),
            ]
        )
    )


params = st.lists(param(), max_size=3)
some_headers = header_lines()


@st.composite
def body(draw: st.DrawFn, cte: bytes, ctype: bytes) -> bytes:
    text = draw(
        st.one_of(
            odd_bytes,
            st.binary(max_size=60),
            st.just(b"Hi Anna,\n\nCaf\xe9 at 10?\n\n-- \nMaria L\xf3pez\nTel. +49 30 1234567\n"),
            st.just(b"<html><body><p>Hi<br>there</p><blockquote>old</blockquote></body></html>"),
            st.just(ICS),
        )
    )
    if ctype in (b"text/calendar", b"application/ics") and draw(st.booleans()):
        text = ICS
    matching = draw(st.booleans())
    if cte.lower() == b"base64" and matching:
        encoded = base64.encodebytes(text)
        return draw(st.sampled_from([encoded, encoded.replace(b"=", b""), encoded + b"@@==\n"]))
    if cte == b"quoted-printable" and matching:
        return quopri.encodestring(text) + draw(st.sampled_from([b"", b"=\n", b"=G1 =\r\n=", b"="]))
    return text  # including base64 and QP labels on raw bytes


@st.composite
def leaf(draw: st.DrawFn) -> tuple[list[bytes], bytes]:
    ctype = draw(st.sampled_from(CONTENT_TYPES))
    cte = draw(st.sampled_from(ENCODINGS))
    lines = []
    if draw(st.integers(0, 5)):
        lines.append(b"Content-Type: " + ctype + b"".join(draw(params)))
    if draw(st.booleans()):
        lines.append(b"Content-Transfer-Encoding: " + cte)
    if draw(st.booleans()):
        lines.append(b"Content-Disposition: " + draw(st.sampled_from(DISPOSITIONS)))
    if draw(st.integers(0, 3)) == 0:
        lines += draw(some_headers)
    return lines, draw(body(cte, ctype))


@st.composite
def multipart(
    draw: st.DrawFn, children: st.SearchStrategy[tuple[list[bytes], bytes]]
) -> tuple[list[bytes], bytes]:
    subtype = draw(st.sampled_from([b"mixed", b"alternative", b"related", b"report", b"signed"]))
    boundary = draw(st.sampled_from([b"b1", b"=_b\xe9", b'"quoted b"', b"b" * 80, b""]))
    used = boundary.strip(b'"') if draw(st.integers(0, 4)) else b"other"
    header = b"Content-Type: multipart/" + subtype
    if draw(st.integers(0, 6)):
        header += b"; boundary=" + boundary
    if draw(st.booleans()):
        header += b"".join(draw(params))
    parts = draw(st.lists(children, max_size=4))
    preamble = draw(st.sampled_from([b"", b"This is a multi-part message.\n", b"\xff\xfe\n"]))
    out = preamble
    for lines, payload in parts:
        out += b"--" + used + b"\n" + b"\n".join(lines) + b"\n\n" + payload + b"\n"
    if draw(st.integers(0, 3)):
        out += b"--" + used + b"--\n"
    out += draw(st.sampled_from([b"", b"epilogue \xe9\n"]))
    return [header], out


@st.composite
def rfc822(
    draw: st.DrawFn, children: st.SearchStrategy[tuple[list[bytes], bytes]]
) -> tuple[list[bytes], bytes]:
    inner_lines, inner_body = draw(children)
    inner = b"\n".join(draw(some_headers) + inner_lines) + b"\n\n" + inner_body
    return [b"Content-Type: message/rfc822"], inner


mime_tree = st.recursive(
    leaf(), lambda children: st.one_of(multipart(children), rfc822(children)), max_leaves=8
)


@st.composite
def messages(draw: st.DrawFn) -> bytes:
    """A whole message as bytes, line endings LF, CRLF or mixed."""
    required = draw(st.sampled_from([(), (b"From",), (b"From", b"To", b"Subject", b"Message-ID")]))
    top = draw(header_lines(required))
    part_lines, payload = draw(mime_tree)
    head = top + part_lines
    if draw(st.booleans()):
        head = head[::-1]  # Content-Type before From, and so on
    raw = b"\n".join(head) + b"\n\n" + payload
    ending = draw(st.sampled_from(["lf", "crlf", "mixed", "cr"]))
    if ending == "crlf":
        raw = raw.replace(b"\n", b"\r\n")
    elif ending == "mixed":
        raw = raw.replace(b"\n\n", b"\r\n\n", 1)
    elif ending == "cr":
        raw = raw.replace(b"\n", b"\r")
    return raw
