"""The tasks API: listing with filters and paging, done, dismiss, snooze, and its errors; every
response is validated against /api/openapi.json by the client."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker
from starlette.applications import Starlette

from ingestor.store.api_tokens import create_token
from ingestor.store.schema import Task
from tests.web.helpers import TestClient
from tests.web.openapi_check import SchemaCheckedClient
from tests.web.seed import NOW, Seeded
from tests.web.seed_tasks import ANNA, BOUNCED, SeededTasks

TASK_KEYS = {"id", "contact_id", "kind", "reason", "due", "status", "interaction_id", "owner"}


@pytest.fixture
def api(app: Starlette, sessions: sessionmaker[Session], tasks: SeededTasks) -> TestClient:
    with sessions.begin() as s:
        token = create_token(s, "crm", NOW)
    return SchemaCheckedClient(app, headers={"Authorization": f"Bearer {token}"})


def _ids(api: TestClient, query: str = "") -> list[int]:
    response = api.get(f"/api/tasks{query}")
    assert response.status_code == 200, response.text
    return [t["id"] for t in response.json()["items"]]


def test_default_is_open_tasks_in_the_export_shape(api: TestClient, tasks: SeededTasks) -> None:
    body = api.get("/api/tasks").json()
    assert body["next_cursor"] is None
    assert [t["id"] for t in body["items"]] == sorted(tasks.shown)
    first = next(t for t in body["items"] if t["id"] == tasks.overdue)
    assert set(first) == TASK_KEYS
    assert first["due"] == (tasks.today - timedelta(days=3)).isoformat()
    assert (first["kind"], first["status"], first["owner"]) == ("follow_up", "open", ANNA)
    assert first["interaction_id"] is not None


def test_filters(api: TestClient, tasks: SeededTasks, seeded: Seeded) -> None:
    assert _ids(api, "?status=all") == sorted(
        [*tasks.shown, tasks.snoozed, tasks.closed, tasks.expired]
    )
    assert _ids(api, "?status=done") == [tasks.closed]
    assert _ids(api, "?status=expired") == [tasks.expired]
    assert _ids(api, "?status=snoozed") == [tasks.snoozed]
    tomorrow = (tasks.today + timedelta(days=1)).isoformat()
    assert _ids(api, f"?due_before={tomorrow}") == sorted([tasks.overdue, tasks.due_today])
    assert _ids(api, f"?status=all&contact_id={seeded.juergen}") == [tasks.overdue, tasks.closed]


def test_paging_walks_every_task_once(api: TestClient, tasks: SeededTasks) -> None:
    seen: list[int] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"status": "all", "limit": 2}
        if cursor:
            params["cursor"] = cursor
        body = api.get("/api/tasks", params=params).json()
        seen += [t["id"] for t in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == _ids(api, "?status=all") and len(seen) == 7


@pytest.mark.parametrize(
    "query",
    ["status=closed", "due_before=tomorrow", "due_before=2026-13-01", "contact_id=x", "limit=0"],
)
def test_bad_parameters_are_400(api: TestClient, tasks: SeededTasks, query: str) -> None:
    response = api.get(f"/api/tasks?{query}")
    assert response.status_code == 400
    assert response.json()["error"].split(":")[0] in query


def test_a_token_is_required(client: TestClient, tasks: SeededTasks) -> None:
    anonymous = SchemaCheckedClient(client.app)
    assert anonymous.get("/api/tasks").status_code == 401
    assert anonymous.post(f"/api/tasks/{tasks.overdue}/done").status_code == 401
    bad = SchemaCheckedClient(client.app, headers={"Authorization": "Bearer ingr_nope"})
    assert bad.post(f"/api/tasks/{tasks.overdue}/dismiss").status_code == 401


def test_done_and_dismiss(
    api: TestClient, tasks: SeededTasks, sessions: sessionmaker[Session]
) -> None:
    done = api.post(f"/api/tasks/{tasks.overdue}/done")
    assert done.status_code == 200
    assert (done.json()["id"], done.json()["status"]) == (tasks.overdue, "done")
    dismissed = api.post(f"/api/tasks/{tasks.due_today}/dismiss").json()
    assert dismissed["status"] == "dismissed"
    with sessions() as s:
        row = s.get(Task, tasks.overdue)
        assert row is not None and row.closed_by == "token:crm"
    again = api.post(f"/api/tasks/{tasks.overdue}/dismiss")
    assert again.status_code == 409
    assert again.json() == {"error": f"task {tasks.overdue} is already done"}
    assert tasks.overdue not in _ids(api)


def test_unknown_task_is_404(api: TestClient, tasks: SeededTasks) -> None:
    for verb in ("done", "dismiss"):
        response = api.post(f"/api/tasks/999999/{verb}")
        assert response.status_code == 404
        assert response.json() == {"error": "no task 999999"}
    assert api.post("/api/tasks/999999/snooze", json={"until": "2099-01-01"}).status_code == 404


def test_snooze(api: TestClient, tasks: SeededTasks) -> None:
    until = (tasks.today + timedelta(days=9)).isoformat()
    body = api.post(f"/api/tasks/{tasks.overdue}/snooze", json={"until": until}).json()
    assert (body["status"], body["due"]) == ("snoozed", until)
    assert tasks.overdue not in _ids(api)
    assert tasks.overdue in _ids(api, "?status=snoozed")
    # Snoozing again moves it; a closed task cannot be snoozed.
    later = (tasks.today + timedelta(days=20)).isoformat()
    assert (
        api.post(f"/api/tasks/{tasks.overdue}/snooze", json={"until": later}).json()["due"] == later
    )
    closed = api.post(f"/api/tasks/{tasks.closed}/snooze", json={"until": later})
    assert closed.status_code == 409


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"until": "2020-01-01"}', "that is not in the future"),
        (b'{"until": "14 August"}', "until: a date, YYYY-MM-DD"),
        (b'{"until": 20991231}', "until: a date, YYYY-MM-DD"),
        (b'{"until": "2099-02-30"}', "until: a date, YYYY-MM-DD"),
        (b"{}", "until: required"),
        (b"", "until: required"),
        (b'{"until": "2099-01-01", "why": 1}', "why: not a field"),
        (b"[1]", "body: a JSON object"),
        (b"not json", "body: not JSON"),
    ],
)
def test_bad_snooze_is_400(
    api: TestClient, tasks: SeededTasks, sessions: sessionmaker[Session], body: bytes, message: str
) -> None:
    response = api.post(
        f"/api/tasks/{tasks.overdue}/snooze",
        content=body,
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400
    assert message in response.json()["error"]
    with sessions() as s:
        row = s.get(Task, tasks.overdue)
        assert row is not None and row.status == "open"


def test_openapi_documents_the_task_endpoints(api: TestClient, tasks: SeededTasks) -> None:
    doc = api.get("/api/openapi.json").json()
    assert set(doc["components"]["schemas"]["Task"]["required"]) == TASK_KEYS
    snooze = doc["paths"]["/tasks/{task_id}/snooze"]["post"]
    assert snooze["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/SnoozeBody"
    }
    assert {"200", "400", "401", "404", "409"} <= set(snooze["responses"])
    params = {p["name"] for p in doc["paths"]["/tasks"]["get"]["parameters"]}
    assert params == {"status", "due_before", "contact_id", "limit", "cursor"}


def test_contacts_carry_do_not_contact_and_email_details(
    api: TestClient, tasks: SeededTasks, seeded: Seeded
) -> None:
    eve = api.get(f"/api/contacts/{seeded.eve}").json()
    assert eve["do_not_contact"] is True
    details = {d["address"]: d for d in eve["email_details"]}
    assert details["eve@evil.example"] == {
        "address": "eve@evil.example",
        "status": "active",
        "bounced_at": None,
    }
    assert details[BOUNCED]["status"] == "bounced" and details[BOUNCED]["bounced_at"]
    assert set(details) == set(eve["emails"])  # the old field is as it was
    listed = {c["id"]: c for c in api.get("/api/contacts", params={"limit": 500}).json()["items"]}
    assert listed[seeded.eve]["do_not_contact"] is True
    assert listed[seeded.juergen]["do_not_contact"] is False
    found = api.get("/api/contacts", params={"q": "Jurgen Muller"}).json()["items"]
    assert found and all("email_details" in c for c in found)
