"""What a running process knows that the store does not, for /sources, /metrics and /readyz.

The daemon makes one `Runtime` and hands it to its web server: the configured sources, the
passes running now (progress), this instance's name and leases, whether its scheduler runs,
the cursors it saw stuck, and the process-local metrics (items this process ingested, how
long its syncs took). `ingestor serve` makes one with no scheduler: it shows the store only.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Histogram

from ingestor.config import SourceConfig
from ingestor.model import SyncSummary
from ingestor.progress import ProgressBoard
from ingestor.selfcheck import CursorMarks, stuck_folders
from ingestor.store.redact import Agency
from ingestor.store.retention import Policy

# Mail sources: their item dates are arrivals (calendars' are meeting times).
MAIL_TYPES = frozenset({"imap", "maildir", "mbox", "memory"})
# From a no-op poll (well under a second) to a first sync of a big mailbox (hours).
DURATION_BUCKETS = (0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 1800, 3600, 7200)


@dataclass(frozen=True)
class ConfiguredSource:
    name: str
    type: str

    @property
    def mail(self) -> bool:
        return self.type in MAIL_TYPES


class Runtime:
    def __init__(
        self,
        sources: Sequence[SourceConfig] = (),
        instance: str | None = None,
        scheduler_alive: Callable[[], bool] | None = None,
        internal_domains: Sequence[str] = (),
        retention: Policy | None = None,
    ) -> None:
        self.sources = tuple(ConfiguredSource(cfg.name, cfg.type) for cfg in sources)
        # The agency's side of every conversation, for forgetting a person from the web.
        self.agency = Agency(
            frozenset(a.lower() for cfg in sources for a in cfg.owner_addresses),
            frozenset(internal_domains),
        )
        self.retention = retention or Policy()  # [retention], shown on the /audit page
        self.instance = instance  # None: not a daemon (`ingestor serve`)
        # None: no scheduler in this process; else True while it runs and dispatches jobs.
        self.scheduler_alive = scheduler_alive
        self.progress = ProgressBoard()
        self.registry = CollectorRegistry(auto_describe=True)
        self.items = Counter(
            "ingestor_process_items",
            "Items this process wrote, by source and outcome, since it started",
            ["source", "outcome"],
            registry=self.registry,
        )
        self.sync_duration = Histogram(
            "ingestor_sync_duration_seconds",
            "How long one pass over a source took in this process",
            ["source"],
            buckets=DURATION_BUCKETS,
            registry=self.registry,
        )
        self._marks: dict[str, CursorMarks] = {}
        self._stuck: dict[str, tuple[list[str], CursorMarks]] = {}
        self._lock = threading.Lock()

    def mail_sources(self) -> dict[str, bool]:
        return {s.name: s.mail for s in self.sources}

    def record(self, summary: SyncSummary, seconds: float) -> None:
        """A pass ended: count what it wrote and time it (a skipped pass is not timed)."""
        for outcome in ("ingested", "skipped", "quarantined", "duplicate"):
            n = getattr(summary, outcome)
            self.items.labels(summary.source, outcome).inc(n)
        self.sync_duration.labels(summary.source).observe(seconds)

    def saw_cursors(self, source: str, marks: CursorMarks) -> list[str]:
        """After a successful poll: compare with the last one; → the folders now stuck."""
        with self._lock:
            before = self._marks.get(source)
            self._marks[source] = marks
            stuck = stuck_folders(before, marks) if before is not None else []
            if stuck:
                self._stuck[source] = (stuck, marks)
            elif before is not None and not any(
                f in marks.server and marks.cursor.get(f, 0) < marks.server[f]
                for f in self._stuck.get(source, ([], marks))[0]
            ):
                self._stuck.pop(source, None)  # caught up: no longer stuck
            return stuck

    def stuck(self) -> dict[str, tuple[list[str], CursorMarks]]:
        with self._lock:
            return dict(self._stuck)
