"""Rate limits for delivery: token buckets per platform (overall) and per chat or person, from
``delivery.rate_limits`` in the config. Built on aiolimiter's leaky bucket."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiolimiter import AsyncLimiter

from bot.adapter import Destination
from bot.config import DeliveryConfig, RateLimit

MAX_TRACKED_CHATS = 10_000


def _limiter(limit: RateLimit) -> AsyncLimiter:
    # a bucket of ``burst`` tokens refilled at ``per_second``
    return AsyncLimiter(limit.burst, limit.burst / limit.per_second)


class RateLimits:
    def __init__(self, config: DeliveryConfig) -> None:
        self.config = config
        self._overall: dict[str, AsyncLimiter] = {}
        self._per_chat: OrderedDict[Destination, AsyncLimiter] = OrderedDict()

    @asynccontextmanager
    async def slot(self, to: Destination) -> AsyncIterator[None]:
        """Wait until one more message may go to ``to``."""
        limits = self.config.limits(to.platform)
        overall = self._overall.setdefault(to.platform, _limiter(limits.overall))
        chat = self._per_chat.get(to)
        if chat is None:
            chat = self._per_chat[to] = _limiter(limits.per_chat)
            while len(self._per_chat) > MAX_TRACKED_CHATS:
                self._per_chat.popitem(last=False)
        self._per_chat.move_to_end(to)
        async with chat, overall:
            yield
