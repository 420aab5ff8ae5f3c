"""Periodic jobs on APScheduler's cron and interval triggers, in the org's time zone.

Each job's due times come from its trigger: a crontab line, or a fixed interval counted from
midnight, 1 January 2000 (org time), so every instance agrees on them, before and after a restart.
Each due time is handed to the job, which answers whether it is *settled*: run here, or found run
already. One that is not (another instance leads) is offered again every :data:`RETRY` until it
is, or until it is :data:`GRACE` late; so when the leader dies, the next instance to lead runs the
due times it left, and the bot records each run (see :mod:`storage.leader`) so none runs twice.
Due times that passed while this instance was held up (a stalled loop, a suspended host) count as
one, the latest, as APScheduler's ``coalesce`` does; one due longer than :data:`GRACE` ago is
skipped, as a restarted bot would. A job added with ``catch_up=False`` (the core's tick, which
looks at what is due whenever it runs) keeps only its latest due time waiting: a run that took
long is followed by one more, not by one per due time that passed meanwhile.

With the real clock a task of the scheduler's own sleeps until the next due time and runs each job
in a task of its own, one run of a job at a time. With a fake clock (tests, the console's
``--fake-clock``) the bot asks :meth:`Scheduler.next_run` and :meth:`Scheduler.run_due` as it moves
time, so the same triggers fire in the same order as they would live.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.clock import Clock

log = logging.getLogger(__name__)

# the job runs for a due time; True: settled (ran, or had run already); False: offer it again
JobFunc = Callable[[datetime], Awaitable[bool]]

GRACE = timedelta(minutes=5)  # how late a due time may still run (APScheduler's misfire grace)
RETRY = timedelta(seconds=1)  # how soon a due time left unsettled is offered again
NAP = 60.0  # seconds the loop sleeps at most (it then looks again: the wall clock may have jumped)
MAX_MOVE = timedelta(days=366)  # fake clock: the furthest one move goes
MAX_RUNS = 1000  # fake clock: the job runs one move steps through at most (a few seconds of work)
ORIGIN = date(2000, 1, 1)  # intervals count from its midnight (org time)


@dataclass
class _Entry:
    name: str
    func: JobFunc
    trigger: BaseTrigger
    next_run: datetime | None = None  # the next due time not yet collected
    waiting: list[datetime] = field(default_factory=list)  # due, not settled yet
    retry_at: datetime | None = None  # when the first waiting one is offered again
    task: asyncio.Task[None] | None = None  # its run under way (real clock)
    catch_up: bool = True  # False: only the latest due time waits (see the module's docstring)


class Scheduler:
    def __init__(self, timezone: ZoneInfo, clock: Clock) -> None:
        self.timezone = timezone
        self.clock = clock
        self._entries: list[_Entry] = []
        self._loop: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._stopped = False

    def add(
        self,
        name: str,
        func: JobFunc,
        *,
        cron: str | None = None,
        every: timedelta | None = None,
        catch_up: bool = True,
    ) -> None:
        if cron is not None:
            trigger: BaseTrigger = CronTrigger.from_crontab(cron, timezone=self.timezone)
        elif every is not None:
            trigger = IntervalTrigger(
                seconds=every.total_seconds(),
                start_date=datetime.combine(ORIGIN, time(), tzinfo=self.timezone),
                timezone=self.timezone,
            )
        else:
            raise ValueError(f"job {name}: cron or every is needed")
        self._entries.append(_Entry(name, func, trigger, catch_up=catch_up))

    def prime(self, now: datetime) -> None:
        """Compute each job's first due time at or after ``now``."""
        for e in self._entries:
            e.next_run = e.trigger.get_next_fire_time(None, now)

    # --- the real clock -----------------------------------------------------------------------

    def start(self) -> None:
        """Run the jobs on the real clock."""
        self.prime(self.clock.now())
        self._loop = asyncio.get_running_loop().create_task(self._run_forever())

    async def stop(self) -> None:
        """End the loop and every run under way."""
        self._stopped = True
        tasks = [t for t in (self._loop, *(e.task for e in self._entries)) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _run_forever(self) -> None:
        while not self._stopped:
            now = self.clock.now()
            self._collect(now)
            for e in self._entries:
                idle = e.task is None or e.task.done()
                if e.waiting and idle and (e.retry_at is None or e.retry_at <= now):
                    e.task = asyncio.get_running_loop().create_task(self._work(e))
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._nap(now))

    def _nap(self, now: datetime) -> float:
        """Seconds until the loop has something to do: a due time, or one to offer again."""
        times = [e.next_run for e in self._entries if e.next_run is not None]
        times += [e.retry_at for e in self._entries if e.waiting and e.retry_at is not None]
        if not times:
            return NAP
        return min(max((min(times) - now).total_seconds(), 0.0), NAP)

    async def _work(self, e: _Entry) -> None:
        """Run a job's waiting due times in order; stop at one left unsettled (asked again
        after :data:`RETRY`)."""
        while e.waiting and not self._stopped:
            due = e.waiting[0]
            if not await self._run(e, due):
                e.retry_at = self.clock.now() + RETRY
                self._wake.set()  # the loop sleeps until then
                return
            e.retry_at = None
            if due in e.waiting:  # (the loop may have given it up meanwhile: too late)
                e.waiting.remove(due)

    # --- shared by both clocks ----------------------------------------------------------------

    def _collect(self, now: datetime) -> None:
        """Move the due times that came by ``now`` to each job's waiting list (several count as
        the latest), and give up those more than :data:`GRACE` late."""
        for e in self._entries:
            if e.next_run is not None and now - e.next_run > GRACE:
                e.next_run = e.trigger.get_next_fire_time(None, now - GRACE)  # skip what's too late
            came = None
            while e.next_run is not None and e.next_run <= now:
                came = e.next_run
                e.next_run = e.trigger.get_next_fire_time(came, now)
            if came is not None:
                e.waiting = [*e.waiting, came] if e.catch_up else [came]
            late = [d for d in e.waiting if now - d > GRACE]
            if late:
                log.warning("job %s: gave up due times %s, too late to run", e.name, late)
                e.waiting = [d for d in e.waiting if d not in late]

    async def _run(self, e: _Entry, due: datetime) -> bool:
        try:
            return await e.func(due)
        except Exception:
            log.exception("job %s (due %s) failed", e.name, due)
            return True  # a failed run is not run again (its transaction left nothing behind)

    # --- the fake clock -----------------------------------------------------------------------

    def next_run(self) -> datetime | None:
        """Fake clock: when the next job is due."""
        runs = [e.next_run for e in self._entries if e.next_run is not None]
        return min(runs) if runs else None

    def horizon(self, now: datetime) -> datetime:
        """Fake clock: how far one move from ``now`` may go: :data:`MAX_MOVE`, or less if
        :data:`MAX_RUNS` job runs come due before."""
        end = now + MAX_MOVE
        return self._nth_run(now, end, MAX_RUNS) or end

    def _nth_run(self, start: datetime, end: datetime, limit: int) -> datetime | None:
        """The due time of the ``limit``-th job run from ``start`` to ``end``, if there are
        that many."""
        times: list[datetime] = []
        for e in self._entries:
            due, count = e.trigger.get_next_fire_time(None, start), 0
            while due is not None and due <= end and count < limit:
                times.append(due)
                due, count = e.trigger.get_next_fire_time(due, due), count + 1
        times.sort()
        return times[limit - 1] if len(times) >= limit else None

    async def run_due(self, now: datetime) -> int:
        """Fake clock: run each job due by ``now`` once (in order of due time)."""
        self._collect(now)
        runs = sorted((d, i) for i, e in enumerate(self._entries) for d in e.waiting)
        for e in self._entries:
            e.waiting = []
        for due, i in runs:
            await self._run(self._entries[i], due)
        return len(runs)
