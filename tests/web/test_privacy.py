"""Forget, export and the audit log through the REST API (responses checked against the
OpenAPI document) and the admin pages, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from starlette.applications import Starlette

from ingestor.store.api_tokens import create_token
from ingestor.store.schema import Contact, Interaction
from tests.web.helpers import Browser, TestClient
from tests.web.openapi_check import SchemaCheckedClient
from tests.web.seed import NOW, XSS_NAME, Seeded


def _mentions(sessions: sessionmaker[Session], needles: tuple[str, ...]) -> list[str]:
    """table.column of every value holding a needle, over the database's own tables (JSON
    as text both raw and decoded: PostgreSQL keeps \\u escapes of non-ASCII letters)."""
    import json

    from sqlalchemy import inspect, text

    hits = []
    with sessions() as s:
        conn = s.connection()
        for table in inspect(conn).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')).mappings():
                for column, value in row.items():
                    if isinstance(value, bytes | memoryview):
                        shown = bytes(value).decode("utf-8", "replace")
                    elif isinstance(value, dict | list):
                        shown = json.dumps(value, ensure_ascii=False)
                    else:
                        shown = _decoded(str(value))
                    if any(n.lower() in shown.lower() for n in needles):
                        hits.append(f"{table}.{column}")
    return hits


def _decoded(value: str) -> str:
    """JSON text (as SQLite returns it) with its \\u escapes read back."""
    import json

    if value[:1] in ("{", "[", '"'):
        try:
            return value + json.dumps(json.loads(value), ensure_ascii=False)
        except ValueError:
            pass
    return value


@pytest.fixture
def api(app: Starlette, sessions: sessionmaker[Session], seeded: Seeded) -> TestClient:
    with sessions.begin() as s:
        token = create_token(s, "crm", NOW)
    return SchemaCheckedClient(app, headers={"Authorization": f"Bearer {token}"})


def test_api_exports_then_forgets_a_person_and_the_audit_log_says_so(
    api: TestClient, seeded: Seeded, sessions: sessionmaker[Session]
) -> None:
    doc = api.get(f"/api/contacts/{seeded.juergen}/export")
    assert doc.status_code == 200, doc.text
    body = doc.json()
    assert body["addresses"] == ["j.mueller@autowerk.de"]
    assert body["contacts"][0]["name"] == "Jürgen Müller"
    assert body["contacts"][0]["phones"][0]["number"] == "+498912345678"
    assert {i["subject"] for i in body["interactions"]} >= {"Neue Position: CTO"}

    gone = api.post(f"/api/contacts/{seeded.juergen}/forget", json={"reason": "GDPR request"})
    assert gone.status_code == 200, gone.text
    result = gone.json()
    assert result["contact_id"] == seeded.juergen and result["counts"]["contacts"] == 1
    assert result["summary"].startswith("forgotten: ")
    assert api.get(f"/api/contacts/{seeded.juergen}").status_code == 404
    assert api.post(f"/api/contacts/{seeded.juergen}/forget").status_code == 404
    assert api.get(f"/api/contacts/{seeded.juergen}/export").status_code == 404
    assert _mentions(sessions, ("j.mueller@autowerk.de", "Müller", "498912345678")) == []
    with sessions() as s:
        # The meeting had Eve too: it stays, without him; his own mail is gone.
        meeting = s.get(Interaction, seeded.meeting)
        assert meeting is not None
        assert (
            s.scalar(select(Interaction).where(Interaction.subject == "Neue Position: CTO")) is None
        )

    log = api.get("/api/audit")
    assert log.status_code == 200
    entries = log.json()["items"]
    assert [(e["kind"], e["actor"]) for e in entries] == [
        ("forget", "token:crm"),
        ("export", "token:crm"),
    ]
    assert entries[0]["subject"] == entries[1]["subject"]
    assert "autowerk" not in log.text.lower() and "Müller" not in log.text
    first = api.get("/api/audit", params={"limit": 1})
    assert len(first.json()["items"]) == 1 and first.json()["next_cursor"]
    second = api.get("/api/audit", params={"limit": 1, "cursor": first.json()["next_cursor"]})
    assert [e["kind"] for e in second.json()["items"]] == ["export"]
    assert [
        e["kind"] for e in api.get("/api/audit", params={"kind": "export"}).json()["items"]
    ] == ["export"]
    assert api.get("/api/audit", params={"kind": "gossip"}).status_code == 400
    assert api.post(f"/api/contacts/{seeded.maria}/forget", json={"reason": 5}).status_code == 400


def test_api_says_what_retention_would_erase(
    app: Starlette, sessions: sessionmaker[Session], seeded: Seeded
) -> None:
    from datetime import UTC, datetime

    from ingestor.store.retention import Policy

    # The seed's interactions are at most 10 days older than its NOW, one 200 days: keep 100
    # days before the seed's NOW, whatever today is.
    keep = (datetime.now(UTC) - NOW).days + 100
    app.state.runtime.retention = Policy(interactions=keep, quarantine=None)
    with sessions.begin() as s:
        token = create_token(s, "crm", NOW)
    api = SchemaCheckedClient(app, headers={"Authorization": f"Bearer {token}"})
    body = api.get("/api/retention").json()
    assert body["keep_days"] == {
        "interactions": keep,
        "contacts_without_interaction": None,
        "quarantine": None,
        "rejected": None,
    }
    assert body["due"] == {"interactions": 1}
    with sessions() as s:
        assert s.get(Contact, seeded.maria) is not None  # a dry run: nothing went


def test_only_admins_forget_and_only_after_confirming(
    anna: Browser, admin: Browser, seeded: Seeded, sessions: sessionmaker[Session]
) -> None:
    assert anna.post(f"/contacts/{seeded.eve}/forget", {"confirm": "1"}).status_code == 403
    assert anna.get("/audit").status_code == 403
    assert anna.get(f"/contacts/{seeded.eve}/export").status_code == 403
    assert "Forget this person" not in anna.get(f"/contacts/{seeded.eve}").text

    page = admin.get(f"/contacts/{seeded.eve}")
    assert "Forget this person" in page.text
    confirm = admin.post(f"/contacts/{seeded.eve}/forget")
    assert confirm.status_code == 200
    assert "cannot be undone" in confirm.text and "eve@evil.example" in confirm.text
    assert XSS_NAME not in confirm.text  # escaped, like every page
    with sessions() as s:
        assert s.get(Contact, seeded.eve) is not None  # nothing erased before the confirmation

    exported = admin.get(f"/contacts/{seeded.eve}/export")
    assert exported.headers["content-type"] == "application/json"
    assert "attachment" in exported.headers["content-disposition"]
    assert exported.json()["addresses"] == ["eve@evil.example"]

    done = admin.post(f"/contacts/{seeded.eve}/forget", {"confirm": "1", "reason": "asked"})
    assert done.status_code == 200 and "forgotten: " in done.text
    with sessions() as s:
        assert s.get(Contact, seeded.eve) is None
    assert admin.get(f"/contacts/{seeded.eve}").status_code == 404
    assert admin.post(f"/contacts/{seeded.eve}/forget", {"confirm": "1"}).status_code == 404

    audit = admin.get("/audit")
    assert audit.status_code == 200
    assert "admin" in audit.text and "forget" in audit.text and "export" in audit.text
    assert "evil.example" not in audit.text and "xss-name" not in audit.text
    assert "Retention is off" not in audit.text  # quarantine is kept 30 days by default
