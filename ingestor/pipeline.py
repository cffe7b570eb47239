"""Runs one source through read → parse → extract → resolve → persist, batch by batch.

Each batch commits together with its cursor, so a crash at any point loses at most the batch in
flight, which the next run reads again. A message that cannot be parsed is quarantined; it
never stops a sync.

Quarantine is for input, not for bugs: only the parser's declared input errors quarantine an
item. Any other exception is a bug: the batch in flight is rolled back (never committed), and
the source fails with the traceback logged once at ERROR, to be retried with backoff.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import multiprocessing
import os
import signal
import traceback
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import fields, replace
from datetime import UTC, datetime
from functools import partial
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DataError, IntegrityError, StatementError
from sqlalchemy.orm import Session, sessionmaker

from ingestor.config import MAX_PARSE_WORKERS, Defaults, SourceConfig
from ingestor.errors import IngestorError
from ingestor.extractors.mail import extract_message
from ingestor.extractors.meetings import CalendarParseError, extract_meetings
from ingestor.extractors.message import MessageParseError, parse_message
from ingestor.model import Batch, CalendarResult, FolderCursor, ItemResult, RawItem, SyncSummary
from ingestor.resolve.policy import CreationPolicy
from ingestor.seriesjob import calendar_bound, calendar_days, expand_stored
from ingestor.sources import make_source
from ingestor.sources.base import BatchLimits
from ingestor.store.ingest import BatchCounts, BatchWriter, load_cursors
from ingestor.store.status import STORE_UNAVAILABLE, SourceHealth

log = logging.getLogger(__name__)

# Log records of bugs (as opposed to bad input or a dead server) carry this attribute; the
# test suite fails any test during which one is logged (tests/integration/conftest.py).
BUG = {"ingestor_bug": True}

# Every quarantine reason starts with one of these: each names bad input, never a bug.
UNREADABLE = "unreadable message: "
INPUT_ERROR_REASONS = (
    UNREADABLE,
    "unreadable calendar object: ",
    "calendar object over the size cap",
    "refused by the store: ",
)


def is_input_error(reason: str) -> bool:
    """Whether a quarantine reason is one of the declared input errors."""
    return reason.startswith(INPUT_ERROR_REASONS)


def process_item(
    item: RawItem,
    owners: frozenset[str],
    now: datetime,
    region: str = "US",
    window_days: tuple[int, int] = (1095, 180),
) -> ItemResult:
    """Parse and extract one item; pure apart from the clock value passed in."""
    window = calendar_bound(now, window_days)
    if item.kind == "calendar":
        return process_calendar_item(item, owners, window)
    try:
        parsed = parse_message(item.data, item.internal_date)
        findings = extract_message(
            parsed, owners, item.internal_date or now, item.folder, region=region, window=window
        )
    except MessageParseError as e:
        # Declared input errors only: parse_message turns hostile input it cannot read
        # (including nesting too deep for the stdlib parser) into these. Anything else is a
        # bug and propagates: it fails the sync instead of hiding in the quarantine.
        return ItemResult(item, None, f"{UNREADABLE}{_one_line(e)}")
    except RecursionError as e:
        # Hostile nesting too deep for an extractor after the parser (text is flat by then, so
        # none is known): keep the bytes, say why and where, move on.
        where = _innermost_frame(e)
        log.warning("quarantining %s: RecursionError in %s", item.ref, where)
        return ItemResult(item, None, f"{UNREADABLE}nested too deeply to read (in {where})")
    if item.truncated:
        note = f"[body not downloaded: {item.size} bytes is over the size cap]"
        findings = replace(findings, snippet=note)
    return ItemResult(item, findings)


def _one_line(e: BaseException) -> str:
    return " ".join(str(e).split())[:200] or type(e).__name__


def _innermost_frame(e: BaseException) -> str:
    frames = traceback.extract_tb(e.__traceback__)
    if not frames:
        return "?"
    return f"{os.path.basename(frames[-1].filename)}:{frames[-1].lineno}"


def process_calendar_item(
    item: RawItem, owners: frozenset[str], window: tuple[datetime, datetime]
) -> ItemResult:
    if item.deleted:
        return ItemResult(item, None)
    if item.truncated:
        return ItemResult(item, None, f"calendar object over the size cap ({item.size} bytes)")
    if item.object_key is not None and item.object_key.endswith("#"):
        # No UID could be read: storing it would cancel every meeting of the whole object.
        return ItemResult(item, None, "unreadable calendar object: no event UID")
    try:
        findings = extract_meetings(
            item.data, owner_addresses=owners, window_start=window[0], window_end=window[1]
        )
    except CalendarParseError as e:
        return ItemResult(item, None, f"unreadable calendar object: {e}")
    return ItemResult(item, None, calendar=CalendarResult(findings, window[0], window[1]))


# Parsing is CPU-bound and pure, so it can run in worker processes (defaults.parse_workers)
# while this one fetches and writes. Small batches (a routine poll) are always parsed here.
POOL_MIN_ITEMS = 32
# Items bigger than this are parsed here rather than shipped: copying them to a worker would
# hold them twice more in memory, and parse_message skips their attachments quickly anyway.
POOL_MAX_ITEM_BYTES = 2 * 1024 * 1024
TASK_MAX_BYTES = 2 * 1024 * 1024
TASK_MAX_ITEMS = 64


def pool_workers(configured: int = 0) -> int:
    """How many parser processes: INGESTOR_PARSE_WORKERS, else `defaults.parse_workers`.

    In-process is the default because each parser process costs 40-50 MB (PSS), and one
    process stays under the 150 MB memory target; with two workers the first sync of a large
    mailbox is 1.3-1.5x faster on the 2-core reference machine (benchmarks/README.md).
    """
    override = os.environ.get("INGESTOR_PARSE_WORKERS", "").strip()
    return min(int(override), MAX_PARSE_WORKERS) if override.isdigit() else configured


Work = Callable[..., ItemResult]


class ParsePool:
    """Runs `work(item, now=...)` for a batch's items, in worker processes when it pays.

    `submit` returns a function that gives the results in item order. The pool is started
    lazily, so a poll with nothing new forks nothing. If a worker dies, the batch is parsed
    in-process and the pool is not used again.
    """

    def __init__(self, work: Work, workers: int = 0) -> None:
        self.work = work
        self.workers = workers
        self._executor: ProcessPoolExecutor | None = None
        self._broken = False
        # Batches to hold back while the workers parse, one per worker so that none waits
        # while this process writes; without workers, holding one back would only keep it in
        # memory longer.
        self.lookahead = workers

    def start(self) -> None:
        """Fork the workers now, while this process is small: they share its pages."""
        executor = self._pool()
        if executor is not None:
            try:
                executor.submit(int).result()  # a fork-based pool starts every worker at once
            except BrokenProcessPool:
                log.warning("parser processes did not start; parsing in-process")
                self._broken = True

    def submit(self, items: list[RawItem], now: datetime) -> Callable[[], list[ItemResult]]:
        executor = self._pool() if len(items) >= POOL_MIN_ITEMS else None
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
            for indexes, future in tasks:
                try:
                    parts = future.result()
                except BrokenProcessPool:
                    log.warning("a parser process died; parsing in-process from now on")
                    self._broken = True
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
                log.warning("a parser process died; parsing in-process from now on")
                self._broken = True
        done: Future[list[dict[str, Any]]] = Future()
        done.set_result(_work_chunk(self.work, items, now))
        return done

    def _pool(self) -> ProcessPoolExecutor | None:
        if self._executor is None and not self._broken:
            if self.workers == 0 or "fork" not in multiprocessing.get_all_start_methods():
                self._broken = True
                return None
            try:
                # fork: workers start in milliseconds with every module already imported.
                self._executor = ProcessPoolExecutor(
                    self.workers,
                    mp_context=multiprocessing.get_context("fork"),
                    initializer=_worker_init,
                )
            except OSError as e:
                log.warning("no parser processes (%s); parsing in-process", e)
                self._broken = True
        return None if self._broken else self._executor

    def close(self) -> None:
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)


def _load_malloc_trim() -> Callable[[int], int] | None:
    try:
        import ctypes

        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
        return trim
    except (OSError, AttributeError):  # not glibc
        return None


_MALLOC_TRIM = _load_malloc_trim()


def _release_memory() -> None:
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


def policy_for(cfg: SourceConfig, defaults: Defaults) -> CreationPolicy:
    return CreationPolicy(
        creation=cfg.contact_creation,  # type: ignore[arg-type]
        owner_addresses=frozenset(cfg.owner_addresses),
        internal_domains=frozenset(defaults.internal_domains),
        blocklist=frozenset(defaults.blocklist),
    )


def sync_source(
    cfg: SourceConfig,
    defaults: Defaults,
    sessions: sessionmaker[Session],
    stop: Callable[[], bool] = lambda: False,
    health: SourceHealth | None = None,
) -> SyncSummary:
    """One pass over a source; never raises (see summary.error), not even for a bug.

    A failure is logged here, at ERROR, once: a bug with its traceback, a source or store
    error as one line. The outcome goes to source_status through `health`, which keeps it
    in memory while the store is unavailable (the daemon passes its own, long-lived one).
    """
    summary = SyncSummary(cfg.name)
    line: str | None = None  # the ERROR line still to log; a bug's is logged at once
    try:
        with _source_lease(sessions, cfg.name) as held:
            if not held:
                log.info("%s: another instance holds this source; skipping", cfg.name)
                return summary
            summary = _sync(cfg, defaults, sessions, stop)
    except IngestorError as e:
        summary = replace(summary, error=str(e))
        line = summary.error  # it names the source
    except STORE_UNAVAILABLE as e:
        summary = replace(summary, error=f"store error: {_first_line(e)}")
        line = f"{cfg.name}: {summary.error}"
    except Exception as e:  # a bug: nothing of the batch in flight was committed
        summary = replace(summary, error=f"internal error: {type(e).__name__}: {_first_line(e)}")
        log.exception(
            "%s: %s (a bug; the batch in flight was rolled back)",
            cfg.name,
            summary.error,
            extra=BUG,
        )
    written = (health or SourceHealth()).record(sessions, cfg.name, summary.error)
    if line is not None:
        if not written and not (summary.error or "").startswith("store error"):
            line += " (not recorded: the store is unavailable)"
        log.error("%s", line)
    elif summary.ok and not written:
        log.warning("%s: synced, but the store is unavailable to record it", cfg.name)
    return summary


def _sync(
    cfg: SourceConfig, defaults: Defaults, sessions: sessionmaker[Session], stop: Callable[[], bool]
) -> SyncSummary:
    source = make_source(cfg)
    policy = policy_for(cfg, defaults)
    owners = frozenset(cfg.owner_addresses)
    window_days = calendar_days(cfg)  # the bound of infinite series (see seriesjob)
    limits = BatchLimits(max_bytes=cfg.batch_bytes, max_items=cfg.batch_messages)
    totals = BatchCounts()
    seen = 0
    with sessions() as s:
        cursors = load_cursors(s, cfg.name)
    # With parser processes, batch k is parsed while batch k+1 is fetched, and written while
    # batch k+1 is parsed. Batches still commit one at a time, in order, each with its cursor.
    pool = ParsePool(
        partial(process_item, owners=owners, region=cfg.phone_region, window_days=window_days),
        pool_workers(defaults.parse_workers),
    )
    if pool.lookahead:
        pool.start()
    pending: deque[tuple[Batch, Callable[[], list[ItemResult]]]] = deque()

    def commit_oldest() -> None:
        nonlocal seen
        batch, collect = pending.popleft()
        results = collect()
        counts = _commit(sessions, cfg.name, policy, results, batch.cursor)
        seen += len(results) - counts.already_seen
        totals.add(counts)
        log.debug("%s: %s committed %d items", cfg.name, batch.folder, len(results))
        del batch, results, collect  # before trimming: the raw bytes go with them
        _release_memory()

    try:
        if source.type in ("caldav", "ics"):
            # Stored infinite series into today's bound first: it needs no server.
            expand_stored_series(cfg, defaults, sessions, datetime.now(UTC))
        source.open()
        try:
            for batch in source.batches(cursors, limits, stop):
                pending.append((batch, pool.submit(batch.items, datetime.now(UTC))))
                while len(pending) > pool.lookahead:
                    commit_oldest()
        except IngestorError:
            # The source failed: the batches it delivered before that still count.
            while pending:
                commit_oldest()
            raise
        while pending:
            commit_oldest()
    finally:
        pool.close()
        source.close()
    return SyncSummary(
        cfg.name,
        seen=seen,
        ingested=totals.ingested,
        skipped=totals.skipped,
        quarantined=totals.quarantined,
        duplicate=totals.duplicate,
        contacts_created=totals.contacts_created,
    )


def expand_stored_series(
    cfg: SourceConfig, defaults: Defaults, sessions: sessionmaker[Session], now: datetime
) -> int:
    """Expand the source's stored infinite series into the bound at `now`, from their stored
    masters, through the same extract and write stages as a sync; → objects expanded."""
    days = calendar_days(cfg)
    policy = policy_for(cfg, defaults)
    extract = partial(
        process_item,
        owners=frozenset(cfg.owner_addresses),
        now=now,
        region=cfg.phone_region,
        window_days=days,
    )
    return expand_stored(
        sessions,
        cfg.name,
        calendar_bound(now, days),
        extract,
        lambda results: _commit(sessions, cfg.name, policy, results, None),
    )


def _commit(
    sessions: sessionmaker[Session],
    source: str,
    policy: CreationPolicy,
    results: list[ItemResult],
    cursor: FolderCursor | None,
) -> BatchCounts:
    # A concurrent writer (another instance, same address) can win a unique index race; the
    # whole batch is then simply written again against the state it created.
    try:
        try:
            return _write(sessions, source, policy, results, cursor)
        except IntegrityError:
            log.info("%s: concurrent write, retrying batch", source)
            return _write(sessions, source, policy, results, cursor)
    except (DataError, StatementError) as e:
        if isinstance(e, STORE_UNAVAILABLE):
            raise
        # Content the database refuses must not block the folder: write item by item and
        # quarantine just the ones refused. Replays are safe, since the ledger skips seen refs.
        log.warning(
            "%s: batch refused by the store (%s); writing item by item", source, _first_line(e)
        )
        return _commit_one_by_one(sessions, source, policy, results, cursor)


def _write(
    sessions: sessionmaker[Session],
    source: str,
    policy: CreationPolicy,
    results: list[ItemResult],
    cursor: FolderCursor | None,
) -> BatchCounts:
    with sessions.begin() as s:
        return BatchWriter(s, source, policy).write(results, cursor)


def _commit_one_by_one(
    sessions: sessionmaker[Session],
    source: str,
    policy: CreationPolicy,
    results: list[ItemResult],
    cursor: FolderCursor | None,
) -> BatchCounts:
    total = BatchCounts()
    for result in results:
        try:
            counts = _write(sessions, source, policy, [result], None)
        except (DataError, IntegrityError, StatementError) as e:
            if isinstance(e, STORE_UNAVAILABLE):
                raise
            refused = ItemResult(result.item, None, f"refused by the store: {_first_line(e)}")
            counts = _write(sessions, source, policy, [refused], None)
        total.add(counts)
    total.add(_write(sessions, source, policy, [], cursor))
    return total


def _first_line(e: BaseException) -> str:
    text = str(getattr(e, "orig", None) or e).strip()
    return text.splitlines()[0][:200] if text else type(e).__name__


@contextmanager
def _source_lease(sessions: sessionmaker[Session], source: str) -> Iterator[bool]:
    """On PostgreSQL, one instance syncs a source at a time (a session advisory lock that the
    server drops if the holder dies). SQLite has one daemon by design."""
    engine = sessions.kw["bind"]
    if engine.dialect.name != "postgresql":
        yield True
        return
    key = int.from_bytes(hashlib.sha256(source.encode()).digest()[:8], "big", signed=True)
    with engine.connect() as conn:
        held = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar())
        conn.commit()
        try:
            yield held
        finally:
            if held:
                try:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                    conn.commit()
                except STORE_UNAVAILABLE as e:
                    # The session is gone (server restarted, connection cut): so is its lock.
                    # Raising here would hide how the sync itself ended.
                    log.debug("%s: lease not released: %s", source, _first_line(e))


def check_source(cfg: SourceConfig) -> list[str]:
    """Connect, log in and list folders; raises SourceError saying what is wrong."""
    source = make_source(cfg)
    try:
        source.open()
        return source.describe()
    finally:
        source.close()
