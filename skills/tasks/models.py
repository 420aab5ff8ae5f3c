"""The tasks tables: a task in a chat, its assignees (each with their own state), followers, and
the history of every transition."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime

OPEN, IN_PROGRESS, DONE, CANCELLED = "open", "in_progress", "done", "cancelled"
FINISHED = (DONE, CANCELLED)


class Task(SQLModel, table=True):
    __tablename__ = "tasks"
    __table_args__ = (
        sa.Index("ix_tasks_chat_status_due", "chat_id", "status", "due_at"),
        sa.Index("ix_tasks_chat_created", "chat_id", "created_at"),
        sa.Index("ix_tasks_creator", "creator_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(foreign_key="chats.id")
    creator_id: int = Field(foreign_key="people.id")
    title: str = Field(max_length=500)
    priority: str = Field(default="normal", max_length=8)  # normal | high | urgent
    status: str = Field(default=OPEN, max_length=16)
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_by: int | None = Field(default=None, foreign_key="people.id")
    note: str | None = Field(default=None, sa_type=sa.Text)


class TaskAssignee(SQLModel, table=True):
    __tablename__ = "task_assignees"
    __table_args__ = (sa.Index("ix_task_assignees_person", "person_id", "status"),)

    task_id: int = Field(foreign_key="tasks.id", primary_key=True)
    person_id: int = Field(foreign_key="people.id", primary_key=True)
    status: str = Field(default=OPEN, max_length=16)  # open | in_progress | done
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    nudged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class TaskFollower(SQLModel, table=True):
    __tablename__ = "task_followers"

    task_id: int = Field(foreign_key="tasks.id", primary_key=True)
    person_id: int = Field(foreign_key="people.id", primary_key=True)


class TaskEvent(SQLModel, table=True):
    """One line of a task's history: who did what, when."""

    __tablename__ = "task_events"

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="tasks.id", index=True)
    at: datetime = Field(sa_type=UTCDateTime)
    person_id: int = Field(foreign_key="people.id")
    action: str = Field(
        max_length=16
    )  # created started done closed cancelled reopened edited nudged
    detail: str = Field(default="", sa_type=sa.Text)
