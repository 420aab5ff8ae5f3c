"""Group commit: events that arrive while a transaction commits wait and go through the next one
together (each handler in a savepoint of its own, so one's error never undoes another's work). If
the shared transaction itself fails, each is handled again alone. On SQLite one group is at work at
a time (it has one writer), on PostgreSQL a few side by side."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

from bot.answers import AnswersFirst
from bot.events import Event

log = logging.getLogger(__name__)

# events handled in one transaction at most (a group forms while the previous one commits)
GROUP_MOST = 50
# how long events wait for the answers platforms are waiting for (see bot.answers)
ANSWERS_FIRST_SECONDS = 0.05

T = TypeVar("T")


class GroupCommit(Generic[T]):
    """``await group.submit(event)`` returns what ``together`` (for the group it joined) or
    ``alone`` (if that group's transaction failed) made of it."""

    def __init__(
        self,
        answers: AnswersFirst,
        side_by_side: int,
        together: Callable[[list[Event]], Awaitable[list[T]]],
        alone: Callable[[Event], Awaitable[T]],
    ) -> None:
        self.answers = answers
        self.side_by_side = side_by_side
        self.together = together
        self.alone = alone
        self._waiting: list[tuple[Event, asyncio.Future[T]]] = []
        self._handlers: set[asyncio.Task[None]] = set()
        self._handling = 0  # handlers at work (a task may be done before its callbacks run)

    async def submit(self, event: Event) -> T:
        loop = asyncio.get_running_loop()
        done: asyncio.Future[T] = loop.create_future()
        self._waiting.append((event, done))
        if self._handling < self.side_by_side:
            self._handling += 1
            task = loop.create_task(self._handle_waiting())
            self._handlers.add(task)
            task.add_done_callback(self._handlers.discard)
        return await done  # cancelled meanwhile: it is handled all the same, unanswered

    async def _handle_waiting(self) -> None:
        try:
            await self._handle_groups()
        finally:  # at once (not in a done callback): an event arriving next starts a handler
            self._handling -= 1

    async def _handle_groups(self) -> None:
        while self._waiting:
            await asyncio.sleep(0)  # the events ready to arrive join this group
            # while platforms wait for answers (a burst), events go one by one between them
            burst = await self.answers.wait(ANSWERS_FIRST_SECONDS)
            most = 1 if burst else GROUP_MOST
            group, self._waiting = self._waiting[:most], self._waiting[most:]
            if group:  # else another handler took them meanwhile
                await self._handle_group(group)

    async def _handle_group(self, group: list[tuple[Event, asyncio.Future[T]]]) -> None:
        events = [event for event, _done in group]
        try:
            outcomes: list[T] | None = await self.together(events)
        except Exception:
            log.warning("a group of %d events failed; each alone now", len(group))
            outcomes = None
        except BaseException as exc:
            for _event, done in group:
                _fail(done, exc)
            raise
        for i, (event, done) in enumerate(group):
            try:
                outcome = outcomes[i] if outcomes is not None else await self.alone(event)
            except BaseException as exc:
                _fail(done, exc)
                if not isinstance(exc, Exception):
                    raise
                continue
            if not done.done():
                done.set_result(outcome)


def _fail(done: asyncio.Future[Any], exc: BaseException) -> None:
    if not done.done():
        done.set_exception(exc) if isinstance(exc, Exception) else done.cancel()
