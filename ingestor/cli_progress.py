"""Progress of `ingestor sync --once`: a bar per source on a terminal, log lines otherwise.

Both are SyncObservers (sources.base): a source says how many items and bytes it will fetch
before it fetches, then reports each batch. The bar shows items, MB, rate and time left; the
log lines say the same every LOG_EVERY seconds, so a redirected long sync still tells how far
it is.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ingestor.progress import ProgressBoard, SyncProgress, mb

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

log = logging.getLogger(__name__)
LOG_EVERY = 10.0


class SyncDisplay(ProgressBoard):
    """Shows the passes of a sync run; `with display:` around the run."""

    def __enter__(self) -> SyncDisplay:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None


class LogProgress(SyncDisplay):
    """Plain log lines: what a pass will fetch, then how far it got every LOG_EVERY seconds."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, every: float = LOG_EVERY):
        super().__init__(clock)
        self.every = every
        self._last: dict[str, float] = {}

    def planned(self, source: str, items: int, size: int) -> None:
        super().planned(source, items, size)
        self._last[source] = self.clock()
        if items:
            log.info("%s: %d items (%s MB) to fetch", source, items, mb(size))

    def fetched(self, source: str, items: int, size: int) -> None:
        super().fetched(source, items, size)
        now = self.clock()
        p = self.get(source)
        if p is not None and now - self._last.get(source, p.started) >= self.every:
            self._last[source] = now
            log.info("%s: %s", source, p.describe(now))


class BarProgress(SyncDisplay):
    """A rich progress bar per source, on stderr (stdout keeps the summary lines)."""

    def __init__(self) -> None:
        super().__init__()
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        self.bars: Progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[items]}"),
            TextColumn("{task.fields[mb]}"),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=False,
            # stdout carries the summary lines (a contract): never into the bars' terminal.
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self._tasks: dict[str, TaskID] = {}
        self._streams: list[tuple[logging.StreamHandler[Any], Any]] = []

    def __enter__(self) -> BarProgress:
        self.bars.start()
        # Log lines on the terminal go above the bars instead of through them.
        for handler in logging.getLogger().handlers:
            if isinstance(handler, logging.StreamHandler) and _is_tty(handler.stream):
                self._streams.append((handler, handler.setStream(_AboveBars(self.bars))))
        return self

    def __exit__(
        self, kind: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        for handler, stream in self._streams:
            handler.setStream(stream)
        self._streams.clear()
        self.bars.stop()

    def begin(self, source: str) -> None:
        super().begin(source)
        self._tasks[source] = self.bars.add_task(source, total=None, items="listing…", mb="")

    def planned(self, source: str, items: int, size: int) -> None:
        super().planned(source, items, size)
        task = self._tasks.get(source)
        if task is not None:
            self.bars.update(
                task, total=size or None, items=f"0/{items:,} items", mb=f"0.0/{mb(size)} MB"
            )

    def fetched(self, source: str, items: int, size: int) -> None:
        super().fetched(source, items, size)
        task, p = self._tasks.get(source), self.get(source)
        if task is not None and p is not None:
            self.bars.update(
                task,
                completed=p.bytes_done,
                items=f"{p.items_done:,}/{p.items_total or 0:,} items",
                mb=f"{mb(p.bytes_done)}/{mb(p.bytes_total)} MB",
            )

    def end(self, source: str) -> SyncProgress | None:
        p = super().end(source)
        task = self._tasks.pop(source, None)
        if task is not None:
            total = p.bytes_total if p is not None and p.bytes_total else 1
            self.bars.update(task, total=total, completed=total)
        return p


class _AboveBars:
    """A stream for a logging handler that prints above the live bars."""

    def __init__(self, bars: Progress) -> None:
        self.bars = bars

    def write(self, text: str) -> int:
        if text.strip():
            self.bars.console.print(text.rstrip("\n"), markup=False, highlight=False)
        return len(text)

    def flush(self) -> None:
        return None


def _is_tty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def sync_display(terminal: bool | None = None) -> SyncDisplay:
    """Bars when stderr is a terminal, log lines when not."""
    if terminal is None:
        terminal = sys.stderr.isatty()
    return BarProgress() if terminal else LogProgress()
