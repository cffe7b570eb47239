"""Keeping every contact's search keys and duplicate terms current, in the writer's transaction.

Contacts are written by the ingest pipeline, the web's decisions, merges and rematches, through
the ORM (flushes) and through Core statements (executemany inserts, bulk updates). Rather than
asking each writer to remember the keys, `install` hooks the sessions the store hands out:

- `after_flush` notes the contacts whose name, title, company, location, liveness, emails or
  phones a flush changed;
- `do_orm_execute` notes the contacts a Core/bulk INSERT, UPDATE or DELETE on `contact`,
  `contact_email` or `contact_phone` touches (an UPDATE or DELETE is preceded by a SELECT of
  the rows its WHERE matches; their contact ids after the statement are read at re-key time);
- `before_commit` re-keys the noted contacts and proposes their duplicates (store.duplicates),
  so keys, suggestions and the rows they describe commit together or not at all.

`search_contact_ids` re-keys first too, so a search sees the transaction's own writes. Raw SQL
text is not seen; `sweep` (or `refresh_duplicates`) catches contacts left without
keys. A contact's key rows are rewritten only when its keys changed, and on SQLite triggers keep
the FTS5 tables in step with `contact_search` (migration 0005).
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Iterator, MutableMapping, Sequence
from datetime import datetime
from itertools import chain
from typing import Any, cast

from sqlalchemy import Connection, Table, delete, event, insert, inspect, select, text
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker
from sqlalchemy.sql.elements import ColumnElement

from ingestor.resolve.namekeys import ContactKeys, contact_keys
from ingestor.store.dialect import in_chunks, upsert_insert
from ingestor.store.duplicates import propose_for, propose_shared
from ingestor.store.schema import (
    Contact,
    ContactEmail,
    ContactPhone,
    ContactSearch,
    ContactSearchTerm,
    ContactSearchWord,
    live_contact,
    utcnow,
)

log = logging.getLogger(__name__)

_CONTACTS = "searchindex.contacts"  # contact ids to re-key
_ROWS = "searchindex.rows"  # (table, row id) of emails/phones whose contact may have changed
_SWEEP = "searchindex.sweep"  # contacts were inserted without ids we could see
_FRESH = "searchindex.fresh"  # contacts inserted by this transaction's flushes: no keys yet
_ORPHANS = "searchindex.orphans"  # words of deleted contacts' documents: prune if unheld
_INSTALLED = "_ingestor_search_keys"  # set on a hooked sessionmaker's Session class
_KEY_FIELDS = ("name", "title", "company", "location", "merged_into", "status")
_CHILD_TABLES: dict[str, type[ContactEmail] | type[ContactPhone]] = {
    "contact_email": ContactEmail,
    "contact_phone": ContactPhone,
}
FTS_PREFIX = "contact_search_fts"  # SQLite's FTS5 tables and their shadow tables
WORDS_FTS = f"{FTS_PREFIX}_words"  # whole words of `doc` (unicode61)
TRIGRAM_FTS = f"{FTS_PREFIX}_trigram"  # substrings of `emails` and `phones` (trigram)
TRGM_INDEXES = tuple(f"ix_contact_search_{c}_trgm" for c in ("doc", "emails", "phones"))


def install(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    """Keep search keys current in every session `sessions` makes (idempotent); returns it.

    The mark lives on the sessionmaker's own Session subclass: `event.contains` cannot be
    asked, as SQLAlchemy's registry keys class-level listeners by id() and keeps them after
    the class is collected, so a new sessionmaker whose class reuses that id would look
    hooked and get no hooks at all.
    """
    session_class: Any = sessions.class_
    if session_class.__dict__.get(_INSTALLED):
        return sessions
    for name, fn in (
        ("before_flush", _before_flush),
        ("after_flush", _after_flush),
        ("do_orm_execute", _on_execute),
        ("before_commit", _before_commit),
        ("after_transaction_end", _after_transaction_end),
    ):
        event.listen(sessions, name, fn)
    setattr(session_class, _INSTALLED, True)
    return sessions


def outside_models(name: str | None, type_: str, parent_names: MutableMapping[Any, Any]) -> bool:
    """Alembic `include_name`: False for the search indexes that migration 0005 creates outside
    the models (SQLite's FTS5 tables and their shadow tables, PostgreSQL's GIN trigram indexes),
    so autogenerate does not propose dropping them."""
    if name is None:
        return True
    if type_ == "table" and name.startswith(FTS_PREFIX):
        return False
    return not (type_ == "index" and name in TRGM_INDEXES)


# -- noticing writes ------------------------------------------------------------------------


def _noted(session: Session) -> set[int]:
    ids: set[int] = session.info.setdefault(_CONTACTS, set())
    return ids


def _before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    """A deleted contact's key rows go with it (ON DELETE CASCADE): keep its words first, so
    that the vocabulary forgets those no one else holds."""
    doomed = [obj.id for obj in session.deleted if isinstance(obj, Contact)]
    if doomed:
        _note_orphans(session, session.connection(), doomed)


def _note_orphans(session: Session, conn: Connection, ids: Iterable[int]) -> None:
    orphans: set[str] = session.info.setdefault(_ORPHANS, set())
    for chunk in in_chunks(sorted(ids)):
        for doc in conn.execute(
            select(ContactSearch.doc).where(ContactSearch.contact_id.in_(chunk))
        ).scalars():
            orphans.update(doc.split())


def _after_flush(session: Session, _ctx: Any) -> None:
    ids = _noted(session)
    fresh: set[int] = session.info.setdefault(_FRESH, set())
    fresh.update(obj.id for obj in session.new if isinstance(obj, Contact))
    dirty = session.dirty
    for obj in chain(session.new, dirty, session.deleted):
        if isinstance(obj, Contact):
            if obj in dirty and not _changed(obj, _KEY_FIELDS):
                continue
            ids.add(obj.id)
        elif isinstance(obj, ContactEmail | ContactPhone):
            state: Any = inspect(obj)
            history = state.attrs["contact_id"].history
            ids.update(i for i in (obj.contact_id, *history.deleted) if i is not None)


def _changed(obj: Any, fields: Iterable[str]) -> bool:
    """Whether a flush wrote one of `fields` (the attributes changed since load, still known
    in after_flush): a new last_interaction_at alone re-keys nothing."""
    state: Any = inspect(obj)
    changed = state.committed_state
    return any(f in changed for f in fields)


def _on_execute(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    statement: Any = state.statement
    table = getattr(statement, "table", None)
    name = getattr(table, "name", None)
    if name not in ("contact", *_CHILD_TABLES):
        return
    session = state.session
    params = state.parameters
    param_list = params if isinstance(params, list) else [params or {}]
    if state.is_insert:
        if name == "contact":
            session.info[_SWEEP] = True  # new ids are not known here: find contacts without keys
            return
        found = [p.get("contact_id") for p in param_list if isinstance(p, dict)]
        if not found or None in found:
            found = [statement.compile().params.get("contact_id")]  # insert().values(...)
        if None in found:
            session.info[_SWEEP] = True
            log.warning("a %s insert without visible contact ids: sweeping for keys", name)
            return
        _noted(session).update(int(i) for i in found if i is not None)
        return
    assert table is not None
    where = statement.whereclause
    conn = session.connection()
    if name == "contact":
        query = select(table.c.id)
        query = query if where is None else query.where(where)
        for p in param_list:
            matched = list(conn.execute(query, p).scalars())
            _noted(session).update(matched)
            if state.is_delete:
                _note_orphans(session, conn, matched)
        return
    query = select(table.c.id, table.c.contact_id)
    query = query if where is None else query.where(where)
    rows: set[tuple[str, int]] = session.info.setdefault(_ROWS, set())
    for p in param_list:
        for row_id, contact_id in conn.execute(query, p):
            _noted(session).add(contact_id)
            rows.add((name, row_id))


def _before_commit(session: Session) -> None:
    flush_search_keys(session)


def _after_transaction_end(session: Session, transaction: Any) -> None:
    if transaction.parent is None:  # committed (already applied) or rolled back: forget
        for key in (_CONTACTS, _ROWS, _SWEEP, _FRESH, _ORPHANS):
            session.info.pop(key, None)


# -- re-keying ------------------------------------------------------------------------------


def flush_search_keys(session: Session) -> int:
    """Flush, then re-key the contacts this transaction changed and propose their duplicates.

    Returns how many duplicate suggestions were added. Called before every commit, and by
    search before it reads the keys.
    """
    session.flush()
    ids: set[int] = session.info.pop(_CONTACTS, set())
    rows: set[tuple[str, int]] = session.info.pop(_ROWS, set())
    sweep = bool(session.info.pop(_SWEEP, False))
    fresh: set[int] = session.info.pop(_FRESH, set())
    orphans: set[str] = session.info.pop(_ORPHANS, set())
    if not (ids or rows or sweep):
        return 0
    conn = session.connection()
    for table_name, row_ids in _by_table(rows):
        model = _CHILD_TABLES[table_name]
        for chunk in in_chunks(sorted(row_ids)):
            ids.update(conn.execute(select(model.contact_id).where(model.id.in_(chunk))).scalars())
    if sweep:
        ids.update(missing_keys(conn))
    new_terms = rekey(conn, ids, fresh)
    prune_words(conn, orphans)
    return propose_for(conn, new_terms, utcnow())


def _by_table(rows: set[tuple[str, int]]) -> Iterator[tuple[str, set[int]]]:
    grouped: dict[str, set[int]] = {}
    for table_name, row_id in rows:
        grouped.setdefault(table_name, set()).add(row_id)
    yield from grouped.items()


def _live(rejectable: bool) -> ColumnElement[bool]:
    """Contacts that have keys: not merged, not rejected. `rejectable=False` is for migration
    0005's backfill, which runs before 0013 adds `contact.status` (no contact was rejected)."""
    return live_contact() if rejectable else Contact.merged_into.is_(None)


def missing_keys(conn: Connection, rejectable: bool = True) -> list[int]:
    """Live contacts without a search row (written behind the hooks' back, or before 0005)."""
    return list(
        conn.execute(
            select(Contact.id)
            .outerjoin(ContactSearch, ContactSearch.contact_id == Contact.id)
            .where(_live(rejectable), ContactSearch.contact_id.is_(None))
        ).scalars()
    )


def current_keys(
    conn: Connection, ids: Sequence[int], rejectable: bool = True
) -> dict[int, ContactKeys]:
    """The keys the live contacts among `ids` should have, from their rows as they are now."""
    emails: dict[int, list[str]] = {}
    phones: dict[int, list[str]] = {}
    for cid, address in conn.execute(
        select(ContactEmail.contact_id, ContactEmail.address)
        .where(ContactEmail.contact_id.in_(ids))
        .order_by(ContactEmail.id)
    ):
        emails.setdefault(cid, []).append(address)
    for cid, number in conn.execute(
        select(ContactPhone.contact_id, ContactPhone.number)
        .where(ContactPhone.contact_id.in_(ids))
        .order_by(ContactPhone.id)
    ):
        phones.setdefault(cid, []).append(number)
    return {
        cid: contact_keys(name, title, company, location, emails.get(cid, []), phones.get(cid, []))
        for cid, name, title, company, location in conn.execute(
            select(
                Contact.id, Contact.name, Contact.title, Contact.company, Contact.location
            ).where(Contact.id.in_(ids), _live(rejectable))
        )
    }


def add_words(conn: Connection, words: set[str]) -> None:
    """Add the words the vocabulary lacks (it only grows; concurrent writers may race, hence
    ON CONFLICT DO NOTHING)."""
    if not words:
        return
    ordered = sorted(words)
    known: set[str] = set()
    for chunk in in_chunks(ordered):
        known.update(
            conn.execute(
                select(ContactSearchWord.word).where(ContactSearchWord.word.in_(chunk))
            ).scalars()
        )
    new = [{"word": w} for w in ordered if w not in known]
    if not new:
        return
    dialect = conn.dialect.name
    table = cast(Table, ContactSearchWord.__table__)
    if dialect in ("postgresql", "sqlite"):
        ins = upsert_insert(dialect, table).on_conflict_do_nothing(index_elements=["word"])
        conn.execute(ins, new)
    else:
        conn.execute(insert(table), new)


def rekey(
    conn: Connection, ids: Collection[int], fresh: Collection[int] = (), rejectable: bool = True
) -> dict[int, set[str]]:
    """Rewrite the key rows of `ids` that changed; returns each contact's newly gained terms.

    `fresh` are contacts known to have no key rows yet (inserted since the last re-key): their
    old rows are neither read nor deleted, which is most of an ingest batch's work saved.
    """
    gained: dict[int, set[str]] = {}
    removed: set[str] = set()
    for chunk in in_chunks(sorted(ids)):
        want = current_keys(conn, chunk, rejectable)
        known = [cid for cid in chunk if cid not in fresh]
        have = (
            {
                cid: (doc, emails, phones)
                for cid, doc, emails, phones in conn.execute(
                    select(
                        ContactSearch.contact_id,
                        ContactSearch.doc,
                        ContactSearch.emails,
                        ContactSearch.phones,
                    ).where(ContactSearch.contact_id.in_(known))
                )
            }
            if known
            else {}
        )
        have_terms: dict[int, set[str]] = {}
        for cid, term in (
            conn.execute(
                select(ContactSearchTerm.contact_id, ContactSearchTerm.term).where(
                    ContactSearchTerm.contact_id.in_(known)
                )
            )
            if known
            else ()
        ):
            have_terms.setdefault(cid, set()).add(term)
        docs_stale = [
            cid
            for cid in chunk
            if (cid in want) != (cid in have)
            or (cid in want and have[cid] != (want[cid].doc, want[cid].emails, want[cid].phones))
        ]
        terms_stale = [
            cid
            for cid in chunk
            if set(want[cid].terms if cid in want else ()) != have_terms.get(cid, set())
        ]
        if docs_stale:
            if gone := [cid for cid in docs_stale if cid in have]:
                conn.execute(delete(ContactSearch).where(ContactSearch.contact_id.in_(gone)))
                for cid in gone:
                    kept = set(want[cid].doc.split()) if cid in want else set()
                    removed.update(set(have[cid][0].split()) - kept)
            rows = [
                {"contact_id": cid, "doc": k.doc, "emails": k.emails, "phones": k.phones}
                for cid in docs_stale
                if (k := want.get(cid)) is not None
            ]
            if rows:
                conn.execute(insert(ContactSearch), rows)
            add_words(conn, {w for cid in docs_stale if cid in want for w in want[cid].vocabulary})
        if terms_stale:
            if gone := [cid for cid in terms_stale if cid in have_terms]:
                conn.execute(
                    delete(ContactSearchTerm).where(ContactSearchTerm.contact_id.in_(gone))
                )
            term_rows = [
                {"contact_id": cid, "term": t}
                for cid in terms_stale
                if cid in want
                for t in sorted(want[cid].terms)
            ]
            if term_rows:
                conn.execute(insert(ContactSearchTerm), term_rows)
            for cid in terms_stale:
                new = set(want[cid].terms) - have_terms.get(cid, set()) if cid in want else set()
                if new:
                    gained[cid] = new
    prune_words(conn, removed)
    return gained


def prune_words(conn: Connection, candidates: set[str]) -> None:
    """Forget the vocabulary words among `candidates` that no search document holds any more:
    a forgotten person's surname must leave no trace (DESIGN invariant 10)."""
    if not candidates:
        return
    ordered = sorted(candidates)
    present: list[str] = []
    for chunk in in_chunks(ordered):
        present.extend(
            conn.execute(
                select(ContactSearchWord.word).where(ContactSearchWord.word.in_(chunk))
            ).scalars()
        )
    unheld = [w for w in present if not _held(conn, w)]
    for chunk in in_chunks(unheld):
        conn.execute(delete(ContactSearchWord).where(ContactSearchWord.word.in_(chunk)))


def _held(conn: Connection, word: str) -> bool:
    if conn.dialect.name == "sqlite":
        sql = text(f"SELECT rowid FROM {WORDS_FTS} WHERE {WORDS_FTS} MATCH :q LIMIT 1")
        return (
            conn.execute(sql, {"q": 'doc : "' + word.replace('"', '""') + '"'}).first() is not None
        )
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    sql = text("SELECT 1 FROM contact_search WHERE doc LIKE :p LIMIT 1")
    return conn.execute(sql, {"p": f"% {escaped} %"}).first() is not None


def refresh_duplicates(session: Session, now: datetime) -> int:
    """Propose every merge the terms support that is not yet proposed; returns how many.

    Writes keep this current on their own; this full pass is for stores written before the
    keys existed or behind the hooks' back.
    """
    flush_search_keys(session)
    rekey(session.connection(), missing_keys(session.connection()))
    return propose_shared(session, now)
