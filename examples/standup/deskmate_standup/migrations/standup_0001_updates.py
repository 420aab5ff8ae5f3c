"""standup: the updates table.

Revision ID: standup_0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "standup_0001"
down_revision = None
branch_labels = ("standup",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "standup_updates",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("chat_id", sa.Integer(), nullable=False, index=True),
        sa.Column("handle", sa.String(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False, index=True),
        sa.Column("text", sa.String(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("standup_updates")
