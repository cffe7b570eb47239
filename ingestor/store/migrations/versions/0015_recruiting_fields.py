"""recruiting_fields: salary expectation, notice period, languages, documents (issue 18)

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ingestor.store.schema

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contact_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("interaction_id", sa.Integer(), nullable=True),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", ingestor.store.schema.TZDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
            name=op.f("fk_contact_document_contact_id_contact"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["interaction.id"],
            name=op.f("fk_contact_document_interaction_id_interaction"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_document")),
        sa.UniqueConstraint("contact_id", "sha256", name=op.f("uq_contact_document_contact_id")),
    )
    op.create_index(
        op.f("ix_contact_document_contact_id"), "contact_document", ["contact_id"], unique=False
    )
    with op.batch_alter_table("contact") as batch:
        batch.add_column(sa.Column("salary_amount", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("salary_currency", sa.String(length=3), nullable=True))
        batch.add_column(sa.Column("salary_period", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("salary_basis", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("notice_period", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("available_from", sa.Date(), nullable=True))
        batch.add_column(sa.Column("languages", sa.JSON(), nullable=True))
    with op.batch_alter_table("observation") as batch:
        batch.add_column(sa.Column("document_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_observation_document_id_contact_document"),
            "contact_document",
            ["document_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("observation") as batch:
        batch.drop_constraint(
            op.f("fk_observation_document_id_contact_document"), type_="foreignkey"
        )
        batch.drop_column("document_id")
    with op.batch_alter_table("contact") as batch:
        for column in (
            "languages",
            "available_from",
            "notice_period",
            "salary_basis",
            "salary_period",
            "salary_currency",
            "salary_amount",
        ):
            batch.drop_column(column)
    op.drop_index(op.f("ix_contact_document_contact_id"), table_name="contact_document")
    op.drop_table("contact_document")
