"""Holding source leases over time: the daemon's share of the sources, and a one-off sync's.

The daemon's LeaseKeeper beats every third of the lease period: it says the instance is alive,
renews what it holds, gives back what is over its fair share (⌈sources / live instances⌉), and
claims free or expired leases up to it, trying sources in an order of its own so instances do
not all reach for the same ones. A one-off sync (`ingestor sync --once`) claims its source's
lease for the duration and renews it from a thread.
"""

from __future__ import annotations

import logging
import threading
import time
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy.orm import Session, sessionmaker

from ingestor.store.leases import (
    Lease,
    claim,
    fair_share,
    heartbeat,
    instance_name,
    leave,
    release,
    renew,
)
from ingestor.store.status import STORE_UNAVAILABLE

log = logging.getLogger(__name__)


class LeaseKeeper:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        sources: Sequence[str],
        period: float,
        owner: str | None = None,
    ) -> None:
        self.sessions = sessions
        self.owner = owner or instance_name()
        self.period = period
        # Each instance tries the sources in its own order: fewer collisions when claiming.
        self.sources = sorted(sources, key=lambda s: zlib.crc32(f"{self.owner}|{s}".encode()))
        self._held: dict[str, Lease] = {}
        self._busy: set[str] = set()
        self._yielding: set[str] = set()  # busy, over the share: to stop at their next batch
        self._lock = threading.Lock()

    @property
    def interval(self) -> float:
        return self.period / 3

    def lease(self, source: str) -> Lease | None:
        with self._lock:
            return self._held.get(source)

    def held(self) -> list[str]:
        with self._lock:
            return sorted(self._held)

    def yielding(self, source: str) -> bool:
        """Whether the poll of `source` should stop at its next batch: this instance holds more
        than its share and no idle lease is left to give back (a first sync of a big mailbox
        would otherwise keep a newcomer from its share for as long as it runs)."""
        with self._lock:
            return source in self._yielding

    @contextmanager
    def polling(self, source: str) -> Iterator[Lease | None]:
        """The source's lease, kept (not given back for balance) while the poll runs."""
        with self._lock:
            lease = self._held.get(source)
            if lease is not None:
                self._busy.add(source)
        try:
            yield lease
        finally:
            with self._lock:
                self._busy.discard(source)

    def forget(self, source: str, lease: Lease) -> None:
        """A sync found its lease gone (fencing): stop treating the source as ours."""
        with self._lock:
            if self._held.get(source) == lease:
                del self._held[source]

    def beat(self) -> None:
        try:
            self._beat()
        except STORE_UNAVAILABLE as e:
            # Leases may lapse meanwhile; fencing keeps any batch from committing without one.
            log.warning("leases: store unavailable (%s); retrying at the next beat", e)

    def _beat(self) -> None:
        live = heartbeat(self.sessions, self.owner, self.period)
        share = fair_share(len(self.sources), live)
        for source, lease in list(self._snapshot().items()):
            if not renew(self.sessions, lease, self.period):
                log.warning(
                    "%s: lease %d lapsed or was taken over; leaving it", source, lease.epoch
                )
                self.forget(source, lease)
        with self._lock:
            over = max(len(self._held) - share, 0)
            idle = [s for s in sorted(self._held) if s not in self._busy]
            extra = [self._held.pop(s) for s in idle[:over]]
            busy = sorted(s for s in self._held if s in self._busy)
            self._yielding = set(busy[: over - len(extra)])
        for lease in extra:
            release(self.sessions, lease)
            log.info("%s: lease given back (fair share is %d of %d)", lease.source, share, live)
        for source in self.sources:
            if len(self._snapshot()) >= share:
                break
            if self.lease(source) is None:
                got = claim(self.sessions, source, self.owner, self.period)
                if got is not None:
                    with self._lock:
                        self._held[source] = got
                    log.info("%s: lease %d claimed by %s", source, got.epoch, self.owner)

    def _snapshot(self) -> dict[str, Lease]:
        with self._lock:
            return dict(self._held)

    def close(self) -> None:
        """On shutdown: leases go back at once, so other instances need not wait them out."""
        with self._lock:
            self._held.clear()
        try:
            leave(self.sessions, self.owner)
        except STORE_UNAVAILABLE as e:
            log.warning("leases: not released (%s); they lapse in %g s", e, self.period)


@contextmanager
def one_off_lease(
    sessions: sessionmaker[Session], source: str, period: float
) -> Iterator[Lease | None]:
    """A lease for one sync of `source`, renewed until it ends; None while another instance
    holds the source. A lease left by a sync that was killed lapses within one period, so a
    re-run waits that long for it before giving up."""
    owner = instance_name()
    deadline = time.monotonic() + period
    lease = claim(sessions, source, owner, period)
    if lease is None:
        log.info("%s: another instance holds this source; waiting up to %g s", source, period)
    while lease is None and time.monotonic() < deadline:
        time.sleep(min(1.0, period / 10))
        lease = claim(sessions, source, owner, period)
    if lease is None:
        yield None
        return
    done = threading.Event()

    def keep() -> None:
        while not done.wait(period / 3):
            try:
                if not renew(sessions, lease, period):
                    return  # lost: the sync's next commit fails its fence
            except STORE_UNAVAILABLE:
                continue

    renewer = threading.Thread(target=keep, name=f"lease-{source}", daemon=True)
    renewer.start()
    try:
        yield lease
    finally:
        done.set()
        renewer.join()
        try:
            release(sessions, lease)
        except STORE_UNAVAILABLE as e:
            log.debug("%s: lease not released (%s); it lapses by itself", source, e)
