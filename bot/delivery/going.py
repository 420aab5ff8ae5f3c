"""The batches a drain has going out (:class:`bot.delivery.Delivery`): how many sends each still
holds, so the next batch is claimed while these finish."""

from __future__ import annotations

import asyncio
import functools


class Batch:
    """A batch going out: its routes (each with its number of sends), and how many sends the
    routes not done yet hold."""

    def __init__(
        self, done: asyncio.Future[list[int]], routes: list[tuple[asyncio.Task[int], int]]
    ) -> None:
        self.done = done
        self.routes = routes
        self.left = sum(parcels for route, parcels in routes if not route.done())


class Going:
    """The batches one drain has going out, and a wake-up each time one of their routes ends."""

    def __init__(self) -> None:
        self.batches: list[Batch] = []
        self._progress = asyncio.Event()

    def add(self, batch: Batch) -> None:
        self.batches.append(batch)

        def one_done(parcels: int, _route: asyncio.Task[int]) -> None:
            batch.left -= parcels
            self._progress.set()

        for route, parcels in batch.routes:
            if not route.done():
                route.add_done_callback(functools.partial(one_done, parcels))

    async def until(self, ahead: int) -> int:
        """Wait until at most ``ahead`` sends are left to make (0: all); the rows sent by the
        batches that ended meanwhile."""
        sent = 0
        while self.batches:
            for batch in [b for b in self.batches if b.left <= 0]:
                sent += sum(await batch.done)
                self.batches.remove(batch)
            if not self.batches or (ahead and sum(b.left for b in self.batches) <= ahead):
                break
            self._progress.clear()
            await self._progress.wait()
        return sent
