"""The long-running service: one scheduled job per source, signals, systemd notifications.

Each source is an APScheduler interval job that never overlaps itself and carries jitter, so
many mailboxes do not poll in lockstep. A failing source backs off exponentially; the others
carry on. A store that is down is a failure of each source that tries to use it, backed off the
same way; the daemon itself keeps running and recovers when the store is back. SIGTERM lets
the batch in flight commit, then exits.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import FrameType
from typing import TYPE_CHECKING

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.orm import Session, sessionmaker

from ingestor.config import Settings, SourceConfig
from ingestor.leasekeeper import LeaseKeeper
from ingestor.model import SyncSummary
from ingestor.pipeline import BUG, sync_source
from ingestor.store.leases import DaemonLock, Lease, uses_leases
from ingestor.store.status import STORE_UNAVAILABLE, SourceHealth

if TYPE_CHECKING:
    from ingestor.web.server import BackgroundServer

log = logging.getLogger(__name__)

MAX_BACKOFF = 3600.0
MIN_RETRY = 30.0


def backoff_delay(
    interval: float, failures: int, min_retry: float = MIN_RETRY, max_backoff: float = MAX_BACKOFF
) -> float:
    """Seconds to wait after the n-th consecutive failure: doubling, capped at an hour."""
    return min(max(interval, min_retry) * 2 ** max(failures - 1, 0), max_backoff)


Sync = Callable[..., SyncSummary]


class Daemon:
    """`sync` runs one pass over a source (sync_source's signature) and `backoff` gives the
    delay after consecutive failures: passed in, so tests choose them without patching."""

    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker[Session],
        sync: Sync = sync_source,
        backoff: Callable[[float, int], float] = backoff_delay,
    ) -> None:
        self.settings = settings
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
        self.stopping = threading.Event()
        # Consecutive failures per source, kept here: the backoff must work without the store.
        self.failures: dict[str, int] = {}
        self.health = SourceHealth()
        self.scheduler = BackgroundScheduler(timezone=UTC)
        self.web: BackgroundServer | None = None
        self._polls = 0  # polls in progress, under _idle
        self._idle = threading.Condition()

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
        try:
            summary = self.sync(
                cfg,
                self.settings.defaults,
                self.sessions,
                self.stopping.is_set,
                self.health,
                lease=lease,
            )
        except Exception as e:  # sync_source never raises: a bug, but the schedule must go on
            log.exception("%s: sync failed unexpectedly", cfg.name, extra=BUG)
            summary = SyncSummary(cfg.name, error=f"internal error: {type(e).__name__}")
        if summary.lease_lost and self.leases is not None and lease is not None:
            self.leases.forget(cfg.name, lease)
        if summary.ok:
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

    def start(self) -> None:
        if self.lock is not None:
            self.lock.acquire()  # a second daemon on this SQLite store stops here, one line
        if self.settings.web.enabled:
            from ingestor.store.unit import Store
            from ingestor.web.server import start_background

            # Binds before returning: a port in use fails start-up with a clear WebError.
            self.web = start_background(
                Store(self.sessions), self.settings.web.host, self.settings.web.port
            )
        now = datetime.now(UTC)
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
        if self.leases is not None:
            self.leases.close()
        if self.lock is not None:
            self.lock.release()
        if self.web is not None:
            self.web.stop()

    def run_forever(self) -> None:
        def on_signal(signum: int, _frame: FrameType | None) -> None:
            log.info("received %s; finishing the current batch", signal.Signals(signum).name)
            self.stopping.set()

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        self.start()
        try:
            while not self.stopping.wait(timeout=60):
                sd_notify("WATCHDOG=1")
        finally:
            self.stop()
        log.info("stopped")


def sd_notify(state: str) -> None:
    """Tell systemd (Type=notify) about our state; a no-op outside systemd."""
    address = os.environ.get("NOTIFY_SOCKET")
    if not address:
        return
    if address.startswith("@"):
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.connect(address)
            sock.sendall(state.encode())
    except OSError as e:
        log.debug("sd_notify failed: %s", e)
