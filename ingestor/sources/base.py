"""The Source interface every backend implements, its registry, and an in-memory source.

Glossary
- ref: a string naming one item uniquely and stably within a source, e.g. "INBOX:1699:42"
  (folder, UIDVALIDITY, UID) for IMAP or the unique part of a Maildir file name.
- cursor: how far a folder has been read (FolderCursor). It is committed in the same
  transaction as the rows for the items it covers, so a crash never skips or doubles an item.
- UIDVALIDITY: IMAP's promise that UIDs in a folder keep their meaning; when it changes, UIDs
  restart and items are re-matched by Message-ID instead of UID.
- etag: an HTTP/CalDAV version tag of one calendar object; changes when the object changes.

A source knows protocols and cursors, nothing about contacts. It offers two primitives:
`changes(folder, cursor)` lists what is new, and `fetch(folder, refs)` reads it. `batches()`
combines them into byte-bounded batches, each with the cursor that holds once it is stored.
It lists every folder's changes before fetching any, so an observer (progress bars, the
daemon's backfill view) learns how many items and bytes a pass will fetch before it starts.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from ingestor.configsource import SourceConfig
from ingestor.errors import IngestorError
from ingestor.model import Batch, FolderCursor, RawItem


@dataclass(frozen=True, slots=True)
class ItemRef:
    """One new item: its ref, its size when known, and the cursor that holds after it."""

    ref: str
    cursor: FolderCursor
    uid: int | None = None
    size: int | None = None


@dataclass(frozen=True)
class FolderChanges:
    folder: str
    refs: Sequence[ItemRef]
    cursor: FolderCursor  # holds once every ref is stored (or at once, when there are none)


@dataclass(frozen=True)
class BatchLimits:
    max_bytes: int = 16 * 1024 * 1024
    max_items: int = 500


class SyncObserver(Protocol):
    """Told what a pass will fetch, then what it fetched: sizes are the server's (IMAP
    RFC822.SIZE, file sizes), so totals are known before the first byte is read."""

    def planned(self, source: str, items: int, size: int) -> None: ...

    def fetched(self, source: str, items: int, size: int) -> None: ...


class Source(ABC):
    """A place items come from. Subclasses are registered under their config `type`."""

    type: str = ""
    observer: SyncObserver | None = None  # set by whoever shows progress; None: nobody

    def __init__(self, config: SourceConfig) -> None:
        self.config = config
        self.name = config.name

    def open(self) -> None:  # noqa: B027 - optional hook: local sources need no connection
        """Connect and authenticate; raise SourceError with a clear reason."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections; must be safe to call twice and after a failed open."""

    def __enter__(self) -> Source:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @abstractmethod
    def folders(self) -> list[str]:
        """The folders (or calendars) this source reads."""

    @abstractmethod
    def changes(self, folder: str, cursor: FolderCursor | None) -> FolderChanges:
        """What is new in `folder` since `cursor`, oldest first."""

    @abstractmethod
    def fetch(self, folder: str, refs: list[ItemRef]) -> Iterator[RawItem]:
        """Read the items; a ref that vanished meanwhile is simply not yielded."""

    def describe(self) -> list[str]:
        """Human-readable facts for `sources check` (after open())."""
        return [f"folder {f}" for f in self.folders()]

    def server_marks(self) -> Mapping[str, int]:
        """Per folder, the highest item number the server last reported (IMAP: UIDNEXT - 1),
        for the self-check to see a cursor that does not follow; {} where there is none."""
        return {}

    def batches(
        self,
        cursors: Mapping[str, FolderCursor],
        limits: BatchLimits,
        stop: Callable[[], bool] = lambda: False,
    ) -> Iterator[Batch]:
        planned: list[tuple[str, FolderCursor | None, FolderChanges]] = []
        failure: IngestorError | None = None
        for folder in self.folders():
            if stop():
                break
            before = cursors.get(folder)
            try:
                planned.append((folder, before, self.changes(folder, before)))
            except IngestorError as e:
                failure = e  # raised after the folders listed before it are read, as ever
                break
        if self.observer is not None:
            refs = [r for _, _, changes in planned for r in changes.refs]
            self.observer.planned(self.name, len(refs), sum(r.size or 0 for r in refs))
        for folder, before, changes in planned:
            if stop():
                return
            for chunk in chunk_refs(changes.refs, limits):
                if stop():
                    return
                batch = Batch(folder, list(self.fetch(folder, chunk)), chunk[-1].cursor)
                if self.observer is not None:
                    self.observer.fetched(self.name, len(chunk), sum(r.size or 0 for r in chunk))
                yield batch
            if changes.cursor != before and (
                not changes.refs or changes.cursor != changes.refs[-1].cursor
            ):
                yield Batch(folder, [], changes.cursor)
        if failure is not None:
            raise failure


def chunk_refs(refs: Iterable[ItemRef], limits: BatchLimits) -> Iterator[list[ItemRef]]:
    """Group refs so each batch stays under the byte and item limits (one item may exceed)."""
    chunk: list[ItemRef] = []
    size = 0
    for ref in refs:
        item_size = ref.size or 0
        if chunk and (size + item_size > limits.max_bytes or len(chunk) >= limits.max_items):
            yield chunk
            chunk, size = [], 0
        chunk.append(ref)
        size += item_size
    if chunk:
        yield chunk


REGISTRY: dict[str, type[Source]] = {}


def register(cls: type[Source]) -> type[Source]:
    REGISTRY[cls.type] = cls
    return cls


@dataclass
class MemorySource(Source):
    """Items held in memory, numbered like IMAP UIDs; for tests of the pipeline and store."""

    type = "memory"
    config: SourceConfig
    messages: dict[str, list[bytes]] = field(default_factory=dict)
    uidvalidity: int = 1

    def __post_init__(self) -> None:
        self.name = self.config.name

    def folders(self) -> list[str]:
        return list(self.messages)

    def changes(self, folder: str, cursor: FolderCursor | None) -> FolderChanges:
        last = cursor.last_uid if cursor and cursor.uidvalidity == self.uidvalidity else 0
        msgs = self.messages[folder]
        refs = [
            ItemRef(
                ref=f"{folder}:{self.uidvalidity}:{uid}",
                uid=uid,
                size=len(msgs[uid - 1]),
                cursor=FolderCursor(folder, self.uidvalidity, uid),
            )
            for uid in range(last + 1, len(msgs) + 1)
        ]
        return FolderChanges(folder, refs, FolderCursor(folder, self.uidvalidity, len(msgs)))

    def fetch(self, folder: str, refs: list[ItemRef]) -> Iterator[RawItem]:
        for r in refs:
            assert r.uid is not None
            data = self.messages[folder][r.uid - 1]
            yield RawItem(r.ref, folder, data, self.uidvalidity, r.uid, size=len(data))
