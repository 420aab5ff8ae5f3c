"""The injectable clock: the only place Deskmate reads the time.

Everything that needs "now" asks a :class:`Clock`, so tests and the console's ``--fake-clock``
can set and move time and watch reminders, escalations and quiet hours happen.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot.i18n import _


class Clock(Protocol):
    """Tells the current time, always timezone-aware, in UTC."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """A clock that only moves when told to; used by tests and ``deskmate console --fake-clock``."""

    def __init__(self, start: datetime | None = None) -> None:
        start = start or datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
        if start.tzinfo is None:
            raise ValueError(
                "FakeClock needs a timezone-aware start, e.g. datetime(..., tzinfo=UTC)"
            )
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, when: datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("FakeClock.set needs a timezone-aware datetime")
        self._now = when.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        self._now += delta


class TooFarAhead(ValueError):
    """A move of the fake clock past its horizon. Moving it runs everything due on the way, one
    moment after another, as it would happen live: a jump of years would keep the console busy
    for minutes. Nothing moved."""

    def __init__(self, limit: datetime) -> None:
        self.limit = limit
        self.problem = _(
            "too far ahead — moving the fake clock runs every job due on the way, so one move "
            "goes at most to {limit}; move it in smaller steps",
            limit=limit,
        )
        super().__init__(str(self.problem))
