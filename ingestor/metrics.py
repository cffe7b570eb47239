"""/metrics in the Prometheus text format: the store's view of every source, plus this process.

What a scrape carries is source names, flag names, instance names (host:pid) and numbers,
nothing else: no addresses, subjects or error texts (an error line can name a login), so the
endpoint needs no sign-in. Per source, from the store (the same on every instance):
ledger totals, last success, lag, consecutive failures, the lease owner, the self-check's
flags and learned gaps. From this process: items it wrote, its sync durations, the passes
running now, and its memory (prometheus-client's process collector).

The store is read at most once per CACHE_SECONDS, however often Prometheus scrapes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from prometheus_client import CollectorRegistry, ProcessCollector, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from ingestor.runtime import Runtime
from ingestor.selfcheck import FLAGS, Finding, SourceFacts, check, learn_gaps
from ingestor.store.health import OUTCOMES, SourceHealth, source_health
from ingestor.store.selfcheck import lease_owners, source_facts
from ingestor.store.unit import Store, Tx

CACHE_SECONDS = 30.0
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


@dataclass(frozen=True)
class SourceView:
    """Everything the operator's views (/sources, /metrics, `sources check`) show of one
    source, read in one transaction."""

    health: SourceHealth
    facts: SourceFacts
    findings: tuple[Finding, ...]
    owner: str | None


def read_views(tx: Tx, runtime: Runtime, now: datetime) -> list[SourceView]:
    """One view per configured source, and per source the store knows; by name."""
    facts = source_facts(tx, runtime.mail_sources(), now)
    health = {h.source: h for h in source_health(tx)}
    owners = lease_owners(tx)
    stuck = runtime.stuck()
    views = []
    for f in facts:
        folders, marks = stuck.get(f.source, ([], None))
        owner = (
            owners.get(f.source)
            if owners is not None
            else (runtime.instance if f.source in runtime.mail_sources() else None)
        )
        views.append(
            SourceView(
                health.get(f.source, SourceHealth(f.source)),
                f,
                tuple(check(f, now, folders, marks)),
                owner,
            )
        )
    return views


class SourcesCollector(Collector):
    """Reads the store on scrape (cached briefly) and yields the per-source families."""

    def __init__(self, store: Store, runtime: Runtime) -> None:
        self.store = store
        self.runtime = runtime
        self._cached: tuple[float, list[Metric]] | None = None
        self._lock = threading.Lock()

    def collect(self) -> Iterator[Metric]:
        with self._lock:
            if self._cached is None or time.monotonic() - self._cached[0] > CACHE_SECONDS:
                now = datetime.now(UTC)
                views = self.store.run(read_views, self.runtime, now)
                self._cached = (time.monotonic(), list(source_families(views, now)))
            families = self._cached[1]
        yield from families
        yield from progress_families(self.runtime)


def source_families(views: list[SourceView], now: datetime) -> Iterator[Metric]:
    items = GaugeMetricFamily(
        "ingestor_source_items",
        "Items in the ledger per source and outcome (all instances; a gauge, since forgetting "
        "a person removes rows)",
        labels=["source", "outcome"],
    )
    last_success = GaugeMetricFamily(
        "ingestor_source_last_success_timestamp_seconds",
        "When a poll of the source last succeeded (Unix time); absent if never",
        labels=["source"],
    )
    lag = GaugeMetricFamily(
        "ingestor_source_lag_seconds", "Seconds since the last successful poll", labels=["source"]
    )
    failures = GaugeMetricFamily(
        "ingestor_source_consecutive_failures", "Failed polls in a row", labels=["source"]
    )
    owner = GaugeMetricFamily(
        "ingestor_source_lease_owner",
        "1 for the instance (host:pid:nonce) holding the source's lease; on SQLite the daemon",
        labels=["source", "owner"],
    )
    flag = GaugeMetricFamily(
        "ingestor_source_flag",
        "1 when the self-check raises the flag for the source, else 0",
        labels=["source", "flag"],
    )
    usual = GaugeMetricFamily(
        "ingestor_source_usual_gap_seconds",
        "The source's usual gap between new items (95th percentile, learned over 4 weeks)",
        labels=["source"],
    )
    silent = GaugeMetricFamily(
        "ingestor_source_last_item_timestamp_seconds",
        "Date of the newest mail the source brought (Unix time)",
        labels=["source"],
    )
    for v in views:
        name = v.health.source
        for outcome in OUTCOMES:
            items.add_metric([name, outcome], v.health.counts.get(outcome, 0))
        if v.health.last_success_at is not None:
            last_success.add_metric([name], v.health.last_success_at.timestamp())
            lag.add_metric([name], max((now - v.health.last_success_at).total_seconds(), 0))
        failures.add_metric([name], v.health.consecutive_failures)
        if v.owner:
            owner.add_metric([name, v.owner], 1)
        raised = {f.flag for f in v.findings}
        for f in FLAGS:
            flag.add_metric([name, f], 1 if f in raised else 0)
        profile = learn_gaps(v.facts.arrivals)
        if profile is not None:
            usual.add_metric([name], profile.usual)
        if v.facts.last_item_at is not None:
            silent.add_metric([name], v.facts.last_item_at.timestamp())
    yield from (items, last_success, lag, failures, owner, flag, usual, silent)


def progress_families(runtime: Runtime) -> Iterator[Metric]:
    todo = GaugeMetricFamily(
        "ingestor_sync_items_to_fetch",
        "Items the running pass listed to fetch (absent when no pass runs)",
        labels=["source"],
    )
    done = GaugeMetricFamily(
        "ingestor_sync_items_fetched", "Items the running pass has fetched", labels=["source"]
    )
    todo_bytes = GaugeMetricFamily(
        "ingestor_sync_bytes_to_fetch", "Bytes the running pass listed to fetch", labels=["source"]
    )
    done_bytes = GaugeMetricFamily(
        "ingestor_sync_bytes_fetched", "Bytes the running pass has fetched", labels=["source"]
    )
    for name, p in sorted(runtime.progress.snapshot().items()):
        if p.items_total is None:
            continue
        todo.add_metric([name], p.items_total)
        done.add_metric([name], p.items_done)
        todo_bytes.add_metric([name], p.bytes_total)
        done_bytes.add_metric([name], p.bytes_done)
    yield from (todo, done, todo_bytes, done_bytes)


def build_registry(store: Store, runtime: Runtime) -> CollectorRegistry:
    """A registry of our own (no global state): the store's families, the process's
    counters and histogram, and process memory and CPU."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(SourcesCollector(store, runtime))
    registry.register(_Forward(runtime.registry))
    ProcessCollector(registry=registry)
    return registry


class _Forward(Collector):
    """The runtime's own registry (counters, histogram), exposed through this one."""

    def __init__(self, inner: CollectorRegistry) -> None:
        self.inner = inner

    def collect(self) -> Iterator[Metric]:
        yield from self.inner.collect()


def exposition(registry: CollectorRegistry) -> bytes:
    return generate_latest(registry)
