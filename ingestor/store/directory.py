"""Finding contacts: the filtered, fuzzy-searched list, as plain rows for pages and the API.

`find` (and `load_rows`, which it builds on) keep the signatures the web calls, so a
database-backed search can take their place without touching the web.

The list is computed in Python over the live contacts: fuzzy matching across scripts cannot
be expressed in SQL portably, and a recruiting team's contacts (tens of thousands) fit.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ingestor.resolve.fuzzy import fold
from ingestor.store.recruiting_view import recruiting_json
from ingestor.store.schema import Contact, ContactEmail, ContactPhone, live_contact
from ingestor.store.search import search_contacts

SEARCH_LIMIT = 200  # search results shown (and paged through by the API)

PROFILE_FIELDS = ("name", "title", "company", "location", "phone")


@dataclass
class ContactRow:
    id: int
    name: str | None
    title: str | None
    company: str | None
    location: str | None
    origin: str
    locked_fields: list[str]
    last_interaction_at: datetime | None
    created_at: datetime
    updated_at: datetime
    emails: list[str] = field(default_factory=list)
    phones: list[dict[str, str]] = field(default_factory=list)
    score: float | None = None
    recruiting: dict[str, Any] = field(default_factory=dict)  # salary, notice, languages

    @property
    def missing(self) -> list[str]:
        have = {
            "name": self.name,
            "title": self.title,
            "company": self.company,
            "location": self.location,
            "phone": self.phones,
        }
        return [f for f in PROFILE_FIELDS if not have[f]]

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "emails": self.emails,
            "phones": self.phones,
            "title": self.title,
            "company": self.company,
            "location": self.location,
            "origin": self.origin,
            "locked_fields": self.locked_fields,
            "missing_fields": self.missing,
            "last_interaction_at": _iso(self.last_interaction_at),
            "created_at": _iso(self.created_at),
            "updated_at": _iso(self.updated_at),
            **self.recruiting,
            **({"score": round(self.score, 1)} if self.score is not None else {}),
        }


def _iso(d: datetime | None) -> str | None:
    return d.isoformat() if d is not None else None


@dataclass(frozen=True)
class Filters:
    q: str = ""
    incomplete: bool = False
    idle_days: int | None = None
    company: str = ""
    updated_since: datetime | None = None


def load_rows(
    session: Session, ids: list[int] | None = None, live: bool = True
) -> list[ContactRow]:
    """Contacts with their emails and phones; all live ones, or just `ids`."""
    stmt = select(Contact).order_by(Contact.id)
    if live:
        stmt = stmt.where(live_contact())
    if ids is not None:
        if not ids:
            return []
        stmt = stmt.where(Contact.id.in_(ids))
    rows = {
        c.id: ContactRow(
            c.id,
            c.name,
            c.title,
            c.company,
            c.location,
            c.origin,
            list(c.locked_fields or []),
            c.last_interaction_at,
            c.created_at,
            c.updated_at,
            recruiting=recruiting_json(c),
        )
        for c in session.scalars(stmt)
    }
    emails: dict[int, list[str]] = defaultdict(list)
    email_stmt = select(ContactEmail.contact_id, ContactEmail.address).order_by(ContactEmail.id)
    phone_stmt = select(ContactPhone).order_by(ContactPhone.id)
    if ids is not None:
        email_stmt = email_stmt.where(ContactEmail.contact_id.in_(ids))
        phone_stmt = phone_stmt.where(ContactPhone.contact_id.in_(ids))
    for cid, address in session.execute(email_stmt):
        emails[cid].append(address)
    for p in session.scalars(phone_stmt):
        if p.contact_id in rows:
            rows[p.contact_id].phones.append({"number": p.number, "type": p.type})
    for cid, row in rows.items():
        row.emails = emails.get(cid, [])
    return list(rows.values())


def find(session: Session, filters: Filters, now: datetime) -> list[ContactRow]:
    """Live contacts that pass the filters: best match first when searching (in the database,
    store.search: at most SEARCH_LIMIT), by name otherwise."""
    scores: dict[int, float] = {}
    if filters.q.strip():
        scores = dict(search_contacts(session, filters.q, limit=SEARCH_LIMIT))
        if not scores:
            return []
        rows = load_rows(session, list(scores))
    else:
        rows = load_rows(session)
    if filters.incomplete:
        rows = [r for r in rows if r.missing]
    if filters.idle_days is not None:
        cutoff = now - timedelta(days=filters.idle_days)
        rows = [r for r in rows if r.last_interaction_at is None or r.last_interaction_at < cutoff]
    if filters.company.strip():
        wanted = fold(filters.company)
        rows = [r for r in rows if r.company and wanted in fold(r.company)]
    if filters.updated_since is not None:
        since = filters.updated_since
        rows = [r for r in rows if r.updated_at >= since]
    if scores:
        for r in rows:
            r.score = scores[r.id]
        rows.sort(key=lambda r: (-scores[r.id], r.id))
        return rows
    rows.sort(key=lambda r: (fold(r.name or (r.emails[0] if r.emails else "")), r.id))
    return rows


def companies(session: Session) -> list[str]:
    return list(
        session.scalars(
            select(Contact.company)
            .where(Contact.company.is_not(None), live_contact())
            .group_by(Contact.company)
            .order_by(func.count().desc(), Contact.company)
            .limit(200)
        )
    )


def listing(
    session: Session, filters: Filters, now: datetime
) -> tuple[list[ContactRow], list[str]]:
    """The /contacts page: the contacts found, and the companies to filter by."""
    return find(session, filters, now), companies(session)


def resolve_contact_ref(session: Session, ref: str) -> int | None:
    """A contact id from what a person typed: an id, or one of its addresses."""
    text = ref.strip().lstrip("#")
    if text.isdigit():
        return int(text)
    if "@" in text:
        return session.scalar(
            select(ContactEmail.contact_id).where(ContactEmail.address == text.lower())
        )
    return None
