"""Search and duplicates in the database, on SQLite (FTS5) and PostgreSQL (pg_trgm).

Every writer path that changes a contact (ORM flushes, Core executemany inserts, bulk updates,
merges, deletes) must leave its search keys current in the same transaction, and the duplicate
suggestions it implies must be there when the transaction commits.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Table, insert, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from ingestor.resolve.merge import merge_contacts
from ingestor.store.schema import (
    Base,
    Contact,
    ContactEmail,
    ContactPhone,
    ContactSearch,
    ContactSearchTerm,
    Suggestion,
)
from ingestor.store.search import search_contact_ids
from ingestor.store.searchindex import refresh_duplicates

pytestmark = pytest.mark.integration
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def add(
    s: Session,
    name: str | None,
    email: str | None = None,
    *,
    company: str | None = None,
    title: str | None = None,
    location: str | None = None,
    phone: str | None = None,
) -> int:
    contact = Contact(name=name, company=company, title=title, location=location)
    s.add(contact)
    s.flush()
    if email:
        s.add(ContactEmail(contact_id=contact.id, address=email))
    if phone:
        s.add(ContactPhone(contact_id=contact.id, number=phone))
    s.flush()
    return contact.id


@pytest.fixture
def people(sessions: sessionmaker[Session]) -> dict[str, int]:
    with sessions.begin() as s:
        return {
            "john": add(
                s,
                "John Smith",
                "john.smith@acme.com",
                company="Acme Corp",
                title="Head of Talent",
                location="London",
                phone="+14155550199",
            ),
            "aleksandr": add(
                s, "Александр Иванов", "a.ivanov@yandex.ru", company="Yandex", location="Москва"
            ),
            "julia": add(s, "Юлия Смирнова", "julia.s@mail.ru", title="QA Engineer"),
            "dmitry": add(s, "Дмитрий Петров", "dp@example.ru", phone="+79261112233"),
            "juergen": add(s, "Jürgen Müller", "jm@autowerk.de", company="AutoWerk GmbH"),
            "maria": add(s, "Maria Lopez", "maria.lopez@gmail.com", location="Madrid"),
        }


def found(sessions: sessionmaker[Session], query: str) -> list[int]:
    with sessions() as s:
        return search_contact_ids(s, query, limit=10)


@pytest.mark.parametrize(
    ("query", "who"),
    [
        ("Jonh Smiht", "john"),
        ("Jhon Smith", "john"),
        ("smith", "john"),
        ("Alexander Ivanov", "aleksandr"),
        ("Aleksandr", "aleksandr"),
        ("Alex", "aleksandr"),
        ("Ivanov", "aleksandr"),
        ("Julia", "julia"),
        ("Yulia Smirnova", "julia"),
        ("Julija", "julia"),
        ("Dmitry", "dmitry"),
        ("Dmitri Petrov", "dmitry"),
        ("Juergen Mueller", "juergen"),
        ("jurgen", "juergen"),
        ("415-555-0199", "john"),
        ("(415) 555 0199", "john"),
        ("+1 415 555 0199", "john"),
        ("555-0199", "john"),
        ("8 926 111-22-33", "dmitry"),
        ("acme", "john"),
        ("Head of Talent", "john"),
        ("london", "john"),
        ("moskva", "aleksandr"),
        ("QA engineer", "julia"),
        ("autowerk", "juergen"),
        ("john.smith@acme.com", "john"),
        ("maria.lopez@", "maria"),
        ("madrid", "maria"),
    ],
)
def test_search_finds(
    sessions: sessionmaker[Session], people: dict[str, int], query: str, who: str
) -> None:
    hits = found(sessions, query)
    assert hits and hits[0] == people[who], (query, hits)


def test_search_needs_every_word(sessions: sessionmaker[Session], people: dict[str, int]) -> None:
    assert found(sessions, "John Petrov") == []
    assert found(sessions, "Zebediah") == []
    assert found(sessions, "   ") == []
    assert found(sessions, "0000 0000") == []


def test_keys_follow_every_writer(sessions: sessionmaker[Session], people: dict[str, int]) -> None:
    with sessions.begin() as s:  # an ORM edit: the name is corrected
        contact = s.get(Contact, people["maria"])
        assert contact is not None
        contact.name = "María González"
        julia = s.get(Contact, people["julia"])
        assert julia is not None
        julia.title = None
    assert found(sessions, "Gonzalez") == [people["maria"]]
    assert found(sessions, "QA engineer") == []
    with sessions.begin() as s:  # a Core executemany, as the ingest pipeline writes emails
        s.execute(
            insert(Table("contact_email", Base.metadata)),
            [{"contact_id": people["maria"], "address": "mgonzalez@finlytics.io"}],
        )
        # a bulk UPDATE, as a merge moves phones
        s.execute(
            update(ContactPhone)
            .where(ContactPhone.contact_id == people["dmitry"])
            .values(contact_id=people["maria"])
        )
    assert found(sessions, "finlytics") == [people["maria"]]
    assert found(sessions, "+7 926 111 22 33") == [people["maria"]]
    with sessions() as s:  # inside one transaction, before commit
        s.add(ContactPhone(contact_id=people["julia"], number="+442079460958"))
        assert search_contact_ids(s, "020 7946 0958", limit=5) == [people["julia"]]
        s.rollback()
    assert found(sessions, "020 7946 0958") == []
    with sessions.begin() as s:
        s.delete(s.get(Contact, people["julia"]))
    assert found(sessions, "Julia") == []


def test_merged_contacts_leave_the_index(
    sessions: sessionmaker[Session], people: dict[str, int]
) -> None:
    with sessions.begin() as s:
        other = add(s, "Alexander Ivanov", "alexander@ivanov.dev", phone="+74951234567")
    with sessions.begin() as s:
        merge_contacts(s, people["aleksandr"], other, by="anna", now=NOW)
    assert found(sessions, "alexander@ivanov.dev") == [people["aleksandr"]]
    assert found(sessions, "+7 495 123 45 67") == [people["aleksandr"]]
    with sessions() as s:
        assert s.get(ContactSearch, other) is None
        assert not s.scalars(
            select(ContactSearchTerm).where(ContactSearchTerm.contact_id == other)
        ).all()


def merges(s: Session) -> list[tuple[int | None, int, str, str]]:
    rows = s.scalars(select(Suggestion).where(Suggestion.kind == "merge").order_by(Suggestion.id))
    return [
        (r.contact_id, r.payload["other_contact_id"], r.payload["reason"], r.status) for r in rows
    ]


def test_duplicates_are_proposed_on_write(
    sessions: sessionmaker[Session], people: dict[str, int]
) -> None:
    with sessions.begin() as s:
        phone_twin = add(s, "J. Smith", "js@acme-mail.com", phone="+14155550199")
        mailbox_twin = add(s, "M. Lopez", "marialopez+jobs@googlemail.com")
        name_twin = add(s, "Petrov Dmitry", "dmitry.petrov@corp.example")
        company_twin = add(s, "Alex Ivanov", "alex@yandex-team.ru", company="Yandex")
        add(s, "Maria Lopez-Garcia", "mlg@example.org")  # not the same name
    with sessions() as s:
        assert sorted(merges(s)) == [
            (people["john"], phone_twin, "same phone", "pending"),
            (people["aleksandr"], company_twin, "same name and company", "pending"),
            (people["dmitry"], name_twin, "same name", "pending"),
            (people["maria"], mailbox_twin, "same email address", "pending"),
        ]


def test_a_pair_is_proposed_once_and_a_rejection_stands(
    sessions: sessionmaker[Session], people: dict[str, int]
) -> None:
    with sessions.begin() as s:
        twin = add(s, "Smith John", "john@smith.family")
    with sessions.begin() as s:
        row = s.scalars(select(Suggestion).where(Suggestion.kind == "merge")).one()
        row.status, row.decided_by, row.decided_at = "rejected", "anna", NOW
    with sessions.begin() as s:  # the pair gains more in common: still nothing new
        s.add(ContactPhone(contact_id=twin, number="+14155550199"))
        c = s.get(Contact, twin)
        assert c is not None
        c.company = "Acme Corp"
    with sessions.begin() as s:
        assert refresh_duplicates(s, NOW) == 0
    with sessions() as s:
        assert merges(s) == [(people["john"], twin, "same name", "rejected")]


def test_refresh_duplicates_catches_writes_behind_the_hooks(
    sessions: sessionmaker[Session], people: dict[str, int]
) -> None:
    with sessions.begin() as s:  # a writer that bypasses the session: raw SQL on the connection
        conn = s.connection()
        conn.execute(insert(Contact), [{"name": "Sergey Ivanov"}, {"name": "Сергей Иванов"}])
    with sessions.begin() as s:
        assert refresh_duplicates(s, NOW) == 1
        assert refresh_duplicates(s, NOW) == 0
    assert len(found(sessions, "Sergei Ivanov")) == 2


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database, never migrated (the shared PostgreSQL one is already at the head)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    from tests.servers.postgres import temporary_database

    with temporary_database("ingestor_search_upgrade") as url:
        yield url


def test_upgrading_a_store_keys_its_contacts(fresh_url: str) -> None:
    from alembic import command
    from alembic.script import ScriptDirectory

    from ingestor.store.database import (
        alembic_config,
        migration_connection,
        open_engine,
        open_store,
    )

    engine = open_engine(fresh_url)
    cfg = alembic_config(engine)
    before = ScriptDirectory.from_config(cfg).get_revision("0005").down_revision
    assert isinstance(before, str)
    with migration_connection(engine) as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, before)
    with engine.begin() as conn:  # rows as that revision's schema has them (plain SQL)
        conn.execute(
            text(
                "INSERT INTO contact (id, name, origin, locked_fields, created_at, updated_at)"
                " VALUES (:id, :name, 'auto', '[]', :t, :t)"
            ),
            [
                {"id": 1, "name": "Sergey Ivanov", "t": NOW},
                {"id": 2, "name": "Сергей Иванов", "t": NOW},
            ],
        )
        conn.execute(
            text(
                "INSERT INTO contact_phone (contact_id, number, type, created_at)"
                " VALUES (1, '+14155550199', 'mobile', :t)"
            ),
            {"t": NOW},
        )
    engine.dispose()
    sessions = open_store(fresh_url)  # migrates to the head
    try:
        assert found(sessions, "415 555 0199") == [1]
        assert sorted(found(sessions, "Sergei")) == [1, 2]
        with sessions() as s:
            assert merges(s) == [(1, 2, "same name", "pending")]
    finally:
        sessions.kw["bind"].dispose()


def test_forgetting_a_person_leaves_no_word_behind(
    sessions: sessionmaker[Session], people: dict[str, int]
) -> None:
    from ingestor.store.schema import ContactSearchWord

    def vocabulary() -> set[str]:
        with sessions() as s:
            return set(s.scalars(select(ContactSearchWord.word)))

    with sessions.begin() as s:
        other = add(s, "Maria Kowalczyk", "mk@example.pl", company="Acme Corp")
    assert {"kovalczik", "maria"} <= vocabulary()  # folded
    with sessions.begin() as s:
        s.delete(s.get(Contact, other))  # forget her
    words = vocabulary()
    assert "kovalczik" not in words
    assert {"maria", "acme"} <= words  # still Maria Lopez's and John Smith's
    with sessions.begin() as s:
        contact = s.get(Contact, people["juergen"])
        assert contact is not None
        contact.name = "Jürgen Schulz"
    assert "muler" not in vocabulary() and "shulz" in vocabulary()
