"""The daemon: every source on its own schedule; a failing source backs off, the others go on."""

from __future__ import annotations

import logging
import time

import pytest
from sqlalchemy import select

from ingestor.config import PasswordSpec, Settings
from ingestor.daemon import Daemon
from ingestor.store.schema import Interaction, SourceStatus
from tests.factories import defaults, make_message, source_config, write_maildir

pytestmark = pytest.mark.integration


def test_failing_source_is_retried_with_backoff_while_others_sync(
    tmp_path, sessions, monkeypatch, caplog
):
    monkeypatch.setenv("DAEMON_PW", "x")
    root = write_maildir(tmp_path / "mail", {"INBOX": [make_message()]})
    good = source_config(name="good", path=str(root), poll_interval=1.0)
    dead = source_config(
        name="dead",
        type="imap",
        host="127.0.0.1",
        port=1,
        security="none",
        username="u",
        password=PasswordSpec(env="DAEMON_PW"),
        poll_interval=1.0,
    )
    settings = Settings(path="test", store_url="", defaults=defaults(), sources=(good, dead))
    daemon = Daemon(settings, sessions)
    caplog.set_level(logging.INFO)
    daemon.start()
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and "dead" not in daemon.failures:
            time.sleep(0.1)
        write_maildir(root, {"INBOX": [make_message(message_id="<later@test>")]})
        while time.monotonic() < deadline:
            with sessions() as s:
                if len(list(s.scalars(select(Interaction.id)))) == 2:
                    break
            time.sleep(0.2)
    finally:
        daemon.stop()

    with sessions() as s:
        assert len(list(s.scalars(select(Interaction.id)))) == 2  # the good source kept polling
        status = {r.source: r for r in s.scalars(select(SourceStatus))}
    assert status["good"].last_error is None and status["good"].last_success_at is not None
    assert status["dead"].consecutive_failures >= 1
    assert (
        status["dead"].last_error
        == "source dead: cannot connect to 127.0.0.1:1: Connection refused"
    )
    # After a failure the dead source waits at least MIN_RETRY instead of hammering every second.
    assert daemon.failures["dead"] == 1
    assert any("next attempt in 30 s" in r.getMessage() for r in caplog.records)


def test_a_stop_asked_for_while_starting_up_ends_the_daemon_cleanly(tmp_path, sessions):
    """`ingestor run` listens for SIGTERM before it forks and imports (ingestor.shutdown): a
    signal during start-up is a stop request the daemon honours once it is up, polling nothing."""
    import os
    import signal
    import threading

    from ingestor.shutdown import stop_on_signals

    root = write_maildir(tmp_path / "mail", {"INBOX": [make_message()]})
    good = source_config(name="good", path=str(root), poll_interval=1.0)
    settings = Settings(path="test", store_url="", defaults=defaults(), sources=(good,))
    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    try:
        stopping = stop_on_signals(threading.Event())
        os.kill(os.getpid(), signal.SIGTERM)  # handled between bytecodes of this thread
        deadline = time.monotonic() + 5
        while not stopping.is_set() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert stopping.is_set()
        started = time.monotonic()
        Daemon(settings, sessions, stopping=stopping).run_forever()
        assert time.monotonic() - started < 30
    finally:
        signal.signal(signal.SIGTERM, before[0])
        signal.signal(signal.SIGINT, before[1])
    with sessions() as s:
        assert list(s.scalars(select(Interaction.id))) == []  # no poll started
