"""calendar_series: the masters of calendar objects, to expand series from the store

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ingestor.store.schema

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calendar_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("folder", sa.String(length=1000), nullable=False),
        sa.Column("object_key", sa.String(length=1000), nullable=False),
        sa.Column("ics", sa.LargeBinary(), nullable=False),
        sa.Column("bounded", sa.Boolean(), nullable=False),
        sa.Column("expanded_from", ingestor.store.schema.TZDateTime(timezone=True), nullable=True),
        sa.Column("expanded_to", ingestor.store.schema.TZDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", ingestor.store.schema.TZDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_series")),
        sa.UniqueConstraint(
            "source", "folder", "object_key", name=op.f("uq_calendar_series_source")
        ),
    )


def downgrade() -> None:
    op.drop_table("calendar_series")
