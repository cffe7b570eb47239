"""Carrying out a plan's follow-ups: tasks (or signals waiting for their contact), the tasks a
later interaction supersedes, suggestions from signals, bounced addresses, do-not-contact.

Idempotent: tasks and waiting signals are keyed by kind and message, so a reply seen in three
mailboxes, or a batch written again after a crash, adds nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ingestor.resolve.followups import DEFAULT_FOLLOWUPS
from ingestor.resolve.plan import ContactRef, SuggestionWrite, TaskWrite, WritePlan
from ingestor.store.dialect import in_chunks, upsert_insert
from ingestor.store.schema import (
    Base,
    Contact,
    ContactEmail,
    Interaction,
    InteractionParticipant,
    PendingSignal,
    Suggestion,
    Task,
    live_contact,
)

SUPERSEDED = "superseded"


def apply_followups(
    session: Session,
    plan: WritePlan,
    contact_id: Callable[[ContactRef], int],
    interaction_id: dict[str, int],
) -> None:
    waiting = [t for t in plan.tasks if t.contact is None]
    _insert_ignore(session, PendingSignal, [_pending_row(t, plan.now) for t in waiting])
    rows = [
        _task_row(t, contact_id(t.contact), interaction_id, plan.now)
        for t in plan.tasks
        if t.contact is not None
    ]
    rows += _take_waiting(
        session, {n.address: contact_id(n.address) for n in plan.new_contacts}, plan.now
    )
    _insert_ignore(session, Task, rows)
    _supersede(
        session, {contact_id(ref): when for ref, when in plan.last_interaction.items()}, plan.now
    )
    for s in plan.suggestions:
        if s.contact is not None:
            _suggest(session, contact_id(s.contact), _suggestion(s, interaction_id), plan.now)
        else:
            key = f"{s.kind}:{s.message_id}:{s.address}"
            payload = {"type": "suggestion", **_suggestion(s, interaction_id)}
            row = dict(dedup_key=key, address=s.address, payload=payload, created_at=plan.now)
            _insert_ignore(session, PendingSignal, [row])
    for bounce in plan.hard_bounces:
        _bounced(session, bounce.address, bounce.at, plan.now)
    for ref in plan.do_not_contact:
        contact = session.get(Contact, contact_id(ref))
        if contact is not None and not contact.do_not_contact:
            contact.do_not_contact = True
            contact.updated_at = plan.now


def _task_row(
    t: TaskWrite, contact: int, interaction_id: dict[str, int], now: datetime
) -> dict[str, Any]:
    interaction = interaction_id.get(t.interaction) if t.interaction else None
    return _row(
        t.dedup_key,
        contact,
        t.kind,
        t.reason,
        t.due,
        t.status,
        t.signal_at,
        now,
        interaction=interaction,
        message_id=t.message_id,
        owner=t.owner,
    )


def _row(
    key: str,
    contact: int,
    kind: str,
    reason: str,
    due: date,
    status: str,
    signal_at: datetime,
    now: datetime,
    interaction: int | None = None,
    message_id: str | None = None,
    owner: str | None = None,
) -> dict[str, Any]:
    """A task table row (every column: the rows go in with one executemany)."""
    return dict(
        dedup_key=key,
        contact_id=contact,
        kind=kind,
        reason=reason,
        due=due,
        status=status,
        interaction_id=interaction,
        message_id=message_id,
        owner=owner,
        signal_at=signal_at,
        snoozed_until=None,
        created_at=now,
        closed_by=None,
        closed_at=None,
    )


def _pending_row(t: TaskWrite, now: datetime) -> dict[str, Any]:
    payload = asdict(t)
    payload.update(due=t.due.isoformat(), signal_at=t.signal_at.isoformat(), contact=None)
    return dict(dedup_key=t.dedup_key, address=t.address, payload=payload, created_at=now)


def _take_waiting(session: Session, new: dict[str, int], now: datetime) -> list[dict[str, Any]]:
    """Tasks for signals that waited for these new contacts (folder order never matters)."""
    if not new:
        return []
    found = list(session.scalars(select(PendingSignal).where(PendingSignal.address.in_(new))))
    rows = []
    for p in found:
        d = p.payload
        if d.get("type") == "bounce":
            _bounced(session, p.address, datetime.fromisoformat(d["at"]), now)
            continue
        if d.get("type") == "suggestion":
            _suggest(session, new[p.address], d, now)
            continue
        due = date.fromisoformat(d["due"])
        stale = due < now.date() - timedelta(days=DEFAULT_FOLLOWUPS.expire_after_days)
        rows.append(
            _row(
                p.dedup_key,
                new[p.address],
                d["kind"],
                d["reason"],
                due,
                "expired" if stale else "open",
                datetime.fromisoformat(d["signal_at"]),
                now,
                message_id=d.get("message_id"),
                owner=d.get("owner"),
            )
        )
    if found:
        session.execute(delete(PendingSignal).where(PendingSignal.id.in_([p.id for p in found])))
    return rows


def _supersede(session: Session, latest: dict[int, datetime], now: datetime) -> None:
    """A later interaction with a contact (either way) closes its open follow-ups and
    check-ins: `latest` is each contact's newest interaction in the batch. One query finds the
    open ones (there are mostly none), one closes those."""
    done: list[int] = []
    for chunk in in_chunks(sorted(latest)):
        rows = session.execute(
            select(Task.id, Task.contact_id, Task.signal_at).where(
                Task.contact_id.in_(chunk),
                Task.kind.in_(("follow_up", "check_in")),
                Task.status.in_(("open", "snoozed")),
            )
        )
        done += [id_ for id_, contact, at in rows if at < latest[contact]]
    for chunk in in_chunks(done):
        session.execute(
            update(Task)
            .where(Task.id.in_(chunk))
            .values(status="done", closed_by=SUPERSEDED, closed_at=now)
        )


def _suggestion(s: SuggestionWrite, interaction_id: dict[str, int]) -> dict[str, Any]:
    """A suggestion as plain JSON: what the row gets, or what waits for its contact."""
    return {
        "kind": s.kind,
        "field": s.field,
        "old": s.old,
        "new": s.new,
        "payload": dict(s.payload),
        "evidence": {
            "interaction_id": interaction_id.get(s.interaction) if s.interaction else None,
            "subject": s.subject,
            "snippet": s.payload.get("evidence"),
            "occurred_at": s.occurred_at.isoformat(),
            "message_id": s.message_id,
        },
    }


def _suggest(session: Session, contact: int, s: dict[str, Any], now: datetime) -> None:
    message_id = s["evidence"]["message_id"]
    old = s["old"]
    if s["kind"] == "job_change" and s["field"] == "company":
        row = session.get(Contact, contact)
        old = row.company if row is not None else None  # what leaving the company clears
    for pending in session.scalars(
        select(Suggestion).where(
            Suggestion.contact_id == contact,
            Suggestion.kind == s["kind"],
            Suggestion.status == "pending",
        )
    ):
        if any(e.get("message_id") == message_id for e in pending.evidence or []):
            return  # the same message, seen in another mailbox
    session.add(
        Suggestion(
            contact_id=contact,
            kind=s["kind"],
            field=s["field"],
            old_value=old,
            new_value=s["new"],
            payload=s["payload"],
            evidence=[s["evidence"]],
            created_at=now,
        )
    )


def _bounced(session: Session, address: str, at: datetime, now: datetime) -> None:
    row = session.scalar(select(ContactEmail).where(ContactEmail.address == address))
    day = at.date().isoformat()
    if row is None:
        # Bounces never create contacts; this one waits for the address to become one (the
        # report may be read before the outreach it answers).
        waiting = {"type": "bounce", "at": at.isoformat()}
        key = f"bounce:{address}:{day}"
        _insert_ignore(
            session,
            PendingSignal,
            [dict(dedup_key=key, address=address, payload=waiting, created_at=now)],
        )
        return
    row.status = "bounced"
    if row.bounced_at is None or row.bounced_at < at:
        row.bounced_at = at
    if day not in (row.bounce_days or []):
        row.bounce_days = sorted([*(row.bounce_days or []), day])


def _insert_ignore(session: Session, model: type[Base], rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    ins = upsert_insert(session.get_bind().dialect.name, model)
    session.execute(ins.on_conflict_do_nothing(index_elements=["dedup_key"]), rows)


def set_check_ins(session: Session, now: datetime, after_days: int) -> int:
    """Losing touch: a check-in task for each contact in a conversation (mail both ways) with
    no interaction for `after_days`, unless one is open or they asked not to be contacted.
    One per silence: keyed by the date of the last interaction. → how many were set."""
    if after_days <= 0:
        return 0
    cutoff = now - timedelta(days=after_days)
    both_ways = [
        select(InteractionParticipant.contact_id)
        .join(Interaction, Interaction.id == InteractionParticipant.interaction_id)
        .where(Interaction.direction == way)
        for way in ("inbound", "outbound")
    ]
    busy = select(Task.contact_id).where(
        Task.kind.in_(("follow_up", "check_in", "call_back")), Task.status.in_(("open", "snoozed"))
    )
    quiet = session.execute(
        select(Contact.id, Contact.last_interaction_at).where(
            live_contact(),
            Contact.do_not_contact.is_(False),
            Contact.last_interaction_at < cutoff,
            Contact.id.in_(both_ways[0]),
            Contact.id.in_(both_ways[1]),
            Contact.id.not_in(busy),
        )
    ).all()
    rows = []
    for contact, last in quiet:
        assert last is not None  # the query asked for it to be older than the cutoff
        due = (last + timedelta(days=after_days)).date()
        key = f"check_in:{contact}:{last.date().isoformat()}"
        reason = f"no contact since {last.date().isoformat()}"
        rows.append(_row(key, contact, "check_in", reason, due, "open", last, now))
    _insert_ignore(session, Task, rows)
    return len(rows)
