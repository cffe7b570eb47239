"""Runs one source through read → parse → extract → resolve → persist, batch by batch.

Each batch commits together with its cursor, so a crash at any point loses at most the batch in
flight, which the next run reads again. A message that cannot be parsed is quarantined; it
never stops a sync.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.exc import DataError, IntegrityError, OperationalError, StatementError
from sqlalchemy.orm import Session, sessionmaker

from ingestor.config import Defaults, SourceConfig
from ingestor.errors import IngestorError, SourceError
from ingestor.extractors.mail import extract_message
from ingestor.extractors.meetings import CalendarParseError, extract_meetings
from ingestor.extractors.message import MessageParseError, parse_message
from ingestor.model import CalendarResult, FolderCursor, ItemResult, RawItem, SyncSummary
from ingestor.resolve.policy import CreationPolicy
from ingestor.sources import make_source
from ingestor.sources.base import BatchLimits
from ingestor.store.ingest import BatchCounts, BatchWriter, load_cursors
from ingestor.store.status import record_failure, record_success

log = logging.getLogger(__name__)


def process_item(
    item: RawItem,
    owners: frozenset[str],
    now: datetime,
    region: str = "US",
    window_days: tuple[int, int] = (365, 180),
) -> ItemResult:
    """Parse and extract one item; pure apart from the clock value passed in."""
    window = (now - timedelta(days=window_days[0]), now + timedelta(days=window_days[1]))
    if item.kind == "calendar":
        return process_calendar_item(item, owners, window)
    try:
        parsed = parse_message(item.data, item.internal_date)
        findings = extract_message(
            parsed, owners, item.internal_date or now, item.folder, region=region, window=window
        )
    except MessageParseError as e:
        return ItemResult(item, None, f"unreadable message: {e}")
    except (RecursionError, MemoryError, ValueError, LookupError, TypeError, AttributeError) as e:
        # Hostile MIME that trips the parser: keep the bytes, say why, move on.
        log.warning("quarantining %s: %s: %s", item.ref, type(e).__name__, e)
        return ItemResult(item, None, f"parser failed: {type(e).__name__}: {str(e)[:200]}")
    if item.truncated:
        note = f"[body not downloaded: {item.size} bytes is over the size cap]"
        findings = replace(findings, snippet=note)
    return ItemResult(item, findings)


def process_calendar_item(
    item: RawItem, owners: frozenset[str], window: tuple[datetime, datetime]
) -> ItemResult:
    if item.deleted:
        return ItemResult(item, None)
    try:
        findings = extract_meetings(
            item.data, owner_addresses=owners, window_start=window[0], window_end=window[1]
        )
    except CalendarParseError as e:
        return ItemResult(item, None, f"unreadable calendar object: {e}")
    return ItemResult(item, None, calendar=CalendarResult(findings, window[0], window[1]))


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
) -> SyncSummary:
    """One pass over a source; never raises for source or data problems (see summary.error)."""
    summary = SyncSummary(cfg.name)
    try:
        with _source_lease(sessions, cfg.name) as held:
            if not held:
                log.info("%s: another instance holds this source; skipping", cfg.name)
                return summary
            summary = _sync(cfg, defaults, sessions, stop)
    except IngestorError as e:
        summary = replace(summary, error=str(e))
    except OperationalError as e:
        summary = replace(summary, error=f"store error: {_first_line(e)}")
    with sessions.begin() as s:
        if summary.error:
            log.error("%s", summary.error)
            record_failure(s, cfg.name, summary.error)
        else:
            record_success(s, cfg.name)
    return summary


def _sync(
    cfg: SourceConfig, defaults: Defaults, sessions: sessionmaker[Session], stop: Callable[[], bool]
) -> SyncSummary:
    source = make_source(cfg)
    policy = policy_for(cfg, defaults)
    owners = frozenset(cfg.owner_addresses)
    window_days = (cfg.calendar_past_days, cfg.calendar_future_days)
    limits = BatchLimits(max_bytes=cfg.batch_bytes, max_items=cfg.batch_messages)
    totals = BatchCounts()
    seen = 0
    with sessions() as s:
        cursors = load_cursors(s, cfg.name)
    try:
        source.open()
        for batch in source.batches(cursors, limits, stop):
            now = datetime.now(UTC)
            results = [
                process_item(item, owners, now, cfg.phone_region, window_days)
                for item in batch.items
            ]
            counts = _commit(sessions, cfg.name, policy, results, batch.cursor)
            seen += len(results) - counts.already_seen
            totals.add(counts)
            log.debug("%s: %s committed %d items", cfg.name, batch.folder, len(results))
    finally:
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


def _commit(
    sessions: sessionmaker[Session],
    source: str,
    policy: CreationPolicy,
    results: list[ItemResult],
    cursor: FolderCursor,
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
        if isinstance(e, OperationalError):
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
    cursor: FolderCursor,
) -> BatchCounts:
    total = BatchCounts()
    for result in results:
        try:
            counts = _write(sessions, source, policy, [result], None)
        except (DataError, IntegrityError, StatementError) as e:
            if isinstance(e, OperationalError):
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
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                conn.commit()


def check_source(cfg: SourceConfig) -> list[str]:
    """Connect, log in and list folders; raises SourceError saying what is wrong."""
    source = make_source(cfg)
    try:
        source.open()
        return source.describe()
    finally:
        source.close()


__all__ = ["SourceError", "check_source", "process_item", "sync_source"]
