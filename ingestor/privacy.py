"""The privacy duties' glue between the configuration and the store: who the agency is (for
`forget`: whose conversations are whose), and the [retention] job the daemon runs daily."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from ingestor.config import RetentionConfig, Settings
from ingestor.store import retention
from ingestor.store.redact import Agency
from ingestor.store.status import STORE_UNAVAILABLE

log = logging.getLogger(__name__)
RETENTION_INTERVAL = 24 * 3600.0  # seconds between retention runs of the daemon


def add_retention_job(
    scheduler: Any,
    settings: Settings,
    sessions: sessionmaker[Session],
    stop: Callable[[], bool],
    now: datetime,
) -> None:
    """The daemon's daily retention job; the first run comes a few minutes after start-up,
    when the first polls are under way."""

    def job() -> None:
        try:
            run_retention(settings, sessions, stop=stop)
        except STORE_UNAVAILABLE as e:
            log.warning("retention: store unavailable (%s); next run in a day", e)

    scheduler.add_job(
        job,
        "interval",
        seconds=RETENTION_INTERVAL,
        id="retention",
        name="retention",
        max_instances=1,
        coalesce=True,
        next_run_time=now + timedelta(minutes=5),
        misfire_grace_time=None,
    )


def agency_of(settings: Settings) -> Agency:
    """Every source's owner addresses and the internal domains: the agency's side."""
    owners = {a.lower() for s in settings.sources for a in s.owner_addresses}
    return Agency(frozenset(owners), frozenset(settings.defaults.internal_domains))


def retention_policy(cfg: RetentionConfig) -> retention.Policy:
    return retention.Policy(
        interactions=cfg.interactions,
        contacts_without_interaction=cfg.contacts_without_interaction,
        quarantine=cfg.quarantine,
        rejected=cfg.rejected,
    )


def run_retention(
    settings: Settings,
    sessions: sessionmaker[Session],
    stop: Callable[[], bool] = lambda: False,
    now: datetime | None = None,
) -> dict[str, int]:
    """One retention run, batch by batch; logs what went (counts only)."""
    done = retention.run(
        sessions,
        retention_policy(settings.retention),
        agency_of(settings),
        now or datetime.now(UTC),
        stop=stop,
    )
    if done:
        log.info(
            "retention: erased %s", ", ".join(f"{n} {rule}" for rule, n in sorted(done.items()))
        )
    return done
