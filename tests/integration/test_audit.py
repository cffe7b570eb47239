"""The audit log on SQLite and PostgreSQL: merges and manual edits are recorded with who, when
and how many rows, the person only as a salted hash; forgetting them leaves the log as it was."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import select

from ingestor.store import decisions
from ingestor.store.audit import list_audit
from ingestor.store.forget import forget
from ingestor.store.privacy_schema import AuditEntry
from ingestor.store.redact import Agency
from ingestor.store.schema import Contact, ContactEmail, Suggestion
from ingestor.store.suppression import person_hash

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def contact(s, name: str, address: str) -> int:
    c = Contact(name=name, origin="manual", locked_fields=[])
    s.add(c)
    s.flush()
    s.add(ContactEmail(contact_id=c.id, address=address))
    s.flush()
    return c.id


def snapshot(sessions) -> list[tuple]:
    with sessions() as s:
        return [
            (a.id, a.at, a.actor, a.kind, a.rows, a.subject, json.dumps(a.counts))
            for a in s.scalars(select(AuditEntry).order_by(AuditEntry.id))
        ]


def test_merges_and_edits_are_audited_without_personal_data(sessions):
    with sessions.begin() as s:
        a = contact(s, "Greta Lindqvist", "greta@people.example")
        b = contact(s, "G. Lindqvist", "g.lindqvist@home.example")
        c = contact(s, "Hugo Brandt", "hugo@people.example")
        d = contact(s, "H. Brandt", "hugo.b@home.example")
        decisions.update_contact(s, a, {"title": "CTO", "company": "Nordwind"}, "alice", NOW)
        decisions.merge(s, a, b, "alice", NOW)
        s.add(Suggestion(contact_id=c, kind="merge", payload={"other_contact_id": d}, evidence=[]))
        s.flush()
        sid = s.scalar(
            select(Suggestion.id).where(
                Suggestion.kind == "merge",
                Suggestion.contact_id == c,
                Suggestion.status == "pending",
            )
        )
        decisions.accept(s, sid, "token:crm", NOW)
        greta = person_hash(s, "greta@people.example")
        hugo = person_hash(s, "hugo@people.example")
    with sessions() as s:
        entries = [(e.actor, e.kind, e.rows, e.subject) for e in reversed(list_audit(s))]
    assert entries == [
        ("alice", "edit", 2, greta),
        ("alice", "merge", entries[1][2], greta),
        ("token:crm", "merge", 1, hugo),
    ]
    assert entries[1][2] >= 1  # the email moved over, at least
    before = snapshot(sessions)
    text = repr(before).lower()
    assert not any(w in text for w in ("greta", "lindqvist", "hugo", "brandt", "nordwind", "cto"))

    with sessions.begin() as s:
        forget(s, "greta@people.example", Agency(), "alice", NOW)
    after = snapshot(sessions)
    assert after[: len(before)] == before  # untouched by the erasure
    assert [row[3] for row in after[len(before) :]] == ["forget"]
    assert after[-1][5] == greta
