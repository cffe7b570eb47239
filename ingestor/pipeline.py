"""Runs one source through read → parse → extract → resolve → persist, batch by batch.

Each batch commits together with its cursor, so a crash at any point loses at most the batch in
flight, which the next run reads again. A message that cannot be parsed is quarantined; it
never stops a sync.

Quarantine is for input, not for bugs (see ingestor.process). Any other exception is a bug:
the batch in flight is rolled back (never committed), and the source fails with the traceback
logged once at ERROR, to be retried with backoff.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial

from sqlalchemy.exc import DataError, IntegrityError, StatementError
from sqlalchemy.orm import Session, sessionmaker

from ingestor.config import Defaults, SourceConfig
from ingestor.docreader import DocumentOptions
from ingestor.errors import IngestorError
from ingestor.leasekeeper import one_off_lease
from ingestor.model import Batch, FolderCursor, ItemResult, RawItem, SyncSummary
from ingestor.parsepool import ParsePool, Parsers, Work, pool_workers, release_memory
from ingestor.process import process_calendar_item, process_item, read_deferred
from ingestor.resolve.batch import resolve_batch
from ingestor.resolve.followups import DEFAULT_FOLLOWUPS, FollowupPolicy
from ingestor.resolve.plan import BatchCounts, WritePlan
from ingestor.resolve.policy import CreationPolicy
from ingestor.seriesjob import CALENDAR_SOURCES, calendar_bound, calendar_days, expand_stored
from ingestor.sources import make_source
from ingestor.sources.base import BatchLimits, Source
from ingestor.store.ingest import apply_plan, load_cursors
from ingestor.store.known import fresh_results, load_known
from ingestor.store.leases import Lease, LeaseLost, fence, uses_leases
from ingestor.store.redact import Agency
from ingestor.store.screen import screen
from ingestor.store.status import STORE_UNAVAILABLE, SourceHealth

log = logging.getLogger(__name__)
Persist = Callable[[Session, str, WritePlan, frozenset[str]], BatchCounts]

# Log records of bugs (as opposed to bad input or a dead server) carry this attribute; the
# test suite fails any test during which one is logged (tests/integration/conftest.py).
BUG = {"ingestor_bug": True}


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Stages:
    """What a sync runs, passed in so tests (and `sync --dry-run`) choose without patching.

    `clock` gives the batch's time (extraction windows, created_at); `sources` makes the
    source from its config; `process` parses and extracts one item; `persist` carries out a
    batch's plan in its transaction (`dry_run` makes one that only shows it); `parsers` are the
    parser processes `process` runs in, shared by the caller's syncs (None: each sync forks
    its own, as `defaults.parse_workers` says).
    """

    clock: Callable[[], datetime] = utc_now
    sources: Callable[[SourceConfig], Source] = make_source
    process: Work = process_item
    persist: Persist = apply_plan
    parsers: Parsers | None = None


def dry_run(show: Callable[[str, WritePlan], None]) -> Persist:
    """A persist stage that hands each plan to `show` and writes nothing, not the cursor
    either: the transaction is rolled back (re-matching UIDs may have moved rows in it)."""

    def persist(
        session: Session, source: str, plan: WritePlan, owners: frozenset[str]
    ) -> BatchCounts:
        show(source, plan)
        session.rollback()
        return plan.counts

    return persist


def document_options(defaults: Defaults) -> DocumentOptions | None:
    if not defaults.read_attachments:
        return None
    return DocumentOptions(ocr=defaults.ocr, store_files=defaults.store_attachments)


def followups_for(defaults: Defaults) -> FollowupPolicy:
    return FollowupPolicy(not_interested_days=defaults.not_interested_after_days)


def policy_for(cfg: SourceConfig, defaults: Defaults) -> CreationPolicy:
    return CreationPolicy(
        creation=cfg.contact_creation,  # type: ignore[arg-type]
        owner_addresses=frozenset(cfg.owner_addresses),
        internal_domains=frozenset(defaults.internal_domains),
        blocklist=frozenset(defaults.blocklist),
        store_bodies=defaults.store_bodies,
    )


def sync_source(
    cfg: SourceConfig,
    defaults: Defaults,
    sessions: sessionmaker[Session],
    stop: Callable[[], bool] = lambda: False,
    health: SourceHealth | None = None,
    stages: Stages = Stages(),
    lease: Lease | None = None,
) -> SyncSummary:
    """One pass over a source; never raises (see summary.error), not even for a bug.

    A failure is logged here, at ERROR, once: a bug with its traceback, a source or store
    error as one line. The outcome goes to source_status through `health`, which keeps it
    in memory while the store is unavailable (the daemon passes its own, long-lived one).

    On PostgreSQL every batch commit is fenced by the source's lease: the daemon passes the
    one it holds; without one, a lease is claimed for this pass (skipped while another
    instance holds it).
    """
    summary = SyncSummary(cfg.name)
    line: str | None = None  # the ERROR line still to log; a bug's is logged at once
    try:
        with _lease_for(sessions, cfg.name, lease, defaults.lease_period) as held:
            if held is _HELD_ELSEWHERE:
                log.info("%s: another instance holds this source; skipping", cfg.name)
                return summary
            summary = _sync(cfg, defaults, sessions, stop, stages, held)
    except LeaseLost as e:
        log.warning("%s", e)  # not a failure of the source: its new holder goes on
        return replace(summary, lease_lost=True)
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
    cfg: SourceConfig,
    defaults: Defaults,
    sessions: sessionmaker[Session],
    stop: Callable[[], bool],
    stages: Stages,
    lease: Lease | None,
) -> SyncSummary:
    source = stages.sources(cfg)
    writer = _BatchWriter(
        sessions, cfg.name, policy_for(cfg, defaults), stages, lease, followups_for(defaults)
    )
    owners = frozenset(cfg.owner_addresses)
    window_days = calendar_days(cfg)  # the bound of infinite series (see seriesjob)
    limits = BatchLimits(max_bytes=cfg.batch_bytes, max_items=cfg.batch_messages)
    totals = BatchCounts()
    seen = 0
    with sessions() as s:
        cursors = load_cursors(s, cfg.name)
    # With parser processes, batch k is parsed while batch k+1 is fetched, and written while
    # batch k+1 is parsed. Batches still commit one at a time, in order, each with its cursor.
    parsers = stages.parsers or Parsers(pool_workers(defaults.parse_workers))
    documents = document_options(defaults)
    # Parser processes leave the documents to this process: one reader, not one per parser.
    deferred = replace(documents, deferred=True) if documents and parsers.workers else None
    pool = ParsePool(
        partial(
            stages.process,
            owners=owners,
            region=cfg.phone_region,
            window_days=window_days,
            documents=deferred or documents,
        ),
        parsers,
    )
    if stages.parsers is None and parsers.workers:
        parsers.start()  # before the first batch is in memory: the workers would keep it
    pending: deque[tuple[Batch, Callable[[], list[ItemResult]]]] = deque()

    def commit_oldest() -> None:
        nonlocal seen
        batch, collect = pending.popleft()
        results = collect()
        if deferred is not None:
            results = read_deferred(results, deferred, cfg.phone_region, stages.clock())
        counts = writer.commit(results, batch.cursor)
        seen += len(results) - counts.already_seen
        totals.add(counts)
        log.debug("%s: %s committed %d items", cfg.name, batch.folder, len(results))
        del batch, results, collect  # before trimming: the raw bytes go with them
        release_memory()

    try:
        if source.type in CALENDAR_SOURCES:
            # Stored infinite series into today's bound first: it needs no server.
            expand_stored_series(cfg, defaults, sessions, stages, lease)
        source.open()
        try:
            for batch in source.batches(cursors, limits, stop):
                pending.append((batch, pool.submit(batch.items, stages.clock())))
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
        if stages.parsers is None:
            parsers.close()
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
    cfg: SourceConfig,
    defaults: Defaults,
    sessions: sessionmaker[Session],
    stages: Stages = Stages(),
    lease: Lease | None = None,
) -> int:
    """Expand the source's stored infinite series into the bound at `stages.clock()`, from
    their stored masters, through the same calendar extraction and resolve → persist stages as
    a sync, fenced by the same `lease` (no request to the source); → how many calendar objects
    were expanded."""
    now = stages.clock()
    days = calendar_days(cfg)
    writer = _BatchWriter(
        sessions, cfg.name, policy_for(cfg, defaults), stages, lease, followups_for(defaults)
    )
    owners = frozenset(cfg.owner_addresses)

    def extract(item: RawItem, window: tuple[datetime, datetime]) -> ItemResult:
        return process_calendar_item(item, owners, window)

    bound = calendar_bound(now, days)
    return expand_stored(sessions, cfg.name, bound, extract, lambda r: writer.commit(r, None))


def write_batch(
    session: Session,
    source: str,
    policy: CreationPolicy,
    results: list[ItemResult],
    cursor: FolderCursor | None,
    now: datetime,
    persist: Persist = apply_plan,
    followups: FollowupPolicy = DEFAULT_FOLLOWUPS,
) -> BatchCounts:
    """One batch in the caller's transaction: what the store knows → resolve → persist."""
    fresh, already_seen = fresh_results(session, source, results)
    fresh, suppressed = screen(
        session, fresh, Agency(policy.owner_addresses, policy.internal_domains)
    )
    known = load_known(session, fresh)
    plan = resolve_batch(fresh, known, policy, now, cursor, followups)
    plan.ledger.extend(suppressed)  # forgotten people's mail: a ledger row and nothing else
    plan.counts.skipped += len(suppressed)
    plan.counts.already_seen = already_seen
    return persist(session, source, plan, policy.owner_addresses)


class _BatchWriter:
    """Commits batches: each in one transaction of its own, with its cursor."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        source: str,
        policy: CreationPolicy,
        stages: Stages,
        lease: Lease | None = None,
        followups: FollowupPolicy = DEFAULT_FOLLOWUPS,
    ) -> None:
        self.sessions = sessions
        self.source = source
        self.policy = policy
        self.stages = stages
        self.lease = lease
        self.followups = followups

    def commit(self, results: list[ItemResult], cursor: FolderCursor | None) -> BatchCounts:
        # A concurrent writer (another instance, same address) can win a unique index race;
        # the whole batch is then simply written again against the state it created.
        try:
            try:
                return self.write(results, cursor)
            except IntegrityError:
                log.info("%s: concurrent write, retrying batch", self.source)
                return self.write(results, cursor)
        except (DataError, StatementError) as e:
            if isinstance(e, STORE_UNAVAILABLE):
                raise
            # Content the database refuses must not block the folder: write item by item and
            # quarantine just the ones refused. Replays are safe: the ledger skips seen refs.
            log.warning(
                "%s: batch refused by the store (%s); writing item by item",
                self.source,
                _first_line(e),
            )
            return self._one_by_one(results, cursor)

    def write(self, results: list[ItemResult], cursor: FolderCursor | None) -> BatchCounts:
        """store → resolve → store, in one transaction."""
        with self.sessions.begin() as s:
            counts = write_batch(
                s,
                self.source,
                self.policy,
                results,
                cursor,
                self.stages.clock(),
                self.stages.persist,
                self.followups,
            )
            if self.lease is not None:
                fence(s, self.lease)  # last: the lease row stays locked until the commit
            return counts

    def _one_by_one(self, results: list[ItemResult], cursor: FolderCursor | None) -> BatchCounts:
        total = BatchCounts()
        for result in results:
            try:
                counts = self.write([result], None)
            except (DataError, IntegrityError, StatementError) as e:
                if isinstance(e, STORE_UNAVAILABLE):
                    raise
                refused = ItemResult(result.item, None, f"refused by the store: {_first_line(e)}")
                counts = self.write([refused], None)
            total.add(counts)
        total.add(self.write([], cursor))
        return total


def _first_line(e: BaseException) -> str:
    text = str(getattr(e, "orig", None) or e).strip()
    return text.splitlines()[0][:200] if text else type(e).__name__


_HELD_ELSEWHERE = Lease("", "", -1)


@contextmanager
def _lease_for(
    sessions: sessionmaker[Session], source: str, lease: Lease | None, period: float
) -> Iterator[Lease | None]:
    """The lease a pass commits under: the given one, one claimed for the pass, or None on
    SQLite (one daemon by design, see store.leases.DaemonLock)."""
    if lease is not None or not uses_leases(sessions):
        yield lease
        return
    with one_off_lease(sessions, source, period) as claimed:
        yield claimed if claimed is not None else _HELD_ELSEWHERE


def check_source(
    cfg: SourceConfig, sources: Callable[[SourceConfig], Source] = make_source
) -> list[str]:
    """Connect, log in and list folders; raises SourceError saying what is wrong."""
    source = sources(cfg)
    try:
        source.open()
        return source.describe()
    finally:
        source.close()
