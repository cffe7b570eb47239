"""source_lease and daemon_instance: sources shared between daemon instances

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ingestor.store.schema

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "source_lease",
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("epoch", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", ingestor.store.schema.TZDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("source", name=op.f("pk_source_lease")),
    )
    op.create_table(
        "daemon_instance",
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("started_at", ingestor.store.schema.TZDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", ingestor.store.schema.TZDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("owner", name=op.f("pk_daemon_instance")),
    )


def downgrade() -> None:
    op.drop_table("daemon_instance")
    op.drop_table("source_lease")
