"""follow-ups: task, pending_signal; do_not_contact, bounces, calls

Revision ID: 0008
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ingestor.store.schema

revision = "0008"
down_revision = "0006"
branch_labels = None
depends_on = None

TZ = ingestor.store.schema.TZDateTime


def upgrade() -> None:
    with op.batch_alter_table("contact") as t:
        t.add_column(
            sa.Column("do_not_contact", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("contact_email") as t:
        t.add_column(
            sa.Column("status", sa.String(length=10), nullable=False, server_default="active")
        )
        t.add_column(sa.Column("bounced_at", TZ(timezone=True), nullable=True))
        t.add_column(sa.Column("bounce_days", sa.JSON(), nullable=False, server_default="[]"))
    with op.batch_alter_table("interaction") as t:
        t.add_column(sa.Column("phone", sa.String(length=32), nullable=True))
        t.add_column(sa.Column("call_status", sa.String(length=10), nullable=True))
        t.add_column(sa.Column("duration_s", sa.Integer(), nullable=True))
    op.create_table(
        "task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dedup_key", sa.String(length=1100), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("interaction_id", sa.Integer(), nullable=True),
        sa.Column("message_id", sa.String(length=1000), nullable=True),
        sa.Column("owner", sa.String(length=320), nullable=True),
        sa.Column("signal_at", TZ(timezone=True), nullable=False),
        sa.Column("snoozed_until", sa.Date(), nullable=True),
        sa.Column("created_at", TZ(timezone=True), nullable=False),
        sa.Column("closed_by", sa.String(length=200), nullable=True),
        sa.Column("closed_at", TZ(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
            name=op.f("fk_task_contact_id_contact"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["interaction.id"],
            name=op.f("fk_task_interaction_id_interaction"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task")),
        sa.UniqueConstraint("dedup_key", name=op.f("uq_task_dedup_key")),
    )
    op.create_index(op.f("ix_task_contact_id"), "task", ["contact_id"])
    op.create_index(op.f("ix_task_due"), "task", ["due"])
    op.create_index(op.f("ix_task_status"), "task", ["status"])
    op.create_table(
        "pending_signal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dedup_key", sa.String(length=1100), nullable=False),
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", TZ(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_signal")),
        sa.UniqueConstraint("dedup_key", name=op.f("uq_pending_signal_dedup_key")),
    )
    op.create_index(op.f("ix_pending_signal_address"), "pending_signal", ["address"])


def downgrade() -> None:
    op.drop_table("pending_signal")
    op.drop_table("task")
    with op.batch_alter_table("interaction") as t:
        t.drop_column("duration_s")
        t.drop_column("call_status")
        t.drop_column("phone")
    with op.batch_alter_table("contact_email") as t:
        t.drop_column("bounce_days")
        t.drop_column("bounced_at")
        t.drop_column("status")
    with op.batch_alter_table("contact") as t:
        t.drop_column("do_not_contact")
