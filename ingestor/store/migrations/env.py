"""Alembic environment: runs migrations on the connection ingestor hands in.

`ingestor.store.database.upgrade` hands in a connection already inside the one transaction
that all migrations and the version stamp share (see `migration_connection`: on SQLite it is
begun with BEGIN IMMEDIATE, with the driver's own transaction control off), so Alembic opens
no transaction of its own here and batch table copies run inside it too. On SQLite, Alembic is
told the DDL is transactional, which on that connection it is.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from ingestor.store import privacy_schema, web_schema  # noqa: F401  (so autogenerate sees all)
from ingestor.store.database import migration_connection
from ingestor.store.schema import Base
from ingestor.store.searchindex import outside_models

config = context.config


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        include_name=outside_models,
        transactional_ddl=True if connection.dialect.name == "sqlite" else None,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is None:
    with migration_connection(config.attributes["engine"]) as connection:
        run(connection)
else:
    run(connection)
