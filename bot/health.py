"""Is this instance fit to take events? The checks behind ``/readyz``, and the states ``/metrics``
reads when asked (the outbox's depth, timers due, the leader role).

Ready means: the database answers, its migrations are current, and each enabled adapter is
connected and, if it holds a connection (Socket Mode, long polling), has heard from its platform
within ``monitoring.heard_within_seconds``. An adapter the platform calls (HTTP mode, a webhook)
only has to be listening: a quiet workspace is no fault. A stopping instance is not ready (a load
balancer then sends its traffic elsewhere while it drains).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func
from sqlmodel import col, select

from bot.adapter import Adapter, Watched
from bot.clock import Clock
from bot.config import MonitoringConfig
from bot.metrics import AdapterHealth, Metrics
from storage import Database, missing_heads
from storage.leader import Leadership
from storage.models import OutboxRow, Timer

UNSENT = ("pending", "sending")


@dataclass(frozen=True)
class Check:
    """One line of ``/readyz``: what was checked, whether it holds, and what was found."""

    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'ok' if self.ok else 'FAIL'} {self.name}: {self.detail}"


class Health:
    """The readiness checks and the states of ``/metrics``, from the parts they read."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        leadership: Leadership,
        adapters: Mapping[str, Adapter],
        migrations: list[Path],
        metrics: Metrics,
        settings: MonitoringConfig,
    ) -> None:
        self.db = db
        self.clock = clock
        self.leadership = leadership
        self.adapters = adapters
        self.migrations = migrations
        self.metrics = metrics
        self.settings = settings
        self.stopping = False  # set when the bot starts draining
        metrics.watch_adapters(self.links)

    def links(self) -> list[tuple[str, AdapterHealth]]:
        """Each adapter's link to its platform, for those that tell it."""
        return [
            (platform, adapter.health())
            for platform, adapter in self.adapters.items()
            if isinstance(adapter, Watched)
        ]

    async def checks(self) -> list[Check]:
        """Every readiness check, each within ``check_timeout_seconds``."""
        found = [
            Check("process", not self.stopping, "stopping" if self.stopping else "running"),
            await self._timed("database", self._database),
            await self._timed("migrations", self._migrations),
        ]
        return found + [self._link(platform, link) for platform, link in self.links()]

    async def _timed(self, name: str, check: Callable[[], Awaitable[Check]]) -> Check:
        try:
            async with asyncio.timeout(self.settings.check_timeout_seconds):
                return await check()
        except TimeoutError:
            return Check(name, False, f"no answer within {self.settings.check_timeout_seconds} s")
        except Exception as exc:
            return Check(name, False, f"{type(exc).__name__}: {exc}".splitlines()[0][:200])

    async def _database(self) -> Check:
        async with self.db.engine.connect() as conn:
            await conn.exec_driver_sql("SELECT 1")
        return Check("database", True, "answers")

    async def _migrations(self) -> Check:
        missing = await missing_heads(self.db, self.migrations)
        if missing:
            return Check("migrations", False, f"not applied: {', '.join(missing)}")
        return Check("migrations", True, "current")

    def _link(self, platform: str, link: AdapterHealth) -> Check:
        name = f"adapter {platform}"
        if not link.connected:
            return Check(name, False, "not connected")
        heard = link.heard_seconds_ago
        if link.pushed:
            return Check(name, True, "listening")
        if heard is None or heard > self.settings.heard_within_seconds:
            silent = "never heard from" if heard is None else f"silent for {heard:.0f} s"
            return Check(name, False, f"{silent} (limit {self.settings.heard_within_seconds:g} s)")
        return Check(name, True, f"heard from {heard:.1f} s ago")

    async def refresh(self) -> None:
        """Read the states ``/metrics`` shows (the adapters' are read by the collector)."""
        now = self.clock.now()
        unsent = col(OutboxRow.status).in_(UNSENT)
        async with asyncio.timeout(self.settings.check_timeout_seconds):
            # asked as a periodic job asks: the lock is taken if nobody holds it
            self.metrics.leader.set(1 if await self.leadership.held() else 0)
        async with (
            asyncio.timeout(self.settings.check_timeout_seconds),
            self.db.engine.connect() as conn,
        ):
            pending = (await conn.execute(select(func.count()).where(unsent))).scalar()
            oldest = (
                await conn.execute(
                    select(func.min(OutboxRow.due_at)).where(unsent, col(OutboxRow.due_at) <= now)
                )
            ).scalar()
            timers = (
                await conn.execute(
                    select(func.count()).where(
                        col(Timer.status) == "pending", col(Timer.due_at) <= now
                    )
                )
            ).scalar()
        self.metrics.outbox_pending.set(pending or 0)
        age = (now - oldest).total_seconds() if isinstance(oldest, datetime) else 0.0
        self.metrics.outbox_oldest_age.set(max(age, 0.0))
        self.metrics.timers_due.set(timers or 0)
