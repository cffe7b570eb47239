"""Parser processes: a batch's items parsed in worker processes while this one fetches and
writes, when that pays (defaults.parse_workers, "auto" by default)."""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import fields
from datetime import datetime
from typing import Any

from ingestor.config import MAX_PARSE_WORKERS
from ingestor.model import ItemResult, RawItem

log = logging.getLogger(__name__)

# Parsing is CPU-bound and pure, so it can run in worker processes (defaults.parse_workers)
# while this one fetches and writes. Small batches (a routine poll) are always parsed here.
POOL_MIN_ITEMS = 32
# Items bigger than this are parsed here rather than shipped: copying them to a worker would
# hold them twice more in memory, and parse_message skips their attachments quickly anyway.
POOL_MAX_ITEM_BYTES = 2 * 1024 * 1024
TASK_MAX_BYTES = 2 * 1024 * 1024
TASK_MAX_ITEMS = 64


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity mask: a container's limit, not the host's)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def pool_workers(configured: int | str = "auto") -> int:
    """How many parser processes: INGESTOR_PARSE_WORKERS, else `defaults.parse_workers`.

    "auto" (the default) is one parser process when this process may use two CPUs or more:
    it parses and extracts while this one fetches, writes and parses what the worker has not
    started. Each worker costs 70-80 MB (PSS, README "Performance"), so more are a setting.
    """
    override = os.environ.get("INGESTOR_PARSE_WORKERS", "").strip()
    if override.isdigit():
        return min(int(override), MAX_PARSE_WORKERS)
    if configured == "auto" or override == "auto":
        return 1 if usable_cpus() >= 2 else 0
    return int(configured)


Work = Callable[..., ItemResult]


class Parsers:
    """The parser processes of one ingestor process, shared by all its syncs (the daemon runs
    several sources at once: each does not get workers of its own).

    Started lazily, or with `start` while the process is small and has no threads yet. When a
    worker dies, the batch it had is parsed in-process and the next one gets new workers.
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self._unavailable = workers == 0 or "fork" not in multiprocessing.get_all_start_methods()

    def executor(self) -> ProcessPoolExecutor | None:
        with self._lock:
            if self._executor is None and not self._unavailable:
                try:
                    # fork: workers start in milliseconds with every module already imported.
                    self._executor = ProcessPoolExecutor(
                        self.workers,
                        mp_context=multiprocessing.get_context("fork"),
                        initializer=_worker_init,
                    )
                except OSError as e:
                    log.warning("no parser processes (%s); parsing in-process", e)
                    self._unavailable = True
            return self._executor

    def start(self) -> None:
        """Fork the workers now: they share this process's pages."""
        executor = self.executor()
        if executor is not None:
            try:
                executor.submit(int).result()  # a fork-based pool starts every worker at once
            except BrokenProcessPool:
                log.warning("parser processes did not start; parsing in-process")
                self.failed(executor)

    def failed(self, executor: ProcessPoolExecutor) -> None:
        """A worker of `executor` died: let the next batch fork new ones."""
        with self._lock:
            if self._executor is executor:
                self._executor = None
        executor.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
            self._unavailable = True
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)


class ParsePool:
    """Runs `work(item, now=...)` for one sync's batches, on `parsers` when it pays.

    `submit` returns a function that gives the results in item order. Small batches (a
    routine poll) and big items are parsed here, and so are the chunks of a batch no worker
    has started when its results are wanted. If a worker dies, its items are parsed
    in-process and this sync does not use the workers again.
    """

    def __init__(self, work: Work, parsers: Parsers) -> None:
        self.work = work
        self.parsers = parsers
        self._broken = False
        # Batches to hold back while the workers parse, one per worker so that none waits
        # while this process writes; without workers, holding one back would only keep it in
        # memory longer.
        self.lookahead = parsers.workers

    def submit(self, items: list[RawItem], now: datetime) -> Callable[[], list[ItemResult]]:
        executor = None
        if len(items) >= POOL_MIN_ITEMS and not self._broken:
            executor = self.parsers.executor()
        if executor is None:
            results = [self.work(item, now=now) for item in items]
            return lambda: results
        tasks: list[tuple[list[int], Future[list[dict[str, Any]]]]] = []
        local: list[int] = []
        chunk: list[int] = []
        size = 0
        for i, item in enumerate(items):
            if len(item.data) > POOL_MAX_ITEM_BYTES:
                local.append(i)
                continue
            if chunk and (size + len(item.data) > TASK_MAX_BYTES or len(chunk) >= TASK_MAX_ITEMS):
                tasks.append((chunk, self._send(executor, [items[j] for j in chunk], now)))
                chunk, size = [], 0
            chunk.append(i)
            size += len(item.data)
        if chunk:
            tasks.append((chunk, self._send(executor, [items[j] for j in chunk], now)))

        def collect() -> list[ItemResult]:
            out: list[ItemResult | None] = [None] * len(items)
            for i in local:
                out[i] = self.work(items[i], now=now)
            # This process needs the results now and has nothing else to do: it parses the
            # chunks no worker has started yet itself, last first, while the workers take the
            # earlier ones in order (the first is always theirs).
            while len(tasks) > 1 and tasks[-1][1].cancel():
                for i in tasks.pop()[0]:
                    out[i] = self.work(items[i], now=now)
            for indexes, future in tasks:
                try:
                    parts = future.result()
                except BrokenProcessPool:
                    self._lost(executor)
                    parts = [_strip(self.work(items[i], now=now)) for i in indexes]
                for i, rest in zip(indexes, parts, strict=True):
                    out[i] = ItemResult(items[i], **rest)
            return [r for r in out if r is not None]

        return collect

    def _send(
        self, executor: ProcessPoolExecutor, items: list[RawItem], now: datetime
    ) -> Future[list[dict[str, Any]]]:
        if not self._broken:
            try:
                return executor.submit(_work_chunk, self.work, items, now)
            except BrokenProcessPool:
                self._lost(executor)
        done: Future[list[dict[str, Any]]] = Future()
        done.set_result(_work_chunk(self.work, items, now))
        return done

    def _lost(self, executor: ProcessPoolExecutor) -> None:
        if not self._broken:
            log.warning("a parser process died; this sync parses in-process from now on")
            self._broken = True
            self.parsers.failed(executor)


def _load_malloc_trim() -> Callable[[int], int] | None:
    try:
        import ctypes

        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
        return trim
    except (OSError, AttributeError):  # not glibc
        return None


_MALLOC_TRIM = _load_malloc_trim()


def release_memory() -> None:
    """Hand freed memory back to the OS after each batch.

    glibc raises its mmap threshold after a large block is freed, so once a 25 MB message has
    been read, later big buffers come from the heap, and its free pages stay counted in RSS
    for the rest of the run (measured: ~150 MB instead of ~110 MB between batches).
    """
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


def _strip(result: ItemResult) -> dict[str, Any]:
    """An ItemResult without its item: the raw bytes need not travel back."""
    return {f.name: getattr(result, f.name) for f in fields(result) if f.name != "item"}


def _work_chunk(work: Work, items: list[RawItem], now: datetime) -> list[dict[str, Any]]:
    return [_strip(work(item, now=now)) for item in items]


def _worker_init() -> None:
    # The inherited objects are the parent's: a collection here would walk (and so copy, page
    # by page) all of them. Freezing keeps the fork's shared memory shared.
    gc.freeze()
    # Stopping is the parent's business: it finishes the batch in flight, then shuts the pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:  # and a worker must not outlive a parent that was killed (kill -9)
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
