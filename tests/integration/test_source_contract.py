"""One contract, every source: the same tests run unchanged against memory, Maildir, mbox and a
real Dovecot (after vdirsyncer's StorageTests)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pytest

from ingestor.config import PasswordSpec
from ingestor.model import FolderCursor
from ingestor.sources.base import BatchLimits, MemorySource, Source
from ingestor.sources.imap import ImapSource
from ingestor.sources.maildir import MaildirSource
from ingestor.sources.mbox import MboxSource
from tests.factories import make_message, source_config, write_maildir
from tests.servers.dovecot import DovecotServer

pytestmark = pytest.mark.integration


class Mailbox(Protocol):
    folder: str

    def add(self, raw: bytes) -> None: ...
    def source(self) -> Source: ...


@dataclass
class MemoryMailbox:
    folder: str = "INBOX"
    messages: list[bytes] = field(default_factory=list)

    def add(self, raw: bytes) -> None:
        self.messages.append(raw)

    def source(self) -> Source:
        return MemorySource(source_config(name="mem", type="memory"), {self.folder: self.messages})


@dataclass
class MaildirMailbox:
    root: Path
    folder: str = "INBOX"

    def add(self, raw: bytes) -> None:
        write_maildir(self.root, {self.folder: [raw]})

    def source(self) -> Source:
        write_maildir(self.root, {self.folder: []})
        return MaildirSource(source_config(name="md", path=str(self.root)))


@dataclass
class MboxMailbox:
    path: Path
    folder: str = "inbox.mbox"

    def add(self, raw: bytes) -> None:
        body = raw.replace(b"\r\n", b"\n").replace(b"\nFrom ", b"\n>From ")
        with open(self.path, "ab") as f:
            f.write(b"From sender@example.org Mon Nov  2 09:30:00 2026\n" + body + b"\n")

    def source(self) -> Source:
        self.path.touch()
        return MboxSource(source_config(name="mbox", type="mbox", path=str(self.path)))


@dataclass
class ImapMailbox:
    server: DovecotServer
    folder: str = "INBOX"

    def add(self, raw: bytes) -> None:
        self.server.append("recruiter", self.folder, raw)

    def source(self) -> Source:
        os.environ["CONTRACT_IMAP_PW"] = "secret"
        cfg = source_config(
            name="imap",
            type="imap",
            host=self.server.host,
            port=self.server.port,
            security="none",
            username="recruiter",
            password=PasswordSpec(env="CONTRACT_IMAP_PW"),
            folders=(self.folder,),
        )
        return ImapSource(cfg)


@pytest.fixture(params=["memory", "maildir", "mbox", "imap"])
def mailbox(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Mailbox]:
    if request.param == "memory":
        yield MemoryMailbox()
    elif request.param == "maildir":
        yield MaildirMailbox(tmp_path / "maildir")
    elif request.param == "mbox":
        yield MboxMailbox(tmp_path / "inbox.mbox")
    else:
        with DovecotServer(tmp_path / "dovecot", users={"recruiter": "secret"}) as server:
            yield ImapMailbox(server)


def msg(i: int) -> bytes:
    return make_message(
        message_id=f"<c{i}@test>", subject=f"Contract {i}", body=f"From the start {i}\nline\n"
    )


def read_all(source: Source, cursors: dict[str, FolderCursor], limits: BatchLimits | None = None):
    items, last = [], dict(cursors)
    with source:
        for batch in source.batches(cursors, limits or BatchLimits()):
            items.extend(batch.items)
            last[batch.folder] = batch.cursor
    return items, last


def test_everything_is_read_once_then_nothing(mailbox: Mailbox):
    for i in range(5):
        mailbox.add(msg(i))
    items, cursors = read_all(mailbox.source(), {})
    assert [i.data.count(b"Contract") for i in items] == [1] * 5
    assert len({i.ref for i in items}) == 5
    assert all(i.folder == mailbox.folder for i in items)
    again, same = read_all(mailbox.source(), cursors)
    assert again == [] and same == cursors


def test_only_new_items_after_the_cursor(mailbox: Mailbox):
    for i in range(3):
        mailbox.add(msg(i))
    first, cursors = read_all(mailbox.source(), {})
    for i in range(3, 5):
        mailbox.add(msg(i))
    second, _ = read_all(mailbox.source(), cursors)
    assert [b"Contract 3" in second[0].data, b"Contract 4" in second[1].data] == [True, True]
    assert {i.ref for i in first}.isdisjoint({i.ref for i in second})


def test_batches_respect_limits_and_cursors_advance(mailbox: Mailbox):
    for i in range(7):
        mailbox.add(msg(i))
    seen = []
    with mailbox.source() as source:
        for batch in source.batches({}, BatchLimits(max_bytes=10**9, max_items=3)):
            assert len(batch.items) <= 3
            seen.append(batch)
    sizes = [len(b.items) for b in seen if b.items]
    assert sizes == [3, 3, 1]
    # Resuming from any batch's cursor yields exactly the items after it.
    for k, batch in enumerate(seen):
        rest, _ = read_all(mailbox.source(), {batch.folder: batch.cursor})
        expected = sum(len(b.items) for b in seen[k + 1 :])
        assert len(rest) == expected


def test_refs_are_stable_across_reads(mailbox: Mailbox):
    for i in range(3):
        mailbox.add(msg(i))
    a, _ = read_all(mailbox.source(), {})
    b, _ = read_all(mailbox.source(), {})
    assert [i.ref for i in a] == [i.ref for i in b]
    assert [i.data for i in a] == [i.data for i in b]
