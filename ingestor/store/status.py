"""Per-source health for admins: last success, last error, consecutive failures.

The store itself can be what fails (a database that is down or refuses connections): then an
attempt's outcome cannot be written. `SourceHealth` keeps those outcomes in memory and adds
them to the row with the first write the store takes again, so `consecutive_failures` counts
the attempts made during an outage too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import Session, sessionmaker

from ingestor.store.schema import SourceStatus

# The store cannot be reached or used right now (server down, connections refused or cut, pool
# exhausted, SQLite locked): retrying later may work, and nothing is wrong with the data.
STORE_UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeoutError)


def _row(session: Session, source: str) -> SourceStatus:
    row = session.get(SourceStatus, source)
    if row is None:
        row = SourceStatus(source=source, consecutive_failures=0)
        session.add(row)
    return row


def record_success(session: Session, source: str) -> None:
    row = _row(session, source)
    row.last_attempt_at = row.last_success_at = datetime.now(UTC)
    row.last_error = None
    row.consecutive_failures = 0


def record_failure(
    session: Session, source: str, error: str, unwritten: Unwritten | None = None
) -> None:
    """One more failure, plus the outcomes of `unwritten` earlier attempts."""
    row = _row(session, source)
    row.last_attempt_at = datetime.now(UTC)
    row.last_error = error
    failures = row.consecutive_failures or 0
    if unwritten is not None:
        if unwritten.succeeded_at is not None:  # a success the row never heard of ended the run
            row.last_success_at = unwritten.succeeded_at
            failures = 0
        failures += unwritten.failures
    row.consecutive_failures = failures + 1


@dataclass(frozen=True)
class Unwritten:
    """Attempts since the row was last written: the last success among them, failures after."""

    succeeded_at: datetime | None = None
    failures: int = 0

    def then(self, error: str | None) -> Unwritten:
        if error is None:
            return Unwritten(datetime.now(UTC), 0)
        return Unwritten(self.succeeded_at, self.failures + 1)


class SourceHealth:
    """Writes each attempt's outcome; keeps the ones the store could not take for later.

    One per process (the daemon's), shared by its source threads: each source touches only
    its own key, one attempt at a time.
    """

    def __init__(self) -> None:
        self.unwritten: dict[str, Unwritten] = {}

    def record(self, sessions: sessionmaker[Session], source: str, error: str | None) -> bool:
        """Write the outcome of an attempt (`error` None: a success); False if the store is
        unavailable, in which case the outcome is kept and added by the next write."""
        earlier = self.unwritten.get(source)
        try:
            with sessions.begin() as s:
                if error is None:
                    record_success(s, source)
                else:
                    record_failure(s, source, error, earlier)
        except STORE_UNAVAILABLE:
            self.unwritten[source] = (earlier or Unwritten()).then(error)
            return False
        self.unwritten.pop(source, None)
        return True
