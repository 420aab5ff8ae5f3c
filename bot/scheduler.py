"""Periodic jobs on APScheduler cron/interval triggers, in the org's time zone.

With the real clock an ``AsyncIOScheduler`` runs them. With a fake clock (tests, the console's
``--fake-clock``) :meth:`Scheduler.run_due` fires, in order, every run the triggers say falls due
between the last time and the new one — the same triggers, so what tests see is what runs live.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

log = logging.getLogger(__name__)

JobFunc = Callable[[], Awaitable[None]]


@dataclass
class _Entry:
    name: str
    func: JobFunc
    trigger: BaseTrigger
    next_run: datetime | None = None


class Scheduler:
    def __init__(self, timezone: ZoneInfo) -> None:
        self.timezone = timezone
        self._entries: list[_Entry] = []
        self._aps: AsyncIOScheduler | None = None

    def add(
        self, name: str, func: JobFunc, *, cron: str | None = None, every: timedelta | None = None
    ) -> None:
        if cron is not None:
            trigger: BaseTrigger = CronTrigger.from_crontab(cron, timezone=self.timezone)
        elif every is not None:
            trigger = IntervalTrigger(seconds=every.total_seconds(), timezone=self.timezone)
        else:
            raise ValueError(f"job {name}: cron or every is needed")
        self._entries.append(_Entry(name, func, trigger))

    def start(self) -> None:
        """Run the jobs on the real clock."""
        self._aps = AsyncIOScheduler(timezone=self.timezone)
        for e in self._entries:
            self._aps.add_job(
                e.func,
                e.trigger,
                id=e.name,
                name=e.name,
                coalesce=True,
                misfire_grace_time=300,
                max_instances=1,
            )
        self._aps.start()

    def stop(self) -> None:
        if self._aps is not None:
            self._aps.shutdown(wait=False)
            self._aps = None

    def prime(self, now: datetime) -> None:
        """Fake clock: compute each job's first run after ``now``."""
        for e in self._entries:
            e.next_run = e.trigger.get_next_fire_time(None, now)

    def due(self, until: datetime) -> list[tuple[datetime, _Entry]]:
        return sorted(
            ((e.next_run, e) for e in self._entries if e.next_run and e.next_run <= until),
            key=lambda pair: pair[0],
        )

    async def run_due(self, until: datetime, set_time: Callable[[datetime], None]) -> int:
        """Fake clock: fire every run due up to ``until``, moving the clock to each run's time."""
        runs = 0
        while due := self.due(until):
            when, entry = due[0]
            set_time(when)
            try:
                await entry.func()
            except Exception:
                log.exception("job %s failed", entry.name)
            entry.next_run = entry.trigger.get_next_fire_time(when, when + timedelta(seconds=1))
            runs += 1
        set_time(until)
        return runs
