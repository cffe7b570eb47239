"""contact_search, contact_search_term, contact_search_word: search keys, duplicate terms, words

Search and duplicate detection move from Python over every contact to the database. SQLite
gets two FTS5 tables over `contact_search` (external content, kept in step by triggers): whole
words of the document (unicode61), and substrings of addresses and phone digits (trigram);
PostgreSQL gets pg_trgm and GIN trigram indexes. Existing contacts are keyed
here, and their duplicates proposed, so an upgraded store searches like a new one.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

WORDS_FTS = "contact_search_fts_words"  # whole words of `doc`: unicode61, marks kept
TRIGRAM_FTS = "contact_search_fts_trigram"  # substrings of `emails` and `phones`
COLUMNS = ("doc", "emails", "phones")


def _sqlite_trigger(name: str, event: str, body: list[str]) -> str:
    return (
        f"CREATE TRIGGER {name} AFTER {event} ON contact_search BEGIN\n" + "\n".join(body) + "\nEND"
    )


_ADD = [
    f"  INSERT INTO {WORDS_FTS}(rowid, doc) VALUES (new.contact_id, new.doc);",
    f"  INSERT INTO {TRIGRAM_FTS}(rowid, emails, phones) "
    "VALUES (new.contact_id, new.emails, new.phones);",
]
_REMOVE = [
    f"  INSERT INTO {WORDS_FTS}({WORDS_FTS}, rowid, doc) VALUES ('delete', old.contact_id, old.doc);",
    f"  INSERT INTO {TRIGRAM_FTS}({TRIGRAM_FTS}, rowid, emails, phones) "
    "VALUES ('delete', old.contact_id, old.emails, old.phones);",
]
SQLITE_TRIGGERS = (
    _sqlite_trigger("contact_search_ai", "INSERT", _ADD),
    _sqlite_trigger("contact_search_ad", "DELETE", _REMOVE),
    _sqlite_trigger("contact_search_au", "UPDATE", _REMOVE + _ADD),
)


def upgrade() -> None:
    op.create_table(
        "contact_search",
        sa.Column("contact_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("doc", sa.Text(), nullable=False),
        sa.Column("emails", sa.Text(), nullable=False),
        sa.Column("phones", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
            name=op.f("fk_contact_search_contact_id_contact"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("contact_id", name=op.f("pk_contact_search")),
    )
    op.create_table(
        "contact_search_term",
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("term", sa.String(length=400), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
            name=op.f("fk_contact_search_term_contact_id_contact"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("contact_id", "term", name=op.f("pk_contact_search_term")),
    )
    with op.batch_alter_table("contact_search_term", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_search_term_term"), ["term"], unique=False)
    op.create_table(
        "contact_search_word",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("word", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_search_word")),
        sa.UniqueConstraint("word", name=op.f("uq_contact_search_word_word")),
        sqlite_autoincrement=True,
    )

    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute(
            f"CREATE VIRTUAL TABLE {WORDS_FTS} USING fts5(doc, content='contact_search', "
            "content_rowid='contact_id', tokenize=\"unicode61 tokenchars '=^'\")"
        )
        op.execute(
            f"CREATE VIRTUAL TABLE {TRIGRAM_FTS} USING fts5(emails, phones, "
            "content='contact_search', content_rowid='contact_id', tokenize='trigram')"
        )
        for trigger in SQLITE_TRIGGERS:
            op.execute(trigger)
    elif bind.dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for column in COLUMNS:
            op.execute(
                f"CREATE INDEX ix_contact_search_{column}_trgm ON contact_search "
                f"USING gin ({column} gin_trgm_ops)"
            )
    _backfill(bind)


def _backfill(bind: sa.Connection) -> None:
    from ingestor.store.duplicates import propose_for
    from ingestor.store.schema import utcnow
    from ingestor.store.searchindex import missing_keys, rekey

    # No contact can be rejected yet: contact.status comes with 0013.
    keyed = rekey(bind, missing_keys(bind, rejectable=False), rejectable=False)
    propose_for(bind, keyed, utcnow())


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for trigger in ("contact_search_ai", "contact_search_ad", "contact_search_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute(f"DROP TABLE IF EXISTS {WORDS_FTS}")
        op.execute(f"DROP TABLE IF EXISTS {TRIGRAM_FTS}")
    elif bind.dialect.name == "postgresql":
        for column in COLUMNS:
            op.execute(f"DROP INDEX IF EXISTS ix_contact_search_{column}_trgm")
    with op.batch_alter_table("contact_search_term", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_search_term_term"))
    op.drop_table("contact_search_word")
    op.drop_table("contact_search_term")
    op.drop_table("contact_search")
