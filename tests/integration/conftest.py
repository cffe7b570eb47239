"""A bug fails the test that meets it, even where the code under test only logs it.

`sync_source` turns an unexpected exception into a failed sync (logged at ERROR with its
traceback, marked `ingestor_bug`) so that a daemon keeps running; a test would see only a
summary with an error, or nothing at all if the sync ran in a daemon thread. This fixture makes
any such record fail the test. A test that provokes a bug on purpose asks for `expected_bugs`
and checks the records itself.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest


class _BugRecords(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(record, "ingestor_bug", False):
            self.records.append(record)


@pytest.fixture(autouse=True)
def _bugs_fail_the_test(request: pytest.FixtureRequest) -> Iterator[list[logging.LogRecord]]:
    handler = _BugRecords()
    logger = logging.getLogger("ingestor")
    logger.addHandler(handler)
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)
    if handler.records and "expected_bugs" not in request.fixturenames:
        shown = "\n\n".join(logging.Formatter().format(r) for r in handler.records)
        pytest.fail(f"the code under test logged {len(handler.records)} bug(s):\n{shown}")


@pytest.fixture
def expected_bugs(_bugs_fail_the_test: list[logging.LogRecord]) -> list[logging.LogRecord]:
    """The bug records logged during the test; asking for them means they are expected."""
    return _bugs_fail_the_test
