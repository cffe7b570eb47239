"""Index interaction_participant.address

Linking earlier mail to a newly created contact, and the web timeline, look participants up by
address; without an index each lookup scanned the whole table.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("interaction_participant", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_interaction_participant_address"), ["address"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("interaction_participant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interaction_participant_address"))
