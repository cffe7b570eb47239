"""The self-check's decisions, the watchdog's arithmetic and the STATUS= line: pure functions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from ingestor.selfcheck import (
    MIN_ITEMS,
    MIN_SILENCE,
    CursorMarks,
    SourceFacts,
    check,
    learn_gaps,
    percentile,
    quarantine_spike,
    short_reason,
    silence,
    stuck_folders,
)
from ingestor.watchdog import status_line, watchdog_interval

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def every(gap: timedelta, n: int, last: datetime) -> tuple[datetime, ...]:
    return tuple(last - gap * i for i in reversed(range(n)))


def facts(arrivals: tuple[datetime, ...], **kw: object) -> SourceFacts:
    kw.setdefault("last_success_at", NOW)
    return SourceFacts(
        "anna",
        arrivals=arrivals,
        last_item_at=max(arrivals) if arrivals else None,
        **kw,  # type: ignore[arg-type]
    )


def test_a_mailbox_that_stopped_receiving_is_active_but_silent() -> None:
    # Mail every 2 hours for two weeks, then nothing for 5 days while polls succeed.
    arrivals = every(timedelta(hours=2), 14 * 12, NOW - timedelta(days=5))
    found = check(facts(arrivals), NOW)
    assert [f.flag for f in found] == ["silent"]
    assert "5.0 days" in found[0].message and "2 h 0 min" in found[0].message


def test_weekends_and_nights_seen_before_are_not_alarms() -> None:
    # Weekday mail 9:00-17:00 hourly over four weeks; now Monday 8:00 after a quiet weekend.
    monday = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    arrivals = tuple(
        monday - timedelta(days=d) + timedelta(hours=h)
        for d in range(1, 29)
        if (monday - timedelta(days=d)).weekday() < 5
        for h in range(1, 10)
    )
    assert silence(facts(arrivals, last_success_at=monday), monday) is None


def test_failing_polls_and_unpolled_silence_are_not_silence() -> None:
    arrivals = every(timedelta(hours=1), 100, NOW - timedelta(days=10))
    assert silence(facts(arrivals, consecutive_failures=3), NOW) is None
    # The last successful poll came before the silence was abnormal: nobody asked since.
    assert silence(facts(arrivals, last_success_at=NOW - timedelta(days=9, hours=23)), NOW) is None


def test_too_little_history_teaches_nothing() -> None:
    arrivals = every(timedelta(hours=1), MIN_ITEMS - 1, NOW - timedelta(days=30))
    assert learn_gaps(arrivals) is None
    assert check(facts(arrivals), NOW) == []


def test_calendars_are_not_checked_for_silence() -> None:
    arrivals = every(timedelta(hours=1), 100, NOW - timedelta(days=30))
    assert silence(facts(arrivals, learns_gaps=False), NOW) is None


def test_never_synced_names_the_last_error_gist() -> None:
    f = SourceFacts("anna", last_error="source anna: login as 'anna' was rejected: wrong password")
    (finding,) = check(f, NOW)
    assert finding.flag == "never_synced" and finding.message.endswith(
        "(last error: wrong password)"
    )


def test_quarantine_spike_against_the_usual_share() -> None:
    assert quarantine_spike(SourceFacts("a", recent_items=20, recent_quarantined=10))
    # Usual for this source (half of it was always bad): no spike.
    assert not quarantine_spike(
        SourceFacts(
            "a", recent_items=20, recent_quarantined=10, earlier_items=400, earlier_quarantined=200
        )
    )
    assert not quarantine_spike(SourceFacts("a", recent_items=4, recent_quarantined=4))
    assert not quarantine_spike(SourceFacts("a", recent_items=1000, recent_quarantined=50))


def test_a_cursor_that_does_not_follow_uidnext_is_stuck() -> None:
    first = CursorMarks({"INBOX": 100, "Sent": 50}, {"INBOX": 100, "Sent": 50})
    later = CursorMarks({"INBOX": 140, "Sent": 60}, {"INBOX": 100, "Sent": 60})
    assert stuck_folders(first, later) == ["INBOX"]
    assert stuck_folders(first, first) == []  # nothing new on the server: nothing to follow
    (finding,) = check(SourceFacts("a", last_success_at=NOW), NOW, ["INBOX"], later)
    assert finding.flag == "stuck_cursor" and "UID 140" in finding.message


def test_status_line() -> None:
    names = [f"s{i}" for i in range(11)] + ["anna"]
    outcomes: dict[str, str | None] = dict.fromkeys(names, None)
    outcomes["anna"] = "source anna: login as 'anna' on h:143 was rejected: wrong password"
    assert status_line(names, outcomes) == "12 sources, 11 ok, 1 failing (anna: wrong password)"
    assert status_line(["anna"], {"anna": None}) == "1 source, 1 ok"
    assert status_line(names, {}, held=["anna", "s1"]) == (
        "12 sources (2 held here), 0 ok, 2 not polled yet"
    )


def test_watchdog_interval_is_half_of_watchdog_usec() -> None:
    assert watchdog_interval({"WATCHDOG_USEC": "120000000"}) == 60.0
    assert watchdog_interval({}) is None
    assert watchdog_interval({"WATCHDOG_USEC": "2000000", "WATCHDOG_PID": "1"}) is None


def test_short_reason() -> None:
    assert short_reason("a: b: wrong username or password") == "wrong username or password"
    assert short_reason(None) == ""
    assert len(short_reason("x" * 500)) == 60


gaps_s = st.lists(st.floats(min_value=1, max_value=7 * 86400), min_size=MIN_ITEMS, max_size=80)


def _arrivals(gaps: list[float], end: datetime) -> tuple[datetime, ...]:
    times = [end]
    for g in reversed(gaps):
        times.append(times[-1] - timedelta(seconds=g))
    return tuple(sorted(times))


@given(gaps_s, st.floats(min_value=0, max_value=60 * 86400))
def test_a_silence_no_longer_than_one_seen_while_learning_never_alarms(
    gaps: list[float], extra: float
) -> None:
    last = NOW - timedelta(seconds=min(max(gaps), extra))
    arrivals = _arrivals(gaps, last)
    assert silence(facts(arrivals), NOW) is None


@given(gaps_s, st.floats(min_value=0, max_value=30 * 86400), st.floats(min_value=0, max_value=1e6))
def test_longer_silence_never_clears_the_flag(gaps: list[float], quiet: float, more: float) -> None:
    def silent_after(seconds: float) -> bool:
        arrivals = _arrivals(gaps, NOW - timedelta(seconds=seconds))
        return silence(facts(arrivals), NOW) is not None

    if silent_after(quiet):
        assert silent_after(quiet + more)


@given(gaps_s, st.floats(min_value=1, max_value=20))
def test_the_threshold_scales_with_the_gaps_above_its_floor(gaps: list[float], k: float) -> None:
    a, b = learn_gaps(_arrivals(gaps, NOW)), learn_gaps(_arrivals([g * k for g in gaps], NOW))
    assert a is not None and b is not None
    if a.threshold() > MIN_SILENCE:
        assert (
            abs(b.threshold().total_seconds() - k * a.threshold().total_seconds())
            < 1e-3 * k * (a.threshold().total_seconds()) + 1
        )
    assert b.threshold() >= MIN_SILENCE


@given(st.lists(st.floats(min_value=0, max_value=1e9), min_size=1), st.floats(0.01, 1))
def test_percentile_is_one_of_the_values_and_monotone(values: list[float], q: float) -> None:
    ordered = sorted(values)
    p = percentile(ordered, q)
    assert p in ordered and percentile(ordered, min(q + 0.1, 1)) >= p
