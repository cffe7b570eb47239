"""What differs between the backends, or bounds their statements: INSERT with ON CONFLICT (each
dialect has its own `insert` construct) and the size of IN (...) lists."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

T = TypeVar("T")


def upsert_insert(dialect: str, table: Any) -> Any:
    """`insert(table)` of PostgreSQL or SQLite, which both know `on_conflict_do_...`."""
    return pg_insert(table) if dialect == "postgresql" else sqlite_insert(table)


IN_CHUNK = 500  # values per IN (...) list: well under every backend's bound on parameters


def in_chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    """`items` in slices of IN_CHUNK, for `column.in_(...)` queries over many keys."""
    for start in range(0, len(items), IN_CHUNK):
        yield items[start : start + IN_CHUNK]
