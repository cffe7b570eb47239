"""store_secret, suppression, audit: forgetting a person, and the audit log (issue #15)

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ingestor.store.schema

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "store_secret",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("value", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", ingestor.store.schema.TZDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_store_secret")),
    )
    op.create_table(
        "suppression",
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("forgotten_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("hash", name=op.f("pk_suppression")),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", ingestor.store.schema.TZDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit")),
    )
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_subject"), ["subject"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_subject"))
        batch_op.drop_index(batch_op.f("ix_audit_at"))
    op.drop_table("audit")
    op.drop_table("suppression")
    op.drop_table("store_secret")
