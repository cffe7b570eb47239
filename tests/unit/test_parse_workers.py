"""How many parser processes a sync gets."""

from __future__ import annotations

import pytest

from ingestor.parsepool import pool_workers, usable_cpus


def test_auto_is_one_parser_process_given_two_cpus(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INGESTOR_PARSE_WORKERS", raising=False)
    assert pool_workers("auto") == (1 if usable_cpus() >= 2 else 0)
    assert pool_workers(0) == 0 and pool_workers(3) == 3
    monkeypatch.setenv("INGESTOR_PARSE_WORKERS", "0")
    assert pool_workers("auto") == 0
    monkeypatch.setenv("INGESTOR_PARSE_WORKERS", "auto")
    assert pool_workers(0) == (1 if usable_cpus() >= 2 else 0)
