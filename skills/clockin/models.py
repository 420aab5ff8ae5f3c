"""The clockin tables: clock events, each person's day (stored so reports are fast), approved
leave, and the reminders and summaries already sent."""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime

IN, OUT = "in", "out"
OFFICE, FIELD, REMOTE = "office", "field", "remote"

# a day's status, one per person and day
PRESENT, LATE, EARLY, ABSENT = "present", "late", "early", "absent"
LEAVE, HOLIDAY, OFF = "leave", "holiday", "off"
OPEN, MISSING_OUT = "open", "missing_out"  # in and not out: still at work / never clocked out
STATUSES = (PRESENT, LATE, EARLY, MISSING_OUT, ABSENT, LEAVE, HOLIDAY, OFF, OPEN)


class ClockEvent(SQLModel, table=True):
    """One clock-in or clock-out, filed under the work day (shift) it belongs to."""

    __tablename__ = "clockin_events"
    __table_args__ = (
        sa.Index("ix_clockin_events_person_day", "person_id", "work_day"),
        sa.Index("ix_clockin_events_day", "work_day"),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="people.id")
    kind: str = Field(max_length=3)  # in | out
    at: datetime = Field(sa_type=UTCDateTime)
    work_day: date
    mode: str = Field(default=OFFICE, max_length=8)  # office | field | remote
    place: str = Field(default="", max_length=200)  # a geofence's name or where, in the field
    latitude: float | None = None
    longitude: float | None = None
    note: str = Field(default="", max_length=500)
    source: str = Field(default="command", max_length=16)  # command | location | button | approval
    request_id: int | None = None  # the approved make-up request (补卡)
    approved_by: int | None = Field(default=None, foreign_key="people.id")
    created_at: datetime = Field(sa_type=UTCDateTime)


class Punch(NamedTuple):
    """A :class:`ClockEvent` as a day is judged from it (what, when, how, where): its columns,
    without the ORM. Clocking in reads the day's punches and writes one; no object is made."""

    kind: str
    at: datetime
    mode: str
    place: str


PUNCH_COLUMNS = tuple(getattr(ClockEvent, name) for name in Punch._fields)  # select(*PUNCH_COLUMNS)


class AttendanceDay(SQLModel, table=True):
    """A person's day as computed from events, schedule, calendar and leave."""

    __tablename__ = "clockin_days"
    __table_args__ = (sa.Index("ix_clockin_days_day", "day"),)

    person_id: int = Field(foreign_key="people.id", primary_key=True)
    day: date = Field(primary_key=True)
    status: str = Field(max_length=12)
    scheduled: bool = False  # a workday of their schedule
    first_in: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_out: datetime | None = Field(default=None, sa_type=UTCDateTime)
    late_minutes: int = 0
    early_minutes: int = 0
    worked_minutes: int = 0
    mode: str = Field(default="", max_length=8)  # of the first clock-in
    place: str = Field(default="", max_length=200)
    leave_type: str = Field(default="", max_length=32)
    final: bool = False  # nothing but a new event or leave changes it any more


class Day(NamedTuple):
    """An :class:`AttendanceDay` as it is computed and as reports read it: its columns, in
    order, without the ORM. A team's month is thousands of rows; as ORM objects, loading them
    was most of its time."""

    person_id: int
    day: date
    status: str
    scheduled: bool
    first_in: datetime | None
    last_out: datetime | None
    late_minutes: int
    early_minutes: int
    worked_minutes: int
    mode: str
    place: str
    leave_type: str
    final: bool


if Day._fields != tuple(AttendanceDay.model_fields):  # a column added to one and not the other
    raise TypeError(f"Day{Day._fields} must list the columns of AttendanceDay in their order")
DAY_COLUMNS = tuple(getattr(AttendanceDay, name) for name in Day._fields)  # select(*DAY_COLUMNS)


class Leave(SQLModel, table=True):
    """Approved leave: its days are ``leave`` in attendance."""

    __tablename__ = "clockin_leave"
    __table_args__ = (sa.Index("ix_clockin_leave_person", "person_id", "start", "end"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="people.id")
    start: date
    end: date  # inclusive
    type: str = Field(default="", max_length=32)
    request_id: int | None = Field(default=None, index=True)
    approved_by: int | None = Field(default=None, foreign_key="people.id")
    created_at: datetime = Field(sa_type=UTCDateTime)


class SentNotice(SQLModel, table=True):
    """A reminder or summary already sent (``in:2026-11-23:5``), so it goes out once."""

    __tablename__ = "clockin_sent"

    key: str = Field(primary_key=True, max_length=80)
    sent_at: datetime = Field(sa_type=UTCDateTime)
