"""Timers that belong to data: rows with ``due_at`` that survive restarts and scale, fired once by
the skill's handler for their ``kind``.

A handler sets one with ``await ctx.timers.set("task-12-due", due, kind="due", payload={...})``
(setting the same key again moves it) and cancels it with ``await ctx.timers.cancel(...)``. The
skill handles it with ``@skill.timer("due")``. One periodic tick fires the due ones, each in its own
transaction that also deletes the row, so a timer fires once even with several instances
(PostgreSQL rows are claimed with ``FOR UPDATE SKIP LOCKED``).
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import cards
from bot.cards import CardEdit
from storage.models import Timer

if TYPE_CHECKING:
    from bot.app import Bot

log = logging.getLogger(__name__)

MAX_FIRED_PER_TICK = 1000


class Timers:
    """The timers of one skill, inside the caller's transaction (``ctx.timers``)."""

    def __init__(self, session: AsyncSession, skill: str, now: datetime) -> None:
        self.session = session
        self.skill = skill
        self.now = now

    async def set(
        self, key: str, due_at: datetime, *, kind: str, payload: dict[str, Any] | None = None
    ) -> None:
        """Fire ``kind``'s handler at ``due_at`` with ``key`` and ``payload``; replaces a timer
        already set under ``key``."""
        if due_at.tzinfo is None:
            raise ValueError("timers need a timezone-aware due_at")
        values = {
            "skill": self.skill,
            "kind": kind,
            "key": key,
            "due_at": due_at,
            "payload": json.dumps(payload or {}, ensure_ascii=False, default=str),
            "created_at": self.now,
            "status": "pending",
            "attempts": 0,
            "last_error": None,
        }
        dialect = self.session.bind.dialect.name if self.session.bind else "sqlite"
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        stmt = insert(Timer).values(**values)
        update = {k: stmt.excluded[k] for k in values if k not in ("skill", "key")}
        await self.session.exec(
            stmt.on_conflict_do_update(index_elements=["skill", "key"], set_=update)
        )

    async def cancel(self, key: str) -> None:
        """Forget the timer set under ``key`` (nothing happens if there is none)."""
        await self.session.exec(
            delete(Timer).where(col(Timer.skill) == self.skill, col(Timer.key) == key)
        )

    async def due_at(self, key: str) -> datetime | None:
        """When the timer set under ``key`` fires, or ``None``."""
        found = await self.session.exec(
            select(Timer.due_at).where(Timer.skill == self.skill, Timer.key == key)
        )
        return found.first()


class TimerRunner:
    """Fires due timers, one transaction each; a failing handler is retried with back-off."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def next_due(self) -> datetime | None:
        async with self.bot.db.transaction() as session:
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
        now = self.bot.clock.now()
        timer_id = None
        try:
            async with self.bot.db.transaction() as session:
                query = (
                    select(Timer)
                    .where(Timer.status == "pending", Timer.due_at <= now)
                    .order_by(col(Timer.due_at), col(Timer.id))
                    .limit(1)
                )
                if not self.bot.db.is_sqlite:
                    query = query.with_for_update(skip_locked=True)
                timer = (await session.exec(query)).first()
                if timer is None:
                    return None
                timer_id = timer.id
                edits = await self._run(session, timer)
            await cards.apply(self.bot, edits)
            return 1
        except Exception as exc:
            log.exception("timer %s failed", timer_id)
            await self._retry_later(timer_id, repr(exc))
            return 0

    async def _run(self, session: AsyncSession, timer: Timer) -> list[CardEdit]:
        spec = self.bot.registry.timer(timer.skill, timer.kind)
        await session.delete(timer)
        await session.flush()
        if spec is None:
            log.warning(
                "no handler for timer %s.%s (key %s); dropped", timer.skill, timer.kind, timer.key
            )
            return []
        ctx = self.bot.job_context(session, timer.skill)
        await spec.func(ctx, timer.key, json.loads(timer.payload))
        return ctx.effects.edits

    async def _retry_later(self, timer_id: int | None, error: str) -> None:
        if timer_id is None:
            return
        async with self.bot.db.transaction() as session:
            timer = await session.get(Timer, timer_id)
            if timer is None:
                return
            timer.attempts += 1
            timer.last_error = error
            delivery = self.bot.config.delivery
            if timer.attempts >= delivery.max_attempts:
                timer.status = "failed"
            else:
                wait = delivery.retry_base_seconds * 2 ** (timer.attempts - 1)
                timer.due_at = self.bot.clock.now() + timedelta(seconds=wait)
