"""CalDAV calendars, read incrementally with RFC 6578 sync-collection and a ctag/etag fallback.

The configured URL may be a calendar, or a principal or calendar home whose calendars are
discovered; `calendars = [...]` chooses among them by display name or last URL segment. Each
chosen calendar is one folder, named by its display name (plus the URL segment if two share it).

python-caldav's DAVClient carries the HTTP (session, auth negotiation, TLS, timeouts), but the
DAV requests are built and their replies parsed here: its high-level sync helper downloads every
object whenever sync fails, and a poll here must stay cheap:

- Discovery (in open()) asks each calendar for its sync-token and ctag. When they equal the
  cursor's, changes() sends nothing: a no-change poll of a calendar URL is one request in all.
- Otherwise one sync-collection REPORT per calendar lists the changed and deleted hrefs with
  their etags. A rejected token is replaced by a token-less REPORT (a full listing, compared
  with the cursor's etags). A server that cannot sync is read by ctag (one depth-0 PROPFIND)
  and, when that changed, one depth-1 PROPFIND of etags compared with the cursor's.
- Changed objects are downloaded with calendar-multiget (GET per object, streamed under the
  size cap, where multiget fails) and split into one item per event UID.

Cursor state per calendar: {"sync_token", "ctag", "etags": {href: etag}, "seq": n}. `seq`
numbers every change handed out; it is part of each ref, because servers derive etags from
content: an event deleted and restored, or edited and edited back, has an etag seen before and
would otherwise get a ref the ledger already holds. Refs:
- changed: "<folder>:<href>#<uid>@<etag>-<n>", object_key "<href>#<uid>";
- deleted: "<folder>:<href>@deleted-<n>", object_key "<href>#" (cancels all of its UIDs).
Intermediate cursors share the previous state and the list of pending changes, and say how many
of them are done ({"pending": [[href, etag or None], ...], "done": k}): O(1) memory per ref, and
a resumed poll skips exactly the changes stored before the interruption.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit
from xml.sax.saxutils import escape

from caldav.davclient import DAVClient
from caldav.lib import error as caldav_error
from caldav.lib.http_sync import HTTPBasicAuth
from caldav.lib.http_sync import requests as http
from lxml import etree

from ingestor.config import SourceConfig
from ingestor.errors import SourceError
from ingestor.model import FolderCursor, RawItem
from ingestor.secrets import read_password
from ingestor.sources.base import FolderChanges, ItemRef, Source, register
from ingestor.sources.icsplit import split_by_uid

log = logging.getLogger(__name__)

MAX_OBJECT_BYTES = 10 * 1024 * 1024  # per calendar object; larger ones are not downloaded
MULTIGET_CHUNK = 50  # hrefs per calendar-multiget: bounds the reply held in memory
MAX_SYNC_PAGES = 100  # RFC 6578 truncated replies followed before giving up
SYNC_RETRY_SECONDS = 24 * 3600  # after a failed sync REPORT, use ctag/etags this long
FRESH_SECONDS = 300.0  # discovery's sync-token/ctag may stand in for a request this long

DAV = "{DAV:}"
CALDAV = "{urn:ietf:params:xml:ns:caldav}"
CS = "{http://calendarserver.org/ns/}"
_XML = '<?xml version="1.0" encoding="utf-8"?>\n'
_NS = 'xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:CS="http://calendarserver.org/ns/"'
_DISCOVERY_PROPS = (
    "<D:resourcetype/><D:displayname/><D:current-user-principal/><C:calendar-home-set/>"
    "<C:supported-calendar-component-set/><CS:getctag/><D:sync-token/>"
)
_SAFE_PATH = "/:@!$&'()*+,;=-._~"


class _SyncUnsupported(Exception):
    """The server cannot answer sync-collection here; read by ctag and etags instead."""


class _TokenRejected(Exception):
    """The server no longer accepts our sync token (RFC 6578 DAV:valid-sync-token)."""


class _MultigetFailed(Exception):
    """calendar-multiget is refused or unreadable; fetch objects one GET at a time."""


@dataclass(frozen=True)
class _Reply:
    status: int
    tree: Any  # lxml element, or None when the body was empty or not XML
    preconditions: tuple[str, ...] = ()


@dataclass
class _Entry:
    """One <response> of a multistatus: its decoded path, status and 2xx properties."""

    path: str
    status: int | None
    props: dict[str, Any]


@dataclass
class _Calendar:
    url: str  # absolute, as requests are sent to it
    path: str  # decoded path, as hrefs are compared with it
    name: str  # display name, or the last path segment when it has none
    segment: str
    components: tuple[str, ...]  # supported component set; () when the server does not say
    sync_token: str | None  # as seen at discovery
    ctag: str | None
    seen_at: float | None  # when sync_token/ctag were read; None once a poll has used them
    folder: str = ""


@dataclass(frozen=True)
class _Member:
    href: str
    etag: str | None  # None: deleted; "": the server gave no etag
    size: int | None = None


@dataclass(frozen=True)
class _Planned:
    """What changes() decided about one ref, for fetch() to act on."""

    href: str
    etag: str | None  # None: deleted
    size: int | None
    n: int  # the change's number in this calendar (cursor "seq")

    @property
    def version(self) -> str:
        return f"{_label(self.etag)}-{self.n}"


@dataclass
class _State:
    """A calendar's cursor state, with an interrupted poll's stored changes applied."""

    sync_token: str | None
    ctag: str | None
    etags: dict[str, str]
    seq: int  # changes handed out so far: numbers each one, so every ref is new
    sync_failed_at: float | None
    known: bool  # a cursor existed: its etags are a baseline to detect deletions against
    resumed: bool  # the cursor was an intermediate one

    @classmethod
    def load(cls, cursor: FolderCursor | None) -> _State:
        state = cursor.state if cursor is not None else {}
        raw_etags = state.get("etags")
        etags = {
            str(k): str(v)
            for k, v in (raw_etags.items() if isinstance(raw_etags, dict) else ())
            if v is not None
        }
        seq = _int(state.get("seq"))
        pending = state.get("pending")
        done = _int(state.get("done"))
        resumed = isinstance(pending, list)
        if isinstance(pending, list):
            for entry in pending[:done]:
                seq += 1
                if not (isinstance(entry, list | tuple) and len(entry) == 2):
                    continue
                href, etag = str(entry[0]), entry[1]
                if etag is None:
                    etags.pop(href, None)
                else:
                    etags[href] = str(etag)
        token, ctag, failed = (
            state.get("sync_token"),
            state.get("ctag"),
            state.get("sync_failed_at"),
        )
        return cls(
            sync_token=str(token) if token else None,
            ctag=str(ctag) if ctag and not resumed else None,
            etags=etags,
            seq=seq,
            sync_failed_at=float(failed) if isinstance(failed, int | float) else None,
            known=cursor is not None,
            resumed=resumed,
        )

    def base(self) -> dict[str, object]:
        out: dict[str, object] = {
            "sync_token": self.sync_token,
            "ctag": None,  # an interrupted poll must list again, whatever the ctag says
            "etags": self.etags,
            "seq": self.seq,
        }
        if self.sync_failed_at is not None:
            out["sync_failed_at"] = self.sync_failed_at
        return out


def _label(etag: str | None) -> str:
    """An etag as it appears in refs: without the quotes every server puts around it."""
    text = (etag or "").removeprefix("W/").strip('"')
    return text or "no-etag"


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


@register
class CalDavSource(Source):
    type = "caldav"

    def __init__(self, config: SourceConfig) -> None:
        super().__init__(config)
        self.client: DAVClient | None = None
        self._preemptive = False
        self._all: list[_Calendar] = []  # every calendar discovered
        self._chosen: list[_Calendar] = []  # the ones read
        self._home: str | None = None  # where calendars were listed; None for a calendar URL
        self._plans: dict[str, dict[str, _Planned]] = {}

    # ------------------------------------------------------------------ connection

    @property
    def where(self) -> str:
        return _redact(self.config.url or "?")

    @property
    def cap(self) -> int:
        return min(self.config.max_message_size, MAX_OBJECT_BYTES)

    def open(self) -> None:
        cfg = self.config
        if not cfg.url:
            raise SourceError(self.name, "no url configured")
        password = read_password(self.name, cfg.password, cfg.timeout)
        try:
            client = DAVClient(
                url=_redact(cfg.url),
                username=cfg.username,
                password=password,
                timeout=cfg.timeout,  # type: ignore[arg-type]  # float seconds work too
                ssl_verify_cert=cfg.tls_verify,
                enable_rfc6764=False,
            )
        except Exception as e:  # noqa: BLE001 - a URL python-caldav cannot even parse
            raise SourceError(self.name, f"invalid url {self.where}: {type(e).__name__}") from None
        # Basic credentials go with the first request: negotiating costs a 401 round trip on
        # every poll. A server that wants Digest gets one more try with negotiation (_dav).
        client.auth = HTTPBasicAuth(cfg.username or "", password)
        self._preemptive = True
        self.client = client
        try:
            self._discover()
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        client, self.client = self.client, None
        if client is not None:
            try:
                client.close()
            except Exception:  # noqa: BLE001 - nothing to save on a dead connection
                log.debug("closing %s: session already closed", self.name)

    def _client(self) -> DAVClient:
        if self.client is None:
            raise SourceError(self.name, "not connected")
        return self.client

    # ------------------------------------------------------------------ HTTP

    def _dav(
        self,
        method: str,
        url: str,
        body: str,
        depth: str | None,
        folder: str | None = None,
        lenient: bool = False,
    ) -> _Reply:
        """One DAV request; network, TLS and auth failures become SourceError.

        `lenient`: an unparsable XML body gives status 0 instead of an error, for requests
        that have a fallback (sync-collection, calendar-multiget).
        """
        client = self._client()
        headers = {"Content-Type": "application/xml; charset=utf-8"}
        if depth is not None:
            headers["Depth"] = depth
        shown = _redact(url)
        while True:
            try:
                r = client.request(url, method, body, headers)
            except caldav_error.AuthorizationError as e:
                if e.status == 403:
                    return _Reply(403, None, tuple(e.preconditions))
                if self._preemptive:
                    # Perhaps not Basic: let python-caldav negotiate from the challenge.
                    self._preemptive = False
                    client.auth = None
                    client.auth_type = None
                    continue
                raise SourceError(
                    self.name,
                    f"login as {self.config.username!r} on {self.where} was rejected: wrong username or password",
                    ref=folder,
                ) from None
            except caldav_error.RateLimitError:
                raise SourceError(
                    self.name, f"{shown} is rate-limiting requests (HTTP 429/503)", ref=folder
                ) from None
            except http.exceptions.RequestException as e:
                raise self._network_error(e, shown, folder) from None
            except etree.LxmlError:
                if lenient:
                    return _Reply(0, None)
                raise SourceError(
                    self.name, f"{method} {shown}: the server sent malformed XML", ref=folder
                ) from None
            except NotImplementedError as e:  # no supported auth scheme offered
                raise SourceError(self.name, f"{shown}: {e}", ref=folder) from None
            self._preemptive = False
            preconditions: tuple[str, ...] = ()
            if r.status >= 400:
                preconditions = tuple(caldav_error.parse_preconditions(r._raw))
            return _Reply(r.status, r.tree, preconditions)

    def _network_error(self, e: BaseException, shown: str, folder: str | None) -> SourceError:
        if isinstance(e, http.exceptions.SSLError):
            return SourceError(
                self.name, f"TLS failure talking to {shown}: {_reason(e)}", ref=folder
            )
        if isinstance(e, http.exceptions.Timeout):
            return SourceError(
                self.name, f"{shown} did not answer within {self.config.timeout:g} s", ref=folder
            )
        return SourceError(self.name, f"cannot connect to {shown}: {_reason(e)}", ref=folder)

    def _multistatus(self, reply: _Reply, what: str, folder: str | None = None) -> list[_Entry]:
        if reply.tree is None or reply.tree.tag != DAV + "multistatus":
            raise SourceError(
                self.name, f"{what}: malformed reply (no DAV:multistatus)", ref=folder
            )
        return _entries(reply.tree)

    def _propfind(
        self, url: str, props: str, depth: str, folder: str | None = None
    ) -> list[_Entry]:
        body = f"{_XML}<D:propfind {_NS}><D:prop>{props}</D:prop></D:propfind>"
        reply = self._dav("PROPFIND", url, body, depth, folder)
        what = f"PROPFIND {_redact(url)}"
        if reply.status in (404, 410):
            raise SourceError(self.name, f"{what}: not found (HTTP {reply.status})", ref=folder)
        if reply.status == 403:
            raise SourceError(self.name, f"{what}: access forbidden (HTTP 403)", ref=folder)
        if reply.status != 207:
            raise SourceError(self.name, f"{what} failed: HTTP {reply.status}", ref=folder)
        entries = self._multistatus(reply, what, folder)
        me = _own_entry(entries, url)
        if me is not None and me.status in (404, 410):  # Xandikos: 207 with a 404 inside
            raise SourceError(self.name, f"{what}: not found (HTTP {me.status})", ref=folder)
        return entries

    # ------------------------------------------------------------------ discovery

    def _discover(self) -> None:
        url = _redact(self.config.url or "")
        entries = self._propfind(url, _DISCOVERY_PROPS, "0")
        me = _own_entry(entries, url)
        if me is None:
            raise SourceError(self.name, f"PROPFIND {url}: the reply does not describe the URL")
        found: list[_Calendar] = []
        if _is_calendar(me):
            found = [self._calendar_from(me, self._abs(me.path, url))]
        else:
            tried: set[str] = set()
            homes = _hrefs(me.props.get(CALDAV + "calendar-home-set")) or [_path(url)]
            found = self._list_homes(url, homes, tried)
            # The URL was neither a calendar nor a principal nor a home: ask who we are.
            principal = _hrefs(me.props.get(DAV + "current-user-principal"))
            if not found and principal and _path(principal[0]).rstrip("/") != me.path.rstrip("/"):
                purl = self._abs(principal[0], url)
                pentries = self._propfind(purl, "<C:calendar-home-set/>", "0")
                pme = _own_entry(pentries, purl)
                phomes = _hrefs(pme.props.get(CALDAV + "calendar-home-set")) if pme else []
                found = self._list_homes(purl, phomes, tried)
            if not found:
                raise SourceError(self.name, f"no calendars found at {self.where}")
        self._all = _name_folders(found)
        self._chosen = self._choose(self._all)

    def _list_homes(self, base: str, homes: list[str], tried: set[str]) -> list[_Calendar]:
        found: list[_Calendar] = []
        for home in homes:
            hurl = self._abs(home, base)
            hpath = _path(hurl)
            if hpath in tried:
                continue
            tried.add(hpath)
            for entry in self._propfind(hurl, _DISCOVERY_PROPS, "1"):
                if entry.path.rstrip("/") != hpath.rstrip("/") and _is_calendar(entry):
                    # Joined to the home: a home may live on another host (iCloud does that).
                    found.append(self._calendar_from(entry, self._abs(entry.path, hurl)))
            if found:
                self._home = hurl
                break
        return found

    def _calendar_from(self, entry: _Entry, url: str) -> _Calendar:
        segment = entry.path.rstrip("/").rsplit("/", 1)[-1]
        name = _text(entry.props.get(DAV + "displayname")) or segment
        comps = entry.props.get(CALDAV + "supported-calendar-component-set")
        components = tuple(
            str(c.get("name")).upper()
            for c in (comps if comps is not None else ())
            if c.get("name")
        )
        return _Calendar(
            url=url,
            path=entry.path,
            name=name,
            segment=segment,
            components=components,
            sync_token=_text(entry.props.get(DAV + "sync-token")),
            ctag=_text(entry.props.get(CS + "getctag")),
            seen_at=time.monotonic(),
        )

    def _choose(self, calendars: list[_Calendar]) -> list[_Calendar]:
        wanted = self.config.calendars
        if not wanted:
            # Task lists are no meetings; a calendar that does not say what it holds is read.
            return [c for c in calendars if not c.components or "VEVENT" in c.components]
        chosen: list[_Calendar] = []
        for want in wanted:
            match = [c for c in calendars if want in (c.name, c.segment, c.folder)] or [
                c for c in calendars if want.casefold() in (c.name.casefold(), c.segment.casefold())
            ]
            if not match:
                names = ", ".join(repr(c.folder) for c in calendars) or "none"
                raise SourceError(
                    self.name, f"calendar {want!r} not found at {self.where} (found: {names})"
                )
            chosen.extend(c for c in match if c not in chosen)
        return chosen

    @staticmethod
    def _abs(href: str, base: str) -> str:
        """An href (absolute URL, or a path, encoded or not) as a URL to send requests to."""
        if href.startswith(("http://", "https://")):
            return href
        return urljoin(base, _quote(unquote(href)))

    def _calendar(self, folder: str) -> _Calendar:
        for c in self._chosen:
            if c.folder == folder:
                return c
        raise SourceError(self.name, f"no calendar named {folder!r} at {self.where}")

    # ------------------------------------------------------------------ Source API

    def folders(self) -> list[str]:
        self._client()
        return [c.folder for c in self._chosen]

    def describe(self) -> list[str]:
        self._client()
        lines = [
            f"{self.where}: "
            + (f"calendar home {_redact(self._home)}" if self._home else "a calendar")
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
        st = _State.load(cursor)
        fresh = cal.seen_at is not None and time.monotonic() - cal.seen_at < FRESH_SECONDS
        cal.seen_at = None  # discovery's values stand in for one poll only
        settled = cursor is not None and not st.resumed
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
                token, members, full = self._sync(cal, st)
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
                if settled and token == st.sync_token and not _diff(members, st.etags, full):
                    assert cursor is not None
                    return FolderChanges(folder, [], cursor)  # nothing to write back either
                st.sync_failed_at = None
                # Discovery's ctag was read before the REPORT, so it never claims too much.
                final: dict[str, Any] = {"sync_token": token, "ctag": cal.ctag if fresh else None}
                return self._changes(folder, st, members, full, final)
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
        return self._changes(folder, st, members, True, final)

    def _changes(
        self, folder: str, st: _State, members: list[_Member], full: bool, final: dict[str, Any]
    ) -> FolderChanges:
        diff = _diff(members, st.etags, full)
        etags = dict(st.etags)
        for m in diff:
            if m.etag is None:
                etags.pop(m.href, None)
            else:
                etags[m.href] = m.etag
        done = FolderCursor(folder, state={**final, "etags": etags, "seq": st.seq + len(diff)})
        pending = [[m.href, m.etag] for m in diff]  # shared by every intermediate cursor
        base = st.base()
        base["pending"] = pending
        plans = self._plans.setdefault(folder, {})
        refs: list[ItemRef] = []
        for i, m in enumerate(diff):
            n = st.seq + i
            if m.etag is None:
                ref = f"{folder}:{m.href}@deleted-{n}"
            else:
                ref = f"{folder}:{m.href}@{_label(m.etag)}-{n}"
            plans[ref] = _Planned(m.href, m.etag, m.size, n)
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
                data = bodies.get(p.href) if (p.size or 0) <= self.cap else _TOO_BIG
                if data is None:
                    continue  # vanished meanwhile: the next poll reports its deletion
                yield from self._items(folder, p, data)

    def _items(self, folder: str, p: _Planned, data: bytes | object) -> Iterator[RawItem]:
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

    def _sync(self, cal: _Calendar, st: _State) -> tuple[str, list[_Member], bool]:
        """(new token, changed and deleted members, whether this is a full listing)."""
        if st.sync_token:
            try:
                token, members = self._sync_report(cal, st.sync_token)
                return token, members, False
            except _TokenRejected:
                log.info(
                    "%s: sync token for %s was rejected; listing the calendar again",
                    self.name,
                    cal.folder,
                )
        elif st.known:
            log.info("%s: no sync token for %s yet; listing the calendar", self.name, cal.folder)
        try:
            token, members = self._sync_report(cal, "")
        except _TokenRejected as e:
            raise _SyncUnsupported("the initial sync-collection REPORT was refused") from e
        return token, members, True

    def _sync_report(self, cal: _Calendar, token: str) -> tuple[str, list[_Member]]:
        """RFC 6578 sync-collection from `token`, following truncated replies."""
        members: dict[str, _Member] = {}
        for _page in range(MAX_SYNC_PAGES):
            body = (
                f"{_XML}<D:sync-collection {_NS}><D:sync-token>{escape(token)}</D:sync-token>"
                "<D:sync-level>1</D:sync-level><D:prop><D:getetag/><D:getcontentlength/></D:prop>"
                "</D:sync-collection>"
            )
            reply = self._dav("REPORT", cal.url, body, "0", cal.folder, lenient=True)
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
            if reply.tree is None or reply.tree.tag != DAV + "multistatus":
                raise _SyncUnsupported("the reply is not a DAV:multistatus")
            new_token = _text(reply.tree.find(DAV + "sync-token"))
            if not new_token:
                raise _SyncUnsupported("the reply has no sync-token")
            truncated = False
            for e in _entries(reply.tree):
                if e.path.rstrip("/") == cal.path.rstrip("/"):
                    truncated = truncated or e.status == 507  # RFC 6578 3.6: more to come
                    continue
                if e.status in (404, 410):
                    members[e.path] = _Member(e.path, None)
                elif _is_collection(e):
                    continue
                else:
                    members[e.path] = _member(e)
            if not truncated or new_token == token:
                return new_token, list(members.values())
            token = new_token
        raise _SyncUnsupported(f"more than {MAX_SYNC_PAGES} truncated replies")

    def _ctag(self, cal: _Calendar) -> str | None:
        entries = self._propfind(cal.url, "<CS:getctag/>", "0", cal.folder)
        me = _own_entry(entries, cal.url)
        return _text(me.props.get(CS + "getctag")) if me else None

    def _list(self, cal: _Calendar) -> list[_Member]:
        props = "<D:resourcetype/><D:getetag/><D:getcontentlength/>"
        out = []
        for e in self._propfind(cal.url, props, "1", cal.folder):
            if e.path.rstrip("/") == cal.path.rstrip("/") or _is_collection(e):
                continue
            if e.status in (404, 410):
                continue
            out.append(_member(e))
        return out

    # ------------------------------------------------------------------ downloading

    def _download(self, cal: _Calendar, hrefs: list[str]) -> dict[str, bytes | object]:
        """{href: bytes, or _TOO_BIG}; hrefs that vanished are missing."""
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
        self, cal: _Calendar, hrefs: list[str]
    ) -> tuple[dict[str, bytes | object], set[str]]:
        listed = "".join(f"<D:href>{escape(_quote(h))}</D:href>" for h in hrefs)
        body = (
            f"{_XML}<C:calendar-multiget {_NS}><D:prop><D:getetag/><C:calendar-data/></D:prop>"
            f"{listed}</C:calendar-multiget>"
        )
        # lenient: an object too large for the XML parser makes the reply unreadable.
        reply = self._dav("REPORT", cal.url, body, None, cal.folder, lenient=True)
        if reply.status != 207 or reply.tree is None or reply.tree.tag != DAV + "multistatus":
            raise _MultigetFailed(f"HTTP {reply.status}")
        got: dict[str, bytes | object] = {}
        gone: set[str] = set()
        for e in _entries(reply.tree):
            if e.status in (404, 410):
                gone.add(e.path)
                continue
            text = e.props.get(CALDAV + "calendar-data")
            if text is None or text.text is None:
                continue  # not answered: fetched with GET
            data = text.text.encode("utf-8")
            got[e.path] = data if len(data) <= self.cap else _TOO_BIG
        return got, gone

    def _get(self, cal: _Calendar, href: str) -> bytes | object | None:
        """The object's bytes, _TOO_BIG over the cap (not read further), None if it is gone."""
        client = self._client()
        url = self._abs(href, cal.url)
        try:
            r = client.session.request(
                "GET",
                url,
                headers={"Accept": "text/calendar", "User-Agent": "ingestor"},
                auth=client.auth,
                timeout=self.config.timeout,
                verify=client.ssl_verify_cert,
                stream=True,
            )
            try:
                if r.status_code in (404, 410):
                    return None
                if r.status_code == 401:
                    raise SourceError(
                        self.name,
                        f"login on {self.where} was rejected while reading {href}",
                        ref=cal.folder,
                    )
                if r.status_code != 200:
                    raise SourceError(
                        self.name, f"GET {href} failed: HTTP {r.status_code}", ref=cal.folder
                    )
                data = bytearray()
                for chunk in r.iter_content(64 * 1024):
                    data += chunk
                    if len(data) > self.cap:
                        return _TOO_BIG
                return bytes(data)
            finally:
                r.close()
        except http.exceptions.RequestException as e:
            raise self._network_error(e, _redact(url), cal.folder) from None


_TOO_BIG = object()  # marks an object over the size cap


def _diff(members: Iterable[_Member], etags: dict[str, str], full: bool) -> list[_Member]:
    """Changed and deleted members against the known etags, by href."""
    seen: dict[str, _Member] = {}
    for m in members:
        seen[m.href] = m
    out = []
    for m in seen.values():
        if m.etag is None:
            # Deleting what was never stored (created and deleted between polls) cancels nothing.
            if m.href in etags:
                out.append(m)
        elif not m.etag or etags.get(m.href) != m.etag:
            out.append(m)
    if full:
        out.extend(_Member(href, None) for href in etags if href not in seen)
    return sorted(out, key=lambda m: m.href)


def _entries(tree: Any) -> list[_Entry]:
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
        out.append(_Entry(_path(href.text.strip()), status, props))
    return out


def _member(e: _Entry) -> _Member:
    size = _text(e.props.get(DAV + "getcontentlength"))
    return _Member(
        e.path,
        _text(e.props.get(DAV + "getetag")) or "",
        int(size) if size and size.isdigit() else None,
    )


def _own_entry(entries: list[_Entry], url: str) -> _Entry | None:
    path = _path(url).rstrip("/")
    for e in entries:
        if e.path.rstrip("/") == path:
            return e
    return entries[0] if len(entries) == 1 else None


def _status(el: Any) -> int | None:
    if el is None or not el.text:
        return None
    parts = el.text.split()
    return int(parts[1]) if len(parts) >= 2 and parts[1].isdigit() else None


def _text(el: Any) -> str | None:
    if el is None or el.text is None:
        return None
    return el.text.strip() or None


def _hrefs(el: Any) -> list[str]:
    if el is None:
        return []
    return [h.text.strip() for h in el.iterfind(DAV + "href") if h.text and h.text.strip()]


def _is_calendar(e: _Entry) -> bool:
    rt = e.props.get(DAV + "resourcetype")
    return rt is not None and rt.find(CALDAV + "calendar") is not None


def _is_collection(e: _Entry) -> bool:
    rt = e.props.get(DAV + "resourcetype")
    return rt is not None and rt.find(DAV + "collection") is not None


def _path(href: str) -> str:
    """The decoded path of an href or URL: servers differ in what they percent-encode."""
    return unquote(urlsplit(href).path) if "://" in href else unquote(href.split("?", 1)[0])


def _quote(path: str) -> str:
    return quote(path, safe=_SAFE_PATH)


def _redact(url: str) -> str:
    """The URL without user:password@, so no message or request line carries a secret."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def _name_folders(calendars: list[_Calendar]) -> list[_Calendar]:
    """Folder names: display names, made unique with the URL segment where two collide."""
    counts: dict[str, int] = {}
    for c in calendars:
        counts[c.name] = counts.get(c.name, 0) + 1
    for c in calendars:
        c.folder = c.name if counts[c.name] == 1 else f"{c.name} ({c.segment})"
    return calendars


def _reason(e: BaseException) -> str:
    """The innermost cause of a requests/niquests error: 'Connection refused', not a pool dump."""
    seen: set[int] = set()
    best: BaseException = e
    cur: BaseException | None = e
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        best = cur
        cur = cur.__cause__ or cur.__context__
    verify = getattr(best, "verify_message", None)
    if verify:
        return f"certificate verification failed: {verify}"
    strerror = getattr(best, "strerror", None)
    if strerror:
        return str(strerror)
    text = str(best) or type(best).__name__
    return text.split(" (Caused by", 1)[0][:200]


__all__ = ["CalDavSource"]
