"""The REST API: bearer tokens, paging, filters, decisions, errors, and the OpenAPI document."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from starlette.applications import Starlette

from ingestor.store.api_tokens import create_token, revoke_token
from ingestor.store.schema import Contact, Suggestion
from ingestor.store.web_schema import ApiToken
from ingestor.web import api_privacy, api_tasks
from ingestor.web.api import routes
from tests.web.helpers import Browser, TestClient
from tests.web.openapi_check import SchemaCheckedClient, check_body
from tests.web.seed import NOW, Seeded

EXPORT_INTERACTION_KEYS = {
    "id",
    "kind",
    "occurred_at",
    "ends_at",
    "subject",
    "snippet",
    "message_id",
    "thread_id",
    "ical_uid",
    "recurrence_id",
    "status",
    "direction",
    "location",
    "conference_url",
    "participants",
    "sources",
}


@pytest.fixture
def token(sessions: sessionmaker[Session], seeded: Seeded) -> str:
    with sessions.begin() as s:
        return create_token(s, "crm", NOW)


@pytest.fixture
def client(app: Starlette) -> TestClient:
    """The anonymous client (and the browsers built on it): its API responses are checked too."""
    return SchemaCheckedClient(app, raise_server_exceptions=True)


@pytest.fixture
def api(app: Starlette, token: str) -> TestClient:
    return SchemaCheckedClient(app, headers={"Authorization": f"Bearer {token}"})


def _walk(api: TestClient, path: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(100):
        page = api.get(path, params={**params, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200, page.text
        body = page.json()
        items += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError("paging never ended")


def test_token_is_required(app: Starlette, token: str) -> None:
    bare = SchemaCheckedClient(app)
    response = bare.get("/api/contacts")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json() == {"error": "a valid bearer token is required"}
    assert (
        bare.get("/api/contacts", headers={"Authorization": "Bearer ingr_wrong"}).status_code == 401
    )
    assert bare.get("/api/contacts", headers={"Authorization": f"Basic {token}"}).status_code == 401


def test_a_ui_session_is_not_an_api_credential(anna: Browser) -> None:
    assert anna.get("/api/contacts").status_code == 401


def test_token_is_stored_hashed_and_can_be_revoked(
    api: TestClient, token: str, sessions: sessionmaker[Session]
) -> None:
    with sessions() as s:
        row = s.scalar(select(ApiToken))
        assert row is not None and token not in (row.token_hash, row.name)
    assert api.get("/api/contacts").status_code == 200
    with sessions.begin() as s:
        revoke_token(s, "crm", NOW)
    assert api.get("/api/contacts").status_code == 401


def test_contacts_page_through_without_gaps(
    api: TestClient, sessions: sessionmaker[Session]
) -> None:
    with sessions.begin() as s:
        s.add_all(Contact(name=f"Person {n}", origin="auto", locked_fields=[]) for n in range(7))
    items = _walk(api, "/api/contacts", limit=3)
    ids = [c["id"] for c in items]
    assert len(ids) == len(set(ids)) == 13
    assert ids == sorted(ids)
    first = items[0]
    assert {
        "id",
        "name",
        "emails",
        "phones",
        "title",
        "company",
        "location",
        "origin",
        "last_interaction_at",
        "updated_at",
    } <= set(first)


def test_contacts_search_and_updated_since(
    api: TestClient, seeded: Seeded, sessions: sessionmaker[Session]
) -> None:
    found = api.get("/api/contacts", params={"q": "Ivnov"}).json()["items"]
    assert found[0]["id"] in (seeded.sergey_ru, seeded.sergey_en) and found[0]["score"] > 80
    paged = _walk(api, "/api/contacts", q="Ivanov", limit=1)
    # Both Ivanovs first, in either script; weaker matches ("Иван Петров") may follow them.
    assert {c["id"] for c in paged[:2]} == {seeded.sergey_ru, seeded.sergey_en}
    assert all(c["score"] < paged[1]["score"] for c in paged[2:])
    with sessions.begin() as s:
        c = s.get(Contact, seeded.maria)
        assert c is not None
        c.updated_at = NOW.replace(year=2027)
    recent = api.get("/api/contacts", params={"updated_since": "2026-12-01T00:00:00+00:00"}).json()
    assert [c["id"] for c in recent["items"]] == [seeded.maria]
    naive = api.get("/api/contacts", params={"updated_since": "2026-12-01"}).json()
    assert [c["id"] for c in naive["items"]] == [seeded.maria]


def test_one_contact(api: TestClient, seeded: Seeded) -> None:
    body = api.get(f"/api/contacts/{seeded.juergen}").json()
    assert body["name"] == "Jürgen Müller" and body["merged_into"] is None
    assert body["phones"] == [{"number": "+498912345678", "type": "work"}]
    assert api.get("/api/contacts/99999").status_code == 404


def test_interactions_by_contact_and_since(api: TestClient, seeded: Seeded) -> None:
    everything = _walk(api, "/api/interactions", limit=2)
    assert len(everything) == 6
    assert set(everything[0]) == EXPORT_INTERACTION_KEYS
    mine = _walk(api, "/api/interactions", contact_id=seeded.juergen)
    assert {i["kind"] for i in mine} == {"email", "meeting"}
    recent = _walk(api, "/api/interactions", since="2026-11-17T00:00:00Z")
    assert {i["id"] for i in recent} >= {seeded.meeting, seeded.email_from_eve}
    assert all(i["occurred_at"] >= "2026-11-17" for i in recent)
    meeting = next(i for i in mine if i["kind"] == "meeting")
    assert meeting["sources"] == ["anna-calendar"]


def test_suggestions_list_accept_reject(
    api: TestClient, seeded: Seeded, sessions: sessionmaker[Session]
) -> None:
    pending = _walk(api, "/api/suggestions")
    assert {s["id"] for s in pending} >= {seeded.title_update, seeded.name_fix}
    assert all(s["status"] == "pending" for s in pending)
    only = api.get("/api/suggestions", params={"kind": "name_fix"}).json()["items"]
    assert [s["id"] for s in only] == [seeded.name_fix]
    accepted = api.post(f"/api/suggestions/{seeded.title_update}/accept")
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["decided_by"] == "token:crm"
    edited = api.post(f"/api/suggestions/{seeded.name_fix}/accept", json={"value": "Maria López"})
    assert edited.json()["new_value"] == "Maria López"
    rejected = api.post(f"/api/suggestions/{seeded.phone_update}/reject")
    assert rejected.json()["status"] == "rejected"
    assert api.post(f"/api/suggestions/{seeded.phone_update}/accept").status_code == 409
    assert api.post("/api/suggestions/99999/reject").status_code == 404
    with sessions() as s:
        c = s.get(Contact, seeded.juergen)
        assert c is not None and c.title == "CTO"
    decided = api.get(
        "/api/suggestions", params={"status": "all", "contact_id": seeded.juergen}
    ).json()
    assert any(s["status"] == "accepted" for s in decided["items"])


def test_merge_suggestion_through_the_api(
    api: TestClient, seeded: Seeded, sessions: sessionmaker[Session]
) -> None:
    with sessions.begin() as s:
        row = Suggestion(
            contact_id=seeded.sergey_ru,
            kind="merge",
            payload={"other_contact_id": seeded.sergey_en},
            evidence=[],
        )
        s.add(row)
        s.flush()
        sid = row.id
    response = api.post(
        f"/api/suggestions/{sid}/accept", json={"keep_contact_id": seeded.sergey_ru}
    )
    assert response.status_code == 200
    assert api.get(f"/api/contacts/{seeded.sergey_en}").json()["merged_into"] == seeded.sergey_ru


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=501",
        "limit=x",
        "cursor=%%%",
        "cursor=eyJ4IjogMX0",
        "since=yesterday",
        "contact_id=x",
    ],
)
def test_bad_parameters_are_400(api: TestClient, query: str) -> None:
    response = api.get(f"/api/interactions?{query}")
    assert response.status_code == 400
    assert "error" in response.json()


def test_bad_body_is_400(api: TestClient, seeded: Seeded) -> None:
    response = api.post(f"/api/suggestions/{seeded.title_update}/accept", content=b"[1]")
    assert response.status_code == 400


def test_openapi_document(client: TestClient) -> None:
    doc = client.get("/api/openapi.json").json()  # no token needed
    assert doc["openapi"].startswith("3.")
    documented = set(doc["paths"])
    served = {
        r.path.replace(":int", "") for r in [*routes(), *api_tasks.routes(), *api_privacy.routes()]
    }  # type: ignore[attr-defined]
    assert documented == served
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    for path in documented - {"/openapi.json"}:
        for op in doc["paths"][path].values():
            assert "401" in op["responses"], path


def test_api_json_carries_hostile_text_as_data(api: TestClient, seeded: Seeded) -> None:
    response = api.get(f"/api/contacts/{seeded.eve}")
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.json()["name"].startswith("<script>")


@pytest.fixture
def document(client: TestClient) -> dict[str, Any]:
    doc: dict[str, Any] = client.get("/api/openapi.json").json()
    return doc


def test_the_schema_check_refuses_what_the_document_does_not_promise(
    api: TestClient, seeded: Seeded, document: dict[str, Any]
) -> None:
    body = api.get(f"/api/contacts/{seeded.juergen}").json()
    path = f"/contacts/{seeded.juergen}"
    check_body(document, "GET", path, 200, body)
    with pytest.raises(ValidationError, match="Additional properties"):
        check_body(document, "GET", path, 200, {**body, "salary": 1})
    with pytest.raises(ValidationError, match="'emails' is a required property"):
        check_body(document, "GET", path, 200, {k: v for k, v in body.items() if k != "emails"})
    with pytest.raises(ValidationError):
        check_body(document, "GET", path, 404, {"error": "x", "detail": "y"})
    with pytest.raises(AssertionError, match="status 418 is not documented"):
        check_body(document, "GET", path, 418, {})


def test_every_documented_schema_resolves(document: dict[str, Any]) -> None:
    """Each response schema is a closed component (or the open accept body), found by $ref."""
    schemas = document["components"]["schemas"]
    for name, schema in schemas.items():
        Draft202012Validator.check_schema(schema)
        if name != "AcceptBody":
            assert schema["additionalProperties"] is False, name
    for operations in document["paths"].values():
        for op in operations.values():
            for response in op["responses"].values():
                for content in response.get("content", {}).values():
                    ref = content["schema"]["$ref"]
                    assert ref.removeprefix("#/components/schemas/") in schemas, ref
