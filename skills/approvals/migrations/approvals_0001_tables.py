"""approvals: requests, approver tasks, trail, delegations.

Revision ID: approvals_0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "approvals_0001"
down_revision = None
branch_labels = ("approvals",)
depends_on = "core_0001"

TS = sa.DateTime(timezone=True)


def _person(name: str, nullable: bool = False) -> sa.Column[int]:
    return sa.Column(name, sa.Integer(), sa.ForeignKey("people.id"), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "approval_requests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("flow", sa.String(64), nullable=False),
        sa.Column("spec", sa.Text(), nullable=False),
        _person("requester_id"),
        sa.Column("chat_id", sa.Integer(), sa.ForeignKey("chats.id")),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("decided_at", TS),
        _person("decided_by", nullable=True),
    )
    op.create_index(
        "ix_approval_requests_requester", "approval_requests", ["requester_id", "state"]
    )
    op.create_index("ix_approval_requests_created", "approval_requests", ["created_at"])
    op.create_table(
        "approval_tasks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "request_id", sa.Integer(), sa.ForeignKey("approval_requests.id"), nullable=False
        ),
        sa.Column("step", sa.Integer(), nullable=False),
        _person("person_id"),
        _person("delegate_id", nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        _person("acted_by", nullable=True),
        sa.Column("decided_at", TS),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("reminders", sa.Integer(), nullable=False),
        sa.Column("escalated", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_approval_tasks_request", "approval_tasks", ["request_id", "step"])
    op.create_index("ix_approval_tasks_person", "approval_tasks", ["person_id", "state"])
    op.create_index("ix_approval_tasks_delegate", "approval_tasks", ["delegate_id", "state"])
    op.create_table(
        "approval_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "request_id", sa.Integer(), sa.ForeignKey("approval_requests.id"), nullable=False
        ),
        sa.Column("at", TS, nullable=False),
        _person("person_id", nullable=True),
        _person("on_behalf_of", nullable=True),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("step", sa.Integer()),
        sa.Column("detail", sa.Text(), nullable=False),
    )
    op.create_index("ix_approval_events_request_id", "approval_events", ["request_id"])
    op.create_table(
        "approval_delegations",
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id"), primary_key=True),
        _person("delegate_id"),
        sa.Column("ends_at", TS, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "approval_delegations",
        "approval_events",
        "approval_tasks",
        "approval_requests",
    ):
        op.drop_table(table)
