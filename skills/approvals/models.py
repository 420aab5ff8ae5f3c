"""The approvals tables: a request (its flow, typed fields, state and current step), one row per
approver and step (each decision), the trail of everything that happened, and delegations."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime

PENDING, APPROVED, REJECTED, WITHDRAWN = "pending", "approved", "rejected", "withdrawn"
CLOSED = "closed"  # an approver's part that someone else's decision made moot (或签)
FINISHED = (APPROVED, REJECTED, WITHDRAWN)


class ApprovalRequest(SQLModel, table=True):
    __tablename__ = "approval_requests"
    __table_args__ = (
        sa.Index("ix_approval_requests_requester", "requester_id", "state"),
        sa.Index("ix_approval_requests_created", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    flow: str = Field(max_length=64)
    spec: str = Field(sa_type=sa.Text)  # the flow as it was when filed (JSON): steps stay stable
    requester_id: int = Field(foreign_key="people.id")
    chat_id: int | None = Field(default=None, foreign_key="chats.id")  # where it was filed
    fields: str = Field(sa_type=sa.Text)  # the typed values, as JSON
    state: str = Field(default=PENDING, max_length=16)
    step: int = 0  # the index of the current step in the flow's steps
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_by: int | None = Field(default=None, foreign_key="people.id")


class ApprovalTask(SQLModel, table=True):
    """One approver's part in one step: pending until they (or their delegate) decide."""

    __tablename__ = "approval_tasks"
    __table_args__ = (
        sa.Index("ix_approval_tasks_request", "request_id", "step"),
        sa.Index("ix_approval_tasks_person", "person_id", "state"),
        sa.Index("ix_approval_tasks_delegate", "delegate_id", "state"),
    )

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="approval_requests.id")
    step: int
    person_id: int = Field(foreign_key="people.id")  # the approver the flow names
    delegate_id: int | None = Field(default=None, foreign_key="people.id")  # also decides
    state: str = Field(default=PENDING, max_length=16)  # pending approved rejected closed
    acted_by: int | None = Field(default=None, foreign_key="people.id")  # who pressed
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    comment: str = Field(default="", sa_type=sa.Text)
    reminders: int = 0
    escalated: bool = False


class ApprovalEvent(SQLModel, table=True):
    """One line of a request's trail: who did what, when, with what comment."""

    __tablename__ = "approval_events"

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="approval_requests.id", index=True)
    at: datetime = Field(sa_type=UTCDateTime)
    person_id: int | None = Field(default=None, foreign_key="people.id")  # None: the bot
    on_behalf_of: int | None = Field(default=None, foreign_key="people.id")
    action: str = Field(max_length=16)  # filed approved rejected withdrawn skipped escalated
    step: int | None = None
    detail: str = Field(default="", sa_type=sa.Text)


class ApprovalDelegation(SQLModel, table=True):
    """While it lasts, requests for ``person_id`` also go to ``delegate_id``."""

    __tablename__ = "approval_delegations"

    person_id: int = Field(foreign_key="people.id", primary_key=True)
    delegate_id: int = Field(foreign_key="people.id")
    ends_at: datetime = Field(sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime)
