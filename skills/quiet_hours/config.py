"""The quiet_hours options under ``skills.quiet_hours`` in the config."""

from __future__ import annotations

from datetime import time, timedelta

from pydantic import Field

from bot import Duration, RoleName, StrictModel, TimeWindow, Weekday

WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class TeamQuiet(StrictModel):
    """A team's defaults, overriding the org's."""

    off_hours: TimeWindow | None = None
    days_off: list[Weekday] | None = None


class QuietConfig(StrictModel):
    """Org defaults for everyone; people change their own with /quiet."""

    off_hours: TimeWindow | None = (time(19, 0), time(9, 0))  # null: no off-work window
    days_off: list[Weekday] | None = None  # null: the days not in org.workdays
    holidays: bool = True  # org.holidays are days off
    teams: dict[str, TeamQuiet] = Field(default_factory=dict)
    urgent_roles: list[RoleName] = Field(default_factory=lambda: ["admin"])
    max_break: Duration = timedelta(hours=8)

    def window_of(self, team: str | None) -> tuple[time, time] | None:
        own = self.teams[team].off_hours if team in self.teams else None
        return own or self.off_hours

    def days_off_of(self, team: str | None, workdays: list[Weekday]) -> list[Weekday]:
        team_days = self.teams[team].days_off if team in self.teams else None
        if team_days is not None:
            return team_days
        if self.days_off is not None:
            return self.days_off
        return [d for d in WEEKDAYS if d not in workdays]
