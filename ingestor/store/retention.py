"""Retention ([retention] in the config): erasing what is older than the agency may keep it.

Four rules, each off unless configured (quarantine: 30 days):
- interactions that happened before the cutoff are deleted (their ledger rows stay, hashed);
- contacts with no interaction since the cutoff (or none at all, created before it) are
  erased like `forget` erases a person, but not suppressed: if they write again, they are new;
- quarantined raw bytes older than the cutoff are deleted (the ledger rows stay);
- auto-created contacts a recruiter rejected before the cutoff: their snapshot and the mail
  where they were the only outside participant go, and their addresses are suppressed, as a
  rejection is a "never again".

`step` does one batch of one rule in the caller's transaction and says how much it did, so the
daemon commits batch by batch and ingestion waits at most one batch for the store; `due`
counts what would go, for `ingestor retention --dry-run`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from ingestor.store.audit import record
from ingestor.store.forget import (
    Person,
    compact_search_index,
    delete_interactions,
    erase,
    find_person,
)
from ingestor.store.redact import Agency
from ingestor.store.schema import Contact, Interaction, LedgerEntry, QuarantinedItem, Suggestion
from ingestor.store.suppression import hold_for_forget, store_salt, suppress

RULES = ("interactions", "contacts_without_interaction", "quarantine", "rejected")
BATCH = 200
PEOPLE_BATCH = 20


@dataclass(frozen=True)
class Policy:
    """Days to keep per rule (None: for ever), as [retention] says."""

    interactions: int | None = None
    contacts_without_interaction: int | None = None
    quarantine: int | None = 30
    rejected: int | None = None

    def cutoff(self, rule: str, now: datetime) -> datetime | None:
        days = getattr(self, rule)
        return None if days is None else now - timedelta(days=days)


def _old_interactions(cutoff: datetime) -> Any:
    return select(Interaction.id).where(Interaction.occurred_at < cutoff).order_by(Interaction.id)


def _idle_contacts(cutoff: datetime) -> Any:
    return (
        select(Contact.id)
        .where(
            Contact.merged_into.is_(None),
            or_(
                Contact.last_interaction_at < cutoff,
                Contact.last_interaction_at.is_(None) & (Contact.created_at < cutoff),
            ),
        )
        .order_by(Contact.id)
    )


def _old_quarantine(cutoff: datetime) -> Any:
    return (
        select(QuarantinedItem.id)
        .join(LedgerEntry, LedgerEntry.id == QuarantinedItem.ledger_id)
        .where(LedgerEntry.at < cutoff)
        .order_by(QuarantinedItem.id)
    )


def _old_rejections(cutoff: datetime) -> Any:
    return (
        select(Suggestion.id)
        .where(
            Suggestion.kind == "new_contact",
            Suggestion.status == "rejected",
            Suggestion.decided_at < cutoff,
        )
        .order_by(Suggestion.id)
    )


_QUERIES = {
    "interactions": _old_interactions,
    "contacts_without_interaction": _idle_contacts,
    "quarantine": _old_quarantine,
    "rejected": _old_rejections,
}


def due(session: Session, policy: Policy, now: datetime) -> dict[str, int]:
    """How many items each configured rule would erase now."""
    out: dict[str, int] = {}
    for rule in RULES:
        cutoff = policy.cutoff(rule, now)
        if cutoff is not None:
            query = _QUERIES[rule](cutoff).order_by(None).subquery()
            out[rule] = int(session.scalar(select(func.count()).select_from(query)) or 0)
    return out


def step(
    session: Session, policy: Policy, rule: str, agency: Agency, now: datetime, batch: int = BATCH
) -> int:
    """Erase one batch under `rule`; → how many items (0: the rule is done)."""
    cutoff = policy.cutoff(rule, now)
    if cutoff is None:
        return 0
    if rule in ("contacts_without_interaction", "rejected"):
        batch = min(batch, PEOPLE_BATCH)  # each is a whole erasure, with its sweep
    ids = list(session.scalars(_QUERIES[rule](cutoff).limit(batch)))
    if not ids:
        return 0
    counts: dict[str, int] = {}
    if rule == "interactions":
        counts = delete_interactions(session, ids, store_salt(session))
    elif rule == "quarantine":
        session.execute(delete(QuarantinedItem).where(QuarantinedItem.id.in_(ids)))
        counts = {"quarantined items": len(ids)}
    elif rule == "contacts_without_interaction":
        for cid in ids:
            _add(counts, erase(session, find_person(session, str(cid)), agency, now))
    else:
        for sid in ids:
            _add(counts, _erase_rejected(session, sid, agency, now))
    if rule in ("contacts_without_interaction", "rejected"):
        compact_search_index(session)  # once a batch, not once a person
    record(
        session,
        "retention",
        "retention",
        now,
        sum(counts.values()),
        None,
        {rule: len(ids), **counts},
    )
    return len(ids)


def _erase_rejected(
    session: Session, suggestion_id: int, agency: Agency, now: datetime
) -> dict[str, int]:
    hold_for_forget(session)  # its addresses are suppressed: as forget does
    s = session.get(Suggestion, suggestion_id)
    assert s is not None
    hidden = session.get(Contact, s.contact_id) if s.contact_id is not None else None
    if hidden is not None and hidden.status == "rejected":  # kept hidden, for Undo until now
        person = find_person(session, str(hidden.id))
    else:  # rejected before rejections hid contacts: only a snapshot is left
        removed = (s.payload or {}).get("removed") or {}
        names = {removed["name"]} if removed.get("name") else set()
        person = Person(set(), {str(a).lower() for a in removed.get("emails") or []}, names, set())
    addresses = set(person.addresses)
    counts = erase(session, person, agency, now)
    if session.get(Suggestion, suggestion_id) is not None:  # a snapshot naming no address
        session.execute(delete(Suggestion).where(Suggestion.id == suggestion_id))
        counts["suggestions"] = counts.get("suggestions", 0) + 1
    suppress(session, addresses, now.date())
    return counts


def _add(into: dict[str, int], counts: dict[str, int]) -> None:
    for k, v in counts.items():
        into[k] = into.get(k, 0) + v


def run(
    sessions: sessionmaker[Session],
    policy: Policy,
    agency: Agency,
    now: datetime,
    batch: int = BATCH,
    stop: Callable[[], bool] = lambda: False,
) -> dict[str, int]:
    """Apply every rule, one batch per transaction, until nothing is due (or `stop()`)."""
    done: dict[str, int] = {}
    for rule in RULES:
        while not stop():
            with sessions.begin() as session:
                n = step(session, policy, rule, agency, now, batch)
            if not n:
                break
            done[rule] = done.get(rule, 0) + n
    return done
