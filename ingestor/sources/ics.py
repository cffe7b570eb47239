"""An iCalendar feed, over HTTP(S) or from a local file, read one event (UID) at a time.

The feed is downloaded with If-None-Match on its ETag, a timeout and a size cap; a local file is
skipped when its size and mtime are unchanged. The cursor remembers each event's content hash,
so only new or changed events are passed on, and events that vanished are reported as deleted.

Refs are "<folder>:<uid>@<content hash>-<n>", or "@deleted-<n>". Series are not handed over
again to reach new dates: they are expanded from the store (store/series). A cursor written
before masters were stored there (it lacks STORE_KEY) makes the next read hand over every event
once, so that the store gets them all; old cursor keys ("expanded_on", "reexpanding") are
ignored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

from ingestor.errors import SourceError
from ingestor.model import FolderCursor, RawItem
from ingestor.sources.base import FolderChanges, ItemRef, Source, register
from ingestor.sources.httpclient import fetch, open_client, redact, url_login
from ingestor.sources.ics_config import IcsSourceConfig
from ingestor.sources.icsplit import content_hash, split_by_uid

MAX_FEED_BYTES = 50 * 1024 * 1024
FOLDER = "calendar"
STORE_KEY = "masters_stored"  # cursor state: every event's master has been handed over


@register
class IcsSource(Source):
    type = "ics"
    config: IcsSourceConfig

    def __init__(self, config: IcsSourceConfig) -> None:
        super().__init__(config)
        self._events: dict[str, bytes] = {}

    @property
    def where(self) -> str:
        return redact(self.config.url) if self.config.url else self.config.path or "?"

    def folders(self) -> list[str]:
        return [FOLDER]

    def changes(self, folder: str, cursor: FolderCursor | None) -> FolderChanges:
        state = dict(cursor.state) if cursor else {}
        # A cursor from before masters were stored: read the feed and hand over every event once.
        upgrade = cursor is not None and not state.get(STORE_KEY)
        data, validator = self._download({} if upgrade else state)
        if data is None:  # 304 Not Modified, or the file is unchanged
            return FolderChanges(folder, [], cursor or FolderCursor(folder, state=state))
        digest = hashlib.sha256(data).hexdigest()
        if digest == state.get("sha256") and not upgrade:
            return FolderChanges(folder, [], FolderCursor(folder, state={**state, **validator}))
        events = split_by_uid(data, self.name, self.where)
        events_before = state.get("events")
        before: dict[str, str] = dict(events_before) if isinstance(events_before, dict) else {}
        now = {uid: content_hash(ics) for uid, ics in events.items()}
        self._events = events
        changed = [uid for uid in sorted(now) if upgrade or before.get(uid) != now[uid]]
        gone = [uid for uid in sorted(before) if uid not in now]
        # A running change number keeps refs unique when an event is edited and then edited
        # back, or deleted twice: the ledger would otherwise drop the repeat as seen.
        seq = int(str(state.get("seq", 0)))
        final = FolderCursor(
            folder,
            state={
                **validator,
                "sha256": digest,
                "events": now,
                "seq": seq + len(changed) + len(gone),
                STORE_KEY: True,
            },
        )
        refs: list[ItemRef] = []
        progress = dict(before)
        for n, uid in enumerate(changed + gone, start=seq + 1):
            if uid in now:
                progress[uid] = now[uid]
            else:
                progress.pop(uid, None)
            refs.append(
                ItemRef(
                    ref=f"{folder}:{uid}@{now.get(uid, 'deleted')}-{n}",
                    size=len(events.get(uid, b"")),
                    # Intermediate cursors keep the old validator: a crash mid-feed re-reads it.
                    cursor=FolderCursor(
                        # The base number stays until the feed is done: a resumed read
                        # numbers the remaining events exactly as the interrupted one did.
                        folder,
                        # An interrupted upgrade read lacks STORE_KEY: resumed, it goes on.
                        state={
                            "events": dict(progress),
                            "seq": seq,
                            **({} if upgrade else {STORE_KEY: True}),
                        },
                    ),
                )
            )
        if refs:
            refs[-1] = ItemRef(refs[-1].ref, final, size=refs[-1].size)
        return FolderChanges(folder, refs, final)

    def fetch(self, folder: str, refs: list[ItemRef]) -> Iterator[RawItem]:
        for r in refs:
            uid = r.ref[len(folder) + 1 :].rsplit("@", 1)[0]
            data = self._events.get(uid)
            yield RawItem(
                ref=r.ref,
                folder=folder,
                data=data or b"",
                size=len(data or b""),
                kind="calendar",
                deleted=data is None,
                object_key=uid,
            )

    def _download(self, state: dict[str, object]) -> tuple[bytes | None, dict[str, object]]:
        if self.config.path:
            return self._read_file(Path(self.config.path), state)
        assert self.config.url is not None
        headers = {"Accept": "text/calendar, */*;q=0.5"}
        if state.get("etag"):
            headers["If-None-Match"] = str(state["etag"])
        # Credentials in the URL (user:password@) go as Basic or Digest, never into a message.
        login = url_login(self.config.url)
        with open_client(self.name, self.config, login) as client:
            got = fetch(client, self.name, "GET", redact(self.config.url), MAX_FEED_BYTES, headers)
        if got.status == 304:
            return None, {}
        if got.status == 401:
            raise SourceError(
                self.name,
                f"login on {self.where} was rejected: wrong username or password in the url"
                if login is not None
                else f"{self.where} asks for a login: give it as https://user:password@… in the url",
            )
        if got.status != 200:
            raise SourceError(self.name, f"GET {self.where} failed: HTTP {got.status} {got.reason}")
        if got.body is None:
            raise SourceError(self.name, f"{self.where} is larger than {MAX_FEED_BYTES} bytes")
        etag = got.headers.get("ETag")
        return got.body, {"etag": etag} if etag else {}

    def _read_file(
        self, path: Path, state: dict[str, object]
    ) -> tuple[bytes | None, dict[str, object]]:
        try:
            st = path.stat()
            stamp: dict[str, object] = {"mtime_ns": st.st_mtime_ns, "size": st.st_size}
            if state.get("mtime_ns") == st.st_mtime_ns and state.get("size") == st.st_size:
                return None, stamp
            if st.st_size > MAX_FEED_BYTES:
                raise SourceError(self.name, f"{path} is larger than {MAX_FEED_BYTES} bytes")
            with open(path, "rb") as f:
                return f.read(MAX_FEED_BYTES), stamp
        except OSError as e:
            raise SourceError(self.name, f"cannot read {path}: {e.strerror or e}") from None

    def describe(self) -> list[str]:
        data, _ = self._download({})
        events = split_by_uid(data or b"", self.name, self.where)
        return [f"{self.where}: {len(events)} events"]


__all__ = ["IcsSource"]
