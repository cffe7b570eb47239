"""Seed data for the web tests: recruiters' contacts in several scripts, and hostile text.

Shared by the HTTP tests and the browser tests. Every string an attacker controls in real
mail (display names, subjects, snippets, signatures, event titles, locations, source errors)
carries an XSS payload somewhere here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from sqlalchemy.orm import Session, sessionmaker

from ingestor.store.accounts import HASHER_KEY, add_user
from ingestor.store.schema import (
    Contact,
    ContactEmail,
    ContactPhone,
    Interaction,
    InteractionParticipant,
    InteractionSource,
    LedgerEntry,
    Observation,
    SourceStatus,
    Suggestion,
)

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"

XSS_NAME = '<script>alert("xss-name")</script>Eve'
XSS_COMPANY = "<img src=x onerror=alert('company')>"
XSS_SUBJECT = "<img src=x onerror=alert('subject')>Offer"
XSS_SNIPPET = "<script>alert('snippet')</script>call me"
XSS_SIGNATURE = "<iframe src=//evil.example/sig></iframe>Eve Evil, CEO"
XSS_EVENT = "<svg onload=alert('event')>Interview"
XSS_LOCATION = '"><script>alert("loc")</script>'
XSS_SOURCE_ERROR = "<b onmouseover=alert('err')>login failed</b>"
XSS_VALUE = "<script>alert('sig')</script>Evil Corp"
PAYLOADS = (
    XSS_NAME,
    XSS_COMPANY,
    XSS_SUBJECT,
    XSS_SNIPPET,
    XSS_SIGNATURE,
    XSS_EVENT,
    XSS_LOCATION,
    XSS_SOURCE_ERROR,
    XSS_VALUE,
)

# Cheap argon2 parameters: the real ones cost ~0.3 s a hash, and every test signs in.
CHEAP = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@dataclass
class Seeded:
    sergey_ru: int
    sergey_en: int
    juergen: int
    ivan: int
    eve: int
    maria: int
    title_update: int
    phone_update: int
    name_fix: int
    eve_update: int
    new_eve: int
    new_ivan: int
    meeting: int
    email_from_eve: int


def _contact(s: Session, name: str, email: str, **kw: object) -> Contact:
    c = Contact(name=name, origin="auto", locked_fields=[], created_at=NOW, updated_at=NOW, **kw)
    s.add(c)
    s.flush()
    s.add(ContactEmail(contact_id=c.id, address=email))
    return c


def _interaction(
    s: Session,
    key: str,
    kind: str,
    when: datetime,
    subject: str,
    snippet: str | None,
    people: list[tuple[Contact, str]],
    sources: list[str],
    **kw: object,
) -> Interaction:
    i = Interaction(
        dedup_key=key, kind=kind, occurred_at=when, subject=subject, snippet=snippet, **kw
    )
    s.add(i)
    s.flush()
    for contact, role in people:
        s.add(
            InteractionParticipant(
                interaction_id=i.id,
                contact_id=contact.id,
                address=f"{contact.id}@addr.example",
                name=contact.name,
                role=role,
            )
        )
        if contact.last_interaction_at is None or contact.last_interaction_at < when:
            contact.last_interaction_at = when
    for n, src in enumerate(sources):
        s.add(InteractionSource(interaction_id=i.id, source=src, ref=f"{key}/{n}"))
    return i


def _suggest(s: Session, contact: Contact, kind: str, **kw: object) -> int:
    kw.setdefault("payload", {})
    kw.setdefault("evidence", [])
    row = Suggestion(contact_id=contact.id, kind=kind, created_at=NOW, **kw)
    s.add(row)
    s.flush()
    return row.id


def seed(sessions: sessionmaker[Session]) -> Seeded:
    with sessions.begin() as s:
        sergey_ru = _contact(
            s,
            "Сергей Иванов",
            "sergey.ivanov@yandex.ru",
            title="Backend developer",
            company="Yandex",
            location="Moscow, Russia",
        )
        sergey_en = _contact(s, "Sergey Ivanov", "s.ivanov@gmail.com")
        juergen = _contact(
            s,
            "Jürgen Müller",
            "j.mueller@autowerk.de",
            title="Head of Engineering",
            company="AutoWerk GmbH",
            location="Munich, Germany",
        )
        ivan = _contact(s, "Иван Петров", "i.petrov@mail.ru", company="Sberbank")
        eve = _contact(s, XSS_NAME, "eve@evil.example", company=XSS_COMPANY, title="CEO")
        maria = _contact(s, "Maria Lopez", "maria.lopez@gmail.com", company="Finlytics")
        s.add(
            ContactPhone(
                contact_id=sergey_ru.id,
                number="+79161234567",
                type="mobile",
                raw="8 (916) 123-45-67",
                created_at=NOW,
            )
        )
        s.add(
            ContactPhone(contact_id=juergen.id, number="+498912345678", type="work", created_at=NOW)
        )

        mail = _interaction(
            s,
            "mid:<1@x>",
            "email",
            NOW - timedelta(days=10),
            "Senior Go developer role",
            "Hi Anna, happy to talk on Tuesday.",
            [(sergey_ru, "from")],
            ["anna-mailbox", "tom-mailbox"],
            direction="inbound",
            message_id="<1@x>",
        )
        juergen_mail = _interaction(
            s,
            "mid:<2@x>",
            "email",
            NOW - timedelta(days=5),
            "Neue Position: CTO",
            "Jürgen Müller\nCTO\nAutoWerk GmbH",
            [(juergen, "from")],
            ["anna-mailbox"],
            direction="inbound",
            message_id="<2@x>",
        )
        evil_mail = _interaction(
            s,
            "mid:<3@x>",
            "email",
            NOW - timedelta(days=3),
            XSS_SUBJECT,
            XSS_SNIPPET,
            [(eve, "from")],
            ["anna-mailbox"],
            direction="inbound",
            message_id="<3@x>",
        )
        meeting = _interaction(
            s,
            "ical:ev1|",
            "meeting",
            NOW - timedelta(days=2),
            XSS_EVENT,
            None,
            [(eve, "attendee"), (juergen, "attendee")],
            ["anna-calendar"],
            ends_at=NOW - timedelta(days=2) + timedelta(hours=1),
            location=XSS_LOCATION,
            status="CONFIRMED",
            ical_uid="ev1",
        )
        _interaction(
            s,
            "mid:<4@x>",
            "email",
            NOW - timedelta(days=200),
            "Old thread",
            "Last year",
            [(maria, "from")],
            ["tom-mailbox"],
            direction="inbound",
        )
        _interaction(
            s,
            "mid:<5@x>",
            "email",
            NOW - timedelta(days=1),
            "Sberbank team",
            "Привет",
            [(ivan, "to")],
            ["anna-mailbox"],
            direction="outbound",
        )
        s.add_all(
            [
                Observation(
                    contact_id=juergen.id,
                    field="title",
                    value="Head of Engineering",
                    interaction_id=juergen_mail.id,
                    extractor="signature",
                    confidence=0.9,
                    seen_at=NOW - timedelta(days=30),
                ),
                Observation(
                    contact_id=juergen.id,
                    field="title",
                    value="CTO",
                    interaction_id=juergen_mail.id,
                    extractor="signature",
                    confidence=0.9,
                    seen_at=NOW - timedelta(days=5),
                ),
                Observation(
                    contact_id=eve.id,
                    field="company",
                    value=XSS_VALUE,
                    interaction_id=evil_mail.id,
                    extractor="signature",
                    confidence=0.9,
                    seen_at=NOW - timedelta(days=3),
                ),
                Observation(
                    contact_id=eve.id,
                    field="linkedin",
                    value="javascript:alert('li')",
                    interaction_id=evil_mail.id,
                    extractor="signature",
                    confidence=0.9,
                    seen_at=NOW - timedelta(days=3),
                ),
            ]
        )
        evidence = lambda i, snippet: [  # noqa: E731
            {
                "interaction_id": i.id,
                "subject": i.subject,
                "snippet": snippet,
                "occurred_at": i.occurred_at.isoformat(),
            }
        ]
        title_update = _suggest(
            s,
            juergen,
            "field_update",
            field="title",
            old_value="Head of Engineering",
            new_value="CTO",
            evidence=evidence(juergen_mail, "Jürgen Müller\nCTO\nAutoWerk GmbH"),
        )
        phone_update = _suggest(
            s,
            sergey_ru,
            "field_update",
            field="phone",
            old_value="+79161234567",
            new_value="+79261112233",
            payload={"type": "mobile", "raw": "+7 926 111-22-33"},
            evidence=evidence(mail, "Сергей Иванов\nмоб. +7 926 111-22-33"),
        )
        name_fix = _suggest(
            s,
            maria,
            "name_fix",
            field="name",
            old_value="Maria Lopez",
            new_value="María López",
            payload={"sightings": 3},
        )
        eve_update = _suggest(
            s,
            eve,
            "field_update",
            field="company",
            old_value=XSS_COMPANY,
            new_value=XSS_VALUE,
            evidence=evidence(evil_mail, XSS_SIGNATURE),
        )
        new_eve = _suggest(s, eve, "new_contact", payload={"email": "eve@evil.example"})
        new_ivan = _suggest(s, ivan, "new_contact", payload={"email": "i.petrov@mail.ru"})
        s.add_all(
            [
                SourceStatus(
                    source="anna-mailbox",
                    last_success_at=NOW - timedelta(minutes=4),
                    last_attempt_at=NOW - timedelta(minutes=4),
                    consecutive_failures=0,
                ),
                SourceStatus(
                    source="tom-mailbox",
                    last_success_at=NOW - timedelta(days=2),
                    last_attempt_at=NOW - timedelta(minutes=1),
                    last_error=XSS_SOURCE_ERROR,
                    consecutive_failures=3,
                ),
                LedgerEntry(source="anna-mailbox", ref="INBOX/1/1", outcome="ingested", at=NOW),
                LedgerEntry(
                    source="anna-mailbox",
                    ref="INBOX/1/2",
                    outcome="skipped",
                    reason="newsletter",
                    at=NOW,
                ),
                LedgerEntry(
                    source="tom-mailbox",
                    ref="INBOX/1/1",
                    outcome="quarantined",
                    reason=XSS_SUBJECT,
                    at=NOW,
                ),
            ]
        )
        return Seeded(
            sergey_ru.id,
            sergey_en.id,
            juergen.id,
            ivan.id,
            eve.id,
            maria.id,
            title_update,
            phone_update,
            name_fix,
            eve_update,
            new_eve,
            new_ivan,
            meeting.id,
            evil_mail.id,
        )


def add_users(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as s:
        s.info[HASHER_KEY] = CHEAP
        add_user(s, "anna", PASSWORD, False, NOW)
        add_user(s, "admin", PASSWORD, True, NOW)
