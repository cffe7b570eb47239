"""A local mbox file (an export or archive), read from the byte offset where the last poll ended.

Messages start at lines beginning with "From " (mboxo/mboxrd); ">From " quoting in bodies is
undone one level. The cursor is the offset just past the last stored message, so appending to
the file costs only the new part. A file that shrank was rewritten: it is read again from the
start, and the ledger's Message-ID matching keeps that from doubling anything.
"""

from __future__ import annotations

import mmap
import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from ingestor.errors import SourceError
from ingestor.model import FolderCursor, RawItem
from ingestor.sources.base import FolderChanges, ItemRef, Source, register
from ingestor.sources.maildir import HEADER_READ_LIMIT
from ingestor.sources.mbox_config import MboxSourceConfig

_FROM_LINE = re.compile(rb"^From ", re.MULTILINE)
_QUOTED_FROM = re.compile(rb"^>(>*From )", re.MULTILINE)


@register
class MboxSource(Source):
    type = "mbox"
    config: MboxSourceConfig

    @property
    def path(self) -> Path:
        assert self.config.path is not None
        return Path(self.config.path)

    def folders(self) -> list[str]:
        return [self.path.name]

    def _map(self) -> tuple[mmap.mmap | bytes, int]:
        try:
            with open(self.path, "rb") as f:
                size = os.fstat(f.fileno()).st_size
                if size == 0:
                    return b"", 0
                return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ), size
        except OSError as e:
            raise SourceError(self.name, f"cannot read {self.path}: {e.strerror}") from None

    def changes(self, folder: str, cursor: FolderCursor | None) -> FolderChanges:
        data, size = self._map()
        offset = int(str(cursor.state.get("offset", 0))) if cursor else 0
        if offset > size:
            offset = 0
        starts = [m.start() for m in _FROM_LINE.finditer(data, offset)]
        if offset == 0 and size and not starts:
            raise SourceError(self.name, f"{self.path} is not an mbox file (no 'From ' line)")
        refs = []
        for i, start in enumerate(starts):
            end = starts[i + 1] if i + 1 < len(starts) else size
            refs.append(
                ItemRef(
                    ref=f"{folder}:{start}",
                    size=end - start,
                    cursor=FolderCursor(folder, state={"offset": end}),
                )
            )
        if isinstance(data, mmap.mmap):
            data.close()
        if refs:
            done = refs[-1].cursor
        else:
            done = cursor if cursor is not None else FolderCursor(folder, state={"offset": offset})
        return FolderChanges(folder, refs, done)

    def fetch(self, folder: str, refs: list[ItemRef]) -> Iterator[RawItem]:
        data, _size = self._map()
        cap = self.config.max_message_size
        try:
            for r in refs:
                start = int(r.ref.rsplit(":", 1)[1])
                end = int(str(r.cursor.state["offset"]))
                body_start = data.find(b"\n", start, end) + 1
                from_line = bytes(data[start:body_start])
                truncated = end - body_start > cap
                stop = min(end, body_start + HEADER_READ_LIMIT) if truncated else end
                raw = _QUOTED_FROM.sub(rb"\1", bytes(data[body_start:stop]))
                yield RawItem(
                    ref=r.ref,
                    folder=folder,
                    data=raw,
                    internal_date=_from_line_date(from_line),
                    size=end - start,
                    truncated=truncated,
                )
        finally:
            if isinstance(data, mmap.mmap):
                data.close()


def _from_line_date(line: bytes) -> datetime | None:
    """The asctime date at the end of an mbox "From sender date" line, read as UTC."""
    parts = line.decode("ascii", "replace").split()
    if len(parts) < 7:
        return None
    try:
        return datetime.strptime(" ".join(parts[-5:]), "%a %b %d %H:%M:%S %Y").replace(tzinfo=UTC)
    except ValueError:
        return None
