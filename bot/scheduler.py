"""Periodic jobs on APScheduler cron/interval triggers, in the org's time zone.

With the real clock an ``AsyncIOScheduler`` runs them. With a fake clock (tests, the console's
``--fake-clock``) the bot asks :meth:`Scheduler.next_run` and :meth:`Scheduler.run_due` as it moves
time, so the same triggers fire in the same order as they would live.
"""

from __future__ import annotations

import asyncio
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
        self._running: set[asyncio.Task[None]] = set()
        self._busy: set[str] = set()  # jobs with a run under way
        self._stopped = False

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
                self._tracked(e.name, e.func),
                e.trigger,
                id=e.name,
                name=e.name,
                coalesce=True,
                misfire_grace_time=300,
                # one run at a time is kept by _tracked, quietly: a run due while the previous one
                # still goes (a long drain in the tick is normal) ends at once, so APScheduler's
                # own limit, which logs a warning each time, is never reached
                max_instances=2,
            )
        self._aps.start()

    def _tracked(self, name: str, func: JobFunc) -> JobFunc:
        """Remember a running job, so stopping can end it before the database closes; a run due
        while the previous one still goes is skipped (the next one comes at its time)."""

        async def run() -> None:
            if self._stopped:
                return  # a run handed to the event loop just before stop
            if name in self._busy:
                log.debug("job %s: the previous run is still going; this one is skipped", name)
                return
            task = asyncio.current_task()
            assert task is not None
            self._running.add(task)
            self._busy.add(name)
            try:
                await func()
            finally:
                self._running.discard(task)
                self._busy.discard(name)

        return run

    async def stop(self) -> None:
        self._stopped = True
        if self._aps is not None:
            self._aps.shutdown(wait=False)
            self._aps = None
        for task in list(self._running):
            task.cancel()
        await asyncio.gather(*self._running, return_exceptions=True)

    def prime(self, now: datetime) -> None:
        """Fake clock: compute each job's first run after ``now``."""
        for e in self._entries:
            e.next_run = e.trigger.get_next_fire_time(None, now)

    def next_run(self) -> datetime | None:
        """Fake clock: when the next job is due."""
        runs = [e.next_run for e in self._entries if e.next_run is not None]
        return min(runs) if runs else None

    async def run_due(self, now: datetime) -> int:
        """Fake clock: run each job due at ``now`` once, then schedule its next run."""
        due = sorted(
            (e for e in self._entries if e.next_run and e.next_run <= now),
            key=lambda e: e.next_run or now,
        )
        for entry in due:
            try:
                await entry.func()
            except Exception:
                log.exception("job %s failed", entry.name)
            entry.next_run = entry.trigger.get_next_fire_time(entry.next_run, now)
            if entry.next_run is not None and entry.next_run <= now:
                entry.next_run = entry.trigger.get_next_fire_time(
                    entry.next_run, now + timedelta(microseconds=1)
                )
        return len(due)
