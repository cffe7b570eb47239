"""The daemon's self-check: flags logged as warnings once per change, cleared when they go,
and a cursor that does not follow the server's UIDNEXT seen across polls."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from ingestor.config import Settings, SourceConfig
from ingestor.daemon import Daemon
from ingestor.sources.base import MemorySource
from tests.factories import defaults, make_message, source_config, write_maildir

pytestmark = pytest.mark.integration


def wait_for(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting until {what}")


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("self-check:")]


def test_a_silent_mailbox_is_warned_about_once_and_cleared_when_mail_comes(
    tmp_path: Path, sessions: sessionmaker[Session], caplog: pytest.LogCaptureFixture
) -> None:
    last = datetime.now(UTC) - timedelta(days=4)
    old = [
        make_message(message_id=f"<q{i}@t>", date=last - timedelta(hours=2 * (29 - i)))
        for i in range(30)
    ]
    root = write_maildir(tmp_path / "mail", {"INBOX": old})
    cfg = source_config(path=str(root), poll_interval=0.5)
    daemon = Daemon(
        Settings(path="test", store_url="", defaults=defaults(), sources=(cfg,)), sessions
    )
    caplog.set_level(logging.INFO)
    daemon.start()
    try:
        wait_for(lambda: cfg.name in daemon.outcomes, 20, "the first poll")
        assert [f.flag for f in daemon.self_check()] == ["silent"]
        daemon.self_check()
        assert len([w for w in warnings(caplog) if "silent" in w]) == 1  # once, not every check
        write_maildir(root, {"INBOX": [make_message(message_id="<new@t>", date=datetime.now(UTC))]})
        ingested = {"source": "mail", "outcome": "ingested"}
        total = "ingestor_process_items_total"
        wait_for(
            lambda: daemon.runtime.registry.get_sample_value(total, ingested) == 31, 20, "new mail"
        )
        assert daemon.self_check() == []
    finally:
        daemon.stop()
    assert warnings(caplog)[-1] == "self-check: mail: silent cleared"


class LaggingServer(MemorySource):
    """A mailbox whose server says more mail arrived each poll, none of which is listed."""

    polls = 0

    def server_marks(self) -> dict[str, int]:
        return {"INBOX": len(self.messages["INBOX"]) + LaggingServer.polls}

    def batches(self, *args, **kw):  # type: ignore[no-untyped-def]
        LaggingServer.polls += 1
        return super().batches(*args, **kw)


def test_a_cursor_that_does_not_follow_uidnext_is_flagged_stuck(
    sessions: sessionmaker[Session], caplog: pytest.LogCaptureFixture
) -> None:
    cfg = source_config(type="memory", poll_interval=0.3)

    def make(c: SourceConfig) -> MemorySource:
        return LaggingServer(c, {"INBOX": [make_message()]})

    daemon = Daemon(
        Settings(path="test", store_url="", defaults=defaults(), sources=(cfg,)),
        sessions,
        sources=make,
    )
    caplog.set_level(logging.INFO)
    daemon.start()
    try:
        wait_for(lambda: "mail" in daemon.runtime.stuck(), 20, "the cursor is seen stuck")
        flags = [f.flag for f in daemon.self_check()]
    finally:
        daemon.stop()
    assert flags == ["stuck_cursor"]
    (line,) = [w for w in warnings(caplog) if "stuck" in w]
    assert "mail: stuck cursor: INBOX: the server reports mail up to UID" in line
    assert "but the cursor stays at 1" in line
