"""web UI and API: users, sessions, login attempts, API tokens, decisions

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ingestor.store.schema

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        sa.Column("created_at", ingestor.store.schema.TZDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_user")),
        sa.UniqueConstraint("username", name=op.f("uq_web_user_username")),
    )
    op.create_table(
        "web_session",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", ingestor.store.schema.TZDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", ingestor.store.schema.TZDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["web_user.id"],
            name=op.f("fk_web_session_user_id_web_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_session")),
    )
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_web_session_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_web_session_expires_at"), ["expires_at"], unique=False)

    op.create_table(
        "web_login_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.Column("at", ingestor.store.schema.TZDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_login_attempt")),
    )
    with op.batch_alter_table("web_login_attempt", schema=None) as batch_op:
        batch_op.create_index("ix_web_login_attempt_ip_at", ["ip", "at"], unique=False)

    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", ingestor.store.schema.TZDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", ingestor.store.schema.TZDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", ingestor.store.schema.TZDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("name", name=op.f("uq_api_token_name")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    op.create_table(
        "web_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", ingestor.store.schema.TZDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("suggestion_id", sa.Integer(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_decision")),
    )
    with op.batch_alter_table("web_decision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_web_decision_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_web_decision_contact_id"), ["contact_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_web_decision_suggestion_id"), ["suggestion_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("web_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_decision_suggestion_id"))
        batch_op.drop_index(batch_op.f("ix_web_decision_contact_id"))
        batch_op.drop_index(batch_op.f("ix_web_decision_at"))
    op.drop_table("web_decision")
    op.drop_table("api_token")
    with op.batch_alter_table("web_login_attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_web_login_attempt_ip_at")
    op.drop_table("web_login_attempt")
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_session_expires_at"))
        batch_op.drop_index(batch_op.f("ix_web_session_user_id"))
    op.drop_table("web_session")
    op.drop_table("web_user")
