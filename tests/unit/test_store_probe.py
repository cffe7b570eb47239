"""The store probe behind the watchdog: a hung probe says no until it returns, and is never
run twice at once."""

from __future__ import annotations

import threading

from ingestor.watchdog import StoreProbe


def test_a_hung_probe_says_no_until_it_returns_and_is_not_doubled() -> None:
    release = threading.Event()
    calls = []

    def probe() -> None:
        calls.append(1)
        release.wait(10)

    watch = StoreProbe(probe)
    assert watch.answered(0.05) is False
    assert watch.answered(0.05) is False
    assert len(calls) == 1  # still the first one: no pile of hung threads
    release.set()
    assert watch.answered(1.0) is True  # the hung one returned (or a fresh one answered)
    before = len(calls)
    assert watch.answered(1.0) is True and len(calls) == before + 1  # each check probes anew


def test_a_failing_probe_is_no_answer() -> None:
    def probe() -> None:
        raise ConnectionRefusedError("refused")

    assert StoreProbe(probe).answered(1.0) is False
