"""The job that expands stored series as the window moves: no source is asked for anything.

An infinite series is expanded only inside a bound around now (calendar_history_days back,
calendar_future_days ahead), so as time passes, and when the bound is raised, it needs
occurrences that no sync will bring: its calendar object is unchanged. Its master is in the
store (store/series), so this job reads it from there and hands it to the same extract → write
path as a sync, as an item of its own:

- expanded over only the days the bound gained ahead (store/series.window_for), or over the
  whole bound when it was raised into the past;
- ref "<folder>:<object key>@expanded-<window start>-<window end>" (dates): one ledger row per
  object and window, saying how many occurrences it added; a second run with the same bound
  finds nothing due;
- the object key of the item it stands for, so its occurrences and master are the same rows.

Missing-occurrence cancellation stays right: only occurrences inside the window that the
master lacks are cancelled (there are none: the master did not change), and what slid out of
the bound is kept.

The pipeline runs it before each sync of a calendar source; it costs one query when nothing is
due, and a due object is expanded at most once a day (store/series.STEP).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from ingestor.configsource import SourceConfig
from ingestor.model import ItemResult, RawItem
from ingestor.store import series

CALENDAR_SOURCES = ("caldav", "ics")  # source types whose objects' masters are stored
BATCH = 100  # stored objects expanded and written per transaction


def calendar_days(cfg: SourceConfig) -> tuple[int, int]:
    """(history days, future days) of a source config: the bound of infinite series."""
    return cfg.calendar_history_days, cfg.calendar_future_days


def calendar_bound(now: datetime, days: tuple[int, int]) -> tuple[datetime, datetime]:
    return now - timedelta(days=days[0]), now + timedelta(days=days[1])


def item_for(stored: series.StoredSeries, window: tuple[datetime, datetime]) -> RawItem:
    span = f"{window[0]:%Y%m%d}-{window[1]:%Y%m%d}"
    return RawItem(
        ref=f"{stored.folder}:{stored.object_key}@expanded-{span}",
        folder=stored.folder,
        data=stored.ics,
        size=len(stored.ics),
        kind="calendar",
        object_key=stored.object_key,
    )


def expand_stored(
    sessions: sessionmaker[Session],
    source: str,
    bound: tuple[datetime, datetime],
    extract: Callable[[RawItem, tuple[datetime, datetime]], ItemResult],
    write: Callable[[list[ItemResult]], object],
) -> int:
    """Expand every due stored object of `source` into `bound`; → how many were expanded.

    `extract(item, window)` is the sync's calendar extraction over a window, and `write` its
    resolve → persist stages, so attendees resolve to contacts (and new ones are created)
    exactly as when the object was synced.
    """
    with sessions() as s:
        ids = series.due(s, source, *bound)
    for start in range(0, len(ids), BATCH):
        with sessions() as s:
            stored = series.load(s, ids[start : start + BATCH])
        windows = [series.window_for(row, bound) for row in stored]
        write([extract(item_for(r, w), w) for r, w in zip(stored, windows, strict=True)])
    return len(ids)
