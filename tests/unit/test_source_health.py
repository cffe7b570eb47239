"""Source status when the store itself is down: kept in memory, written when it is back."""

from __future__ import annotations

import logging

from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from ingestor.pipeline import sync_source
from ingestor.store.database import open_store
from ingestor.store.schema import SourceStatus
from ingestor.store.status import SourceHealth, Unwritten
from tests.factories import defaults, make_message, source_config, write_maildir


def stores(tmp_path):
    up = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    down = sessionmaker(create_engine(f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}"))
    return up, down


def row(sessions, source="s") -> SourceStatus:
    with sessions() as s:
        found = s.get(SourceStatus, source)
        assert found is not None
        return found


def test_outcomes_the_store_could_not_take_are_added_by_the_next_write(tmp_path):
    up, down = stores(tmp_path)
    health = SourceHealth()
    assert health.record(up, "s", "boom 1")
    assert not health.record(down, "s", "boom 2")
    assert not health.record(down, "s", "boom 3")
    assert health.unwritten["s"] == Unwritten(None, 2)
    assert health.record(up, "s", "boom 4")
    assert "s" not in health.unwritten
    assert (row(up).consecutive_failures, row(up).last_error) == (4, "boom 4")

    # A success the store never heard of ends the run of failures.
    assert not health.record(down, "s", None)
    succeeded_at = health.unwritten["s"].succeeded_at
    assert not health.record(down, "s", "boom 5")
    assert health.record(up, "s", "boom 6")
    status = row(up)
    assert status.consecutive_failures == 2 and status.last_error == "boom 6"
    assert status.last_success_at is not None and succeeded_at is not None
    assert status.last_success_at.replace(tzinfo=None) == succeeded_at.replace(tzinfo=None)

    assert health.record(up, "s", None)
    assert (row(up).consecutive_failures, row(up).last_error) == (0, None)


def test_a_sync_against_a_dead_store_fails_once_and_does_not_raise(tmp_path, caplog):
    _, down = stores(tmp_path)
    root = write_maildir(tmp_path / "mail", {"INBOX": [make_message()]})
    health = SourceHealth()
    summary = sync_source(source_config(path=str(root)), defaults(), down, health=health)
    assert summary.error is not None and summary.error.startswith("store error: ")
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.getMessage() for r in errors] == [f"mail: {summary.error}"]
    assert errors[0].exc_info is None
    assert health.unwritten["mail"] == Unwritten(None, 1)
