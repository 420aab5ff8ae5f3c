"""Delivery's sends: each route's parcels in order, within the rate limits, through its adapter.

Destinations go side by side; two routes to one destination (a drain sends one batch while it
plans the next) go one after the other. Before each send the lease is renewed (a drain that lost
its rows skips them); a failure is recorded by :class:`bot.delivery.settle.Settle`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping

from bot.adapter import Adapter, DeliveryFailed, Destination, SilentSend
from bot.delivery.plan import Route
from bot.delivery.settle import Settle
from bot.i18n import Locale, Translator
from bot.messages import RenderedMessage, render_message
from bot.metrics import Metrics
from bot.ratelimit import RateLimits

log = logging.getLogger(__name__)

Renders = dict[tuple[int, Locale], RenderedMessage]  # one batch's messages, rendered once each


class Send:
    """Sends routes' parcels and hands what happened to the bookkeeping."""

    def __init__(
        self,
        adapters: Mapping[str, Adapter],
        translator: Translator,
        limits: RateLimits,
        settle: Settle,
        metrics: Metrics,
    ) -> None:
        self.adapters = adapters
        self.metrics = metrics
        self.translator = translator
        self.limits = limits
        self.settle = settle
        self._busy: dict[Destination, asyncio.Future[None]] = {}  # the last route to each

    async def route(self, route: Route, token: str, renders: Renders) -> int:
        """Send a route's parcels in order, after any earlier route to the same destination."""
        earlier = self._busy.get(route.destination)
        done = self._busy[route.destination] = asyncio.get_running_loop().create_future()
        try:
            if earlier is not None:
                await asyncio.shield(earlier)
            return await self._parcels(route, token, renders)
        finally:
            done.set_result(None)
            if self._busy.get(route.destination) is done:
                del self._busy[route.destination]

    async def _parcels(self, route: Route, token: str, renders: Renders) -> int:
        adapter = self.adapters[route.destination.platform]
        sent = 0
        for k, parcel in enumerate(route.parcels):
            rendered = renders.get((id(parcel.message), route.locale))
            if rendered is None:
                rendered = render_message(parcel.message, self.translator, route.locale)
                renders[id(parcel.message), route.locale] = rendered
            try:
                if not await self.settle.renew(parcel.rows, token):
                    continue  # another drain took these rows over
                with self.settle.ledger.sending():  # its mark will come: others may wait for it
                    async with self.limits.slot(route.destination):
                        ref = await _post(adapter, route.destination, rendered, parcel.silent)
            except DeliveryFailed as exc:
                self._count_failure(route.destination.platform, exc, len(parcel.rows))
                waiting = [r for p in route.parcels[k + 1 :] for r in p.rows]
                await self.settle.failed(parcel.rows, waiting, exc, token)
                return sent
            except Exception as exc:
                log.exception("delivery to %s failed", route.destination)
                self.metrics.delivered(route.destination.platform, "retry", len(parcel.rows))
                await self.settle.failed(parcel.rows, [], DeliveryFailed(repr(exc)), token)
                continue
            first = parcel.rows[0]  # the event that caused it, for whoever follows it in the logs
            caused = {"event_id": first.event_id, "skill": first.skill or None}
            log.info(
                "delivered %d row(s) to %s",
                len(parcel.rows),
                _where(route.destination),
                extra=caused,
            )
            await self.settle.sent(parcel.rows, route.destination, route.locale, ref, token)
            self.metrics.delivered(route.destination.platform, "sent", len(parcel.rows))
            sent += len(parcel.rows)
        return sent

    def _count_failure(self, platform: str, exc: DeliveryFailed, rows: int) -> None:
        if exc.retry_after is not None:
            self.metrics.rate_limited(platform, exc.retry_after)
            self.metrics.delivered(platform, "throttled", rows)
        else:
            self.metrics.delivered(platform, "failed" if exc.permanent else "retry", rows)


async def _post(adapter: Adapter, to: Destination, message: RenderedMessage, silent: bool) -> str:
    """Send; silently where the platform can (a row is silent only where it can: elsewhere the
    policy held it instead)."""
    if silent and isinstance(adapter, SilentSend):
        return await adapter.send_silently(to, message)
    return await adapter.send(to, message)


def _where(to: Destination) -> str:
    return f"{to.platform}:{to.chat_id or 'dm ' + (to.account_id or '?')}"
