"""Delivery's bookkeeping: claiming due rows under a lease, renewing it, recording what happened.

A drain claims up to :data:`BATCH` due rows (or rows whose drain stalled) under a short lease
(:data:`LEASE`, 6 s) that a heartbeat renews every 1.5 s while the drain holds them (see
:mod:`bot.bookkeeping`), so the rows of an instance that died are taken over within seconds.
Before each send the lease is renewed once more; a drain that lost it skips the rows. Failures
are given back with back-off (a 429 waits as long as the platform says and never counts as a
failure); permanent ones are kept with their reason.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import cards
from bot.adapter import DeliveryFailed, Destination
from bot.bookkeeping import Ledger
from bot.clock import Clock
from bot.config import DeliveryConfig
from bot.i18n import Locale
from storage import Database
from storage.models import OutboxRow

LEASE = timedelta(seconds=6)  # renewed every 1.5 s while held (bot.bookkeeping.HEARTBEAT)
BATCH = 250  # rows per claim; a drain sends one batch while it claims and plans the next
WROTE = "deskmate.outbox_written"  # in session.info: this transaction wrote to the outbox
_OUTBOX = OutboxRow.__table__  # type: ignore[attr-defined]
_TAKE = (  # a claim, built once (putting one together costs more than running it)
    update(_OUTBOX)
    .where(_OUTBOX.c.id.in_(bindparam("ids", expanding=True)))
    .values(status="sending", lease_until=bindparam("until"), claimed_by=bindparam("token"))
)


class Settle:
    """The outbox rows' state: claimed, renewed, sent, failed, given back."""

    def __init__(self, db: Database, clock: Clock, settings: DeliveryConfig) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.ledger = Ledger(db, clock, LEASE)

    async def claim(self, token: str) -> list[OutboxRow]:
        """Take up to ``BATCH`` due rows (or rows whose drain stalled) under a lease of this
        drain's ``token``: one query to read them, one statement to take them all."""
        now = self.clock.now()
        async with self.db.transaction() as session:
            query = (
                select(OutboxRow)
                .where(
                    or_(
                        (col(OutboxRow.status) == "pending") & (col(OutboxRow.due_at) <= now),
                        (col(OutboxRow.status) == "sending") & (col(OutboxRow.lease_until) <= now),
                    )
                )
                .order_by(col(OutboxRow.due_at), col(OutboxRow.id))
                .limit(BATCH)
            )
            if not self.db.is_sqlite:
                query = query.with_for_update(skip_locked=True)
            rows = list((await session.exec(query)).all())
            if rows:
                params = {"ids": [r.id for r in rows], "until": now + LEASE, "token": token}
                await (await session.connection()).execute(_TAKE, params)
                session.expunge_all()  # what the statement wrote, without an UPDATE per row
        for row in rows:
            row.status, row.lease_until, row.claimed_by = "sending", now + LEASE, token
        return rows

    async def renew(self, rows: list[OutboxRow], token: str) -> bool:
        """Extend this drain's lease on the rows it is about to send; False if it lost them.
        (Written with the other sends' bookkeeping of the moment: see :mod:`bot.bookkeeping`.)"""
        return await self.ledger.renew([r.id for r in rows if r.id is not None], token)

    async def sent(
        self, rows: list[OutboxRow], where: Destination, locale: Locale, ref: str, token: str
    ) -> None:
        """Mark the rows sent, with the card's place in the same commit."""
        row = rows[0]
        card = None
        if len(rows) == 1 and not row.held and row.card is not None:
            now = self.clock.now()
            card = cards.location_values(now, row.skill, row.card, where, ref, locale)
        await self.ledger.sent([r.id for r in rows if r.id is not None], token, ref, card)

    async def failed(
        self, rows: list[OutboxRow], waiting: list[OutboxRow], exc: DeliveryFailed, token: str
    ) -> None:
        """Record a failure. On a 429 the rows still waiting for that destination wait too; on a
        permanent failure (blocked, gone) they fail with the same reason; a person who can't be
        messaged privately is mentioned in the chat the notification came from instead."""
        tried = {r.id for r in rows}
        async with self.db.transaction() as session:
            for row in [*rows, *waiting]:
                fresh = await session.get(OutboxRow, row.id)
                if fresh is None or fresh.claimed_by != token:
                    continue
                await self._fail_one(session, fresh, exc, fresh.id in tried)

    async def _fail_one(
        self, session: AsyncSession, fresh: OutboxRow, exc: DeliveryFailed, tried: bool
    ) -> None:
        throttled = exc.retry_after is not None
        if tried and not throttled:
            fresh.attempts += 1
        fresh.last_error = exc.reason if tried or exc.permanent else None
        if exc.unreachable and fresh.origin_chat_id and not fresh.detour:
            fresh.detour, fresh.chat_id = True, fresh.origin_chat_id
            await give_back(session, fresh, "pending", due=self.clock.now(), held=False)
            return
        if exc.permanent or fresh.attempts >= self.settings.max_attempts:
            await give_back(session, fresh, "failed", fresh.last_error)
            return
        wait = (
            exc.retry_after
            if throttled
            else self.settings.retry_base_seconds * 2 ** max(fresh.attempts - 1, 0)
        )
        due = self.clock.now() + timedelta(seconds=wait or 0)
        await give_back(session, fresh, "pending", due=due, held=fresh.held)

    async def hand_back(self, tokens: set[str]) -> int:
        """Give the rows these drains claimed and did not send back, due as they were (an
        instance stopping); returns how many."""
        async with self.db.transaction() as session:
            result = await session.exec(
                update(OutboxRow)
                .where(
                    col(OutboxRow.claimed_by).in_(tokens),
                    col(OutboxRow.status) == "sending",
                )
                .values(status="pending", lease_until=None, claimed_by=None)
            )
        return int(result.rowcount or 0)

    async def next_due(self) -> datetime | None:
        """When a row is next due: a pending row's time, or a stalled drain's lease running out."""
        async with self.db.transaction() as session:
            pending = (
                await session.exec(
                    select(func.min(OutboxRow.due_at)).where(OutboxRow.status == "pending")
                )
            ).one()
            leased = (
                await session.exec(
                    select(func.min(OutboxRow.lease_until)).where(OutboxRow.status == "sending")
                )
            ).one()
        times = [t for t in (pending, leased) if t is not None]
        return min(times) if times else None

    async def release(self, session: AsyncSession, person_id: int) -> int:
        """Make a person's held rows due now (their break ended early, quiet hours turned off)."""
        now = self.clock.now()
        session.info[WROTE] = True
        result = await session.exec(
            update(OutboxRow)
            .where(
                col(OutboxRow.person_id) == person_id,
                col(OutboxRow.status) == "pending",
                col(OutboxRow.held).is_(True),
                col(OutboxRow.due_at) > now,
            )
            .values(due_at=now)
        )
        return int(result.rowcount or 0)


async def give_back(
    session: AsyncSession,
    row: OutboxRow,
    status: str,
    error: str | None = None,
    *,
    due: datetime | None = None,
    held: bool = True,
) -> None:
    """Give a claimed row back: failed with a reason, or pending until ``due``."""
    fresh = await session.get(OutboxRow, row.id)
    if fresh is None:
        return
    fresh.status, fresh.lease_until, fresh.claimed_by = status, None, None
    if error is not None:
        fresh.last_error = error
    if due is not None:
        fresh.due_at, fresh.held = due, held
