"""undo and local time: contact.status and rejected_at (a rejected contact is hidden, not
deleted), web_decision.batch and undone_at (Undo takes a click's decisions back together),
web_user.time_zone

Only columns are added; no row is changed.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ingestor.store.schema

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=10), server_default="active", nullable=False)
        )
        batch_op.add_column(
            sa.Column("rejected_at", ingestor.store.schema.TZDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("web_decision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("batch", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("undone_at", ingestor.store.schema.TZDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(batch_op.f("ix_web_decision_batch"), ["batch"], unique=False)
    with op.batch_alter_table("web_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("time_zone", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("web_user", schema=None) as batch_op:
        batch_op.drop_column("time_zone")
    with op.batch_alter_table("web_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_decision_batch"))
        batch_op.drop_column("undone_at")
        batch_op.drop_column("batch")
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_column("rejected_at")
        batch_op.drop_column("status")
