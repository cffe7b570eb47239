"""oauth_token: encrypted refresh tokens of OAuth2 sources

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ingestor.store.schema

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "oauth_token",
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("client_id", sa.String(length=500), nullable=False),
        sa.Column("refresh_token_enc", sa.LargeBinary(), nullable=False),
        sa.Column("scopes", sa.Text(), nullable=False),
        sa.Column("created_at", ingestor.store.schema.TZDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", ingestor.store.schema.TZDateTime(timezone=True), nullable=False),
        sa.Column("refreshed_at", ingestor.store.schema.TZDateTime(timezone=True), nullable=True),
        sa.Column(
            "access_expires_at", ingestor.store.schema.TZDateTime(timezone=True), nullable=True
        ),
        sa.PrimaryKeyConstraint("source", name=op.f("pk_oauth_token")),
    )


def downgrade() -> None:
    op.drop_table("oauth_token")
