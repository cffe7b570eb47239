"""Salted hashes of forgotten addresses: the store's salt, and the suppression list.

A forgotten address is kept only as HMAC-SHA256(salt, address), the salt being 32 random bytes
made once per store (table store_secret): the list answers "was this address forgotten?" for
an address in hand, and says nothing about one not in hand. Phone numbers are listed as
"tel:<E.164>", as call participants are addressed.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Iterable
from datetime import date

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ingestor.store.dialect import in_chunks, upsert_insert
from ingestor.store.privacy_schema import StoreSecret, Suppression

SALT = "salt"
FORGET_LOCK = 0x1F_0015  # the advisory lock key of forgetting vs. ingesting (PostgreSQL)
_CACHE = "suppression.salt"


def hold_for_ingest(session: Session) -> None:
    """A batch, before it reads the list: no forget may commit between that read and the
    batch's commit. PostgreSQL: the forget lock, shared; SQLite: the write lock, taken now,
    so the batch also reads the contacts it writes to as they stay until it commits."""
    _hold(session, shared=True)


def hold_for_forget(session: Session) -> None:
    """A forget, before it reads anything: wait for the batches being written and keep new
    ones out until it commits. PostgreSQL: the forget lock, alone; SQLite: the write lock."""
    _hold(session, shared=False)


def _hold(session: Session, shared: bool) -> None:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        fn = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
        session.execute(text(f"SELECT {fn}(:k)"), {"k": FORGET_LOCK})
    elif dialect == "sqlite":
        # A write that changes nothing: the driver begins the transaction, SQLite takes its
        # write lock, and every read after it sees the store as this transaction leaves it.
        session.execute(text("UPDATE store_secret SET name = name WHERE 0 = 1"))


def store_salt(session: Session) -> bytes:
    """The store's salt, made on first use (concurrent first uses agree: ON CONFLICT)."""
    cached = session.info.get(_CACHE)
    if isinstance(cached, bytes):
        return cached
    value = session.scalar(select(StoreSecret.value).where(StoreSecret.name == SALT))
    if value is None:
        ins = upsert_insert(session.get_bind().dialect.name, StoreSecret)
        session.execute(
            ins.values(name=SALT, value=os.urandom(32)).on_conflict_do_nothing(
                index_elements=["name"]
            )
        )
        value = session.scalar(select(StoreSecret.value).where(StoreSecret.name == SALT))
        assert value is not None
    session.info[_CACHE] = value
    return value


def hashed_message_id(session: Session, message_id: str) -> str | None:
    """What a ledger row of forgotten mail holds for `message_id` (None: nothing forgotten)."""
    salt = session.scalar(select(StoreSecret.value).where(StoreSecret.name == SALT))
    return f"hash:{salted_hash(salt, message_id)}" if salt is not None else None


def salted_hash(salt: bytes, value: str) -> str:
    return hmac.new(salt, value.strip().lower().encode("utf-8"), hashlib.sha256).hexdigest()


def person_hash(session: Session, value: str) -> str:
    return salted_hash(store_salt(session), value)


def suppress(session: Session, values: Iterable[str], on: date) -> int:
    """List `values` (addresses, "tel:" numbers) as forgotten; → how many were new."""
    salt = store_salt(session)
    hashes = sorted({salted_hash(salt, v) for v in values if v})
    if not hashes:
        return 0
    have = set(session.scalars(select(Suppression.hash).where(Suppression.hash.in_(hashes))))
    new = [h for h in hashes if h not in have]
    if new:
        ins = upsert_insert(session.get_bind().dialect.name, Suppression)
        session.execute(
            ins.on_conflict_do_nothing(index_elements=["hash"]),
            [{"hash": h, "forgotten_on": on} for h in new],
        )
    return len(new)


def suppressed(session: Session, values: Iterable[str]) -> dict[str, date]:
    """Which of `values` were forgotten, and on what day."""
    wanted = {v for v in values if v}
    if not wanted or session.scalar(select(Suppression.hash).limit(1)) is None:
        return {}
    salt = store_salt(session)
    by_hash: dict[str, list[str]] = {}
    for v in wanted:
        by_hash.setdefault(salted_hash(salt, v), []).append(v)
    hashes = sorted(by_hash)
    out: dict[str, date] = {}
    for chunk in in_chunks(hashes):
        rows = session.execute(
            select(Suppression.hash, Suppression.forgotten_on).where(Suppression.hash.in_(chunk))
        )
        for h, on in rows:
            for v in by_hash[h]:
                out[v] = on
    return out


def reason(on: date) -> str:
    return f"suppressed (forgotten on {on.isoformat()})"
