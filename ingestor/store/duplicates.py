"""Likely duplicates, proposed as `merge` suggestions when a contact is written, not when a page
is viewed.

Two live contacts are likely one person when they share a duplicate term (resolve.namekeys):
- `phone:` the same E.164 number;
- `mailbox:` addresses that deliver to one mailbox (j.smith+cv@gmail.com, jsmith@gmail.com);
- `name:` the same name of two words or more, in any script or word order (Сергей Иванов and
  Ivanov Sergey): the rule the review page applied on every GET until now;
- `person:` the same name with given names read through the variant table (Alexander, Алекс,
  Aleksandr), at the same company.

A suggestion has the shape `web.review.refresh_duplicates` always gave it: kind `merge`,
`contact_id` the lower id of the pair, payload `{"other_contact_id": <higher id>, "reason": …}`,
no evidence. A pair that has any merge suggestion, whatever its status (a rejected one
included), is never proposed again. Like that function, the contacts holding one term are
paired with the lowest id among them, so a group of three makes two suggestions, not three. A
term held by more than `MAX_HOLDERS` contacts (a switchboard number, a very common name) says
nothing about a person and proposes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select
from sqlalchemy.orm import Session

from ingestor.resolve.merge import merge_target
from ingestor.store.dialect import in_chunks
from ingestor.store.schema import ContactSearchTerm, Suggestion

MAX_HOLDERS = 10
REASONS = {  # strongest first: a pair sharing several terms is proposed for the strongest
    "phone": "same phone",
    "mailbox": "same email address",
    "name": "same name",
    "person": "same name and company",
}


def _reason(term: str) -> str:
    return REASONS[term.split(":", 1)[0]]


def _rank(reason: str) -> int:
    return list(REASONS.values()).index(reason)


def pairs_from_holders(
    changed: Mapping[int, Iterable[str]], holders: Mapping[str, list[int]]
) -> dict[tuple[int, int], str]:
    """The pairs to propose (lower id first) with their reason: pure, for testing.

    `changed` is each written contact's newly gained terms; `holders` the ids holding each term.
    """
    out: dict[tuple[int, int], str] = {}
    for cid, terms in changed.items():
        for term in terms:
            ids = sorted(set(holders.get(term, ())) | {cid})
            if len(ids) < 2 or len(ids) > MAX_HOLDERS:
                continue
            first = ids[0]
            others = [i for i in ids[1:]] if cid == first else [cid]
            for other in others:
                pair, reason = (first, other), _reason(term)
                if pair not in out or _rank(reason) < _rank(out[pair]):
                    out[pair] = reason
    return out


def _holders(conn: Connection, terms: set[str]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    ordered = sorted(terms)
    for chunk in in_chunks(ordered):
        for term, cid in conn.execute(
            select(ContactSearchTerm.term, ContactSearchTerm.contact_id).where(
                ContactSearchTerm.term.in_(chunk)
            )
        ):
            found.setdefault(term, []).append(cid)
    return found


def _known_pairs(conn: Connection, ids: set[int]) -> set[frozenset[int]]:
    known: set[frozenset[int]] = set()
    ordered = sorted(ids)
    for chunk in in_chunks(ordered):
        for contact_id, payload, new_value in conn.execute(
            select(Suggestion.contact_id, Suggestion.payload, Suggestion.new_value).where(
                Suggestion.kind == "merge",
                Suggestion.contact_id.in_(chunk),
            )
        ):
            target = merge_target(Suggestion(payload=payload, new_value=new_value))
            if contact_id is not None and target is not None:
                known.add(frozenset((contact_id, target)))
    return known


def _propose(conn: Connection, pairs: dict[tuple[int, int], str], now: datetime) -> int:
    if not pairs:
        return 0
    known = _known_pairs(conn, {i for pair in pairs for i in pair})
    rows: list[dict[str, Any]] = [
        {
            "contact_id": first,
            "kind": "merge",
            "payload": {"other_contact_id": other, "reason": reason},
            "evidence": [],
            "status": "pending",
            "created_at": now,
        }
        for (first, other), reason in sorted(pairs.items())
        if frozenset((first, other)) not in known
    ]
    if rows:
        conn.execute(insert(Suggestion), rows)
    return len(rows)


def propose_for(conn: Connection, gained: Mapping[int, set[str]], now: datetime) -> int:
    """Propose merges for contacts that just gained duplicate terms; returns how many."""
    if not gained:
        return 0
    holders = _holders(conn, set().union(*gained.values()))
    return _propose(conn, pairs_from_holders(gained, holders), now)


def propose_shared(session: Session, now: datetime) -> int:
    """Propose every merge the stored terms support that is not yet proposed; returns how
    many. The keys must be current: `searchindex.refresh_duplicates` brings them up first."""
    conn = session.connection()
    shared = (
        select(ContactSearchTerm.term)
        .group_by(ContactSearchTerm.term)
        .having(func.count() > 1, func.count() <= MAX_HOLDERS)
    )
    holders: dict[str, list[int]] = {}
    for term, cid in conn.execute(
        select(ContactSearchTerm.term, ContactSearchTerm.contact_id).where(
            ContactSearchTerm.term.in_(shared)
        )
    ):
        holders.setdefault(term, []).append(cid)
    pairs: dict[tuple[int, int], str] = {}
    for term, ids in holders.items():
        first, *others = sorted(ids)
        for other in others:
            reason = _reason(term)
            if (first, other) not in pairs or _rank(reason) < _rank(pairs[(first, other)]):
                pairs[(first, other)] = reason
    return _propose(conn, pairs, now)
