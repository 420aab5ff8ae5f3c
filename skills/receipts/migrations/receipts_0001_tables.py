"""receipts: notices and their recipients.

Revision ID: receipts_0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "receipts_0001"
down_revision = None
branch_labels = ("receipts",)
depends_on = "core_0001"

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "receipt_notices",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("chat_id", sa.Integer(), sa.ForeignKey("chats.id"), nullable=False),
        sa.Column("sender_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("ack", sa.Boolean(), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("audience", sa.Integer(), nullable=False),
        sa.Column("acked", sa.Integer(), nullable=False),
        sa.Column("deadline", TS),
        sa.Column("every_seconds", sa.Integer()),
        sa.Column("times_left", sa.Integer(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("nudged_at", TS),
        sa.Column("closed_at", TS),
        sa.Column("closed_by", sa.Integer(), sa.ForeignKey("people.id")),
    )
    op.create_index("ix_receipt_notices_chat", "receipt_notices", ["chat_id", "created_at"])
    op.create_index("ix_receipt_notices_sender", "receipt_notices", ["sender_id", "created_at"])
    op.create_table(
        "receipt_recipients",
        sa.Column("notice_id", sa.Integer(), sa.ForeignKey("receipt_notices.id"), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id"), primary_key=True),
        sa.Column("acked_at", TS),
        sa.Column("reached", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_receipt_recipients_person", "receipt_recipients", ["person_id", "acked_at"])


def downgrade() -> None:
    op.drop_table("receipt_recipients")
    op.drop_table("receipt_notices")
