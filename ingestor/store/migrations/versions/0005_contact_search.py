"""contact_search, contact_search_term, contact_search_word: search keys, duplicate terms, words

Search and duplicate detection move from Python over every contact to the database. SQLite
gets an FTS5 table with the trigram tokenizer over `contact_search` (external content, kept in
step by triggers); PostgreSQL gets pg_trgm and GIN trigram indexes. Existing contacts are keyed
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

FTS = "contact_search_fts"
COLUMNS = ("doc", "emails", "phones")
SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER contact_search_ai AFTER INSERT ON contact_search BEGIN
  INSERT INTO {FTS}(rowid, doc, emails, phones)
  VALUES (new.contact_id, new.doc, new.emails, new.phones);
END""",
    f"""CREATE TRIGGER contact_search_ad AFTER DELETE ON contact_search BEGIN
  INSERT INTO {FTS}({FTS}, rowid, doc, emails, phones)
  VALUES ('delete', old.contact_id, old.doc, old.emails, old.phones);
END""",
    f"""CREATE TRIGGER contact_search_au AFTER UPDATE ON contact_search BEGIN
  INSERT INTO {FTS}({FTS}, rowid, doc, emails, phones)
  VALUES ('delete', old.contact_id, old.doc, old.emails, old.phones);
  INSERT INTO {FTS}(rowid, doc, emails, phones)
  VALUES (new.contact_id, new.doc, new.emails, new.phones);
END""",
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
            f"CREATE VIRTUAL TABLE {FTS} USING fts5(doc, emails, phones, "
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

    propose_for(bind, rekey(bind, missing_keys(bind)), utcnow())


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for trigger in ("contact_search_ai", "contact_search_ad", "contact_search_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute(f"DROP TABLE IF EXISTS {FTS}")
    elif bind.dialect.name == "postgresql":
        for column in COLUMNS:
            op.execute(f"DROP INDEX IF EXISTS ix_contact_search_{column}_trgm")
    with op.batch_alter_table("contact_search_term", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_search_term_term"))
    op.drop_table("contact_search_word")
    op.drop_table("contact_search_term")
    op.drop_table("contact_search")
