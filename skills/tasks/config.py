"""The tasks options under ``skills.tasks`` in the config."""

from __future__ import annotations

from datetime import timedelta

from pydantic import field_validator

from bot import StrictModel, values
from bot.errors import BadValue


class TasksConfig(StrictModel):
    """How tasks remind and nudge."""

    reminder_before: str = "2h"  # a reminder this long before a task is due
    nudge_interval: str = "1h"  # at most one nudge per task and assignee this often
    max_title: int = 200  # characters

    @field_validator("reminder_before", "nudge_interval")
    @classmethod
    def _duration(cls, value: str) -> str:
        try:
            values.parse_duration(value)
        except BadValue as exc:
            raise ValueError(str(exc.text)) from None
        return value

    @property
    def reminder(self) -> timedelta:
        return values.parse_duration(self.reminder_before)

    @property
    def nudge_every(self) -> timedelta:
        return values.parse_duration(self.nudge_interval)
