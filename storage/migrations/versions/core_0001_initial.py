"""Core tables: people, accounts, chats, processed events, audit log, outbox, timers.

Revision ID: core_0001
Revises:
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "core_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("core",)
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("handle", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("timezone", sa.String(64)),
        sa.Column("language", sa.String(8)),
        sa.Column("roles", sa.String(500), nullable=False, server_default=""),
        sa.Column("team", sa.String(100)),
        sa.Column("manager_id", sa.Integer(), sa.ForeignKey("people.id")),
        sa.Column("declared", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_people_handle", "people", ["handle"], unique=True)
    op.create_table(
        "platform_accounts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("account_id", sa.String(128), nullable=False),
        sa.Column("username", sa.String(128)),
        sa.Column("dm_chat_id", sa.String(128)),
        sa.Column("dm_closed", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.UniqueConstraint("platform", "account_id"),
    )
    op.create_index("ix_platform_accounts_person_id", "platform_accounts", ["person_id"])
    op.create_index("ix_platform_accounts_username", "platform_accounts", ["username"])
    op.create_table(
        "chats",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("chat_id", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.UniqueConstraint("platform", "chat_id"),
    )
    op.create_table(
        "processed_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("event_id", sa.String(200), nullable=False),
        sa.Column("processed_at", TS, nullable=False),
        sa.UniqueConstraint("platform", "event_id"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", TS, nullable=False),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id")),
        sa.Column("chat_id", sa.Integer(), sa.ForeignKey("chats.id")),
        sa.Column("skill", sa.String(64), nullable=False),
        sa.Column("action", sa.String(200), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("idempotency_key", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("due_at", TS, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("skill", sa.String(64), nullable=False),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id")),
        sa.Column("chat_id", sa.Integer(), sa.ForeignKey("chats.id")),
        sa.Column("platform", sa.String(32)),
        sa.Column("sender_id", sa.Integer(), sa.ForeignKey("people.id")),
        sa.Column("origin_chat_id", sa.Integer(), sa.ForeignKey("chats.id")),
        sa.Column("detour", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("held", sa.Boolean(), nullable=False),
        sa.Column("card", sa.String(200)),
        sa.Column("silent", sa.Boolean(), nullable=False),
        sa.Column("lease_until", TS),
        sa.Column("claimed_by", sa.String(32)),
        sa.Column("group", sa.String(64)),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text()),
        sa.Column("sent_ref", sa.String(200)),
        sa.Column("sent_at", TS),
    )
    op.create_index("ix_outbox_status_due", "outbox", ["status", "due_at"])
    op.create_table(
        "timers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("skill", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("due_at", TS, nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text()),
        sa.UniqueConstraint("skill", "key"),
    )
    op.create_index("ix_timers_status_due", "timers", ["status", "due_at"])
    op.create_table(
        "cards",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("skill", sa.String(64), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("chat_id", sa.String(128)),
        sa.Column("account_id", sa.String(128)),
        sa.Column("message_ref", sa.String(200), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_cards_skill_key", "cards", ["skill", "key"])
    op.create_table(
        "chat_members",
        sa.Column("chat_id", sa.Integer(), sa.ForeignKey("chats.id"), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id"), primary_key=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_table(
        "button_data",
        sa.Column("key", sa.String(32), primary_key=True),
        sa.Column("action", sa.String(200), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "button_data",
        "chat_members",
        "cards",
        "timers",
        "outbox",
        "audit_log",
        "processed_events",
        "chats",
        "platform_accounts",
    ):
        op.drop_table(table)
    op.drop_table("people")
