"""A bug is not bad mail: it fails the source loudly, once, and commits nothing of its batch.

Only the parser's declared input errors quarantine a message. Any other exception, in this
process or in a parser worker process, rolls the batch back, fails the sync with the traceback
logged once at ERROR, and leaves the messages to be read again once the bug is gone.
"""

from __future__ import annotations

import logging
import time

import pytest
from sqlalchemy import func, select

from ingestor import pipeline
from ingestor.extractors.mail import extract_message
from ingestor.parsepool import POOL_MIN_ITEMS
from ingestor.pipeline import Stages
from ingestor.process import process_item
from ingestor.store.schema import LedgerEntry, SourceStatus
from tests.factories import defaults, make_message, source_config, write_maildir

pytestmark = pytest.mark.integration


def buggy_extract(parsed, *args, **kwargs):  # module level: a parser worker can unpickle it
    if parsed.subject == "trigger":
        raise AttributeError("'Header' object has no attribute 'lower'")
    return extract_message(parsed, *args, **kwargs)


def buggy_process(item, **kwargs):
    return process_item(item, extract=buggy_extract, **kwargs)


@pytest.mark.parametrize("workers", ["0", "2"], ids=["in-process", "parser-processes"])
def test_a_bug_fails_the_source_and_commits_nothing_of_its_batch(
    tmp_path, sessions, monkeypatch, caplog, expected_bugs, workers
):
    monkeypatch.setenv("INGESTOR_PARSE_WORKERS", workers)
    count = POOL_MIN_ITEMS + 8  # enough for the batch to go to the parser processes
    mail = [make_message(message_id=f"<m{i}@test>", subject=f"m{i}") for i in range(count)]
    mail[count - 5] = make_message(message_id="<bug@test>", subject="trigger")
    root = write_maildir(tmp_path / "mail", {"INBOX": mail})
    cfg = source_config(path=str(root))
    caplog.set_level(logging.WARNING)

    summary = pipeline.sync_source(cfg, defaults(), sessions, stages=Stages(process=buggy_process))

    assert (
        summary.error == "internal error: AttributeError: 'Header' object has no attribute 'lower'"
    )
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == expected_bugs and len(errors) == 1  # once, not once per message
    logged = caplog.text
    assert "Traceback" in logged and "buggy_extract" in logged  # the worker's traceback too
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(LedgerEntry)) == 0  # rolled back
        status = s.get(SourceStatus, cfg.name)
        assert status is not None
        assert status.consecutive_failures == 1 and status.last_error == summary.error

    summary = pipeline.sync_source(cfg, defaults(), sessions)  # the bug is fixed
    assert summary.ok and summary.ingested == count and summary.quarantined == 0
    with sessions() as s:
        assert s.get(SourceStatus, cfg.name).consecutive_failures == 0
    assert len(expected_bugs) == 1


def test_input_errors_still_quarantine_without_failing_the_source(tmp_path, sessions):
    hostile = (
        b"From: =?utf\x00?q?x?= <a@b.example>\nSubject: =?undefined?q?caf=E9?=\n"
        b"Content-Type: multipart/mixed; boundary=XX\n\n--XX\n"
        b'Content-Type: text/plain; charset="idna"\nContent-Disposition: inline; filename="\xe9"\n'
        b"\nhello \xff\n--XX--\n"
    )
    root = write_maildir(tmp_path / "mail", {"INBOX": [hostile, b"", make_message()]})
    summary = pipeline.sync_source(source_config(path=str(root)), defaults(), sessions)
    assert summary.ok, summary.error
    assert (summary.ingested + summary.skipped, summary.quarantined) == (2, 1)


def test_the_daemon_backs_off_even_if_a_sync_raises(tmp_path, sessions, caplog, expected_bugs):
    from ingestor import daemon as daemon_module
    from ingestor.config import Settings

    def raising(*_args, **_kwargs):
        raise RuntimeError("a bug outside sync_source's own guard")

    root = write_maildir(tmp_path / "mail", {"INBOX": [make_message()]})
    cfg = source_config(path=str(root), poll_interval=1.0)
    settings = Settings(path="test", store_url="", defaults=defaults(), sources=(cfg,))
    daemon = daemon_module.Daemon(settings, sessions, sync=raising)
    caplog.set_level(logging.INFO)
    daemon.start()
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and cfg.name not in daemon.failures:
            time.sleep(0.05)
    finally:
        daemon.stop()
    assert daemon.failures[cfg.name] == 1
    assert len(expected_bugs) == 1 and "RuntimeError" in caplog.text
    assert not any("raised an exception" in r.getMessage() for r in caplog.records)
    assert any("next attempt in 30 s" in r.getMessage() for r in caplog.records)
