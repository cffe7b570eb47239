"""Which calendars a CalDAV URL names: the URL itself, or those of a principal or calendar home.

`calendars = [...]` in the config chooses among them by display name or last URL segment. Each
chosen calendar is one folder, named by its display name (plus the URL segment if two share it).
Discovery also reads each calendar's sync-token and ctag, so that a poll right after it can
tell "nothing changed" without another request.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import unquote, urljoin

from ingestor.errors import SourceError
from ingestor.sources.davhttp import DavSession, redact
from ingestor.sources.davxml import (
    CALDAV,
    CS,
    DAV,
    DISCOVERY_PROPS,
    Entry,
    dav_path,
    hrefs_in,
    is_calendar,
    own_entry,
    prop_text,
    quote_path,
)


@dataclass
class Calendar:
    url: str  # absolute, as requests are sent to it
    path: str  # decoded path, as hrefs are compared with it
    name: str  # display name, or the last path segment when it has none
    segment: str
    components: tuple[str, ...]  # supported component set; () when the server does not say
    sync_token: str | None  # as seen at discovery
    ctag: str | None
    seen_at: float | None  # when sync_token/ctag were read; None once a poll has used them
    folder: str = ""


@dataclass
class Discovery:
    calendars: list[Calendar]  # every calendar found, with unique folder names
    home: str | None  # where calendars were listed; None for a calendar URL


def discover(session: DavSession) -> Discovery:
    """The calendars at the configured URL; SourceError when there are none."""
    url = redact(session.config.url or "")
    entries = session.propfind(url, DISCOVERY_PROPS, "0")
    me = own_entry(entries, url)
    if me is None:
        raise SourceError(session.name, f"PROPFIND {url}: the reply does not describe the URL")
    if is_calendar(me):
        return Discovery(name_folders([_calendar_from(me, absolute(me.path, url))]), None)
    tried: set[str] = set()
    homes = hrefs_in(me.props.get(CALDAV + "calendar-home-set")) or [dav_path(url)]
    found, home = _list_homes(session, url, homes, tried)
    # The URL was neither a calendar nor a principal nor a home: ask who we are.
    principal = hrefs_in(me.props.get(DAV + "current-user-principal"))
    if not found and principal and dav_path(principal[0]).rstrip("/") != me.path.rstrip("/"):
        purl = absolute(principal[0], url)
        pentries = session.propfind(purl, "<C:calendar-home-set/>", "0")
        pme = own_entry(pentries, purl)
        phomes = hrefs_in(pme.props.get(CALDAV + "calendar-home-set")) if pme else []
        found, home = _list_homes(session, purl, phomes, tried)
    if not found:
        raise SourceError(session.name, f"no calendars found at {session.where}")
    return Discovery(name_folders(found), home)


def _list_homes(
    session: DavSession, base: str, homes: list[str], tried: set[str]
) -> tuple[list[Calendar], str | None]:
    """The calendars in the first of `homes` that has any, and that home's URL."""
    for home in homes:
        hurl = absolute(home, base)
        hpath = dav_path(hurl)
        if hpath in tried:
            continue
        tried.add(hpath)
        found = [
            # Joined to the home: a home may live on another host (iCloud does that).
            _calendar_from(entry, absolute(entry.path, hurl))
            for entry in session.propfind(hurl, DISCOVERY_PROPS, "1")
            if entry.path.rstrip("/") != hpath.rstrip("/") and is_calendar(entry)
        ]
        if found:
            return found, hurl
    return [], None


def _calendar_from(entry: Entry, url: str) -> Calendar:
    segment = entry.path.rstrip("/").rsplit("/", 1)[-1]
    name = prop_text(entry.props.get(DAV + "displayname")) or segment
    comps = entry.props.get(CALDAV + "supported-calendar-component-set")
    components = tuple(
        str(c.get("name")).upper() for c in (comps if comps is not None else ()) if c.get("name")
    )
    return Calendar(
        url=url,
        path=entry.path,
        name=name,
        segment=segment,
        components=components,
        sync_token=prop_text(entry.props.get(DAV + "sync-token")),
        ctag=prop_text(entry.props.get(CS + "getctag")),
        seen_at=time.monotonic(),
    )


def choose(calendars: list[Calendar], wanted: Sequence[str], session: DavSession) -> list[Calendar]:
    """The calendars to read: those `wanted` (by name or segment), else all that hold events."""
    if not wanted:
        # Task lists are no meetings; a calendar that does not say what it holds is read.
        return [c for c in calendars if not c.components or "VEVENT" in c.components]
    chosen: list[Calendar] = []
    for want in wanted:
        match = [c for c in calendars if want in (c.name, c.segment, c.folder)] or [
            c for c in calendars if want.casefold() in (c.name.casefold(), c.segment.casefold())
        ]
        if not match:
            names = ", ".join(repr(c.folder) for c in calendars) or "none"
            raise SourceError(
                session.name, f"calendar {want!r} not found at {session.where} (found: {names})"
            )
        chosen.extend(c for c in match if c not in chosen)
    return chosen


def absolute(href: str, base: str) -> str:
    """An href (absolute URL, or a path, encoded or not) as a URL to send requests to."""
    if href.startswith(("http://", "https://")):
        return href
    return urljoin(base, quote_path(unquote(href)))


def name_folders(calendars: list[Calendar]) -> list[Calendar]:
    """Folder names: display names, made unique with the URL segment where two collide."""
    counts: dict[str, int] = {}
    for c in calendars:
        counts[c.name] = counts.get(c.name, 0) + 1
    for c in calendars:
        c.folder = c.name if counts[c.name] == 1 else f"{c.name} ({c.segment})"
    return calendars
