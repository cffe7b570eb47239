"""Local Maildir (and Maildir++ sub-folders) archives, read without renaming any file.

A folder's cursor is the (ctime, name) of the newest file stored: delivery renames a file into
new/ or cur/, which sets its ctime, so files that arrive later sort after the cursor. A file
renamed by a mail client (flag change) sorts again, but its ref (the unique part of the name)
is already in the ledger and is not ingested twice.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from ingestor.errors import SourceError
from ingestor.model import FolderCursor, RawItem
from ingestor.sources.base import FolderChanges, ItemRef, Source, register
from ingestor.sources.maildir_config import MaildirSourceConfig

HEADER_READ_LIMIT = 256 * 1024


@register
class MaildirSource(Source):
    type = "maildir"
    config: MaildirSourceConfig

    @property
    def root(self) -> Path:
        assert self.config.path is not None
        return Path(self.config.path)

    def open(self) -> None:
        if not (self.root / "cur").is_dir() and not self._subfolders():
            raise SourceError(self.name, f"{self.root} is not a Maildir (no cur/ directory)")

    def _subfolders(self) -> list[str]:
        try:
            entries = sorted(os.scandir(self.root), key=lambda e: e.name)
        except OSError as e:
            raise SourceError(self.name, f"cannot list {self.root}: {e.strerror}") from None
        return [
            e.name[1:]
            for e in entries
            if e.name.startswith(".") and (Path(e.path) / "cur").is_dir()
        ]

    def folders(self) -> list[str]:
        if self.config.folders:
            return list(self.config.folders)
        root = ["INBOX"] if (self.root / "cur").is_dir() else []
        return root + self._subfolders()

    def _dir(self, folder: str) -> Path:
        return self.root if folder == "INBOX" else self.root / f".{folder}"

    def changes(self, folder: str, cursor: FolderCursor | None) -> FolderChanges:
        directory = self._dir(folder)
        if not directory.is_dir():
            raise SourceError(self.name, f"no such folder {folder!r} in {self.root}", ref=folder)
        after = (0, "")
        if cursor is not None:
            after = (int(str(cursor.state.get("ctime_ns", 0))), str(cursor.state.get("name", "")))
        found: list[tuple[int, str, str, int]] = []
        for sub in ("new", "cur"):
            try:
                entries = list(os.scandir(directory / sub))
            except FileNotFoundError:
                continue
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                try:
                    st = entry.stat()
                except FileNotFoundError:
                    continue  # moved away while listing
                key = (st.st_ctime_ns, entry.name)
                if key > after:
                    found.append((st.st_ctime_ns, entry.name, f"{sub}/{entry.name}", st.st_size))
        found.sort()
        refs = [
            ItemRef(
                ref=f"{folder}:{name.split(':', 1)[0]}",
                size=size,
                cursor=FolderCursor(folder, state={"ctime_ns": ctime, "name": name, "file": rel}),
            )
            for ctime, name, rel, size in found
        ]
        return FolderChanges(
            folder, refs, refs[-1].cursor if refs else (cursor or FolderCursor(folder))
        )

    def fetch(self, folder: str, refs: list[ItemRef]) -> Iterator[RawItem]:
        directory = self._dir(folder)
        cap = self.config.max_message_size
        for r in refs:
            path = directory / str(r.cursor.state["file"])
            try:
                with open(path, "rb") as f:
                    truncated = (r.size or 0) > cap
                    data = _read_header(f) if truncated else f.read()
                    mtime = os.fstat(f.fileno()).st_mtime
            except FileNotFoundError:
                continue
            except OSError as e:
                raise SourceError(
                    self.name, f"cannot read {path}: {e.strerror}", ref=r.ref
                ) from None
            yield RawItem(
                ref=r.ref,
                folder=folder,
                data=data,
                internal_date=datetime.fromtimestamp(mtime, UTC),
                size=r.size,
                truncated=truncated,
            )


def _read_header(f: object) -> bytes:
    """The header block of an oversized message, up to its first blank line."""
    head = f.read(HEADER_READ_LIMIT)  # type: ignore[attr-defined]
    for sep in (b"\r\n\r\n", b"\n\n"):
        end = head.find(sep)
        if end != -1:
            return bytes(head[: end + len(sep)])
    return bytes(head)
