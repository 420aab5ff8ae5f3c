"""Delivery: the outbox every notification goes through.

``ctx.notify`` writes a row in the handler's transaction, after asking the delivery policies (quiet
hours) when it may go out. :meth:`Delivery.drain` claims due rows (a lease, so a crash re-sends at
most the rows in flight), asks the policies again (now with the platform's Do Not Disturb), folds
each person's held rows into one digest, and sends through the recipient's adapter within the rate
limits, one destination at a time and destinations side by side. The platform's message reference
is recorded; a failure is retried with back-off (as long as the platform asks on a 429); a
permanent one is marked failed with its reason (``/deskmate outbox``).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import cards, codec, digest
from bot.adapter import DeliveryFailed, Destination
from bot.i18n import Locale, Text
from bot.messages import Message, render_message
from bot.people import PersonRef
from bot.policy import Decision, Notice, combine
from bot.ratelimit import RateLimits
from storage.models import OutboxRow

if TYPE_CHECKING:
    from bot.app import Bot
    from bot.context import ChatTarget

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
BATCH = 500


@dataclass
class _Parcel:
    """What goes to one destination in one send: a row, or a digest of held rows."""

    rows: list[OutboxRow]
    message: Message
    locale: Locale
    silent: bool = False


@dataclass
class _Route:
    destination: Destination
    locale: Locale
    person: PersonRef | None = None
    parcels: list[_Parcel] = field(default_factory=list)


class Delivery:
    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self.limits = RateLimits(bot.config.delivery)
        self._lock = asyncio.Lock()

    # --- writing ------------------------------------------------------------------------------

    async def enqueue(
        self,
        session: AsyncSession,
        to: PersonRef | ChatTarget,
        message: Message,
        *,
        skill: str,
        sender: PersonRef | None,
        urgent: bool = False,
        group: str | None = None,
        platform: str | None = None,
        card: str | None = None,
    ) -> Text | None:
        """Write the outbox row; returns why it waits, if the recipient's policy holds it."""
        now = self.bot.clock.now()
        decision = Decision()
        if isinstance(to, PersonRef) and (sender is None or sender.id != to.id):
            decision = await self.decide(session, Notice(to, sender, urgent, now))
        held = decision.holds(now)
        session.add(
            OutboxRow(
                idempotency_key=uuid.uuid4().hex,
                created_at=now,
                due_at=decision.deliver_at if held and decision.deliver_at else now,
                skill=skill,
                person_id=to.id if isinstance(to, PersonRef) else None,
                chat_id=None if isinstance(to, PersonRef) else to.chat_id,
                platform=platform,
                sender_id=sender.id if sender else None,
                urgent=urgent,
                held=held,
                silent=decision.silent,
                group=group,
                card=card,
                payload=codec.dumps(message),
            )
        )
        return decision.note if held else None

    async def decide(self, session: AsyncSession, notice: Notice) -> Decision:
        decisions = [
            await policy(self.bot.job_context(session, skill.name), notice)
            for skill, policy in self.bot.registry.policies()
        ]
        return combine(decisions, notice.now)

    # --- draining -----------------------------------------------------------------------------

    async def next_due(self) -> datetime | None:
        """When a row is next due: a pending row's time, or a crashed worker's lease running out."""
        async with self.bot.db.transaction() as session:
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

    async def drain(self) -> int:
        """Send every due row; returns how many rows went out."""
        async with self._lock:
            sent = 0
            while rows := await self._claim():
                routes = await self._plan(rows)
                results = await asyncio.gather(*(self._send_route(r) for r in routes))
                sent += sum(results)
                if len(rows) < BATCH:
                    break
            return sent

    async def _claim(self) -> list[OutboxRow]:
        now = self.bot.clock.now()
        async with self.bot.db.transaction() as session:
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
            if not self.bot.db.is_sqlite:
                query = query.with_for_update(skip_locked=True)
            rows = list((await session.exec(query)).all())
            for row in rows:
                row.status, row.lease_until = "sending", now + LEASE
            return rows

    async def _plan(self, rows: list[OutboxRow]) -> list[_Route]:
        """Resolve each row's destination, re-ask the policies, and fold held rows into digests."""
        routes: dict[Destination, _Route] = {}
        held: dict[Destination, list[OutboxRow]] = defaultdict(list)
        async with self.bot.db.transaction() as session:
            for row in rows:
                route = await self._route(session, row)
                if route is None:
                    await self._fail(session, row, "no account on a connected platform")
                    continue
                route = routes.setdefault(route.destination, route)
                decision = await self._recheck(session, row, route)
                if decision.holds(self.bot.clock.now()):
                    assert decision.deliver_at is not None
                    await self._hold(session, row, decision.deliver_at)
                elif row.held:
                    held[route.destination].append(row)
                else:
                    route.parcels.append(
                        _Parcel(
                            [row],
                            codec.loads(row.payload),
                            route.locale,
                            decision.silent or row.silent,
                        )
                    )
        for destination, parcel_rows in held.items():
            routes[destination].parcels[:0] = self._digests(parcel_rows, routes[destination])
        return [r for r in routes.values() if r.parcels]

    def _digests(self, rows: list[OutboxRow], route: _Route) -> list[_Parcel]:
        chunks = [rows[i : i + digest.MAX_ITEMS] for i in range(0, len(rows), digest.MAX_ITEMS)]
        return [
            _Parcel(
                chunk,
                digest.compose(
                    self.bot.registry, [(r.skill, r.group, codec.loads(r.payload)) for r in chunk]
                ),
                route.locale,
                silent=all(r.silent for r in chunk),
            )
            for chunk in chunks
        ]

    async def _route(self, session: AsyncSession, row: OutboxRow) -> _Route | None:
        now = self.bot.clock.now()
        if row.chat_id is not None:
            chat = await self.bot.directory.chat(session, row.chat_id)
            if chat is None or chat.platform not in self.bot.adapters:
                return None
            return _Route(Destination(chat.platform, chat_id=chat.id), self.bot.org_locale(now))
        person = await self.bot.directory.get(session, row.person_id or 0)
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
        destination = Destination(platforms[0], account_id=person.accounts[platforms[0]])
        return _Route(destination, person.locale(now), person)

    async def _recheck(self, session: AsyncSession, row: OutboxRow, route: _Route) -> Decision:
        """Quiet hours may have started since the row was written (a break, Slack DND)."""
        if route.person is None or row.sender_id == route.person.id:
            return Decision(silent=row.silent)
        now = self.bot.clock.now()
        sender = await self.bot.directory.get(session, row.sender_id) if row.sender_id else None
        dnd = await self._dnd_until(route.destination)
        return await self.decide(session, Notice(route.person, sender, row.urgent, now, dnd))

    async def _dnd_until(self, to: Destination) -> datetime | None:
        adapter = self.bot.adapters.get(to.platform)
        dnd = getattr(adapter, "dnd_until", None)
        if dnd is None or to.account_id is None:
            return None
        try:
            until: datetime | None = await dnd(to.account_id)
        except Exception:  # DND is a courtesy; never block delivery on it
            log.warning("could not read Do Not Disturb of %s", to, exc_info=True)
            return None
        return until

    # --- sending and recording ----------------------------------------------------------------

    async def _send_route(self, route: _Route) -> int:
        adapter = self.bot.adapters[route.destination.platform]
        sent = 0
        for k, parcel in enumerate(route.parcels):
            rendered = render_message(parcel.message, self.bot.translator, parcel.locale)
            try:
                async with self.limits.slot(route.destination):
                    ref = await adapter.send(route.destination, rendered, silent=parcel.silent)
            except DeliveryFailed as exc:
                later = [r for p in route.parcels[k:] for r in p.rows]
                await self._failed(parcel.rows, later, exc)
                return sent
            except Exception as exc:
                log.exception("delivery to %s failed", route.destination)
                await self._failed(parcel.rows, [], DeliveryFailed(repr(exc)))
                continue
            await self._sent(parcel.rows, ref)
            sent += len(parcel.rows)
            row = parcel.rows[0]
            if len(parcel.rows) == 1 and not row.held and row.card is not None:
                await cards.remember(
                    self.bot, row.skill, row.card, route.destination, ref, parcel.locale
                )
        return sent

    async def _sent(self, rows: list[OutboxRow], ref: str) -> None:
        now = self.bot.clock.now()
        async with self.bot.db.transaction() as session:
            await session.exec(
                update(OutboxRow)
                .where(col(OutboxRow.id).in_([r.id for r in rows]))
                .values(status="sent", sent_ref=ref, sent_at=now, lease_until=None)
            )

    async def _failed(
        self, rows: list[OutboxRow], waiting: list[OutboxRow], exc: DeliveryFailed
    ) -> None:
        """Record a failure; on a 429 every row still waiting for that destination waits too."""
        now = self.bot.clock.now()
        delivery = self.bot.config.delivery
        async with self.bot.db.transaction() as session:
            for row in {r.id: r for r in [*rows, *waiting]}.values():
                fresh = await session.get(OutboxRow, row.id)
                if fresh is None:
                    continue
                fresh.lease_until = None
                throttled = exc.retry_after is not None  # a 429 is not the row's fault
                if fresh.id in {r.id for r in rows}:
                    fresh.attempts += 0 if throttled else 1
                    fresh.last_error = exc.reason
                if exc.permanent or fresh.attempts >= delivery.max_attempts:
                    fresh.status = "failed"
                    continue
                fresh.status = "pending"
                wait = (
                    exc.retry_after
                    if exc.retry_after is not None
                    else delivery.retry_base_seconds * 2 ** max(fresh.attempts - 1, 0)
                )
                fresh.due_at = now + timedelta(seconds=wait)

    async def _hold(self, session: AsyncSession, row: OutboxRow, until: datetime) -> None:
        fresh = await session.get(OutboxRow, row.id)
        if fresh is not None:
            fresh.status, fresh.due_at, fresh.held, fresh.lease_until = "pending", until, True, None

    async def _fail(self, session: AsyncSession, row: OutboxRow, reason: str) -> None:
        fresh = await session.get(OutboxRow, row.id)
        if fresh is not None:
            fresh.status, fresh.last_error, fresh.lease_until = "failed", reason, None

    async def release(self, session: AsyncSession, person_id: int) -> int:
        """Deliver a person's held rows now (their break ended early, quiet hours turned off)."""
        now = self.bot.clock.now()
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
