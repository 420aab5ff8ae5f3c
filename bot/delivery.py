"""Delivery: the outbox every notification goes through.

``ctx.notify`` writes a row in the handler's transaction; :meth:`Delivery.drain` sends due rows
through the recipient's adapter, rendered in the recipient's language and time zone, and records
the platform's message reference. A failure is retried with back-off (as long as the platform asks
on a 429); a permanent one is marked failed with its reason.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import codec
from bot.adapter import DeliveryFailed, Destination
from bot.i18n import Locale
from bot.messages import Message, render_message
from bot.people import PersonRef
from storage.models import OutboxRow

if TYPE_CHECKING:
    from bot.app import Bot
    from bot.context import ChatTarget

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BACKOFF_BASE = timedelta(seconds=5)


@dataclass(frozen=True)
class _Target:
    destination: Destination
    locale: Locale


class Delivery:
    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self._lock = asyncio.Lock()

    async def enqueue(
        self,
        session: AsyncSession,
        to: PersonRef | ChatTarget,
        message: Message,
        *,
        skill: str,
        urgent: bool = False,
        group: str | None = None,
        platform: str | None = None,
    ) -> None:
        now = self.bot.clock.now()
        person_id, chat_id = (to.id, None) if isinstance(to, PersonRef) else (None, to.chat_id)
        session.add(
            OutboxRow(
                idempotency_key=uuid.uuid4().hex,
                created_at=now,
                due_at=now,
                skill=skill,
                person_id=person_id,
                chat_id=chat_id,
                platform=platform,
                urgent=urgent,
                group=group,
                payload=codec.dumps(message),
            )
        )

    async def drain(self, limit: int = 200) -> int:
        """Send every due row (up to ``limit``); returns how many were sent."""
        async with self._lock:
            async with self.bot.db.transaction() as session:
                rows = (
                    await session.exec(
                        select(OutboxRow)
                        .where(
                            OutboxRow.status == "pending", OutboxRow.due_at <= self.bot.clock.now()
                        )
                        .order_by(col(OutboxRow.due_at), col(OutboxRow.id))
                        .limit(limit)
                    )
                ).all()
            sent = 0
            for row in rows:
                sent += await self._deliver(row)
            return sent

    async def _deliver(self, row: OutboxRow) -> int:
        async with self.bot.db.transaction() as session:
            target = await self._target(session, row)
        if target is None:
            await self._record(row, error="no account on a connected platform", permanent=True)
            return 0
        adapter = self.bot.adapters[target.destination.platform]
        rendered = render_message(codec.loads(row.payload), self.bot.translator, target.locale)
        try:
            ref = await adapter.send(target.destination, rendered)
        except DeliveryFailed as exc:
            await self._record(
                row, error=exc.reason, permanent=exc.permanent, retry_after=exc.retry_after
            )
            return 0
        except Exception as exc:
            log.exception("delivery of outbox row %s failed", row.id)
            await self._record(row, error=repr(exc))
            return 0
        await self._record(row, ref=ref)
        return 1

    async def _target(self, session: AsyncSession, row: OutboxRow) -> _Target | None:
        now = self.bot.clock.now()
        if row.chat_id is not None:
            chat = await self.bot.directory.chat(session, row.chat_id)
            if chat is None or chat.platform not in self.bot.adapters:
                return None
            return _Target(Destination(chat.platform, chat_id=chat.id), self.bot.org_locale(now))
        assert row.person_id is not None
        person = await self.bot.directory.get(session, row.person_id)
        if person is None:
            return None
        preferred = [row.platform] if row.platform else []
        platforms = [
            p
            for p in (*preferred, *self.bot.adapters)
            if p in person.accounts and p in self.bot.adapters
        ]
        if not platforms:
            return None
        platform = platforms[0]
        return _Target(
            Destination(platform, account_id=person.accounts[platform]), person.locale(now)
        )

    async def _record(
        self,
        row: OutboxRow,
        *,
        ref: str | None = None,
        error: str | None = None,
        permanent: bool = False,
        retry_after: float | None = None,
    ) -> None:
        async with self.bot.db.transaction() as session:
            fresh = await session.get(OutboxRow, row.id)
            if fresh is None:
                return
            now = self.bot.clock.now()
            if error is None:
                fresh.status, fresh.sent_ref, fresh.sent_at = "sent", ref, now
                return
            fresh.attempts += 1
            fresh.last_error = error
            if permanent or fresh.attempts >= MAX_ATTEMPTS:
                fresh.status = "failed"
                return
            wait = (
                timedelta(seconds=retry_after)
                if retry_after is not None
                else BACKOFF_BASE * 2 ** (fresh.attempts - 1)
            )
            fresh.due_at = now + wait
