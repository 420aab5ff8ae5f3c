"""poll: the polls and votes tables.

Revision ID: poll_0001
Revises:
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "poll_0001"
down_revision = None
branch_labels = ("poll",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "poll_polls",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("creator_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(), nullable=False),
        sa.Column("options", sa.String(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "poll_votes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("poll_id", sa.Integer(), sa.ForeignKey("poll_polls.id"), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("choice", sa.Integer(), nullable=False),
        sa.UniqueConstraint("poll_id", "person_id"),
    )
    op.create_index("ix_poll_votes_poll_id", "poll_votes", ["poll_id"])


def downgrade() -> None:
    op.drop_table("poll_votes")
    op.drop_table("poll_polls")
