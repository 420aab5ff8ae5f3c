"""tasks: tasks, assignees, followers, history.

Revision ID: tasks_0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "tasks_0001"
down_revision = None
branch_labels = ("tasks",)
depends_on = "core_0001"

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "tasks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("chat_id", sa.Integer(), sa.ForeignKey("chats.id"), nullable=False),
        sa.Column("creator_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("priority", sa.String(8), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("due_at", TS),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("done_at", TS),
        sa.Column("closed_by", sa.Integer(), sa.ForeignKey("people.id")),
        sa.Column("note", sa.Text()),
    )
    op.create_index("ix_tasks_chat_status_due", "tasks", ["chat_id", "status", "due_at"])
    op.create_index("ix_tasks_chat_created", "tasks", ["chat_id", "created_at"])
    op.create_index("ix_tasks_creator", "tasks", ["creator_id", "status"])
    op.create_table(
        "task_assignees",
        sa.Column("task_id", sa.Integer(), sa.ForeignKey("tasks.id"), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id"), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("done_at", TS),
        sa.Column("nudged_at", TS),
    )
    op.create_index("ix_task_assignees_person", "task_assignees", ["person_id", "status"])
    op.create_table(
        "task_followers",
        sa.Column("task_id", sa.Integer(), sa.ForeignKey("tasks.id"), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id"), primary_key=True),
    )
    op.create_table(
        "task_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("task_id", sa.Integer(), sa.ForeignKey("tasks.id"), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
    )
    op.create_index("ix_task_events_task_id", "task_events", ["task_id"])


def downgrade() -> None:
    for table in ("task_events", "task_followers", "task_assignees", "tasks"):
        op.drop_table(table)
