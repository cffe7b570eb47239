"""Source leases in PostgreSQL: several daemon instances share the sources of one store.

An instance claims a free or expired lease in one statement, renews it on a heartbeat and
releases it on shutdown; times are the database's clock, so the hosts' clocks do not matter.
Every batch commit fences: in the batch's own transaction it checks, and locks until commit,
the lease row with the epoch it claimed. An instance that lost its lease (paused past it, cut
off from the database) therefore cannot commit a stale batch: its transaction rolls back.

Only plain statements in short transactions: no session state (advisory locks, prepared
statements), so all of it works behind PgBouncer in transaction mode. SQLite stores have one
daemon by design (see `DaemonLock`): no leases there.
"""

from __future__ import annotations

import fcntl
import math
import os
import secrets
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from ingestor.errors import IngestorError, StoreError


@dataclass(frozen=True)
class Lease:
    source: str
    owner: str
    epoch: int


class LeaseLost(IngestorError):
    """The lease moved on (expired and claimed by another instance): stop syncing the source."""

    def __init__(self, lease: Lease) -> None:
        super().__init__(
            f"source {lease.source}: lease {lease.epoch} is no longer held by this instance "
            f"({lease.owner}); the batch in flight was rolled back and the source left to its "
            "new holder"
        )
        self.lease = lease


def instance_name() -> str:
    """Names the host and PID (what an admin needs), plus a nonce: PIDs are reused."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def uses_leases(sessions: sessionmaker[Session]) -> bool:
    return bool(sessions.kw["bind"].dialect.name == "postgresql")


_CLAIM = text(
    """
    INSERT INTO source_lease (source, owner, epoch, expires_at)
    VALUES (:source, :owner, 1, clock_timestamp() + make_interval(secs => :period))
    ON CONFLICT (source) DO UPDATE
       SET owner = excluded.owner, epoch = source_lease.epoch + 1,
           expires_at = excluded.expires_at
     WHERE source_lease.expires_at < clock_timestamp()
    RETURNING epoch
    """
)
_RENEW = text(
    """
    UPDATE source_lease SET expires_at = clock_timestamp() + make_interval(secs => :period)
     WHERE source = :source AND owner = :owner AND epoch = :epoch
       AND expires_at > clock_timestamp()
    RETURNING epoch
    """
)
_RELEASE = text(
    """
    UPDATE source_lease SET expires_at = clock_timestamp() - interval '1 second'
     WHERE source = :source AND owner = :owner AND epoch = :epoch
    """
)
_FENCE = text(
    """
    SELECT epoch FROM source_lease
     WHERE source = :source AND owner = :owner AND epoch = :epoch
       AND expires_at > clock_timestamp()
       FOR UPDATE
    """
)


def claim(sessions: sessionmaker[Session], source: str, owner: str, period: float) -> Lease | None:
    """The lease on `source` when it was free or expired; None while another instance holds it."""
    with sessions.begin() as s:
        epoch = s.execute(_CLAIM, {"source": source, "owner": owner, "period": period}).scalar()
    return Lease(source, owner, int(epoch)) if epoch is not None else None


def renew(sessions: sessionmaker[Session], lease: Lease, period: float) -> bool:
    """Extend a held lease; False when it was lost meanwhile (expired, or claimed)."""
    with sessions.begin() as s:
        row = s.execute(_RENEW, _params(lease, period=period)).scalar()
    return row is not None


def release(sessions: sessionmaker[Session], lease: Lease) -> None:
    """Let another instance claim the source at once (its next claim raises the epoch)."""
    with sessions.begin() as s:
        s.execute(_RELEASE, _params(lease))


def fence(session: Session, lease: Lease) -> None:
    """In a batch's transaction, just before its commit: raise LeaseLost unless the lease is
    still ours, and hold its row until the commit, so no claim can slip in between."""
    if session.execute(_FENCE, _params(lease)).scalar() is None:
        raise LeaseLost(lease)


def heartbeat(sessions: sessionmaker[Session], owner: str, period: float) -> int:
    """Say this instance is alive for another `period`; → how many instances are alive."""
    with sessions.begin() as s:
        s.execute(
            text(
                """
                INSERT INTO daemon_instance (owner, started_at, expires_at)
                VALUES (:owner, clock_timestamp(), clock_timestamp() + make_interval(secs => :p))
                ON CONFLICT (owner) DO UPDATE SET expires_at = excluded.expires_at
                """
            ),
            {"owner": owner, "p": period},
        )
        # Instances gone for a day are forgotten; the recently dead are merely not counted.
        s.execute(
            text(
                "DELETE FROM daemon_instance WHERE expires_at < clock_timestamp() - interval '1 day'"
            )
        )
        live = s.execute(
            text("SELECT count(*) FROM daemon_instance WHERE expires_at > clock_timestamp()")
        ).scalar()
    return max(int(live or 0), 1)


def leave(sessions: sessionmaker[Session], owner: str) -> None:
    """On shutdown: this instance no longer counts, and its leases are released."""
    with sessions.begin() as s:
        s.execute(text("DELETE FROM daemon_instance WHERE owner = :owner"), {"owner": owner})
        s.execute(
            text(
                "UPDATE source_lease SET expires_at = clock_timestamp() - interval '1 second' "
                "WHERE owner = :owner"
            ),
            {"owner": owner},
        )


def holders(session: Session) -> dict[str, str]:
    """Each source's current lease holder (expired leases are nobody's)."""
    rows = session.execute(
        text("SELECT source, owner FROM source_lease WHERE expires_at > clock_timestamp()")
    )
    return {source: owner for source, owner in rows}


def fair_share(sources: int, instances: int) -> int:
    """How many sources one instance should hold: ⌈sources / live instances⌉."""
    return math.ceil(sources / max(instances, 1))


def _params(lease: Lease, **extra: float) -> dict[str, object]:
    return {"source": lease.source, "owner": lease.owner, "epoch": lease.epoch, **extra}


class DaemonLock:
    """One daemon per SQLite store: an exclusive lock on a file beside the database, held for
    the daemon's life and dropped by the kernel if it dies."""

    def __init__(self, database: str) -> None:
        self.database = database
        self.path = Path(f"{database}.daemon.lock")
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        self._file = open(self.path, "a+")  # noqa: SIM115 - held open for the daemon's life
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._file.seek(0)
            holder = self._file.read().strip() or "another process"
            self._file.close()
            self._file = None
            raise StoreError(
                f"another ingestor daemon ({holder}) already runs on the SQLite store "
                f"{self.database}; one daemon per SQLite store (use PostgreSQL to run several)"
            ) from None
        self._file.truncate(0)
        self._file.write(instance_name() + "\n")
        self._file.flush()

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None
