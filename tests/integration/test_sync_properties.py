"""Property test (Hypothesis state machine): whatever the order of deliveries, interrupted syncs
and re-runs, nothing is doubled, nothing is lost, and cursors never go backwards."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from sqlalchemy import func, select

from ingestor.pipeline import sync_source
from ingestor.store.database import open_store
from ingestor.store.schema import Interaction, InteractionSource, LedgerEntry, SourceCursor
from tests.factories import defaults, make_message, source_config, write_maildir

FOLDERS = ("INBOX", "Sent", "Archive")


class SyncMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="ingestor-prop-"))
        self.root = self.tmp / "mail"
        write_maildir(self.root, {f: [] for f in FOLDERS})
        self.sessions = open_store(f"sqlite:///{self.tmp / 'db.sqlite'}")
        self.cfg = source_config(path=str(self.root), batch_messages=2)
        self.files = 0
        self.message_ids: set[str] = set()
        self.cursors: dict[str, tuple[int, str]] = {}

    def teardown(self) -> None:
        self.sessions.kw["bind"].dispose()
        shutil.rmtree(self.tmp, ignore_errors=True)

    @rule(folder=st.sampled_from(FOLDERS), n=st.integers(1, 4))
    def deliver_new(self, folder: str, n: int) -> None:
        batch = []
        for _ in range(n):
            mid = f"<p{len(self.message_ids)}@prop>"
            self.message_ids.add(mid)
            batch.append(
                make_message(message_id=mid, sender=f"P <p{len(self.message_ids) % 5}@x.example>")
            )
        write_maildir(self.root, {folder: batch})
        self.files += n

    @precondition(lambda self: self.message_ids)
    @rule(folder=st.sampled_from(FOLDERS), pick=st.integers(0, 10_000))
    def deliver_copy(self, folder: str, pick: int) -> None:
        mid = sorted(self.message_ids)[pick % len(self.message_ids)]
        write_maildir(self.root, {folder: [make_message(message_id=mid)]})
        self.files += 1

    @rule(batches=st.integers(0, 3))
    def interrupted_sync(self, batches: int) -> None:
        calls = {"n": 0}

        def stop() -> bool:
            calls["n"] += 1
            return calls["n"] > batches

        assert sync_source(self.cfg, defaults(), self.sessions, stop=stop).ok

    @rule()
    def full_sync(self) -> None:
        assert sync_source(self.cfg, defaults(), self.sessions).ok
        with self.sessions() as s:
            assert s.scalar(select(func.count()).select_from(LedgerEntry)) == self.files
            assert set(s.scalars(select(Interaction.message_id))) == self.message_ids

    @invariant()
    def nothing_doubled_and_cursors_monotonic(self) -> None:
        with self.sessions() as s:
            ledger = s.scalar(select(func.count()).select_from(LedgerEntry)) or 0
            refs = s.scalar(select(func.count(func.distinct(LedgerEntry.ref)))) or 0
            interactions = s.scalar(select(func.count()).select_from(Interaction)) or 0
            mids = s.scalar(select(func.count(func.distinct(Interaction.message_id)))) or 0
            sources = s.scalar(select(func.count()).select_from(InteractionSource)) or 0
            cursors = {
                c.folder: (int(c.state.get("ctime_ns", 0)), str(c.state.get("name", "")))
                for c in s.scalars(select(SourceCursor))
            }
        assert ledger == refs <= self.files
        assert interactions == mids
        assert (
            sources == ledger
        )  # every ingested or duplicate item is one source of one interaction
        for folder, position in cursors.items():
            assert position >= self.cursors.get(folder, (0, ""))
        self.cursors = cursors


SyncMachine.TestCase.settings = settings(max_examples=25, stateful_step_count=12, deadline=None)
TestSyncProperties = SyncMachine.TestCase
