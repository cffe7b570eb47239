"""Contact search in the database: vocabulary, then an index, then rapidfuzz reranks.

A query costs about the same whether the store holds a thousand contacts or a million:
1. each query word is expanded against the store's vocabulary (`contact_search_word`, read
   once per process and then only its new rows): itself, its given-name forms, the words it
   begins, words within one typo ("smiht" → smith) — see `resolve.namekeys.expansions`;
2. the index finds at most `CANDIDATES` documents holding an expansion of every query word:
   on SQLite the FTS5 table of whole words (unicode61, bm25 orders them: matching whole words
   as phrases of the trigram table measured 3-10 times slower at 100,000 contacts), on
   PostgreSQL the GIN pg_trgm index (`doc LIKE '% word %'`). Exact spellings are asked for
   first, so that common names do not crowd out the exact ones;
3. `resolve.namekeys.score` reranks: every query word must match some word of the contact.
A phone query ("415-555-0199", "(415) 555 0199", "+1 415 555 0199", "0199") is a substring
search of the stored digits (SQLite: the FTS5 trigram table; PostgreSQL: pg_trgm), kept if it
is the number's end; a one-word query that looks like an address ("acme.com", "j.smith@"), or
that no name holds ("gmail"), is looked for as a substring of the addresses.
"""

from __future__ import annotations

import threading
from bisect import insort
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine, select, text
from sqlalchemy.orm import Session

from ingestor.resolve.namekeys import (
    MATCH_THRESHOLD,
    Query,
    expansions,
    parse_query,
    phone_matches,
    phone_substring,
    score,
    trunk_dropped,
)
from ingestor.store.schema import ContactSearchWord
from ingestor.store.searchindex import TRIGRAM_FTS, WORDS_FTS, flush_search_keys

CANDIDATES = 200


def search_contact_ids(session: Session, query: str, *, limit: int = 50) -> list[int]:
    """Live contacts matching `query`, best first, at most `limit`."""
    return [cid for cid, _ in search_contacts(session, query, limit=limit)]


def search_contacts(session: Session, query: str, *, limit: int = 50) -> list[tuple[int, float]]:
    """(contact id, score 0-100) of the live contacts matching `query`, best first."""
    flush_search_keys(session)  # the transaction's own writes are searchable too
    parsed = parse_query(query)
    conn = session.connection()
    hits: dict[int, tuple[float, int]] = {}  # id -> (score, prefilter rank)

    def keep(cid: int, s: float, rank: int) -> None:
        if cid not in hits or hits[cid][0] < s:
            hits[cid] = (s, rank)

    if parsed.digits:
        for digits, s in ((parsed.digits, 100.0), (trunk_dropped(parsed.digits), 95.0)):
            if digits is None or hits:
                continue
            for rank, (cid, phones) in enumerate(
                _substring(conn, "phones", phone_substring(digits))
            ):
                if phone_matches(digits, phones):
                    keep(cid, s, rank)
        if hits:
            return _ranked(hits, limit)
    raw = " ".join(query.split()).lower()
    address_like = " " not in raw and len(raw) >= 3 and not parsed.digits
    if address_like and ("@" in raw or "." in raw):
        for rank, (cid, _emails) in enumerate(_substring(conn, "emails", raw)):
            keep(cid, 100.0, rank)
    if parsed.words:
        for rank, (cid, doc) in enumerate(_word_candidates(conn, parsed)):
            s = score(parsed, doc)
            if s >= MATCH_THRESHOLD:
                keep(cid, s, rank)
    if not hits and address_like:  # a word no name holds ("gmail"): part of an address?
        for rank, (cid, _emails) in enumerate(_substring(conn, "emails", raw)):
            keep(cid, 90.0, rank)
    return _ranked(hits, limit)


def _ranked(hits: dict[int, tuple[float, int]], limit: int) -> list[tuple[int, float]]:
    ordered = sorted(hits.items(), key=lambda h: (-h[1][0], h[1][1], h[0]))
    return [(cid, s) for cid, (s, _rank) in ordered[:limit]]


# -- the vocabulary -------------------------------------------------------------------------


@dataclass
class _Vocabulary:
    words: list[str] = field(default_factory=list)  # sorted
    last_id: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


_VOCABULARIES: WeakKeyDictionary[Engine, _Vocabulary] = WeakKeyDictionary()
_VOCABULARIES_LOCK = threading.Lock()


def vocabulary(conn: Connection) -> list[str]:
    """The store's words, sorted: cached per engine, topped up with the rows added since.

    Ids are never reused (AUTOINCREMENT on SQLite, a sequence on PostgreSQL), and words are
    never removed, so reading `id > last` is enough to stay current.
    """
    with _VOCABULARIES_LOCK:
        vocab = _VOCABULARIES.setdefault(conn.engine, _Vocabulary())
    with vocab.lock:
        rows = conn.execute(
            select(ContactSearchWord.id, ContactSearchWord.word)
            .where(ContactSearchWord.id > vocab.last_id)
            .order_by(ContactSearchWord.id)
        ).all()
        if rows:
            if len(rows) > 1000:
                vocab.words = sorted({*vocab.words, *(w for _, w in rows)})
            else:
                present = set(vocab.words) if len(rows) > 50 else None
                for _, w in rows:
                    if (w not in present) if present is not None else (w not in vocab.words):
                        insort(vocab.words, w)
            vocab.last_id = rows[-1][0]
        return vocab.words


def _word_groups(conn: Connection, query: Query) -> tuple[list[list[str]], list[list[str]]]:
    """Per query word: its exact spellings, and all its expansions (words with none dropped)."""
    words = vocabulary(conn)
    exact, broad = [], []
    for word in query.words:
        found = expansions(word, words)
        if found or any(c in words for c in word.canonicals):
            exact.append(list(word.exact))
            broad.append(list(dict.fromkeys([*word.exact, *found])))
    return exact, broad


def _word_candidates(conn: Connection, query: Query) -> list[tuple[int, str]]:
    exact, broad = _word_groups(conn, query)
    if not broad:
        return []
    rows = _documents(conn, exact, CANDIDATES)
    if len(rows) < CANDIDATES and broad != exact:
        seen = {cid for cid, _ in rows}
        rows += [r for r in _documents(conn, broad, CANDIDATES) if r[0] not in seen]
    return rows[: 2 * CANDIDATES]


def _documents(conn: Connection, groups: list[list[str]], n: int) -> list[tuple[int, str]]:
    """Documents holding, for every group, one of its words (as a whole word)."""
    if conn.dialect.name == "sqlite":
        expression = " AND ".join(
            "(" + " OR ".join(_quoted(w) for w in group) + ")" for group in groups
        )
        sql = text(
            f"SELECT rowid, doc FROM {WORDS_FTS} WHERE {WORDS_FTS} MATCH :q ORDER BY rank LIMIT :n"
        )
        return [
            (int(r[0]), str(r[1]))
            for r in conn.execute(sql, {"q": f"doc : ({expression})", "n": n})
        ]
    params: dict[str, object] = {"n": n}
    conditions = []
    for i, group in enumerate(groups):
        names = []
        for j, w in enumerate(group):
            params[f"w{i}_{j}"] = f"% {_escape_like(w)} %"
            names.append(f"doc LIKE :w{i}_{j}")
        conditions.append("(" + " OR ".join(names) + ")")
    sql = text(
        f"SELECT contact_id, doc FROM contact_search WHERE {' AND '.join(conditions)} LIMIT :n"
    )
    return [(int(r[0]), str(r[1])) for r in conn.execute(sql, params)]


# -- substrings of addresses and phone digits -----------------------------------------------


def _quoted(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


def _escape_like(s: str) -> str:
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _substring(conn: Connection, column: str, needle: str) -> list[tuple[int, str]]:
    """Contacts whose `column` (emails or phones) contains `needle` (three characters or more,
    which the trigram indexes need)."""
    if conn.dialect.name == "sqlite":
        sql = text(
            f"SELECT rowid, {column} FROM {TRIGRAM_FTS} WHERE {TRIGRAM_FTS} MATCH :q "
            "ORDER BY rank LIMIT :n"
        )
        query = f"{column} : {_quoted(needle)}"
    else:
        sql = text(
            f"SELECT contact_id, {column} FROM contact_search WHERE {column} LIKE :q LIMIT :n"
        )
        query = f"%{_escape_like(needle)}%"
    return [(int(r[0]), str(r[1])) for r in conn.execute(sql, {"q": query, "n": CANDIDATES})]
