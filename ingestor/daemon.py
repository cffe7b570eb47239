"""The long-running service: one scheduled job per source, a stop request, systemd notifications.

Each source is an APScheduler interval job that never overlaps itself and carries jitter, so
many mailboxes do not poll in lockstep. A failing source backs off exponentially; the others
carry on. A store that is down is a failure of each source that tries to use it, backed off the
same way; the daemon itself keeps running and recovers when the store is back. A stop
(SIGTERM, as `ingestor run` hears it: ingestor.shutdown) lets the batch in flight commit, then
exits.

Under systemd it sends READY=1, a STATUS= line after every poll, and WATCHDOG=1 only while
the scheduler dispatches and the store answers (ingestor.watchdog). Every few minutes it runs
the sync self-check (ingestor.selfcheck) and logs a warning when a source's flags change.
Its `runtime` is what its web server shows beyond the store: progress, timings, stuck cursors.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.orm import Session, sessionmaker

from ingestor.config import Settings, SourceConfig
from ingestor.leasekeeper import LeaseKeeper
from ingestor.model import SyncSummary
from ingestor.parsepool import Parsers, pool_workers
from ingestor.pipeline import BUG, Stages, sync_source
from ingestor.privacy import add_retention_job, retention_policy
from ingestor.progress import observed
from ingestor.runtime import Runtime
from ingestor.selfcheck import CursorMarks, Finding
from ingestor.sources import make_source
from ingestor.sources.base import Source
from ingestor.store.ingest import load_cursors
from ingestor.store.leases import DaemonLock, Lease, instance_name, uses_leases
from ingestor.store.selfcheck import ping
from ingestor.store.status import STORE_UNAVAILABLE, SourceHealth
from ingestor.store.unit import Store
from ingestor.watchdog import (
    DEFAULT_INTERVAL,
    PROBE_TIMEOUT,
    StoreProbe,
    sd_notify,
    status_line,
    watchdog_interval,
)

if TYPE_CHECKING:
    from ingestor.web.server import BackgroundServer

log = logging.getLogger(__name__)

MAX_BACKOFF = 3600.0
MIN_RETRY = 30.0
SELFCHECK_INTERVAL = 300.0  # seconds between self-checks; the first comes one interval in


def backoff_delay(
    interval: float, failures: int, min_retry: float = MIN_RETRY, max_backoff: float = MAX_BACKOFF
) -> float:
    """Seconds to wait after the n-th consecutive failure: doubling, capped at an hour."""
    return min(max(interval, min_retry) * 2 ** max(failures - 1, 0), max_backoff)


Sync = Callable[..., SyncSummary]


class Daemon:
    """`sync` runs one pass over a source (sync_source's signature), `backoff` gives the
    delay after consecutive failures and `sources` makes a source from its config: passed in,
    so tests choose them without patching."""

    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker[Session],
        sync: Sync = sync_source,
        backoff: Callable[[float, int], float] = backoff_delay,
        sources: Callable[[SourceConfig], Source] = make_source,
        parsers: Parsers | None = None,
        stopping: threading.Event | None = None,
    ) -> None:
        self.settings = settings
        self.make = sources
        self.sessions = sessions
        self.sync = sync
        self.backoff = backoff
        # PostgreSQL: instances share the sources by lease. SQLite: this daemon alone.
        self.leases: LeaseKeeper | None = None
        self.lock: DaemonLock | None = None
        if uses_leases(sessions):
            names = [cfg.name for cfg in settings.sources]
            self.leases = LeaseKeeper(sessions, names, settings.defaults.lease_period)
        else:
            database = sessions.kw["bind"].url.database
            if database and database != ":memory:":
                self.lock = DaemonLock(database)
        self.stopping = stopping or threading.Event()  # set by SIGTERM, SIGINT or stop()
        # Consecutive failures per source, kept here: the backoff must work without the store.
        self.failures: dict[str, int] = {}
        self.outcomes: dict[str, str | None] = {}  # each source's last error (None: ok)
        self.health = SourceHealth()
        self.scheduler = BackgroundScheduler(timezone=UTC)
        # The watchdog's tick has a thread of its own: ten long first syncs cannot starve it.
        self.scheduler.add_executor(ThreadPoolExecutor(1), "watch")
        self.web: BackgroundServer | None = None
        self.metrics_server: BackgroundServer | None = None
        self.ping_interval = watchdog_interval(os.environ)
        self._tick = time.monotonic()  # the scheduler's last dispatch of the tick job
        self.runtime = Runtime(
            settings.sources,
            instance=self.leases.owner if self.leases is not None else instance_name(),
            scheduler_alive=self.scheduler_alive,
            internal_domains=settings.defaults.internal_domains,
            retention=retention_policy(settings.retention),
        )
        self._made: dict[str, Source] = {}  # each running pass's source (for its marks)
        # One set of parser processes for all sources (ten first syncs at once fork no more),
        # closed at stop. The CLI forks them before importing the daemon (cli.fork_parsers).
        self.parsers = parsers or Parsers(pool_workers(settings.defaults.parse_workers))
        self._stages = Stages(
            sources=observed(self._make_source, self.runtime.progress), parsers=self.parsers
        )
        self._flags: dict[str, dict[str, Finding]] = {}  # the self-check's last verdicts
        self._polls = 0  # polls in progress, under _idle
        self._idle = threading.Condition()

    def _make_source(self, cfg: SourceConfig) -> Source:
        source = self.make(cfg)
        self._made[cfg.name] = source
        return source

    @property
    def tick_interval(self) -> float:
        return min(self.ping_interval or DEFAULT_INTERVAL, 10.0)

    def _tick_job(self) -> None:
        self._tick = time.monotonic()

    def scheduler_alive(self) -> bool:
        """The scheduler runs and dispatched its tick job lately."""
        fresh = time.monotonic() - self._tick < 3 * self.tick_interval + 1
        return bool(self.scheduler.running) and fresh

    def _poll(self, cfg: SourceConfig) -> None:
        with self._idle:
            if self.stopping.is_set():
                return
            self._polls += 1
        try:
            self._sync(cfg)
        finally:
            with self._idle:
                self._polls -= 1
                self._idle.notify_all()

    def _sync(self, cfg: SourceConfig) -> None:
        if self.leases is None:
            self._sync_under(cfg, None)
            return
        with self.leases.polling(cfg.name) as lease:
            if lease is None:
                log.debug("%s: held by another instance", cfg.name)
                return
            self._sync_under(cfg, lease)

    def _sync_under(self, cfg: SourceConfig, lease: Lease | None) -> None:
        self.runtime.progress.begin(cfg.name)
        started = time.monotonic()
        try:
            summary = self.sync(
                cfg,
                self.settings.defaults,
                self.sessions,
                lambda: self.stopping.is_set() or self._yields(cfg.name),
                self.health,
                lease=lease,
                stages=self._stages,
            )
        except Exception as e:  # sync_source never raises: a bug, but the schedule must go on
            log.exception("%s: sync failed unexpectedly", cfg.name, extra=BUG)
            summary = SyncSummary(cfg.name, error=f"internal error: {type(e).__name__}")
        finally:
            self.runtime.progress.end(cfg.name)
        source = self._made.pop(cfg.name, None)
        if summary.lease_lost and self.leases is not None and lease is not None:
            self.leases.forget(cfg.name, lease)
        if not summary.lease_lost:
            self.runtime.record(summary, time.monotonic() - started)
            self.outcomes[cfg.name] = summary.error
            self._notify_status()
        if summary.ok:
            if source is not None:
                self._compare_cursors(cfg.name, source)
            self.failures.pop(cfg.name, None)
            if summary.seen:
                log.info(
                    "%s: %d new (%d ingested, %d skipped, %d quarantined, %d duplicate), %d contacts created",
                    cfg.name,
                    summary.seen,
                    summary.ingested,
                    summary.skipped,
                    summary.quarantined,
                    summary.duplicate,
                    summary.contacts_created,
                )
            return
        n = self.failures[cfg.name] = self.failures.get(cfg.name, 0) + 1
        delay = self.backoff(cfg.poll_interval, n)
        log.warning("%s: failure %d in a row; next attempt in %.0f s", cfg.name, n, delay)
        job = self.scheduler.get_job(cfg.name)
        if job is not None:
            job.modify(next_run_time=datetime.now(UTC) + timedelta(seconds=delay))

    def _check_ins(self) -> None:
        """Losing touch: check-in tasks for quiet conversations (defaults.check_in_after)."""
        from ingestor.store.followups import set_check_ins

        try:
            with self.sessions.begin() as s:
                n = set_check_ins(s, datetime.now(UTC), self.settings.defaults.check_in_after_days)
            if n:
                log.info("check-ins: %d contacts gone quiet got a check-in task", n)
        except STORE_UNAVAILABLE as e:
            log.warning("check-ins: store unavailable (%s); next round in 6 h", e)

    def _yields(self, source: str) -> bool:
        """The lease keeper wants this source's lease back for a newcomer's share."""
        return self.leases is not None and self.leases.yielding(source)

    def _compare_cursors(self, name: str, source: Source) -> None:
        """After a successful poll: did the server report mail the cursor did not follow?"""
        server = dict(source.server_marks())
        if not server:
            return
        try:
            with self.sessions() as s:
                cursors = load_cursors(s, name)
        except STORE_UNAVAILABLE:
            return
        marks = CursorMarks(server, {f: c.last_uid for f, c in cursors.items()})
        self.runtime.saw_cursors(name, marks)

    def _notify_status(self) -> None:
        held = self.leases.held() if self.leases is not None else None
        names = [cfg.name for cfg in self.settings.sources]
        sd_notify("STATUS=" + status_line(names, dict(self.outcomes), held))

    def self_check(self) -> list[Finding]:
        """Run the sync self-check over every source; log each flag raised or cleared once."""
        from ingestor.metrics import read_views

        try:
            views = Store(self.sessions).run(read_views, self.runtime, datetime.now(UTC))
        except STORE_UNAVAILABLE as e:
            log.debug("self-check skipped: store unavailable (%s)", e)
            return []
        held = set(self.leases.held()) if self.leases is not None else None
        found: list[Finding] = []
        for view in views:
            name = view.health.source
            if held is not None and name not in held:
                continue  # its holder reports it
            now = {f.flag: f for f in view.findings}
            before = self._flags.get(name, {})
            for flag, finding in now.items():
                if flag not in before:
                    log.warning("self-check: %s", finding.line())
            for flag in before.keys() - now.keys():
                log.info("self-check: %s: %s cleared", name, flag.replace("_", " "))
            self._flags[name] = now
            found += now.values()
        return found

    def start(self) -> None:
        if self.lock is not None:
            self.lock.acquire()  # a second daemon on this SQLite store stops here, one line
        self.parsers.start()  # forked (unless they were) before the scheduler's threads start
        store = Store(self.sessions)
        listen = self.settings.metrics.listen
        if listen is not None:
            from ingestor.web.server import start_metrics

            self.metrics_server = start_metrics(store, self.runtime, *listen)
        if self.settings.web.enabled:
            from ingestor.web.server import start_background

            # Binds before returning: a port in use fails start-up with a clear WebError.
            try:
                self.web = start_background(
                    store,
                    self.settings.web.host,
                    self.settings.web.port,
                    runtime=self.runtime,
                    with_metrics=listen is None,
                )
            except Exception:
                if self.metrics_server is not None:
                    self.metrics_server.stop()
                raise
        now = datetime.now(UTC)
        self.scheduler.add_job(
            self._tick_job,
            "interval",
            seconds=self.tick_interval,
            id="tick",
            name="tick",
            executor="watch",
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
        )
        self.scheduler.add_job(
            self.self_check,
            "interval",
            seconds=SELFCHECK_INTERVAL,
            id="selfcheck",
            name="selfcheck",
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
        )
        if self.leases is not None:
            self.leases.beat()  # the first polls start with this instance's share
            self.scheduler.add_job(
                self.leases.beat,
                "interval",
                seconds=self.leases.interval,
                id="leases",
                name="leases",
                max_instances=1,
                coalesce=True,
                misfire_grace_time=None,
            )
        if self.settings.defaults.check_in_after_days:
            self.scheduler.add_job(
                self._check_ins,
                "interval",
                hours=6,
                id="check-ins",
                name="check-ins",
                max_instances=1,
                coalesce=True,
                next_run_time=now,
                misfire_grace_time=None,
            )
        add_retention_job(self.scheduler, self.settings, self.sessions, self.stopping.is_set, now)
        for cfg in self.settings.sources:
            self.scheduler.add_job(
                self._poll,
                "interval",
                seconds=cfg.poll_interval,
                jitter=min(cfg.poll_interval * 0.1, 30),
                args=[cfg],
                id=cfg.name,
                name=cfg.name,
                max_instances=1,
                coalesce=True,
                next_run_time=now,
                misfire_grace_time=None,
            )
        self.scheduler.start()
        log.info("polling %d sources", len(self.settings.sources))
        sd_notify("READY=1")

    def stop(self) -> None:
        sd_notify("STOPPING=1")
        with self._idle:
            self.stopping.set()  # no poll starts from now on
        # Not shutdown(wait=True): it waits holding the scheduler's job-store lock, which a
        # failed poll needs to reschedule itself (get_job): both would wait for ever.
        self.scheduler.shutdown(wait=False)
        with self._idle:  # running polls stop between batches
            self._idle.wait_for(lambda: self._polls == 0)
        self.parsers.close()
        if self.leases is not None:
            self.leases.close()
        if self.lock is not None:
            self.lock.release()
        if self.web is not None:
            self.web.stop()
        if self.metrics_server is not None:
            self.metrics_server.stop()

    def run_forever(self) -> None:
        """Until `stopping` is set: `ingestor run` sets it on SIGTERM and SIGINT, listening from
        its first line (ingestor.shutdown), before this daemon is even built."""
        self.start()
        try:
            self.watch()
        finally:
            self.stop()
        log.info("stopped")

    def watch(self) -> None:
        """Until stopped: ping systemd's watchdog while the scheduler and the store are alive,
        and keep STATUS= current."""
        interval = self.ping_interval or DEFAULT_INTERVAL
        probe = StoreProbe(lambda: Store(self.sessions).run(ping))
        pinging = True
        while not self.stopping.wait(timeout=interval):
            if self.ping_interval is None:
                self._notify_status()
                continue
            scheduler = self.scheduler_alive()
            store = scheduler and probe.answered(min(PROBE_TIMEOUT, interval / 2))
            if scheduler and store:
                sd_notify("WATCHDOG=1")
                if not pinging:
                    log.info("watchdog: scheduler and store answer again; pinging")
            elif pinging:
                what = "the store does not answer" if scheduler else "the scheduler stalled"
                log.warning("watchdog: %s; not pinging systemd's watchdog", what)
            pinging = scheduler and store
            self._notify_status()
