"""Outgoing webhooks: the events skills emit (``tasks.done``, ``approvals.approved``, ...) that
the config subscribes to are written, in the transaction that emitted them, as rows of their own
outbox (``webhook_deliveries``); the bot's tick POSTs each due one, signed, and retries a
receiver that fails with back-off until it answers 2xx — across restarts, and once per cluster
(an instance leases each row with a conditional UPDATE just before its POST, and records the
outcome only while the lease is still its own).

Each request carries ``Deskmate-Webhook-Id`` (the same on every retry), ``-Event``,
``-Timestamp`` (Unix seconds) and ``-Signature: v1=<hex HMAC-SHA256 of "<timestamp>.<body>">``
with the subscription's secret."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

import aiohttp
from pydantic_core import to_jsonable_python
from sqlalchemy import func, or_, update
from sqlmodel import col, select

from bot.clock import Clock
from bot.config import DeliveryConfig
from bot.config.api import WebhookConfig
from bot.job_context import JobContext
from bot.skill import Skill
from storage import Database
from storage.models import WebhookDelivery

log = logging.getLogger(__name__)
LEASE = timedelta(seconds=60)  # longer than a send may take (TIMEOUT)
TIMEOUT = aiohttp.ClientTimeout(total=15)
BATCH = 50
MAX_BACKOFF = timedelta(hours=1)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``v1=`` and the hex HMAC-SHA256 of ``<timestamp>.<body>``: what a receiver recomputes."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


class Webhooks:
    """The subscriptions of ``api.webhooks``: a :class:`Skill` whose hooks record the events
    (add it to the bot's skills), and the sender the bot's tick runs."""

    def __init__(
        self,
        subscriptions: dict[str, WebhookConfig],
        db: Database,
        clock: Clock,
        settings: DeliveryConfig,
    ) -> None:
        self.subscriptions = subscriptions
        self._db, self._clock, self._settings = db, clock, settings
        self._session: aiohttp.ClientSession | None = None
        self.skill: Skill = Skill("webhooks")
        for event in sorted({e for s in subscriptions.values() for e in s.events}):
            self.skill.register_hook(event, self._recorder(event))

    def _recorder(self, event: str) -> Any:
        names = [n for n, s in self.subscriptions.items() if event in s.events]

        async def record(ctx: JobContext, payload: dict[str, Any]) -> None:
            now = ctx.now()
            for name in names:
                delivery_id = uuid.uuid4().hex
                body = {
                    "id": delivery_id,
                    "event": event,
                    "created_at": now.isoformat(),
                    "data": to_jsonable_python(payload, fallback=str),
                }
                ctx.session.add(
                    WebhookDelivery(
                        delivery_id=delivery_id,
                        webhook=name,
                        event=event,
                        body=json.dumps(body, ensure_ascii=False),
                        created_at=now,
                        due_at=now,
                    )
                )

        record.__qualname__ = f"webhook {event}"
        return record

    async def next_due(self) -> datetime | None:
        """When a delivery is next due (or a lease of a stalled sender runs out)."""
        async with self._db.transaction() as session:
            pending = col(WebhookDelivery.status) == "pending"
            free = col(WebhookDelivery.lease_until).is_(None)
            due = await session.exec(select(func.min(WebhookDelivery.due_at)).where(pending, free))
            leased = await session.exec(
                select(func.min(WebhookDelivery.lease_until)).where(pending, ~free)
            )
            times = [t for t in (due.one(), leased.one()) if t is not None]
        return min(times) if times else None

    async def drain(self) -> int:
        """Send every due delivery this instance can lease; returns how many were accepted.
        Each row is leased just before its POST (for :data:`LEASE`, longer than the POST's
        :data:`TIMEOUT`), so a slow receiver never keeps a batch waiting under one lease that
        another instance could take over meanwhile."""
        if not self.subscriptions:
            return 0
        accepted = 0
        while candidates := await self._due():
            for row_id in candidates:
                leased = await self._lease(row_id)
                if leased is not None:  # else another instance took it meanwhile
                    accepted += await self._send(*leased)
            if len(candidates) < BATCH:
                break
        return accepted

    def _ready(self, now: datetime) -> list[Any]:
        free = or_(
            col(WebhookDelivery.lease_until).is_(None), col(WebhookDelivery.lease_until) < now
        )
        return [col(WebhookDelivery.status) == "pending", col(WebhookDelivery.due_at) <= now, free]

    async def _due(self) -> list[int]:
        query = select(WebhookDelivery.id).where(*self._ready(self._clock.now()))
        async with self._db.transaction() as session:
            found = await session.exec(query.order_by(col(WebhookDelivery.id)).limit(BATCH))
            return [i for i in found.all() if i is not None]

    async def _lease(self, row_id: int) -> tuple[WebhookDelivery, str] | None:
        """Lease one due row with a conditional UPDATE; the row and the lease's token, or
        ``None`` when it is no longer due or free."""
        now, token = self._clock.now(), uuid.uuid4().hex
        async with self._db.transaction() as session:
            connection = await session.connection()
            done = await connection.execute(
                update(WebhookDelivery)
                .where(col(WebhookDelivery.id) == row_id, *self._ready(now))
                .values(lease_until=now + LEASE, lease_token=token)
            )
            if done.rowcount != 1:
                return None
            found = await session.get(WebhookDelivery, row_id)
            assert found is not None
            return found, token

    async def _send(self, row: WebhookDelivery, token: str) -> int:
        subscription = self.subscriptions.get(row.webhook)
        error: str | None = "no such webhook in the config any more"
        if subscription is not None:
            error = await self._post(subscription, row)
        async with self._db.transaction() as session:
            query = select(WebhookDelivery).where(
                col(WebhookDelivery.id) == row.id, col(WebhookDelivery.lease_token) == token
            )
            found = (await session.exec(query.with_for_update())).first()
            if found is None:  # the lease ran out and another sender took the row over
                log.warning(
                    "webhook %s: %s %s answered after its lease ran out; left to the new sender",
                    row.webhook,
                    row.event,
                    row.delivery_id,
                )
                return 0
            self._settle(found, subscription is None, error)
        return 1 if error is None else 0

    def _settle(self, found: WebhookDelivery, gone: bool, error: str | None) -> None:
        now = self._clock.now()
        found.attempts += 1
        found.lease_until = found.lease_token = None
        if error is None:
            found.status, found.sent_at, found.last_error = "sent", now, None
            return
        found.last_error = error
        if found.attempts >= self._settings.max_attempts or gone:
            found.status = "failed"
            log.warning(
                "webhook %s: %s %s failed for good: %s",
                found.webhook,
                found.event,
                found.delivery_id,
                error,
            )
        else:
            wait = timedelta(seconds=self._settings.retry_base_seconds)
            found.due_at = now + min(wait * 2 ** (found.attempts - 1), MAX_BACKOFF)

    async def _post(self, subscription: WebhookConfig, row: WebhookDelivery) -> str | None:
        """POST the delivery; ``None`` when the receiver took it, else what went wrong."""
        body = row.body.encode()
        timestamp = str(int(self._clock.now().timestamp()))
        headers = {
            "Content-Type": "application/json",
            "Deskmate-Webhook-Id": row.delivery_id,
            "Deskmate-Webhook-Event": row.event,
            "Deskmate-Webhook-Timestamp": timestamp,
            "Deskmate-Webhook-Signature": signature(
                subscription.secret.get_secret_value(), timestamp, body
            ),
        }
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=TIMEOUT)
        try:
            async with self._session.post(subscription.url, data=body, headers=headers) as answer:
                if 200 <= answer.status < 300:
                    return None
                return f"HTTP {answer.status}"
        except (aiohttp.ClientError, TimeoutError) as exc:
            return f"{type(exc).__name__}: {exc}"

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
