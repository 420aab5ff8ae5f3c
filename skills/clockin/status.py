"""A person's day from its clock events, their plan, the calendar and leave: present, late (by how
many minutes), left early, absent, on leave, holiday, off, still at work or never clocked out.
Pure: no database, no clock of its own."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from skills.clockin.models import (
    ABSENT,
    EARLY,
    HOLIDAY,
    IN,
    LATE,
    LEAVE,
    MISSING_OUT,
    OFF,
    OPEN,
    OUT,
    PRESENT,
    Day,
)
from skills.clockin.schedule import Plan, Shift

NOT_IN = "not_in"  # today, a workday, not clocked in yet (never stored as final)


class Clocked(Protocol):
    """What a day is judged from, of each clock event: a :class:`~skills.clockin.models.Punch`
    (columns) or a :class:`~skills.clockin.models.ClockEvent`."""

    @property
    def kind(self) -> str: ...
    @property
    def at(self) -> datetime: ...
    @property
    def mode(self) -> str: ...
    @property
    def place(self) -> str: ...


@dataclass(frozen=True)
class DayInput:
    plan: Plan
    scheduled: bool  # False: someone without a schedule (every day is a day off)
    day: date
    events: Sequence[Clocked]  # of this work day
    leave_type: str | None  # None: not on leave
    now: datetime
    close_after: timedelta


def _minutes(delta: timedelta) -> int:
    return max(0, int(delta.total_seconds() // 60))


def worked(events: Sequence[Clocked]) -> timedelta:
    """Time between each clock-in and the clock-out after it; a later clock-out with no
    clock-in between moves that clock-out (``/out`` again at 18:30 after one at 12:00)."""
    total, since, last_out = timedelta(0), None, None
    for e in sorted(events, key=lambda e: e.at):
        if e.kind == IN and since is None:
            since = e.at
        elif e.kind == OUT and since is not None:
            total += e.at - since
            since, last_out = None, e.at
        elif e.kind == OUT and last_out is not None:
            total += e.at - last_out
            last_out = e.at
    return total


def compute(d: DayInput, person_id: int) -> Day:
    """The day as stored; ``final`` once only a new event or leave could change it."""
    events = sorted(d.events, key=lambda e: e.at)
    ins = [e for e in events if e.kind == IN]
    outs = [e for e in events if e.kind == OUT]
    first_in = ins[0].at if ins else None
    last_out = outs[-1].at if outs else None
    shift = d.plan.shift(d.day)
    kind = d.plan.day_kind(d.day) if d.scheduled else "off"
    end = shift.end if kind == "work" else d.plan.local_day_end(d.day)
    still_in = bool(events) and events[-1].kind == IN
    closed = final = d.now >= end + d.close_after
    late = early = 0
    if d.leave_type is not None and (kind == "work" or not d.scheduled):
        status = LEAVE  # a weekend or a holiday inside a leave is not a leave day
    elif kind != "work":
        status = HOLIDAY if kind == "holiday" else OFF
        if events:
            status = (MISSING_OUT if closed else OPEN) if still_in else PRESENT
    elif not events:
        status = ABSENT if d.now >= shift.end else NOT_IN
        final = d.now >= shift.end
    else:
        status, late, early = _judge(d, shift, first_in, last_out, still_in, closed)
    return Day(
        person_id=person_id,
        day=d.day,
        status=status,
        scheduled=kind == "work",
        first_in=first_in,
        last_out=last_out,
        late_minutes=late,
        early_minutes=early,
        worked_minutes=_minutes(worked(events)),
        mode=ins[0].mode if ins else "",
        place=ins[0].place if ins else "",
        leave_type=d.leave_type or "",
        final=final,
    )


def _judge(
    d: DayInput,
    shift: Shift,
    first_in: datetime | None,
    last_out: datetime | None,
    still_in: bool,
    closed: bool,
) -> tuple[str, int, int]:
    """A workday with clock events: its status (late, early, still in, never clocked out, or
    present), minutes late and minutes left early."""
    late = early = 0
    if first_in is not None and first_in > shift.late_from + d.plan.grace:
        late = _minutes(first_in - shift.late_from)
    if not still_in and last_out is not None:
        early = _minutes(d.plan.required_end(shift, first_in) - last_out)
    if still_in:
        return (MISSING_OUT if closed else OPEN), late, early
    if late:
        return LATE, late, early
    return (EARLY if early else PRESENT), late, early
