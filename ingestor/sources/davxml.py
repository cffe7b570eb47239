"""WebDAV/CalDAV XML: the request bodies the CalDAV source sends and the replies it reads.

No I/O: bodies are built as text, and replies arrive as bytes (davhttp reads them) and are
parsed here, with entities and network access off. Hrefs are compared as decoded paths, because
servers differ in what they percent-encode.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urlsplit
from xml.sax.saxutils import escape

from lxml import etree

DAV = "{DAV:}"
CALDAV = "{urn:ietf:params:xml:ns:caldav}"
CS = "{http://calendarserver.org/ns/}"
XML_DECL = '<?xml version="1.0" encoding="utf-8"?>\n'
NS = 'xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:CS="http://calendarserver.org/ns/"'
DISCOVERY_PROPS = (
    "<D:resourcetype/><D:displayname/><D:current-user-principal/><C:calendar-home-set/>"
    "<C:supported-calendar-component-set/><CS:getctag/><D:sync-token/>"
)
LISTING_PROPS = "<D:resourcetype/><D:getetag/><D:getcontentlength/>"
_SAFE_PATH = "/:@!$&'()*+,;=-._~"


@dataclass(frozen=True)
class Reply:
    status: int
    tree: Any  # lxml element, or None when the body was empty or not XML
    preconditions: tuple[str, ...] = ()


@dataclass
class Entry:
    """One <response> of a multistatus: its decoded path, status and 2xx properties."""

    path: str
    status: int | None
    props: dict[str, Any]


@dataclass(frozen=True)
class Member:
    href: str
    etag: str | None  # None: deleted; "": the server gave no etag
    size: int | None = None


# --- request bodies ----------------------------------------------------------------------------


def propfind_body(props: str) -> str:
    return f"{XML_DECL}<D:propfind {NS}><D:prop>{props}</D:prop></D:propfind>"


def sync_collection_body(token: str) -> str:
    """RFC 6578 sync-collection from `token` ("" for a full listing), asking for etags and sizes."""
    return (
        f"{XML_DECL}<D:sync-collection {NS}><D:sync-token>{escape(token)}</D:sync-token>"
        "<D:sync-level>1</D:sync-level><D:prop><D:getetag/><D:getcontentlength/></D:prop>"
        "</D:sync-collection>"
    )


def multiget_body(hrefs: Iterable[str]) -> str:
    listed = "".join(f"<D:href>{escape(quote_path(h))}</D:href>" for h in hrefs)
    return (
        f"{XML_DECL}<C:calendar-multiget {NS}><D:prop><D:getetag/><C:calendar-data/></D:prop>"
        f"{listed}</C:calendar-multiget>"
    )


# --- replies -----------------------------------------------------------------------------------

_XML_TYPES = ("text/xml", "application/xml")


def parse_reply(body: bytes, content_type: str) -> Any:
    """The reply's XML tree; None when it is empty or not XML (an HTML login page, say).

    Raises etree.XMLSyntaxError when the reply says it is XML and is not: a server bug, or a
    text node too large for the parser (huge_tree stays off), which callers may work around.
    """
    if not body.strip():
        return None
    parser = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)
    try:
        return etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError:
        if content_type.split(";", 1)[0].strip().lower() in _XML_TYPES:
            raise
        return None


def error_conditions(body: bytes) -> tuple[str, ...]:
    """The pre/postconditions of a DAV:error body (RFC 4918 16), e.g. ('{DAV:}valid-sync-token',).

    Anything but a well-formed DAV:error document (empty, HTML, text) has none.
    """
    try:
        root = parse_reply(body, "")
    except etree.XMLSyntaxError:
        return ()
    if root is None or root.tag != DAV + "error":
        return ()
    return tuple(child.tag for child in root if isinstance(child.tag, str))


def is_multistatus(tree: Any) -> bool:
    return tree is not None and tree.tag == DAV + "multistatus"


def sync_members(tree: Any, collection: str) -> tuple[list[Member], bool]:
    """The changed and deleted members in one sync-collection reply, and whether it was cut short."""
    truncated = False
    members: list[Member] = []
    for e in parse_multistatus(tree):
        if e.path.rstrip("/") == collection.rstrip("/"):
            truncated = truncated or e.status == 507  # RFC 6578 3.6: more to come
            continue
        if e.status in (404, 410):
            members.append(Member(e.path, None))
        elif is_collection(e):
            continue
        else:
            members.append(member_of(e))
    return members, truncated


def listed_members(entries: Iterable[Entry], collection: str) -> list[Member]:
    """The objects in a depth-1 PROPFIND of a collection, with their etags."""
    out = []
    for e in entries:
        if e.path.rstrip("/") == collection.rstrip("/") or is_collection(e):
            continue
        if e.status in (404, 410):
            continue
        out.append(member_of(e))
    return out


def multiget_data(tree: Any) -> tuple[dict[str, bytes], set[str]]:
    """({path: calendar data}, paths gone) from a calendar-multiget reply; unanswered are missing."""
    got: dict[str, bytes] = {}
    gone: set[str] = set()
    for e in parse_multistatus(tree):
        if e.status in (404, 410):
            gone.add(e.path)
            continue
        text = e.props.get(CALDAV + "calendar-data")
        if text is None or text.text is None:
            continue  # not answered: fetched with GET
        got[e.path] = text.text.encode("utf-8")
    return got, gone


def parse_multistatus(tree: Any) -> list[Entry]:
    out = []
    for resp in tree.iterfind(DAV + "response"):
        href = resp.find(DAV + "href")
        if href is None or not href.text:
            continue
        status = _status(resp.find(DAV + "status"))
        props: dict[str, Any] = {}
        for propstat in resp.iterfind(DAV + "propstat"):
            code = _status(propstat.find(DAV + "status"))
            if code is not None and not 200 <= code < 300:
                continue
            for prop in propstat.iterfind(DAV + "prop"):
                for child in prop:
                    if isinstance(child.tag, str):
                        props[child.tag] = child
        out.append(Entry(dav_path(href.text.strip()), status, props))
    return out


def member_of(e: Entry) -> Member:
    size = prop_text(e.props.get(DAV + "getcontentlength"))
    return Member(
        e.path,
        prop_text(e.props.get(DAV + "getetag")) or "",
        int(size) if size and size.isdigit() else None,
    )


def own_entry(entries: list[Entry], url: str) -> Entry | None:
    path = dav_path(url).rstrip("/")
    for e in entries:
        if e.path.rstrip("/") == path:
            return e
    return entries[0] if len(entries) == 1 else None


def _status(el: Any) -> int | None:
    if el is None or not el.text:
        return None
    parts = el.text.split()
    return int(parts[1]) if len(parts) >= 2 and parts[1].isdigit() else None


def prop_text(el: Any) -> str | None:
    if el is None or el.text is None:
        return None
    return el.text.strip() or None


def hrefs_in(el: Any) -> list[str]:
    if el is None:
        return []
    return [h.text.strip() for h in el.iterfind(DAV + "href") if h.text and h.text.strip()]


def is_calendar(e: Entry) -> bool:
    rt = e.props.get(DAV + "resourcetype")
    return rt is not None and rt.find(CALDAV + "calendar") is not None


def is_collection(e: Entry) -> bool:
    rt = e.props.get(DAV + "resourcetype")
    return rt is not None and rt.find(DAV + "collection") is not None


def dav_path(href: str) -> str:
    """The decoded path of an href or URL: servers differ in what they percent-encode."""
    return unquote(urlsplit(href).path) if "://" in href else unquote(href.split("?", 1)[0])


def quote_path(path: str) -> str:
    return quote(path, safe=_SAFE_PATH)
