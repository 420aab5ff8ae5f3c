"""The quiet_hours options under ``skills.quiet_hours`` in the config."""

from __future__ import annotations

from datetime import time, timedelta

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot import values
from bot.config import Weekday
from bot.errors import BadValue

WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _window(value: str | None) -> str | None:
    if value is not None:
        try:
            values.parse_time_range(value)
        except BadValue as exc:
            raise ValueError(str(exc.text)) from None
    return value


class TeamQuiet(BaseModel):
    """A team's defaults, overriding the org's."""

    model_config = ConfigDict(extra="forbid")

    off_hours: str | None = None
    days_off: list[Weekday] | None = None

    _check_window = field_validator("off_hours")(_window)


class QuietConfig(BaseModel):
    """Org defaults for everyone; people change their own with /quiet."""

    model_config = ConfigDict(extra="forbid")

    off_hours: str | None = "19:00-09:00"  # null: no off-work window by default
    days_off: list[Weekday] | None = None  # null: the days not in org.workdays
    holidays: bool = True  # org.holidays are days off
    teams: dict[str, TeamQuiet] = Field(default_factory=dict)
    urgent_roles: list[str] = Field(default_factory=lambda: ["admin"])
    max_break: str = "8h"

    _check_window = field_validator("off_hours")(_window)

    @field_validator("max_break")
    @classmethod
    def _check_break(cls, value: str) -> str:
        try:
            values.parse_duration(value)
        except BadValue as exc:
            raise ValueError(str(exc.text)) from None
        return value

    def window_of(self, team: str | None) -> tuple[time, time] | None:
        text = self.teams[team].off_hours if team in self.teams else None
        text = text or self.off_hours
        return values.parse_time_range(text) if text else None

    def days_off_of(self, team: str | None, workdays: list[Weekday]) -> list[Weekday]:
        team_days = self.teams[team].days_off if team in self.teams else None
        if team_days is not None:
            return team_days
        if self.days_off is not None:
            return self.days_off
        return [d for d in WEEKDAYS if d not in workdays]

    @property
    def break_limit(self) -> timedelta:
        return values.parse_duration(self.max_break)
