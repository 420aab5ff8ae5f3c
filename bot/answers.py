"""Answers first: while platforms wait for the bot's answers, its other work waits a little.

Slack wants every request acked within 3 seconds, and a webhook's sender waits for its HTTP
answer. In a burst (2,000 people typing ``/in`` at nine) those answers are cheap and the work
behind them is not: adapters mark each request while it is being answered (``answering()``), and
the work — handling events, looking people up — waits until the burst has passed, at most a
bounded time, so it always goes on.

Inside the bot the same holds one step later: events handed in and not answered yet are people
waiting for their answers (5,000 pressing "Got it" at once), and work that can wait — redrawing
live cards — goes after them (``after_events``), also for a bounded time.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from contextlib import contextmanager

# requests closer together than this are one burst
GAP_SECONDS = 0.005


class AnswersFirst:
    def __init__(self) -> None:
        self._open = 0  # requests being answered now
        self._last = 0.0  # loop time the last one was answered
        self._quiet = asyncio.Event()
        self._quiet.set()
        self._check: asyncio.TimerHandle | None = None
        self._turns = asyncio.Lock()
        self._backlog = 0  # events handed in and not answered yet
        self._handled = asyncio.Event()
        self._handled.set()

    @contextmanager
    def answering(self) -> Iterator[None]:
        """Mark one request a platform waits on, while it is being answered."""
        self._open += 1
        self._quiet.clear()
        try:
            yield
        finally:
            self._open -= 1
            self._last = asyncio.get_running_loop().time()
            self._recheck_soon()

    async def wait(self, most: float) -> bool:
        """Wait until no answer is pending (at most ``most`` seconds); whether some still are."""
        if self._quiet.is_set():
            return False
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(most):
                await self._quiet.wait()
        return not self._quiet.is_set()

    async def turn(self, most: float) -> None:
        """Wait for this task's turn: at once when no answer is pending; in a burst, the tasks
        asking go one at a time, each after waiting up to ``most`` seconds (so work deferred
        for a burst trickles on, and never rushes back all at once)."""
        if self._quiet.is_set() and not self._turns.locked():
            return
        async with self._turns:
            await self.wait(most)

    @contextmanager
    def awaited(self) -> Iterator[None]:
        """Mark one event handed in and not answered yet (until its replies have gone)."""
        self._backlog += 1
        self._handled.clear()
        try:
            yield
        finally:
            self._backlog -= 1
            assert self._backlog >= 0
            if not self._backlog:
                self._handled.set()

    async def after_events(self, most: float) -> None:
        """Wait until every event handed in is answered, at most ``most`` seconds (so what waits
        goes on even while events keep coming)."""
        if self._handled.is_set():
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(most):
                await self._handled.wait()

    def _recheck_soon(self) -> None:
        if self._check is None:
            self._check = asyncio.get_running_loop().call_later(GAP_SECONDS, self._recheck)

    def _recheck(self) -> None:
        self._check = None
        if self._open:
            return  # its end rechecks
        if asyncio.get_running_loop().time() - self._last < GAP_SECONDS:
            self._recheck_soon()
        else:
            self._quiet.set()
