"""task_feed_token: the per-user secret of the /tasks.ics calendar feed

Revision ID: 0011
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ingestor.store.schema

revision = "0011"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "task_feed_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("owner", sa.String(length=320), nullable=True),
        sa.Column("created_at", ingestor.store.schema.TZDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["web_user.id"],
            name=op.f("fk_task_feed_token_user_id_web_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_feed_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_task_feed_token_token_hash")),
        sa.UniqueConstraint("user_id", name=op.f("uq_task_feed_token_user_id")),
    )


def downgrade() -> None:
    op.drop_table("task_feed_token")
