"""Stopping the daemon while a failed poll reschedules itself returns; it used to hang.

APScheduler's shutdown(wait=True) waits for running jobs while holding its job-store lock, and
a failed poll takes that lock to move its next run (backoff): SIGTERM at that moment left both
waiting for ever.
"""

from __future__ import annotations

import threading

import pytest

from ingestor import daemon as daemon_module
from ingestor.config import Settings
from ingestor.model import SyncSummary
from ingestor.store.database import open_store
from tests.factories import defaults, source_config

pytestmark = pytest.mark.integration


def test_stop_during_a_failed_polls_backoff_returns(tmp_path):
    about_to_reschedule = threading.Event()
    real_backoff = daemon_module.backoff_delay

    def failing_sync(cfg, *_args, **_kwargs):
        return SyncSummary(cfg.name, error="source mail: down")

    def slow_backoff(interval, failures):
        about_to_reschedule.set()
        stopping_started.wait(5)  # let stop() take the scheduler's locks first
        return real_backoff(interval, failures)

    stopping_started = threading.Event()
    cfg = source_config(path=str(tmp_path), poll_interval=60.0)
    settings = Settings(path="test", store_url="", defaults=defaults(), sources=(cfg,))
    daemon = daemon_module.Daemon(
        settings,
        open_store(f"sqlite:///{tmp_path / 'db.sqlite'}"),
        sync=failing_sync,
        backoff=slow_backoff,
    )
    daemon.start()
    assert about_to_reschedule.wait(10), "the first poll did not fail"

    def stop() -> None:
        stopping_started.set()
        daemon.stop()

    stopper = threading.Thread(target=stop, daemon=True)
    stopper.start()
    stopper.join(timeout=10)
    assert not stopper.is_alive(), "Daemon.stop() hung"
    assert daemon.failures == {cfg.name: 1}
