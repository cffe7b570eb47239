"""CalDAV calendars, read incrementally with RFC 6578 sync-collection and a ctag/etag fallback.

The configured URL may be a calendar, or a principal or calendar home whose calendars are
discovered (davdiscovery). python-caldav's DAVClient carries the HTTP (davhttp), but the DAV
requests are built and their replies parsed here and in davxml: its high-level sync helper
downloads every object whenever sync fails, and a poll here must stay cheap:

- Discovery (in open()) asks each calendar for its sync-token and ctag. When they equal the
  cursor's, changes() sends nothing: a no-change poll of a calendar URL is one request in all.
- Otherwise one sync-collection REPORT per calendar lists the changed and deleted hrefs with
  their etags. A rejected token is replaced by a token-less REPORT (a full listing, compared
  with the cursor's etags). A server that cannot sync is read by ctag (one depth-0 PROPFIND)
  and, when that changed, one depth-1 PROPFIND of etags compared with the cursor's.
- Changed objects are downloaded with calendar-multiget (GET per object, streamed under the
  size cap, where multiget fails) and split into one item per event UID.

Which requests a poll makes and what it hands over is decided in davplan (pure); this module
carries the requests out. Series are not handed over again to reach new dates: they are
expanded from the store (store/series). The cursor state and the refs are described in davstate.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from functools import partial

from ingestor.errors import SourceError
from ingestor.model import FolderCursor, RawItem
from ingestor.sources.base import FolderChanges, ItemRef, Source, register
from ingestor.sources.caldav_config import CalDavSourceConfig
from ingestor.sources.davdiscovery import Calendar, absolute, choose, discover
from ingestor.sources.davhttp import TOO_BIG, DavSession, redact
from ingestor.sources.davplan import (
    Answer,
    Ask,
    CalendarView,
    Ctag,
    CtagProbe,
    Listed,
    Synced,
    SyncReport,
    SyncUnsupported,
    TokenRejected,
    drive,
    plan_poll,
)
from ingestor.sources.davstate import Planned
from ingestor.sources.davxml import (
    CS,
    DAV,
    LISTING_PROPS,
    Member,
    is_multistatus,
    listed_members,
    multiget_body,
    multiget_data,
    own_entry,
    prop_text,
    sync_collection_body,
    sync_members,
)
from ingestor.sources.icsplit import split_by_uid

log = logging.getLogger(__name__)

MAX_OBJECT_BYTES = 10 * 1024 * 1024  # per calendar object; larger ones are not downloaded
MULTIGET_CHUNK = 50  # hrefs per calendar-multiget: bounds the reply held in memory
MAX_SYNC_PAGES = 100  # RFC 6578 truncated replies followed before giving up
FRESH_SECONDS = 300.0  # discovery's sync-token/ctag may stand in for a request this long


class _SyncUnsupported(Exception):
    """The server cannot answer sync-collection here; read by ctag and etags instead."""


class _TokenRejected(Exception):
    """The server no longer accepts our sync token (RFC 6578 DAV:valid-sync-token)."""


class _MultigetFailed(Exception):
    """calendar-multiget is refused or unreadable; fetch objects one GET at a time."""


@register
class CalDavSource(Source):
    type = "caldav"
    config: CalDavSourceConfig

    def __init__(self, config: CalDavSourceConfig) -> None:
        super().__init__(config)
        self.session = DavSession(self.name, config)
        self._all: list[Calendar] = []  # every calendar discovered
        self._chosen: list[Calendar] = []  # the ones read
        self._home: str | None = None  # where calendars were listed; None for a calendar URL
        self._plans: dict[str, dict[str, Planned]] = {}

    # ------------------------------------------------------------------ connection

    @property
    def where(self) -> str:
        return redact(self.config.url or "?")

    @property
    def cap(self) -> int:
        return min(self.config.max_message_size, MAX_OBJECT_BYTES)

    def open(self) -> None:
        self.session.open()
        try:
            found = discover(self.session)
            self._all, self._home = found.calendars, found.home
            self._chosen = choose(self._all, self.config.calendars, self.session)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        self.session.close()

    def _calendar(self, folder: str) -> Calendar:
        for c in self._chosen:
            if c.folder == folder:
                return c
        raise SourceError(self.name, f"no calendar named {folder!r} at {self.where}")

    # ------------------------------------------------------------------ Source API

    def folders(self) -> list[str]:
        self.session.connected()
        return [c.folder for c in self._chosen]

    def describe(self) -> list[str]:
        self.session.connected()
        lines = [
            f"{self.where}: "
            + (f"calendar home {redact(self._home)}" if self._home else "a calendar")
        ]
        for c in self._all:
            how = "sync-token" if c.sync_token else ("ctag/etags" if c.ctag else "etags")
            if c in self._chosen:
                status = "read"
            elif c.components and "VEVENT" not in c.components:
                status = "not read (holds no events)"
            else:
                status = "not read (not in calendars)"
            lines.append(f"calendar {c.folder!r} at {c.path}: {status}; changes by {how}")
        return lines

    def changes(self, folder: str, cursor: FolderCursor | None) -> FolderChanges:
        cal = self._calendar(folder)
        fresh = cal.seen_at is not None and time.monotonic() - cal.seen_at < FRESH_SECONDS
        cal.seen_at = None  # discovery's values stand in for one poll only
        view = CalendarView(folder, cal.sync_token, cal.ctag, fresh)
        plan = drive(plan_poll(cursor, view, time.time()), partial(self._answer, cal))
        for level, note in plan.notes:
            log.log(level, "%s: %s", self.name, note)
        self._plans.setdefault(folder, {}).update(plan.planned)
        return plan.changes

    def _answer(self, cal: Calendar, ask: Ask) -> Answer:
        """Carry out one request of the planner (davplan) against the server."""
        if isinstance(ask, SyncReport):
            try:
                token, members = self._sync_report(cal, ask.token)
            except _TokenRejected:
                return TokenRejected()
            except _SyncUnsupported as e:
                return SyncUnsupported(str(e))
            return Synced(token, members)
        if isinstance(ask, CtagProbe):
            return Ctag(self._ctag(cal))
        return Listed(self._list(cal))

    def fetch(self, folder: str, refs: list[ItemRef]) -> Iterator[RawItem]:
        cal = self._calendar(folder)
        plans = self._plans.get(folder, {})
        todo = [(r.ref, plans[r.ref]) for r in refs if r.ref in plans]
        for start in range(0, len(todo), MULTIGET_CHUNK):
            window = todo[start : start + MULTIGET_CHUNK]
            wanted = [p.href for _, p in window if p.etag is not None and (p.size or 0) <= self.cap]
            bodies = self._download(cal, wanted) if wanted else {}
            for ref, p in window:
                if p.etag is None:
                    yield RawItem(
                        ref=ref,
                        folder=folder,
                        data=b"",
                        size=0,
                        kind="calendar",
                        deleted=True,
                        object_key=f"{p.href}#",
                    )
                    continue
                data = bodies.get(p.href) if (p.size or 0) <= self.cap else TOO_BIG
                if data is None:
                    continue  # vanished meanwhile: the next poll reports its deletion
                yield from self._items(folder, p, data)

    def _items(self, folder: str, p: Planned, data: bytes | object) -> Iterator[RawItem]:
        if not isinstance(data, bytes):  # over the size cap: say so, do not hand on bytes
            log.warning(
                "%s: %s in %s is over the %s-byte cap; not downloaded",
                self.name,
                p.href,
                folder,
                self.cap,
            )
            yield RawItem(
                ref=f"{folder}:{p.href}#@{p.version}",
                folder=folder,
                data=b"",
                size=p.size,
                truncated=True,
                kind="calendar",
                object_key=f"{p.href}#",
            )
            return
        try:
            events = split_by_uid(data, self.name, p.href)
        except SourceError:
            events = {}
        if not events:
            if b"BEGIN:VEVENT" not in data.upper() and b"BEGIN:VCALENDAR" in data[:4096].upper():
                return  # a task or journal: no meeting in it
            # Not iCalendar, or an event cut short: the pipeline quarantines it, others go on.
            yield RawItem(
                ref=f"{folder}:{p.href}#@{p.version}",
                folder=folder,
                data=data,
                size=len(data),
                kind="calendar",
                object_key=f"{p.href}#",
            )
            return
        for uid, ics in events.items():
            yield RawItem(
                ref=f"{folder}:{p.href}#{uid}@{p.version}",
                folder=folder,
                data=ics,
                size=len(ics),
                kind="calendar",
                object_key=f"{p.href}#{uid}",
            )

    # ------------------------------------------------------------------ listing changes

    def _sync_report(self, cal: Calendar, token: str) -> tuple[str, list[Member]]:
        """RFC 6578 sync-collection from `token`, following truncated replies."""
        members: dict[str, Member] = {}
        for _page in range(MAX_SYNC_PAGES):
            body = sync_collection_body(token)
            reply = self.session.request("REPORT", cal.url, body, "0", cal.folder, lenient=True)
            if reply.status in (404, 410):
                raise SourceError(
                    self.name, f"calendar {cal.url} not found (HTTP {reply.status})", ref=cal.folder
                )
            if reply.status != 207:
                if token and (
                    reply.status in (403, 409, 412)
                    or DAV + "valid-sync-token" in reply.preconditions
                ):
                    raise _TokenRejected(token)
                raise _SyncUnsupported(
                    f"HTTP {reply.status}" if reply.status else "unreadable reply"
                )
            if not is_multistatus(reply.tree):
                raise _SyncUnsupported("the reply is not a DAV:multistatus")
            new_token = prop_text(reply.tree.find(DAV + "sync-token"))
            if not new_token:
                raise _SyncUnsupported("the reply has no sync-token")
            page, truncated = sync_members(reply.tree, cal.path)
            members.update((m.href, m) for m in page)
            if not truncated or new_token == token:
                return new_token, list(members.values())
            token = new_token
        raise _SyncUnsupported(f"more than {MAX_SYNC_PAGES} truncated replies")

    def _ctag(self, cal: Calendar) -> str | None:
        entries = self.session.propfind(cal.url, "<CS:getctag/>", "0", cal.folder)
        me = own_entry(entries, cal.url)
        return prop_text(me.props.get(CS + "getctag")) if me else None

    def _list(self, cal: Calendar) -> list[Member]:
        entries = self.session.propfind(cal.url, LISTING_PROPS, "1", cal.folder)
        return listed_members(entries, cal.path)

    # ------------------------------------------------------------------ downloading

    def _download(self, cal: Calendar, hrefs: list[str]) -> dict[str, bytes | object]:
        """{href: bytes, or TOO_BIG}; hrefs that vanished are missing."""
        got: dict[str, bytes | object] = {}
        gone: set[str] = set()
        try:
            got, gone = self._multiget(cal, hrefs)
        except _MultigetFailed as e:
            log.info("%s: calendar-multiget on %s failed (%s); using GET", self.name, cal.folder, e)
        for href in hrefs:
            if href not in got and href not in gone:
                data = self._get(cal, href)
                if data is not None:
                    got[href] = data
        return got

    def _multiget(
        self, cal: Calendar, hrefs: list[str]
    ) -> tuple[dict[str, bytes | object], set[str]]:
        body = multiget_body(hrefs)
        # lenient: an object too large for the XML parser makes the reply unreadable.
        reply = self.session.request("REPORT", cal.url, body, None, cal.folder, lenient=True)
        if reply.status != 207 or not is_multistatus(reply.tree):
            raise _MultigetFailed(f"HTTP {reply.status}")
        data, gone = multiget_data(reply.tree)
        got = {path: d if len(d) <= self.cap else TOO_BIG for path, d in data.items()}
        return got, gone

    def _get(self, cal: Calendar, href: str) -> bytes | object | None:
        """The object's bytes, TOO_BIG over the cap (not read further), None if it is gone."""
        return self.session.get(absolute(href, cal.url), href, cal.folder, self.cap)


__all__ = ["CalDavSource"]
