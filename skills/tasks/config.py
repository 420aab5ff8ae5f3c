"""The tasks options under ``skills.tasks`` in the config."""

from __future__ import annotations

from datetime import timedelta

from bot import Duration, StrictModel


class TasksConfig(StrictModel):
    """How tasks remind and nudge."""

    reminder_before: Duration = timedelta(hours=2)  # a reminder this long before a task is due
    nudge_interval: Duration = timedelta(hours=1)  # at most one nudge per task and assignee
    max_title: int = 200  # characters
