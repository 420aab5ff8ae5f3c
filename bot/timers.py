"""Timers that belong to data: rows with ``due_at`` that survive restarts and scale, fired once by
the skill's handler for their ``kind``.

A handler sets one with ``await ctx.timers.set("task-12-due", due, kind="due", payload={...})``
(setting the same key again moves it) and cancels it with ``await ctx.timers.cancel(...)``. The
skill handles it with ``@skill.timer("due")``. One periodic tick fires the due ones, each in its own
transaction that also deletes the row, so a timer fires once even with several instances
(PostgreSQL rows are claimed with ``FOR UPDATE SKIP LOCKED``): see :mod:`bot.timer_runner`.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Timer


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
