"""The clockin options under ``skills.clockin`` in the config: schedules (shifts) and who works
which, calendars with holidays and make-up workdays (调休), office geofences, reminders, daily
summaries and the approval flows that mean leave or a make-up clock-in (补卡)."""

from __future__ import annotations

import math
from datetime import date, time, timedelta
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BeforeValidator, Field, model_validator

from bot import Duration, PersonHandle, StrictModel, TimeWindow, TimeZoneName, Weekday

WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _zero(value: Any) -> Any:
    return timedelta(0) if value in (0, "0", "0m") else value


Grace = Annotated[Duration, BeforeValidator(_zero)]  # 0 allowed: no tolerance at all


class ScheduleConfig(StrictModel):
    """One shift pattern. ``end`` before ``start`` is a night shift ending the next morning; it
    belongs to the day it starts. ``core`` makes it flexible: people may start any time from
    ``start``; late means after the core start, and a day lasts ``end - start`` from arrival."""

    timezone: TimeZoneName | None = None  # null: org.timezone
    workdays: list[Weekday] | None = None  # null: org.workdays
    start: time = time(9, 0)
    end: time = time(18, 0)
    grace: Grace = timedelta(minutes=10)  # arriving within this is not late (0: none)
    core: TimeWindow | None = None  # flexible core hours, e.g. "10:00-16:00"
    calendar: str | None = None  # a name under calendars: (holidays, make-up workdays)

    @model_validator(mode="after")
    def _check(self) -> ScheduleConfig:
        if self.start == self.end:
            raise ValueError("start and end are the same time — e.g. start: 09:00, end: 18:00")
        if self.core is not None and self.end > self.start:
            core_start, core_end = self.core
            if not (self.start <= core_start < core_end <= self.end):
                raise ValueError("core hours must lie between start and end, e.g. 10:00-16:00")
        return self


class CalendarConfig(StrictModel):
    """Holidays and make-up workdays (调休: a Saturday that is a workday), here or in a YAML
    file (``holidays: [...]``, ``workdays: [...]``) whose path is relative to where Deskmate
    runs."""

    holidays: list[date] = Field(default_factory=list)
    workdays: list[date] = Field(default_factory=list)
    file: str | None = None

    @model_validator(mode="after")
    def _read_file(self) -> CalendarConfig:
        if self.file is None:
            return self
        data = _calendar_file(Path(self.file))
        self.holidays = sorted({*self.holidays, *data.holidays})
        self.workdays = sorted({*self.workdays, *data.workdays})
        return self


def _calendar_file(path: Path) -> CalendarConfig:
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"cannot read the calendar file {str(path)!r}: {exc}") from None
    if not isinstance(raw, dict):
        raise ValueError(f"{str(path)!r}: expected 'holidays: [...]' and 'workdays: [...]'")
    return CalendarConfig.model_validate({k: raw.get(k) or [] for k in ("holidays", "workdays")})


class Geofence(StrictModel):
    """An office: a location shared within ``radius_m`` metres of it is an office clock-in."""

    name: str
    lat: Annotated[float, Field(ge=-90, le=90)]
    lon: Annotated[float, Field(ge=-180, le=180)]
    radius_m: Annotated[float, Field(gt=0)] = 200


class SummaryConfig(StrictModel):
    """A daily attendance summary posted to a chat, named ``<platform>:<chat id>``
    (``slack:C0123ABC``, ``telegram:-100123456``, ``console:general``)."""

    chat: str
    at: time = time(9, 30)  # in timezone (null: org.timezone), on workdays of the people in it
    timezone: TimeZoneName | None = None
    teams: list[str] | None = None  # null: everyone with a schedule

    @model_validator(mode="after")
    def _check_chat(self) -> SummaryConfig:
        platform, sep, chat_id = self.chat.partition(":")
        if not sep or not platform or not chat_id:
            raise ValueError(f"chat {self.chat!r}: write <platform>:<chat id>, e.g. slack:C0123")
        return self


class ClockinConfig(StrictModel):
    """Who works when, where the offices are, and who is reminded of what."""

    schedules: dict[str, ScheduleConfig] = Field(default_factory=dict)
    default_schedule: str | None = None  # for people no team or person entry names
    teams: dict[str, str] = Field(default_factory=dict)  # team -> schedule
    people: dict[PersonHandle, str] = Field(default_factory=dict)  # person -> schedule
    calendars: dict[str, CalendarConfig] = Field(default_factory=dict)
    geofences: list[Geofence] = Field(default_factory=list)
    remind_in: bool = True  # at start + grace, to those not in (and not on leave)
    remind_out_after: Duration | None = timedelta(minutes=30)  # after the end; null: never
    close_after: Duration = timedelta(hours=4)  # after the end, a missing clock-out is final
    summaries: list[SummaryConfig] = Field(default_factory=list)
    leave_flows: list[str] = Field(default_factory=lambda: ["leave"])
    punch_flows: list[str] = Field(default_factory=lambda: ["punch"])
    max_note: int = 200  # characters

    @model_validator(mode="after")
    def _check_names(self) -> ClockinConfig:
        known = set(self.schedules)
        named = [("default_schedule", self.default_schedule)] if self.default_schedule else []
        named += [(f"teams.{t}", s) for t, s in self.teams.items()]
        named += [(f"people.{p}", s) for p, s in self.people.items()]
        for where, name in named:
            if name not in known:
                raise ValueError(f"{where}: unknown schedule {name!r} — known: {_list(known)}")
        for name, schedule in self.schedules.items():
            if schedule.calendar is not None and schedule.calendar not in self.calendars:
                raise ValueError(
                    f"schedules.{name}.calendar: unknown calendar {schedule.calendar!r} — "
                    f"known: {_list(set(self.calendars))}"
                )
        return self


def _list(names: set[str]) -> str:
    return ", ".join(sorted(names)) or "none"


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))
