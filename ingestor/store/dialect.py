"""INSERT with ON CONFLICT for the two backends: each dialect has its own `insert` construct."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert


def upsert_insert(dialect: str, table: Any) -> Any:
    """`insert(table)` of PostgreSQL or SQLite, which both know `on_conflict_do_...`."""
    return pg_insert(table) if dialect == "postgresql" else sqlite_insert(table)
