"""Contact search in the database: a trigram prefilter, then rapidfuzz reranks the candidates.

The prefilter returns at most `CANDIDATES` contacts, so a query costs the same whether the store
holds a thousand contacts or a million:
- SQLite: the FTS5 table `contact_search_fts` (trigram tokenizer). Each query word becomes an
  OR of the trigrams of its spellings (the word, its canonical given names, its skeleton), the
  words are ANDed, and FTS5's bm25 orders the matches, rare trigrams first.
- PostgreSQL: pg_trgm's word similarity (`<%`, GIN indexes), with the same spellings per word,
  ordered by the summed similarity.
A phone query ("415-555-0199", "(415) 555 0199", "+1 415 555 0199", "0199") is a substring
search of the stored digits, kept if it is the number's end; a query with an '@' is a substring
search of addresses. `resolve.namekeys.score` then reranks, so every query word must match some
word of the contact (a typo, a transliteration, a variant of the given name, a prefix).
"""

from __future__ import annotations

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from ingestor.resolve.namekeys import (
    MATCH_THRESHOLD,
    Query,
    QueryWord,
    parse_query,
    phone_matches,
    phone_substring,
    score,
    trunk_dropped,
)
from ingestor.store.searchindex import FTS_TABLE, flush_search_keys

CANDIDATES = 200
PG_WORD_SIMILARITY = 0.3  # pg_trgm's default 0.6 drops a four-letter word with one typo


def search_contact_ids(session: Session, query: str, *, limit: int = 50) -> list[int]:
    """Live contacts matching `query`, best first, at most `limit`."""
    return [cid for cid, _ in search_contacts(session, query, limit=limit)]


def search_contacts(session: Session, query: str, *, limit: int = 50) -> list[tuple[int, float]]:
    """(contact id, score 0-100) of the live contacts matching `query`, best first."""
    flush_search_keys(session)  # the transaction's own writes are searchable too
    parsed = parse_query(query)
    conn = session.connection()
    sqlite = conn.dialect.name == "sqlite"
    hits: dict[int, tuple[float, int]] = {}  # id -> (score, prefilter rank)

    def keep(cid: int, s: float, rank: int) -> None:
        if cid not in hits or hits[cid][0] < s:
            hits[cid] = (s, rank)

    if parsed.digits:
        for digits, s in ((parsed.digits, 100.0), (trunk_dropped(parsed.digits), 95.0)):
            if digits is None or hits:
                continue
            pattern = phone_substring(digits)
            rows = _fts(conn, "phones", [[pattern]]) if sqlite else _like(conn, "phones", pattern)
            for rank, (cid, phones) in enumerate(rows):
                if phone_matches(digits, phones):
                    keep(cid, s, rank)
        if hits:
            return _ranked(hits, limit)
    if parsed.address and len(parsed.address) >= 3:
        rows = (
            _fts(conn, "emails", [[parsed.address]])
            if sqlite
            else _like(conn, "emails", parsed.address)
        )
        for rank, (cid, _emails) in enumerate(rows):
            keep(cid, 100.0, rank)
    if parsed.words:
        rows = (
            _word_candidates_sqlite(conn, parsed) if sqlite else _word_candidates_pg(conn, parsed)
        )
        for rank, (cid, doc) in enumerate(rows):
            s = score(parsed, doc)
            if s >= MATCH_THRESHOLD:
                keep(cid, s, rank)
    return _ranked(hits, limit)


def _ranked(hits: dict[int, tuple[float, int]], limit: int) -> list[tuple[int, float]]:
    ordered = sorted(hits.items(), key=lambda h: (-h[1][0], h[1][1], h[0]))
    return [(cid, s) for cid, (s, _rank) in ordered[:limit]]


# -- SQLite: FTS5 trigram -------------------------------------------------------------------


def trigrams(word: str) -> list[str]:
    """The trigrams of a word as the search document holds it: between spaces."""
    padded = f" {word} "
    return list(dict.fromkeys(padded[i : i + 3] for i in range(len(padded) - 2)))


def _quoted(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


def _fts_expression(groups: list[list[str]]) -> str:
    """AND of ORs of quoted strings: FTS5 matches each as a substring (trigram tokenizer)."""
    return " AND ".join("(" + " OR ".join(_quoted(s) for s in group) + ")" for group in groups)


def _fts(conn: Connection, column: str, groups: list[list[str]]) -> list[tuple[int, str]]:
    sql = text(
        f"SELECT rowid, {column} FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :q ORDER BY rank LIMIT :n"
    )
    expression = f"{column} : ({_fts_expression(groups)})"
    return [(int(r[0]), str(r[1])) for r in conn.execute(sql, {"q": expression, "n": CANDIDATES})]


def _word_groups(words: tuple[QueryWord, ...]) -> list[list[str]]:
    return [list(dict.fromkeys(t for alt in w.alternatives for t in trigrams(alt))) for w in words]


def _word_candidates_sqlite(conn: Connection, query: Query) -> list[tuple[int, str]]:
    return _fts(conn, "doc", _word_groups(query.words))


# -- PostgreSQL: pg_trgm --------------------------------------------------------------------


def _escape_like(s: str) -> str:
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like(conn: Connection, column: str, needle: str) -> list[tuple[int, str]]:
    sql = text(
        f"SELECT contact_id, {column} FROM contact_search WHERE {column} LIKE :p "
        "ORDER BY contact_id LIMIT :n"
    )
    return [
        (int(r[0]), str(r[1]))
        for r in conn.execute(sql, {"p": f"%{_escape_like(needle)}%", "n": CANDIDATES})
    ]


def _word_candidates_pg(conn: Connection, query: Query) -> list[tuple[int, str]]:
    params: dict[str, object] = {"n": CANDIDATES}
    conditions, similarities = [], []
    for i, word in enumerate(query.words):
        alts = []
        for j, alt in enumerate(word.alternatives):
            params[f"w{i}_{j}"] = alt
            alts.append(f":w{i}_{j}")
        conditions.append("(" + " OR ".join(f"{a} <% doc" for a in alts) + ")")
        similarities.append(
            "GREATEST(" + ", ".join(f"word_similarity({a}, doc)" for a in alts) + ")"
        )
    conn.execute(
        text("SELECT set_config('pg_trgm.word_similarity_threshold', :t, true)"),
        {"t": str(PG_WORD_SIMILARITY)},
    )
    sql = text(
        f"SELECT contact_id, doc FROM contact_search WHERE {' AND '.join(conditions)} "
        f"ORDER BY {' + '.join(similarities)} DESC, contact_id LIMIT :n"
    )
    return [(int(r[0]), str(r[1])) for r in conn.execute(sql, params)]
