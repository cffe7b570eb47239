"""The generic half of forgetting: every stored text that still mentions the person is cut.

After store.forget has deleted what belongs to the person, this pass goes over every table the
models know (tables other helpers add later included), finds the rows whose text, JSON or
bytes columns mention one of the person's needles (a LIKE pre-filter in the database, then
the exact match in Python), and writes them back with the mentions cut. Columns that are
other people's identities (another contact's name, a participant's address) are left alone:
a namesake is not the person. Quarantined raw bytes that mention the person are deleted
whole, as no cut of unparsed bytes can be trusted.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import JSON, LargeBinary, String, Table, Text, cast, delete, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from ingestor.store.redact import Needles
from ingestor.store.schema import Base

# Tables that hold no one's free text, or whose rows are other people's identities.
SKIP_TABLES = frozenset(
    {
        "contact",
        "contact_email",
        "contact_phone",
        "contact_search",
        "contact_search_term",
        "contact_search_word",
        "interaction_participant",
        "oauth_token",
        "store_secret",
        "suppression",
        "audit",
        "web_user",
        "web_session",
        "web_login_attempt",
        "api_token",
        "task_feed_token",
        "source_lease",
        "daemon_instance",
        "source_cursor",
        "source_status",
    }
)
_KEYS = frozenset({"dedup_key", "message_id", "in_reply_to", "thread_id", "ical_uid", "ref"})


def sweep(session: Session, needles: Needles) -> dict[str, int]:
    """Cut the person from every remaining row; → rows changed (or deleted) per table."""
    counts: dict[str, int] = {}
    if not needles:
        return counts
    session.flush()
    for table in Base.metadata.sorted_tables:
        if table.name in SKIP_TABLES:
            continue
        n = _sweep_table(session, table, needles)
        if n:
            counts[table.name] = n
    return counts


def _columns(table: Table) -> tuple[list[Any], list[Any], list[Any]]:
    texts, jsons, blobs = [], [], []
    for c in table.columns:
        if c.primary_key or c.name in _KEYS:
            continue
        if isinstance(c.type, JSON):
            jsons.append(c)
        elif isinstance(c.type, LargeBinary):
            blobs.append(c)
        elif isinstance(c.type, String | Text):
            texts.append(c)
    return texts, jsons, blobs


def _terms(needles: Needles) -> list[str]:
    """LIKE patterns that every mention matches: addresses and names' longest words as they
    are and as JSON escapes them; phones by their last four digits."""
    terms: set[str] = set()
    # A name's longest word: the words may be spaced or wrapped in any way.
    words = {max(n.split(), key=len) for n in needles.names}
    for t in needles.addresses | words:
        terms.add(t)
        terms.add(json.dumps(t)[1:-1])
    for p in needles.phones:
        terms.add(p[-4:])
    return sorted(terms)


def _like(column: Any, terms: list[str]) -> ColumnElement[bool]:
    escaped = [t.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for t in terms]
    return or_(*(cast(column, Text).ilike(f"%{t}%", escape="\\") for t in escaped))


def _sweep_table(session: Session, table: Table, needles: Needles) -> int:
    texts, jsons, blobs = _columns(table)
    pk = list(table.primary_key.columns)
    if not pk or not (texts or jsons or blobs):
        return 0
    changed = 0
    terms = _terms(needles)
    if texts or jsons:
        where = or_(*(_like(c, terms) for c in texts + jsons))
        for row in _rows(session, select(*pk, *texts, *jsons).where(where)):
            values: dict[str, Any] = {}
            for c in texts:
                v = row[c.name]
                if isinstance(v, str) and needles.found_in(v):
                    values[c.name] = needles.cut(v)
            for c in jsons:
                v = row[c.name]
                if needles.mentioned(v):
                    values[c.name] = needles.scrub(v)
            if values:
                session.execute(update(table).where(*_match(pk, row)).values(**values))
                changed += 1
    for c in blobs:
        for row in _rows(session, select(*pk, c)):
            data = row[c.name]
            if not isinstance(data, bytes | memoryview) or not _in_bytes(needles, bytes(data)):
                continue
            if table.name == "quarantine":
                session.execute(delete(table).where(*_match(pk, row)))
            else:
                cleaned = needles.scrub_ics(bytes(data))
                session.execute(update(table).where(*_match(pk, row)).values({c.name: cleaned}))
            changed += 1
    return changed


def _rows(session: Session, query: Any) -> Iterator[dict[str, Any]]:
    for row in session.execute(query).mappings().all():
        yield dict(row)


def _match(pk: list[Any], row: dict[str, Any]) -> list[ColumnElement[bool]]:
    return [c == row[c.name] for c in pk]


def _in_bytes(needles: Needles, data: bytes) -> bool:
    return needles.found_in(data.decode("utf-8", errors="replace")) or needles.found_in(
        data.decode("latin-1")
    )
