"""/metrics, /healthz and /readyz over a seeded store, and what /sources shows of the runtime."""

from __future__ import annotations

import re

from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.orm import Session, sessionmaker

from ingestor.runtime import Runtime
from ingestor.store.database import open_engine
from ingestor.store.leases import claim, uses_leases
from ingestor.store.unit import Store
from ingestor.web.app import create_app
from tests.factories import source_config
from tests.web.helpers import Browser, TestClient
from tests.web.seed import PAYLOADS, Seeded


def samples(body: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(body)
        for s in family.samples
    }


def value(found: dict, name: str, **labels: str) -> float | None:  # type: ignore[type-arg]
    return found.get((name, tuple(sorted(labels.items()))))


def test_health_endpoints_answer_without_sign_in(client: TestClient) -> None:
    alive = client.get("/healthz")
    assert alive.status_code == 200 and alive.json() == {"status": "alive"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"store": "ok", "scheduler": "not in this process"}


def test_metrics_carry_source_numbers_and_nothing_about_contacts(
    client: TestClient, seeded: Seeded
) -> None:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    found = samples(response.text)
    assert value(found, "ingestor_source_items", source="anna-mailbox", outcome="ingested") == 1
    assert value(found, "ingestor_source_items", source="tom-mailbox", outcome="quarantined") == 1
    assert value(found, "ingestor_source_consecutive_failures", source="tom-mailbox") == 3
    assert value(found, "ingestor_source_lag_seconds", source="anna-mailbox") > 0  # type: ignore[operator]
    assert value(found, "ingestor_source_flag", source="tom-mailbox", flag="silent") == 0
    assert value(found, "process_resident_memory_bytes") > 1e6  # type: ignore[operator]
    # Only source names, outcome and flag names in labels; no address, name or error text.
    body = response.text
    assert "@" not in body
    for payload in PAYLOADS:
        assert payload not in body
    for needle in ("Ivanov", "Müller", "login failed", "newsletter", "Offer"):
        assert needle not in body
    label_values = {v for (_, labels) in found for _, v in labels}
    assert all(re.fullmatch(r"[\w.:+-]*", v) for v in label_values), label_values


def test_lease_owner_is_a_label_and_on_the_sources_page(
    sessions: sessionmaker[Session], seeded: Seeded
) -> None:
    cfg = source_config(name="anna-mailbox", path="/nonexistent")
    if uses_leases(sessions):  # PostgreSQL: the lease holder in the store
        lease = claim(sessions, "anna-mailbox", "host-b:4242:abc123", 60)
        assert lease is not None
        owner = "host-b:4242:abc123"
        runtime = Runtime([cfg], instance="host-a:1:ffffff")
    else:  # SQLite: the one daemon itself
        owner = "host-a:1:ffffff"
        runtime = Runtime([cfg], instance=owner)
    app = create_app(Store(sessions), runtime)
    found = samples(TestClient(app).get("/metrics").text)
    assert value(found, "ingestor_source_lease_owner", source="anna-mailbox", owner=owner) == 1
    page = Browser(TestClient(app), "admin").get("/sources").text
    assert owner in page


def test_readyz_fails_when_the_scheduler_stalls(sessions: sessionmaker[Session]) -> None:
    app = create_app(Store(sessions), Runtime(scheduler_alive=lambda: False))
    response = TestClient(app).get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["scheduler"] == "stopped or stalled"


def test_readyz_fails_when_the_store_does_not_answer() -> None:
    engine = open_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    app = create_app(Store(sessionmaker(bind=engine)))
    response = TestClient(app).get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["store"].startswith("unavailable")
    assert TestClient(app).get("/healthz").status_code == 200  # alive all the same


def test_metrics_can_move_to_a_port_of_their_own(sessions: sessionmaker[Session]) -> None:
    app = create_app(Store(sessions), with_metrics=False)
    assert TestClient(app).get("/metrics").status_code == 404


def test_sources_page_shows_a_first_sync_in_progress_and_its_flags(
    sessions: sessionmaker[Session], seeded: Seeded
) -> None:
    runtime = Runtime(
        [source_config(name="new-mailbox", path="/nonexistent")], instance="host-a:1:ffffff"
    )
    runtime.progress.begin("new-mailbox")
    runtime.progress.planned("new-mailbox", 20_000, 400_000_000)
    runtime.progress.fetched("new-mailbox", 1_500, 30_000_000)
    app = create_app(Store(sessions), runtime)
    page = Browser(TestClient(app), "admin").get("/sources").text
    assert "new-mailbox</strong> (first sync)" in page
    assert "1,500 / 20,000 items, 30.0 / 400.0 MB" in page
    assert "never synced" in page and "no poll has succeeded yet" in page
    found = samples(TestClient(app).get("/metrics").text)
    assert value(found, "ingestor_sync_items_to_fetch", source="new-mailbox") == 20_000
    assert value(found, "ingestor_sync_bytes_fetched", source="new-mailbox") == 30_000_000
    assert value(found, "ingestor_source_flag", source="new-mailbox", flag="never_synced") == 1
