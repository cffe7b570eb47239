"""The sync self-check: does each source look like it is really syncing?

A source can "succeed" every poll and still bring nothing: a server-side rule now files the
mail elsewhere, the wrong folder is configured, a token lost a scope. The check learns each
source's normal gap between new items from the items it has ingested, and flags:

- `silent`: active but silent: no new item for much longer than its usual gaps, while its polls
  succeed;
- `never_synced`: no poll of it has ever succeeded;
- `stuck_cursor`: the server reports new mail (IMAP UIDNEXT grew) but the cursor has not moved;
- `quarantine_spike`: far more of its recent items quarantined than usual.

Everything here is a pure function of facts read elsewhere (store.selfcheck, the daemon's
memory); no clock is read, `now` is passed in.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ingestor.progress import duration

FLAGS = ("never_synced", "silent", "stuck_cursor", "quarantine_spike")

# What "much longer than usual" means: the silence must exceed all three.
MIN_SILENCE = timedelta(hours=12)  # mail-less nights are normal everywhere
USUAL_FACTOR = 3.0  # times the usual gap (95th percentile of the gaps)
LONGEST_FACTOR = 1.25  # times the longest gap seen while learning (weekends, holidays)
MIN_ITEMS = 10  # fewer items than this teach nothing: no verdict ("learning")
LEARNING_WINDOW = timedelta(days=28)  # gaps are learned over the 4 weeks before the last item

SPIKE_WINDOW = timedelta(hours=24)
SPIKE_MIN_ITEMS = 5  # quarantined items in the window before a spike is possible
SPIKE_MIN_SHARE = 0.2  # of the window's items
SPIKE_FACTOR = 3.0  # times the share quarantined before the window


@dataclass(frozen=True)
class Finding:
    source: str
    flag: str  # one of FLAGS
    message: str  # for people: names the source's numbers, never item content

    def line(self) -> str:
        return f"{self.source}: {self.flag.replace('_', ' ')}: {self.message}"


@dataclass(frozen=True)
class GapProfile:
    """What a source's arrivals look like: `usual` is the 95th percentile of the gaps
    between consecutive items, `longest` the longest one; seconds."""

    items: int
    usual: float
    longest: float

    def threshold(self) -> timedelta:
        """How long a silence must last to be "much longer than usual"."""
        seconds = max(
            MIN_SILENCE.total_seconds(), USUAL_FACTOR * self.usual, LONGEST_FACTOR * self.longest
        )
        return timedelta(seconds=seconds)


def learn_gaps(arrivals: Sequence[datetime]) -> GapProfile | None:
    """The gap profile of item dates (any order); None with fewer than MIN_ITEMS items."""
    if len(arrivals) < MIN_ITEMS:
        return None
    times = sorted(arrivals)
    gaps = sorted((b - a).total_seconds() for a, b in zip(times, times[1:], strict=False))
    return GapProfile(len(times), percentile(gaps, 0.95), gaps[-1])


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of sorted `values` (robust: a few outliers cannot move it far)."""
    if not values:
        raise ValueError("percentile of nothing")
    rank = max(math.ceil(q * len(values)), 1)
    return values[rank - 1]


@dataclass(frozen=True)
class SourceFacts:
    """What the store knows about one source, as store.selfcheck reads it."""

    source: str
    last_success_at: datetime | None = None
    consecutive_failures: int = 0
    last_error: str | None = None
    arrivals: tuple[datetime, ...] = ()  # item dates in the learning window before the last
    last_item_at: datetime | None = None
    recent_items: int = 0  # ledger rows in the last SPIKE_WINDOW
    recent_quarantined: int = 0
    earlier_items: int = 0  # ledger rows in the LEARNING_WINDOW before that
    earlier_quarantined: int = 0
    learns_gaps: bool = True  # calendars: item dates are meeting times, not arrivals


@dataclass(frozen=True)
class CursorMarks:
    """After a successful poll: per folder, the server's highest UID and the stored cursor."""

    server: Mapping[str, int] = field(default_factory=dict)
    cursor: Mapping[str, int] = field(default_factory=dict)


def silence(facts: SourceFacts, now: datetime) -> tuple[timedelta, GapProfile] | None:
    """(how long it has been silent, its profile) when the source is active but silent."""
    if not facts.learns_gaps or facts.last_item_at is None or facts.last_success_at is None:
        return None
    if facts.consecutive_failures:
        return None  # failing, not silent: that has its own alarm
    profile = learn_gaps(facts.arrivals)
    if profile is None:
        return None
    quiet = now - facts.last_item_at
    threshold = profile.threshold()
    # Polls must have succeeded after the silence became abnormal: else nothing was asked.
    if quiet <= threshold or facts.last_success_at < facts.last_item_at + threshold:
        return None
    return quiet, profile


def quarantine_spike(facts: SourceFacts) -> bool:
    if facts.recent_quarantined < SPIKE_MIN_ITEMS or not facts.recent_items:
        return False
    share = facts.recent_quarantined / facts.recent_items
    before = facts.earlier_quarantined / facts.earlier_items if facts.earlier_items else 0.0
    return share >= SPIKE_MIN_SHARE and share > SPIKE_FACTOR * before


def stuck_folders(before: CursorMarks, after: CursorMarks) -> list[str]:
    """Folders whose server mark grew between two successful polls while the cursor stayed,
    short of it."""
    stuck = []
    for folder, mark in sorted(after.server.items()):
        was = before.server.get(folder)
        cursor = after.cursor.get(folder)
        if was is None or cursor is None or folder not in before.cursor:
            continue
        if mark > was and cursor == before.cursor[folder] and cursor < mark:
            stuck.append(folder)
    return stuck


def check(
    facts: SourceFacts, now: datetime, stuck: Sequence[str] = (), marks: CursorMarks | None = None
) -> list[Finding]:
    """Every flag `facts` (and the folders the daemon saw stuck) raise for one source."""
    found: list[Finding] = []
    name = facts.source
    if facts.last_success_at is None:
        why = f" (last error: {short_reason(facts.last_error)})" if facts.last_error else ""
        found.append(Finding(name, "never_synced", f"no poll has succeeded yet{why}"))
    quiet = silence(facts, now)
    if quiet is not None:
        span, profile = quiet
        found.append(
            Finding(
                name,
                "silent",
                f"no new item for {duration(span.total_seconds())} although its polls "
                f"succeed; usually a gap of at most {duration(profile.usual)} (longest "
                f"{duration(profile.longest)} over {profile.items} items): check server-side "
                "rules and the configured folders",
            )
        )
    for folder in stuck:
        server = marks.server.get(folder) if marks else None
        cursor = marks.cursor.get(folder) if marks else None
        found.append(
            Finding(
                name,
                "stuck_cursor",
                f"{folder}: the server reports mail up to UID {server} but the cursor stays "
                f"at {cursor}",
            )
        )
    if quarantine_spike(facts):
        before = (
            f"{facts.earlier_quarantined / facts.earlier_items:.0%}"
            if facts.earlier_items
            else "0%"
        )
        found.append(
            Finding(
                name,
                "quarantine_spike",
                f"{facts.recent_quarantined} of {facts.recent_items} items quarantined in the "
                f"last {duration(SPIKE_WINDOW.total_seconds())} (before: {before}); "
                "`ingestor why` tells each one's reason",
            )
        )
    return found


def short_reason(error: str | None, limit: int = 60) -> str:
    """The gist of an error line: its last clause ('... was rejected: wrong username or
    password' → 'wrong username or password')."""
    if not error:
        return ""
    gist = error.rsplit(": ", 1)[-1].strip()
    return gist if len(gist) <= limit else gist[: limit - 1] + "…"
