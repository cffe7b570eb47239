"""How far a running pass has got: items and bytes fetched of those the server listed.

A source tells its observer what a pass will fetch before fetching (sources.base.SyncObserver).
`ProgressBoard` keeps that per source in memory, for the daemon's /sources page and metrics,
and for `sync --once`'s progress bars; nothing of it is stored. `observed()` wraps the
pipeline's source factory so the sources it makes report to an observer.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from ingestor.config import SourceConfig
from ingestor.sources.base import Source, SyncObserver


@dataclass(frozen=True)
class SyncProgress:
    """One pass over one source. `items_total` is None until the source has listed its
    changes; times are monotonic seconds, except `started_at` (for people)."""

    source: str
    started: float
    started_at: datetime
    items_total: int | None = None
    bytes_total: int = 0
    items_done: int = 0
    bytes_done: int = 0

    @property
    def fraction(self) -> float | None:
        """Of the bytes (of the items when sizes are unknown); None until listed."""
        if self.items_total is None:
            return None
        if self.bytes_total:
            return min(self.bytes_done / self.bytes_total, 1.0)
        return min(self.items_done / self.items_total, 1.0) if self.items_total else 1.0

    def rate(self, now: float) -> float | None:
        """Bytes per second since the pass started; None before the first batch."""
        elapsed = now - self.started
        return self.bytes_done / elapsed if elapsed > 0 and self.bytes_done else None

    def eta(self, now: float) -> float | None:
        """Seconds left at the rate so far; None while unknown."""
        rate = self.rate(now)
        if rate is None or self.items_total is None:
            return None
        return max(self.bytes_total - self.bytes_done, 0) / rate

    def describe(self, now: float) -> str:
        """'1,200 / 20,000 messages, 12.0 / 200.0 MB, 2.0 MB/s, about 1 min 34 s left'."""
        if self.items_total is None:
            return "listing new items"
        parts = [
            f"{self.items_done:,} / {self.items_total:,} items",
            f"{mb(self.bytes_done)} / {mb(self.bytes_total)} MB",
        ]
        rate = self.rate(now)
        if rate is not None:
            parts.append(f"{rate / 1e6:.1f} MB/s")
        eta = self.eta(now)
        if eta is not None and self.items_done < self.items_total:
            parts.append(f"about {duration(eta)} left")
        return ", ".join(parts)


def mb(size: int) -> str:
    return f"{size / 1e6:.1f}"


def duration(seconds: float) -> str:
    s = int(seconds + 0.5)
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60} s"
    if s < 172800:
        return f"{s // 3600} h {s % 3600 // 60} min"
    return f"{s / 86400:.1f} days"


class ProgressBoard(SyncObserver):
    """The passes running in this process, by source; shared by the source threads."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._running: dict[str, SyncProgress] = {}
        self._lock = threading.Lock()

    def begin(self, source: str) -> None:
        with self._lock:
            self._running[source] = SyncProgress(source, self.clock(), datetime.now(UTC))

    def planned(self, source: str, items: int, size: int) -> None:
        self._update(source, lambda p: replace(p, items_total=items, bytes_total=size))

    def fetched(self, source: str, items: int, size: int) -> None:
        self._update(
            source,
            lambda p: replace(p, items_done=p.items_done + items, bytes_done=p.bytes_done + size),
        )

    def end(self, source: str) -> SyncProgress | None:
        with self._lock:
            return self._running.pop(source, None)

    def get(self, source: str) -> SyncProgress | None:
        with self._lock:
            return self._running.get(source)

    def snapshot(self) -> dict[str, SyncProgress]:
        with self._lock:
            return dict(self._running)

    def _update(self, source: str, change: Callable[[SyncProgress], SyncProgress]) -> None:
        with self._lock:
            current = self._running.get(source)
            if current is None:  # a pass nobody began (a test's source): begin it now
                current = SyncProgress(source, self.clock(), datetime.now(UTC))
            self._running[source] = change(current)


def observed(
    make: Callable[[SourceConfig], Source], observer: SyncObserver
) -> Callable[[SourceConfig], Source]:
    """The source factory `make`, whose sources report to `observer`."""

    def make_observed(cfg: SourceConfig) -> Source:
        source = make(cfg)
        source.observer = observer
        return source

    return make_observed
