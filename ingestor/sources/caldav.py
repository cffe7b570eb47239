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
- Every REEXPAND_DAYS a poll lists the calendar in full and hands over every object again, so
  recurring series are expanded into the window that moved meanwhile (see reexpand).

The cursor state and the refs are described in davstate.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime
from typing import Any

from ingestor.errors import SourceError
from ingestor.model import FolderCursor, RawItem
from ingestor.sources.base import FolderChanges, ItemRef, Source, register
from ingestor.sources.caldav_config import CalDavSourceConfig
from ingestor.sources.davdiscovery import Calendar, absolute, choose, discover
from ingestor.sources.davhttp import TOO_BIG, DavSession, redact
from ingestor.sources.davstate import (
    CursorState,
    Planned,
    changed_members,
    etag_label,
    with_unchanged,
)
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
from ingestor.sources.reexpand import Reexpansion, utc_now

log = logging.getLogger(__name__)

MAX_OBJECT_BYTES = 10 * 1024 * 1024  # per calendar object; larger ones are not downloaded
MULTIGET_CHUNK = 50  # hrefs per calendar-multiget: bounds the reply held in memory
MAX_SYNC_PAGES = 100  # RFC 6578 truncated replies followed before giving up
SYNC_RETRY_SECONDS = 24 * 3600  # after a failed sync REPORT, use ctag/etags this long
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
        self.clock: Callable[[], datetime] = utc_now  # aware; its UTC date paces re-expansion
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
        st = CursorState.load(cursor)
        rx = Reexpansion.plan(cursor.state if cursor else {}, st.known, self.clock().date())
        fresh = cal.seen_at is not None and time.monotonic() - cal.seen_at < FRESH_SECONDS
        cal.seen_at = None  # discovery's values stand in for one poll only
        # A re-expansion round hands over everything, so no shortcut may say "nothing changed".
        settled = cursor is not None and not st.resumed and not rx.due
        failed_before = st.sync_failed_at
        try_sync = cal.sync_token is not None and (
            failed_before is None or time.time() - failed_before > SYNC_RETRY_SECONDS
        )
        if try_sync:
            # Discovery read the calendar's sync-token a moment ago: equal means no change.
            if settled and fresh and st.sync_token and st.sync_token == cal.sync_token:
                assert cursor is not None
                return FolderChanges(folder, [], cursor)
            try:
                token, members, full = self._sync(cal, st, relist=rx.due)
            except _SyncUnsupported as e:
                log.warning(
                    "%s: sync-collection on %s failed (%s); comparing ctag and etags for %d h",
                    self.name,
                    folder,
                    e,
                    SYNC_RETRY_SECONDS // 3600,
                )
                st.sync_failed_at = time.time()
                st.sync_token = None
            else:
                if (
                    settled
                    and token == st.sync_token
                    and not changed_members(members, st.etags, full)
                ):
                    assert cursor is not None
                    return FolderChanges(folder, [], cursor)  # nothing to write back either
                st.sync_failed_at = None
                # Discovery's ctag was read before the REPORT, so it never claims too much.
                final: dict[str, Any] = {"sync_token": token, "ctag": cal.ctag if fresh else None}
                return self._changes(folder, st, members, full, final, rx)
        # No sync: one PROPFIND for the ctag (or none, right after discovery) ...
        ctag = cal.ctag if fresh else self._ctag(cal)
        if settled and ctag and ctag == st.ctag:
            assert cursor is not None
            if st.sync_failed_at == failed_before and st.sync_token is None:
                return FolderChanges(folder, [], cursor)
            state = {**cursor.state, "sync_token": None, "sync_failed_at": st.sync_failed_at}
            return FolderChanges(folder, [], FolderCursor(folder, state=state))
        # ... and when it changed (or there is none), one depth-1 PROPFIND of every etag.
        members = self._list(cal)
        final = {"sync_token": None, "ctag": ctag}
        if st.sync_failed_at is not None:
            final["sync_failed_at"] = st.sync_failed_at
        return self._changes(folder, st, members, True, final, rx)

    def _changes(
        self,
        folder: str,
        st: CursorState,
        members: list[Member],
        full: bool,
        final: dict[str, Any],
        rx: Reexpansion,
    ) -> FolderChanges:
        diff = changed_members(members, st.etags, full)
        etags = dict(st.etags)
        for m in diff:
            if m.etag is None:
                etags.pop(m.href, None)
            else:
                etags[m.href] = m.etag
        if rx.due:
            # Every object again (a resumed round: those it had yet to hand over), each with a
            # new change number, so its ref is new; its stored etag stays the baseline.
            log.info("%s: handing over every event of %s to expand series anew", self.name, folder)
            again = st.remaining if rx.resumed else list(etags)
            diff = with_unchanged(diff, etags, members, again)
        state = {**final, "etags": etags, "seq": st.seq + len(diff), **rx.final()}
        done = FolderCursor(folder, state=state)
        pending = [[m.href, m.etag] for m in diff]  # shared by every intermediate cursor
        base = {**st.base(), **rx.interim(), "pending": pending}
        plans = self._plans.setdefault(folder, {})
        refs: list[ItemRef] = []
        for i, m in enumerate(diff):
            n = st.seq + i
            if m.etag is None:
                ref = f"{folder}:{m.href}@deleted-{n}"
            else:
                ref = f"{folder}:{m.href}@{etag_label(m.etag)}-{n}"
            plans[ref] = Planned(m.href, m.etag, m.size, n)
            size = 0 if m.etag is None else (m.size or 0)
            refs.append(
                ItemRef(ref, FolderCursor(folder, state={**base, "done": i + 1}), size=size)
            )
        if refs:
            refs[-1] = replace(refs[-1], cursor=done)
        return FolderChanges(folder, refs, done)

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

    def _sync(
        self, cal: Calendar, st: CursorState, relist: bool = False
    ) -> tuple[str, list[Member], bool]:
        """(new token, changed and deleted members, whether this is a full listing).

        `relist`: list the whole calendar even when the token is good (a re-expansion round).
        """
        if st.sync_token and not relist:
            try:
                token, members = self._sync_report(cal, st.sync_token)
                return token, members, False
            except _TokenRejected:
                log.info(
                    "%s: sync token for %s was rejected; listing the calendar again",
                    self.name,
                    cal.folder,
                )
        elif st.known and not relist:
            log.info("%s: no sync token for %s yet; listing the calendar", self.name, cal.folder)
        try:
            token, members = self._sync_report(cal, "")
        except _TokenRejected as e:
            raise _SyncUnsupported("the initial sync-collection REPORT was refused") from e
        return token, members, True

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
