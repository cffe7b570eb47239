"""Sources say what a pass will fetch before fetching; the board and the displays follow it."""

from __future__ import annotations

import logging

import pytest

from ingestor.cli_progress import LogProgress
from ingestor.errors import SourceError
from ingestor.model import FolderCursor
from ingestor.progress import ProgressBoard, SyncProgress, duration
from ingestor.runtime import Runtime
from ingestor.selfcheck import CursorMarks
from ingestor.sources.base import BatchLimits, FolderChanges, MemorySource
from tests.factories import source_config


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, str, int, int]] = []

    def planned(self, source: str, items: int, size: int) -> None:
        self.events.append(("planned", source, items, size))

    def fetched(self, source: str, items: int, size: int) -> None:
        self.events.append(("fetched", source, items, size))


def test_totals_come_before_the_first_fetch_and_add_up() -> None:
    msgs = {"INBOX": [b"x" * 100] * 5, "Sent": [b"y" * 10] * 3}
    source = MemorySource(source_config(name="anna", type="memory"), msgs)
    seen = Recorder()
    source.observer = seen
    batches = list(source.batches({}, BatchLimits(max_items=2)))
    assert seen.events[0] == ("planned", "anna", 8, 530)
    fetched = seen.events[1:]
    assert all(e[0] == "fetched" for e in fetched)
    assert sum(e[2] for e in fetched) == 8 and sum(e[3] for e in fetched) == 530
    assert sum(len(b.items) for b in batches) == 8


class BrokenSent(MemorySource):
    def changes(self, folder: str, cursor: FolderCursor | None) -> FolderChanges:
        if folder == "Sent":
            raise SourceError(self.name, "STATUS failed", ref=folder)
        return super().changes(folder, cursor)


def test_a_folder_that_fails_to_list_still_lets_the_earlier_ones_be_read() -> None:
    source = BrokenSent(source_config(type="memory"), {"INBOX": [b"a", b"b"], "Sent": [b"c"]})
    got = []
    with pytest.raises(SourceError, match="STATUS failed"):
        for batch in source.batches({}, BatchLimits()):
            got.append(batch)
    assert [len(b.items) for b in got] == [2]


def test_progress_describes_items_bytes_rate_and_time_left() -> None:
    p = SyncProgress("anna", 0.0, None, 20_000, 200_000_000, 1_000, 10_000_000)  # type: ignore[arg-type]
    assert p.describe(5.0) == (
        "1,000 / 20,000 items, 10.0 / 200.0 MB, 2.0 MB/s, about 1 min 35 s left"
    )
    assert p.fraction == 0.05
    assert duration(3 * 86400) == "3.0 days"


def test_the_board_keeps_running_passes_only() -> None:
    board = ProgressBoard(clock=lambda: 1.0)
    board.begin("anna")
    board.planned("anna", 10, 1000)
    board.fetched("anna", 4, 400)
    assert board.snapshot()["anna"].items_done == 4
    assert board.end("anna") is not None and board.snapshot() == {}


def test_log_progress_says_what_is_to_fetch_then_every_few_seconds(
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = [0.0]
    display = LogProgress(clock=lambda: now[0], every=10)
    caplog.set_level(logging.INFO)
    display.begin("anna")
    display.planned("anna", 3, 3_000_000)
    for _ in range(3):
        now[0] += 6
        display.fetched("anna", 1, 1_000_000)
    lines = [r.getMessage() for r in caplog.records]
    assert lines[0] == "anna: 3 items (3.0 MB) to fetch"
    assert lines[1:] == ["anna: 2 / 3 items, 2.0 / 3.0 MB, 0.2 MB/s, about 6 s left"]


def test_a_stuck_cursor_stays_flagged_until_it_catches_up() -> None:
    runtime = Runtime()
    runtime.saw_cursors("anna", CursorMarks({"INBOX": 10}, {"INBOX": 10}))
    assert runtime.saw_cursors("anna", CursorMarks({"INBOX": 15}, {"INBOX": 10})) == ["INBOX"]
    runtime.saw_cursors("anna", CursorMarks({"INBOX": 15}, {"INBOX": 10}))
    assert "anna" in runtime.stuck()
    runtime.saw_cursors("anna", CursorMarks({"INBOX": 15}, {"INBOX": 15}))
    assert runtime.stuck() == {}
