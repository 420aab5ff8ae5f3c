"""Fake time: a :class:`~bot.clock.FakeClock` moved forward as live time would pass (the
harness, the console's ``~`` lines), stopping at each moment something falls due."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from bot.clock import Clock, FakeClock, TooFarAhead
from bot.scheduler import Scheduler


async def advance(
    clock: Clock,
    scheduler: Scheduler,
    dues: Sequence[Callable[[], Awaitable[datetime | None]]],
    tick: Callable[[], Awaitable[None]],
    when: datetime,
) -> None:
    """Move ``clock`` to ``when``, stopping at each moment a job (``scheduler``) or anything of
    ``dues`` (timers, deliveries) falls due on the way, in order, running them (``tick``).
    Refuses (raising :class:`~bot.clock.TooFarAhead`, time unmoved) to go past the scheduler's
    horizon."""
    if not isinstance(clock, FakeClock):
        raise TypeError("advance_to needs the bot to run on a FakeClock")
    limit = scheduler.horizon(clock.now())
    if when > limit:
        raise TooFarAhead(limit)
    for _step in range(100_000):
        found = [scheduler.next_run(), *[await due() for due in dues]]
        due = [t for t in found if t is not None and t <= when]
        if not due:
            break
        clock.set(max(min(due), clock.now()))
        await scheduler.run_due(clock.now())
        await tick()
    clock.set(when)
