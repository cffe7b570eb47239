"""The IMAP source reports the server's UIDNEXT (as the highest possible UID) for the
self-check, and a real sync leaves the cursor on it: nothing stuck."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ingestor.config import PasswordSpec
from ingestor.pipeline import Stages, sync_source
from ingestor.sources.base import Source
from ingestor.sources.imap import ImapSource
from ingestor.store.ingest import load_cursors
from tests.factories import defaults, make_message, source_config
from tests.servers.dovecot import DovecotServer

pytestmark = pytest.mark.integration
USER, PASSWORD = "marks", "m4rks-pw"


@pytest.fixture
def dovecot(tmp_path: Path) -> Iterator[DovecotServer]:
    with DovecotServer(tmp_path / "dovecot", users={USER: PASSWORD}) as server:
        yield server


def test_uidnext_is_exposed_and_followed_by_the_cursor(
    dovecot: DovecotServer, sessions, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MARKS_PW", PASSWORD)
    for i in range(3):
        dovecot.deliver(USER, "INBOX", make_message(message_id=f"<k{i}@t>"))
    cfg = source_config(
        name="imap",
        type="imap",
        host=dovecot.host,
        port=dovecot.port,
        security="none",
        username=USER,
        password=PasswordSpec(env="MARKS_PW"),
        folders=("INBOX",),
        timeout=10.0,
    )
    made: list[Source] = []

    def make(c):  # type: ignore[no-untyped-def]
        made.append(ImapSource(c))
        return made[-1]

    summary = sync_source(cfg, defaults(), sessions, stages=Stages(sources=make))
    assert summary.ok and summary.seen == 3, summary.error
    assert made[0].server_marks() == {"INBOX": 3}
    with sessions() as s:
        assert load_cursors(s, "imap")["INBOX"].last_uid == 3
