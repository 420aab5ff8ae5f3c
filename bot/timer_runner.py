"""Firing due timers (see :mod:`bot.timers`): one transaction each, which also deletes the row, so
a timer fires once even with several instances; a failing handler is retried with back-off."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import logs
from bot.cards import CardEdit, CardEditor
from bot.clock import Clock
from bot.config import DeliveryConfig
from bot.metrics import Metrics
from bot.registry import Registry
from storage import Database
from storage.models import Timer

if TYPE_CHECKING:
    from bot.context import JobContext

log = logging.getLogger(__name__)

MAX_FIRED_PER_TICK = 1000

# a context for a skill's timer handler, in the timer's transaction
JobContextFor = Callable[[AsyncSession, str], "JobContext"]


class TimerRunner:
    """Fires due timers, one transaction each; a failing handler is retried with back-off."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        registry: Registry,
        job_context: JobContextFor,
        cards: CardEditor,
        settings: DeliveryConfig,
        metrics: Metrics,
    ) -> None:
        self.metrics = metrics
        self.db = db
        self.clock = clock
        self.registry = registry  # the skills' timer handlers
        self.job_context = job_context
        self.cards = cards
        self.settings = settings  # retries: max_attempts, retry_base_seconds

    async def next_due(self) -> datetime | None:
        async with self.db.transaction() as session:
            found = await session.exec(
                select(Timer.due_at)
                .where(Timer.status == "pending")
                .order_by(col(Timer.due_at))
                .limit(1)
            )
            return found.first()

    async def fire_due(self) -> int:
        fired = 0
        while fired < MAX_FIRED_PER_TICK:
            outcome = await self._fire_one()
            if outcome is None:
                break
            fired += outcome
        return fired

    async def _fire_one(self) -> int | None:
        now = self.clock.now()
        timer_id = None
        try:
            async with self.db.transaction() as session:
                query = (
                    select(Timer)
                    .where(Timer.status == "pending", Timer.due_at <= now)
                    .order_by(col(Timer.due_at), col(Timer.id))
                    .limit(1)
                )
                if not self.db.is_sqlite:
                    query = query.with_for_update(skip_locked=True)
                timer = (await session.exec(query)).first()
                if timer is None:
                    return None
                timer_id = timer.id
                edits = await self._run(session, timer)
            self.cards.submit(edits)
            self.metrics.timer_fired("ok")
            return 1
        except Exception as exc:
            log.exception("timer %s failed", timer_id)
            self.metrics.timer_fired("failed")
            await self._retry_later(timer_id, repr(exc))
            return 0

    async def _run(self, session: AsyncSession, timer: Timer) -> list[CardEdit]:
        spec = self.registry.timer(timer.skill, timer.kind)
        await session.delete(timer)
        await session.flush()
        if spec is None:
            log.warning(
                "no handler for timer %s.%s (key %s); dropped", timer.skill, timer.kind, timer.key
            )
            return []
        with logs.bound(skill=timer.skill, command=f"timer {timer.kind}"):
            ctx = self.job_context(session, timer.skill)
            await spec.func(ctx, timer.key, json.loads(timer.payload))
        return ctx.effects.edits

    async def _retry_later(self, timer_id: int | None, error: str) -> None:
        if timer_id is None:
            return
        async with self.db.transaction() as session:
            timer = await session.get(Timer, timer_id)
            if timer is None:
                return
            timer.attempts += 1
            timer.last_error = error
            delivery = self.settings
            if timer.attempts >= delivery.max_attempts:
                timer.status = "failed"
            else:
                wait = delivery.retry_base_seconds * 2 ** (timer.attempts - 1)
                timer.due_at = self.clock.now() + timedelta(seconds=wait)
