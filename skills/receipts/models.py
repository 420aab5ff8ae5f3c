"""The receipts tables: a notice in a chat, and its audience, frozen when it was posted, each
with the time they acknowledged."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime

OPEN, CLOSED = "open", "closed"


class Notice(SQLModel, table=True):
    __tablename__ = "receipt_notices"
    __table_args__ = (
        sa.Index("ix_receipt_notices_chat", "chat_id", "created_at"),
        sa.Index("ix_receipt_notices_sender", "sender_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(foreign_key="chats.id")
    sender_id: int = Field(foreign_key="people.id")
    text: str = Field(sa_type=sa.Text)
    ack: bool = False  # with receipts; else a plain announcement
    urgent: bool = False
    status: str = Field(default=OPEN, max_length=8)
    audience: int = 0  # how many people it went to
    acked: int = 0  # how many acknowledged (kept with each acknowledgement)
    deadline: datetime | None = Field(default=None, sa_type=UTCDateTime)
    every_seconds: int | None = None  # persistent re-notify: how often
    times_left: int = 0  # ... and how many re-pings are left
    created_at: datetime = Field(sa_type=UTCDateTime)
    nudged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_by: int | None = Field(default=None, foreign_key="people.id")


class Recipient(SQLModel, table=True):
    """One person of a notice's audience; the primary key makes a second acknowledgement a no-op."""

    __tablename__ = "receipt_recipients"
    __table_args__ = (sa.Index("ix_receipt_recipients_person", "person_id", "acked_at"),)

    notice_id: int = Field(foreign_key="receipt_notices.id", primary_key=True)
    person_id: int = Field(foreign_key="people.id", primary_key=True)
    acked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reached: bool = False  # got a copy in private (the notice or a reminder): a card to update
