"""The leave tables: the ledger (every grant, use, expiry, adjustment and reversal a row; a
balance is their sum), the requests that hold or spent an amount, and one row per person and type
that a change locks, so two approvals at once cannot both spend the last day.

Amounts are whole hundredths of the type's unit base (a day, or an hour for hour types):
``250`` is 2.5 days."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, Index, SQLModel, UniqueConstraint

from storage.types import UTCDateTime

GRANT, USE, EXPIRE, ADJUST, REVERSAL = "grant", "use", "expire", "adjust", "reversal"
PENDING, APPROVED, CANCELLED, SETTLED = "pending", "approved", "cancelled", "settled"


class LedgerEntry(SQLModel, table=True):
    __tablename__ = "leave_ledger"
    __table_args__ = (Index("ix_leave_ledger_person_type", "person_id", "type"),)
    id: int | None = Field(default=None, primary_key=True)
    person_id: int
    type: str = Field(max_length=32)
    kind: str = Field(max_length=16)  # grant, use, expire, adjust, reversal
    hundredths: int  # signed: credits > 0, debits < 0
    on: date  # the day it counts from (a use: the leave's first day)
    expires_on: date | None = None  # a credit: the first day it no longer counts
    lot_id: int | None = None  # an expiry: the credit it ends
    request_id: int | None = Field(default=None, index=True)
    by_id: int | None = None  # who did it; None: the grant job
    reason: str = Field(default="", max_length=300)
    key: str | None = Field(default=None, max_length=80, unique=True)  # a job's row: once ever
    created_at: datetime = Field(sa_type=UTCDateTime)


class LeaveRequest(SQLModel, table=True):
    """An approval request that spends a balance: pending (held), approved (spent), cancelled."""

    __tablename__ = "leave_requests"
    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(unique=True)
    person_id: int = Field(index=True)
    type: str = Field(max_length=32)
    hundredths: int
    first: date
    last: date
    state: str = Field(default=PENDING, max_length=16)


class Account(SQLModel, table=True):
    """One row per person and type, locked by every change of that balance."""

    __tablename__ = "leave_accounts"
    __table_args__ = (UniqueConstraint("person_id", "type"),)
    id: int | None = Field(default=None, primary_key=True)
    person_id: int
    type: str = Field(max_length=32)


class Overtime(SQLModel, table=True):
    """An overtime request: approved time, then how it was settled (comp time or pay)."""

    __tablename__ = "leave_overtime"
    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(unique=True)
    person_id: int = Field(index=True)
    day: date = Field(index=True)
    kind: str = Field(max_length=16)  # workday, rest_day, holiday
    approved_minutes: int
    start: datetime | None = Field(default=None, sa_type=UTCDateTime)  # the approved window
    end: datetime | None = Field(default=None, sa_type=UTCDateTime)
    state: str = Field(default=PENDING, max_length=16)  # pending, approved, settled, cancelled
    minutes: int = 0  # as measured and rounded, once settled
    settle: str = Field(default="", max_length=8)  # comp or pay
    ratio_x100: int = 100


class OvertimeFlag(SQLModel, table=True):
    """A day someone clocked overtime without an overtime request: told once (the daily job may
    run twice, or on two instances)."""

    __tablename__ = "leave_overtime_flags"
    __table_args__ = (UniqueConstraint("person_id", "day"),)
    id: int | None = Field(default=None, primary_key=True)
    person_id: int
    day: date
    minutes: int  # clocked past the shift (all of it on a day off), rounded down to the unit
    created_at: datetime = Field(sa_type=UTCDateTime)
