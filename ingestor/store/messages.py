"""One interaction in full for the message page and GET /api/interactions/<id>: its headers,
its own words (interaction_body), and the thread around it.

The thread is every email sharing its thread root (the first References entry, else
In-Reply-To, else its own Message-ID: `thread_id`), plus, for mail without those headers,
emails with the same contacts whose subject is the same once "Re:"/"AW:"/"Fwd:" are off.
A meeting's text is its description without the conference boilerplate (the join link apart).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ingestor.extractors.conference_text import strip_conference
from ingestor.extractors.threads import thread_subject
from ingestor.store.queries import interaction_dicts
from ingestor.store.schema import (
    Interaction,
    InteractionBody,
    InteractionParticipant,
    InteractionSource,
)

MAX_THREAD = 50  # messages shown around the one opened
MAX_CANDIDATES = 500  # emails of the same contacts looked at for a subject match
MAX_THREAD_CONTACTS = 20  # a mass mailing's recipients do not all make a thread


@dataclass(frozen=True)
class Person:
    address: str
    name: str | None
    contact_id: int | None
    role: str


@dataclass(frozen=True)
class ThreadItem:
    id: int
    kind: str
    occurred_at: datetime
    subject: str | None
    sender: str | None
    snippet: str | None
    direction: str | None


@dataclass
class MessageView:
    id: int
    kind: str
    occurred_at: datetime
    ends_at: datetime | None
    subject: str | None
    status: str | None
    direction: str | None
    location: str | None
    message_id: str | None
    join_url: str | None  # a meeting's conference link
    snippet: str | None
    text: str | None  # the body, or a meeting's description without boilerplate
    truncated: bool
    people: list[Person] = field(default_factory=list)
    mailboxes: list[str] = field(default_factory=list)
    thread: list[ThreadItem] = field(default_factory=list)


def message_view(session: Session, interaction_id: int) -> MessageView | None:
    i = session.get(Interaction, interaction_id)
    if i is None:
        return None
    body = session.get(InteractionBody, interaction_id)
    people = [
        Person(p.address, p.name, p.contact_id, p.role)
        for p in session.scalars(
            select(InteractionParticipant)
            .where(InteractionParticipant.interaction_id == interaction_id)
            .order_by(InteractionParticipant.id)
        )
    ]
    mailboxes = sorted(
        set(
            session.scalars(
                select(InteractionSource.source).where(
                    InteractionSource.interaction_id == interaction_id
                )
            )
        )
    )
    text, join, snippet = (body.text if body else None), i.conference_url, i.snippet
    if i.ical_uid is not None:  # from a calendar: its description, without the boilerplate
        stripped = strip_conference(body.text if body else i.snippet)
        text, join, snippet = stripped.text or None, join or stripped.join_url, None
    view = MessageView(
        i.id,
        i.kind,
        i.occurred_at,
        i.ends_at,
        i.subject,
        i.status,
        i.direction,
        i.location,
        i.message_id,
        join if join and join.lower().startswith(("https://", "http://")) else None,
        snippet,
        text,
        bool(body and body.truncated),
        people,
        mailboxes,
    )
    if i.ical_uid is None:
        contacts = {p.contact_id for p in people if p.contact_id is not None}
        view.thread = thread_of(session, i, contacts)
    return view


def thread_of(session: Session, i: Interaction, contacts: set[int]) -> list[ThreadItem]:
    """The emails of `i`'s thread, oldest first, `i` among them, at most MAX_THREAD."""
    roots = {x for x in (i.thread_id, i.message_id, i.in_reply_to) if x}
    rows: dict[int, Interaction] = {i.id: i}
    if roots:
        for r in session.scalars(
            select(Interaction).where(
                or_(Interaction.thread_id.in_(roots), Interaction.message_id.in_(roots))
            )
        ):
            rows[r.id] = r
    subject = thread_subject(i.subject)
    if subject and contacts:
        mine = select(InteractionParticipant.interaction_id).where(
            InteractionParticipant.contact_id.in_(sorted(contacts)[:MAX_THREAD_CONTACTS])
        )
        for r in session.scalars(
            select(Interaction)
            .where(Interaction.id.in_(mine), Interaction.ical_uid.is_(None))
            .order_by(Interaction.occurred_at.desc())
            .limit(MAX_CANDIDATES)
        ):
            if thread_subject(r.subject) == subject:
                rows[r.id] = r
    ordered = sorted(rows.values(), key=lambda r: (r.occurred_at, r.id))
    at = next(n for n, r in enumerate(ordered) if r.id == i.id)
    start = max(0, min(at - MAX_THREAD // 2, len(ordered) - MAX_THREAD))
    shown = ordered[start : start + MAX_THREAD]
    senders: dict[int, str] = {}
    for iid, name, address in session.execute(
        select(
            InteractionParticipant.interaction_id,
            InteractionParticipant.name,
            InteractionParticipant.address,
        )
        .where(
            InteractionParticipant.interaction_id.in_([r.id for r in shown]),
            InteractionParticipant.role == "from",
        )
        .order_by(InteractionParticipant.id)
    ):
        senders.setdefault(iid, name or address)
    return [
        ThreadItem(
            r.id, r.kind, r.occurred_at, r.subject, senders.get(r.id), r.snippet, r.direction
        )
        for r in shown
    ]


def interaction_json(session: Session, interaction_id: int) -> dict[str, Any] | None:
    """The API's one interaction: the export's shape, with its body and its thread's ids."""
    i = session.get(Interaction, interaction_id)
    if i is None:
        return None
    body = session.get(InteractionBody, interaction_id)
    out = interaction_dicts(session, [i])[0]
    contacts = {p["contact_id"] for p in out["participants"] if p["contact_id"] is not None}
    thread = thread_of(session, i, contacts) if i.ical_uid is None else []
    return out | {
        "body": body.text if body else None,
        "body_truncated": bool(body and body.truncated),
        "thread": [t.id for t in thread],
    }
