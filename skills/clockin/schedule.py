"""Schedules as time arithmetic: a person's :class:`Plan` (zone, workdays, calendar, shift), the
shift of a given day as UTC instants (DST-safe, night shifts ending the next morning), and which
work day a clock event belongs to (a clock-in at 21:50 belongs to the shift starting at 22:00)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from bot import OrgConfig, PersonRef
from skills.clockin.config import WEEKDAYS, ClockinConfig, ScheduleConfig

DayKind = Literal["work", "holiday", "off"]
ONE_DAY = timedelta(days=1)


def at(day: date, clock: time, tz: ZoneInfo) -> datetime:
    """A local wall-clock time as a UTC instant (a time skipped by DST moves forward)."""
    return datetime.combine(day, clock, tzinfo=tz).astimezone(UTC)


@dataclass(frozen=True)
class Shift:
    day: date  # the day it starts
    start: datetime  # UTC
    end: datetime  # UTC
    late_from: datetime  # after this (plus grace) is late: the start, or the core start
    core_end: datetime | None  # flexible: at least until here

    def distance(self, t: datetime) -> timedelta:
        """How far ``t`` is from this shift (zero inside it)."""
        if self.start <= t <= self.end:
            return timedelta(0)
        return min(abs(t - self.start), abs(t - self.end))


@dataclass(frozen=True)
class Plan:
    """A person's schedule, resolved from the config: the one thing reports and reminders ask."""

    name: str
    tz: ZoneInfo
    workdays: frozenset[int]  # Monday = 0
    holidays: frozenset[date]
    makeup: frozenset[date]  # 调休: workdays on a day off
    start: time
    end: time
    grace: timedelta
    core: tuple[time, time] | None = None

    def day_kind(self, day: date) -> DayKind:
        if day in self.makeup:
            return "work"
        if day in self.holidays:
            return "holiday"
        return "work" if day.weekday() in self.workdays else "off"

    def shift(self, day: date) -> Shift:
        start = at(day, self.start, self.tz)
        end = at(day + ONE_DAY if self.end <= self.start else day, self.end, self.tz)
        if self.core is None:
            return Shift(day, start, end, start, None)
        core_start, core_end = self.core
        cs = at(day + ONE_DAY if core_start < self.start else day, core_start, self.tz)
        ce = at(day + ONE_DAY if core_end <= self.start else day, core_end, self.tz)
        return Shift(day, start, end, cs, ce)

    @property
    def length(self) -> timedelta:
        """The shift's length on the wall clock (flexible days last this from arrival)."""
        start = datetime.combine(date(2000, 1, 3), self.start)
        end = datetime.combine(date(2000, 1, 3), self.end)
        return end - start if end > start else end + ONE_DAY - start

    def required_end(self, shift: Shift, first_in: datetime | None) -> datetime:
        """Leaving before this is leaving early."""
        if shift.core_end is None or first_in is None:
            return shift.end
        return max(shift.core_end, min(first_in, shift.late_from) + self.length)

    def work_day(self, t: datetime) -> date:
        """The day whose shift ``t`` belongs to: the nearest shift, inside one if any."""
        local = t.astimezone(self.tz).date()
        shifts = [self.shift(local + timedelta(days=d)) for d in (-1, 0, 1)]
        return min(shifts, key=lambda s: (s.distance(t), abs(t - s.start))).day

    def local_day_end(self, day: date) -> datetime:
        return at(day + ONE_DAY, time(0), self.tz)


def plan_of(name: str, schedule: ScheduleConfig, config: ClockinConfig, org: OrgConfig) -> Plan:
    calendar = config.calendars.get(schedule.calendar) if schedule.calendar else None
    workdays = schedule.workdays if schedule.workdays is not None else org.workdays
    return Plan(
        name=name,
        tz=ZoneInfo(schedule.timezone or org.timezone),
        workdays=frozenset(WEEKDAYS.index(d) for d in workdays),
        holidays=frozenset([*org.holidays, *(calendar.holidays if calendar else [])]),
        makeup=frozenset(calendar.workdays if calendar else []),
        start=schedule.start,
        end=schedule.end,
        grace=schedule.grace,
        core=schedule.core,
    )


def free_plan(person: PersonRef) -> Plan:
    """For someone without a schedule: every day is a day off, worked time still counts."""
    return Plan(
        "", person.tz, frozenset(), frozenset(), frozenset(), time(0), time(23, 59), ONE_DAY
    )


class Plans:
    """Which schedule each person works, from ``people:``, ``teams:`` and ``default_schedule``."""

    def __init__(self, config: ClockinConfig, org: OrgConfig) -> None:
        self.config = config
        self.by_name: Mapping[str, Plan] = {
            name: plan_of(name, s, config, org) for name, s in config.schedules.items()
        }

    def name_of(self, handle: str, team: str | None) -> str | None:
        c = self.config
        return c.people.get(handle) or (c.teams.get(team) if team else None) or c.default_schedule

    def of(self, person: PersonRef) -> Plan | None:
        name = self.name_of(person.handle, person.team)
        return self.by_name[name] if name else None

    def or_free(self, person: PersonRef) -> Plan:
        return self.of(person) or free_plan(person)
