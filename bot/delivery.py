"""Delivery: the outbox every notification goes through.

``ctx.notify`` writes a row in the handler's transaction, after asking the delivery policies (quiet
hours) when it may go out. :meth:`Delivery.drain` claims due rows under a lease, asks the policies
again (now with the platform's Do Not Disturb, read outside any transaction), folds each person's
held rows into one digest, and sends through the recipient's adapter within the rate limits: one
destination at a time, destinations side by side, and any number of drains at once (each claims
its own rows), so one chat's backlog never holds up another's. The lease is short (6 s) and a
heartbeat renews it every 1.5 s for every row a drain holds, so the rows of an instance that died
are taken over within seconds (the next drain after the lease ran out: at most a tick later).
Before each send the lease is renewed once more, checking the drain still holds the rows; a drain
that lost its lease (stalled past it, another instance took over) skips them, so a row is sent
twice only if a worker dies between sending and recording. Failures are retried
with back-off (a 429 waits as long as the platform says and never counts as a failure); permanent
ones are kept with their reason (``/deskmate outbox``).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import defaultdict
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import cards, codec, digest
from bot.adapter import Adapter, DeliveryFailed, Destination, DmInvite, Dnd, SilentSend
from bot.bookkeeping import Ledger
from bot.clock import Clock
from bot.config import DeliveryConfig, OrgConfig
from bot.directory import Directory
from bot.i18n import Locale, Text, Translator, _
from bot.markup import Link
from bot.messages import Message, RenderedMessage, render_message
from bot.people import PersonRef
from bot.policy import Decision, Notice, combine
from bot.ratelimit import RateLimits
from bot.registry import Registry
from storage import Database
from storage.models import OutboxRow

if TYPE_CHECKING:
    from bot.context import ChatTarget, JobContext

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=6)  # renewed every 1.5 s while held (bot.bookkeeping.HEARTBEAT)
BATCH = 250  # rows per claim; a drain sends one batch while it claims and plans the next
WROTE = "deskmate.outbox_written"  # in session.info: this transaction wrote to the outbox
_OUTBOX = OutboxRow.__table__  # type: ignore[attr-defined]
_TAKE = (  # a claim, built once (putting one together costs more than running it)
    update(_OUTBOX)
    .where(_OUTBOX.c.id.in_(bindparam("ids", expanding=True)))
    .values(status="sending", lease_until=bindparam("until"), claimed_by=bindparam("token"))
)
Renders = dict[tuple[int, Locale], RenderedMessage]  # one batch's messages, rendered once each


@dataclass
class _Parcel:
    """What goes to one destination in one send: a row, or a digest of held rows."""

    rows: list[OutboxRow]
    message: Message
    silent: bool = False


@dataclass
class _Route:
    destination: Destination
    locale: Locale
    person: PersonRef | None = None
    dnd_until: datetime | None = None
    parcels: list[_Parcel] = field(default_factory=list)


# a context for a skill's delivery policy, in the caller's transaction
JobContextFor = Callable[[AsyncSession, str], "JobContext"]


class Delivery:
    """The outbox: ``enqueue`` in a handler's transaction, ``drain`` after it commits."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        directory: Directory,
        adapters: Mapping[str, Adapter],
        registry: Registry,
        translator: Translator,
        settings: DeliveryConfig,
        org: OrgConfig,
        job_context: JobContextFor,
    ) -> None:
        self.db = db
        self.clock = clock
        self.directory = directory
        self.adapters = adapters
        self.registry = registry  # its delivery policies and digest labels
        self.translator = translator
        self.settings = settings
        self.org = org
        self.job_context = job_context
        self.limits = RateLimits(settings)
        self.ledger = Ledger(db, clock, LEASE)
        self._running: set[asyncio.Task[int]] = set()
        self._busy: dict[Destination, asyncio.Future[None]] = {}  # the last route to each
        self._stopped = False

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
        origin_chat_id: int | None = None,
        not_before: datetime | None = None,
    ) -> Text | None:
        """Write the outbox row; returns why it waits, if the recipient's policy holds it.
        ``not_before``: not sent before then (a reply the platform refused until then)."""
        now = self.clock.now()
        decision = Decision()
        if isinstance(to, PersonRef) and (sender is None or sender.id != to.id):
            target = self.platform_of(to, platform)
            decision = await self.decide(
                session, Notice(to, sender, urgent, now, can_silence=self._can_silence(target))
            )
        held = decision.holds(now)
        session.info[WROTE] = True
        session.add(
            OutboxRow(
                idempotency_key=uuid.uuid4().hex,
                created_at=now,
                due_at=max(
                    decision.deliver_at if held and decision.deliver_at else now,
                    not_before or now,
                ),
                skill=skill,
                person_id=to.id if isinstance(to, PersonRef) else None,
                chat_id=None if isinstance(to, PersonRef) else to.chat_id,
                platform=platform,
                origin_chat_id=origin_chat_id,
                sender_id=sender.id if sender else None,
                urgent=urgent,
                held=held,
                silent=decision.silent and not held,
                group=group,
                card=card,
                payload=codec.dumps(message),
            )
        )
        return decision.note if held else None

    async def decide(self, session: AsyncSession, notice: Notice) -> Decision:
        decisions = [
            await policy(self.job_context(session, skill.name), notice)
            for skill, policy in self.registry.policies()
        ]
        return combine(decisions, notice.now)

    def wrote(self, session: AsyncSession) -> bool:
        """Whether this transaction wrote rows to send (then a drain is worth starting)."""
        return bool(session.info.get(WROTE))

    def platform_of(self, person: PersonRef, preferred: str | None) -> str | None:
        """Where a person is reached: the preferred platform, else the first connected one."""
        first = [preferred] if preferred else []
        return next(
            (p for p in (*first, *self.adapters) if p in person.accounts and p in self.adapters),
            None,
        )

    def _can_silence(self, platform: str | None) -> bool:
        return isinstance(self.adapters.get(platform or ""), SilentSend)

    # --- draining -----------------------------------------------------------------------------

    def kick(self) -> None:
        """Start a drain in the background (after an event), without waiting for it."""
        if not self._stopped:
            self.track(self.drain())

    def track(self, work: Coroutine[Any, Any, int]) -> asyncio.Task[int]:
        task = asyncio.get_running_loop().create_task(work)
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        return task

    async def settle(self) -> None:
        """Wait for the background drains (the console and tests read the chat after this)."""
        while self._running:
            await asyncio.gather(*list(self._running), return_exceptions=True)

    async def stop(self) -> None:
        """End every drain and every send in flight before the database closes."""
        self._stopped = True
        while self._running:
            for task in list(self._running):
                task.cancel()
            await asyncio.gather(*list(self._running), return_exceptions=True)
        await self.ledger.flush()  # the bookkeeping of sends that went out is written
        await self.ledger.stop()

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

    async def drain(self) -> int:
        """Send every due row; returns how many rows went out."""
        if self._stopped:
            return 0  # the bot is stopping: what is left waits for the next start
        sent = 0
        sending: asyncio.Future[list[int]] | None = None  # the batch going out meanwhile
        while True:
            token = uuid.uuid4().hex
            rows = await self._claim(token)
            if not rows and sending is None:
                return sent  # nothing due, nothing in flight (that could have re-queued rows)
            following = await self._plan_and_start(rows, token) if rows else None
            if sending is not None:
                sent += sum(await sending)
            sending = following

    async def _plan_and_start(self, rows: list[OutboxRow], token: str) -> asyncio.Future[list[int]]:
        """Plan a batch and start sending it, its lease kept alive until the last send ends."""
        self.ledger.hold(token, [r.id for r in rows if r.id is not None])
        try:
            sending = self._start(await self._plan(rows), token)
        except BaseException:
            self.ledger.let_go(token)
            raise
        sending.add_done_callback(lambda _done: self.ledger.let_go(token))
        return sending

    def _start(self, routes: list[_Route], token: str) -> asyncio.Future[list[int]]:
        """Send a batch's routes side by side (each route's parcels in order)."""
        renders: Renders = {}
        sending = asyncio.gather(*(self.track(self._send_route(r, token, renders)) for r in routes))
        sending.add_done_callback(_seen)  # a drain cancelled meanwhile (stopping) never reads it
        return sending

    async def _claim(self, token: str) -> list[OutboxRow]:
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

    async def _plan(self, rows: list[OutboxRow]) -> list[_Route]:
        """Resolve destinations, read DND (no transaction open), re-ask the policies, and fold
        held rows into digests."""
        now = self.clock.now()
        async with self.db.transaction() as session:
            wanted = {i for r in rows for i in (r.person_id, r.sender_id) if i is not None}
            people = {p.id: p for p in await self.directory.members(session, wanted)}
            routed = [(row, await self._route(session, row, people, now)) for row in rows]
        routes: dict[Destination, _Route] = {}
        for _row, route in routed:
            if route is not None and route.destination not in routes:
                route.dnd_until = await self._dnd_until(route)
                routes[route.destination] = route
        held: dict[Destination, list[OutboxRow]] = defaultdict(list)
        decoded: dict[str, Message] = {}  # a notice to many: one payload, decoded once
        async with self.db.transaction() as session:
            for row, found in routed:
                if found is None:
                    await self._settle(session, row, "failed", "no account on a connected platform")
                    continue
                route = routes[found.destination]
                decision = await self._recheck(session, row, route, people)
                if decision.holds(self.clock.now()):
                    assert decision.deliver_at is not None
                    await self._settle(session, row, "pending", due=decision.deliver_at)
                elif row.detour:
                    route.parcels.append(await self._detoured(session, row, route))
                elif row.held:
                    held[route.destination].append(row)
                else:
                    message = decoded.get(row.payload) or codec.loads(row.payload)
                    decoded[row.payload] = message
                    route.parcels.append(_Parcel([row], message, decision.silent or row.silent))
        for destination, waiting in held.items():
            routes[destination].parcels[:0] = self._digests(waiting)
        return [r for r in routes.values() if r.parcels]

    def _digests(self, rows: list[OutboxRow]) -> list[_Parcel]:
        rows = sorted(rows, key=lambda r: (r.skill, r.group or "", r.id or 0))  # by skill
        chunks = [rows[i : i + digest.MAX_ITEMS] for i in range(0, len(rows), digest.MAX_ITEMS)]
        return [
            _Parcel(
                chunk,
                digest.compose(
                    self.registry, [(r.skill, r.group, codec.loads(r.payload)) for r in chunk]
                ),
            )
            for chunk in chunks
        ]

    async def _route(
        self, session: AsyncSession, row: OutboxRow, people: dict[int, PersonRef], now: datetime
    ) -> _Route | None:
        if row.chat_id is not None:
            chat = await self.directory.chat(session, row.chat_id)
            if chat is None or chat.platform not in self.adapters:
                return None
            language = (await self.directory.chat_language(session, row.chat_id)).language
            org = Locale(self.org.language, ZoneInfo(self.org.timezone), now)
            locale = replace(org, language=language)  # everyone there reads
            return _Route(Destination(chat.platform, chat_id=chat.id), locale)
        person = people.get(row.person_id or 0)
        platform = self.platform_of(person, row.platform) if person else None
        if person is None or platform is None:
            return None
        destination = Destination(platform, account_id=person.accounts[platform])
        return _Route(destination, person.locale(now), person)

    async def _detoured(self, session: AsyncSession, row: OutboxRow, route: _Route) -> _Parcel:
        """A notification for someone the platform won't let us message privately: it goes to
        the chat it came from, mentioning them, and the first time asks them to open a DM."""
        message = codec.loads(row.payload)
        person = await self.directory.get(session, row.person_id or 0)
        if person is None:
            return _Parcel([row], message)
        text = Text("{who} {text}", {"who": person.mention, "text": message.text})
        account = await self.directory.account(
            session, route.destination.platform, person.accounts.get(route.destination.platform)
        )
        adapter = self.adapters.get(route.destination.platform)
        context = message.context
        if account is not None and not account.dm_closed and isinstance(adapter, DmInvite):
            link = adapter.dm_invite()
            context = _(
                "{who}, I can't message you privately yet — open {link} and press "
                "Start, and these will come to you in private.",
                who=person.mention,
                link=Link(link, link),
            )
            self.directory.close_dm(account)
        return _Parcel([row], replace(message, text=text, context=context))

    async def _recheck(
        self, session: AsyncSession, row: OutboxRow, route: _Route, people: dict[int, PersonRef]
    ) -> Decision:
        """Quiet hours may have started since the row was written (a break, Slack DND)."""
        if route.person is None or row.sender_id == route.person.id:
            return Decision(silent=row.silent)
        sender = people.get(row.sender_id) if row.sender_id else None
        can_silence = self._can_silence(route.destination.platform)
        return await self.decide(
            session,
            Notice(
                route.person, sender, row.urgent, self.clock.now(), route.dnd_until, can_silence
            ),
        )

    async def _dnd_until(self, route: _Route) -> datetime | None:
        adapter = self.adapters.get(route.destination.platform)
        if not isinstance(adapter, Dnd) or route.person is None:
            return None
        if route.destination.account_id is None:
            return None
        try:
            until = await adapter.dnd_until(route.destination.account_id)
        except Exception:  # DND is a courtesy; never block delivery on it
            log.warning("could not read Do Not Disturb of %s", route.destination, exc_info=True)
            return None
        return until

    # --- sending and recording ----------------------------------------------------------------

    async def _send_route(self, route: _Route, token: str, renders: Renders) -> int:
        """Send a route's parcels in order, after any earlier route to the same destination (a
        drain sends one batch while it plans the next)."""
        earlier = self._busy.get(route.destination)
        done = self._busy[route.destination] = asyncio.get_running_loop().create_future()
        try:
            if earlier is not None:
                await asyncio.shield(earlier)
            return await self._send_parcels(route, token, renders)
        finally:
            done.set_result(None)
            if self._busy.get(route.destination) is done:
                del self._busy[route.destination]

    async def _send_parcels(self, route: _Route, token: str, renders: Renders) -> int:
        adapter = self.adapters[route.destination.platform]
        sent = 0
        for k, parcel in enumerate(route.parcels):
            rendered = renders.get((id(parcel.message), route.locale))
            if rendered is None:
                rendered = render_message(parcel.message, self.translator, route.locale)
                renders[id(parcel.message), route.locale] = rendered
            try:
                if not await self._renew(parcel.rows, token):
                    continue  # another drain took these rows over
                with self.ledger.sending():  # its mark will come: others may wait for it
                    async with self.limits.slot(route.destination):
                        ref = await _post(adapter, route.destination, rendered, parcel.silent)
            except DeliveryFailed as exc:
                waiting = [r for p in route.parcels[k + 1 :] for r in p.rows]
                await self._failed(parcel.rows, waiting, exc, token)
                return sent
            except Exception as exc:
                log.exception("delivery to %s failed", route.destination)
                await self._failed(parcel.rows, [], DeliveryFailed(repr(exc)), token)
                continue
            await self._sent(parcel, route, ref, token)
            sent += len(parcel.rows)
        return sent

    async def _renew(self, rows: list[OutboxRow], token: str) -> bool:
        """Extend this drain's lease on the rows it is about to send; False if it lost them.
        (Written with the other sends' bookkeeping of the moment: see :mod:`bot.bookkeeping`.)"""
        return await self.ledger.renew([r.id for r in rows if r.id is not None], token)

    async def _sent(self, parcel: _Parcel, route: _Route, ref: str, token: str) -> None:
        """Mark the parcel's rows sent, with the card's place in the same commit."""
        row = parcel.rows[0]
        card = None
        if len(parcel.rows) == 1 and not row.held and row.card is not None:
            where, now = route.destination, self.clock.now()
            card = cards.location_values(now, row.skill, row.card, where, ref, route.locale)
        await self.ledger.sent([r.id for r in parcel.rows if r.id is not None], token, ref, card)

    async def _failed(
        self, rows: list[OutboxRow], waiting: list[OutboxRow], exc: DeliveryFailed, token: str
    ) -> None:
        """Record a failure. On a 429 the rows still waiting for that destination wait too; on a
        permanent failure (blocked, gone) they fail with the same reason; a person who can't be
        messaged privately is mentioned in the chat the notification came from instead."""
        delivery = self.settings
        throttled = exc.retry_after is not None
        tried = {r.id for r in rows}
        async with self.db.transaction() as session:
            for row in [*rows, *waiting]:
                fresh = await session.get(OutboxRow, row.id)
                if fresh is None or fresh.claimed_by != token:
                    continue
                if fresh.id in tried and not throttled:
                    fresh.attempts += 1
                fresh.last_error = exc.reason if fresh.id in tried or exc.permanent else None
                if exc.unreachable and fresh.origin_chat_id and not fresh.detour:
                    fresh.detour, fresh.chat_id = True, fresh.origin_chat_id
                    await self._settle(session, fresh, "pending", due=self.clock.now(), held=False)
                    continue
                if exc.permanent or fresh.attempts >= delivery.max_attempts:
                    await self._settle(session, fresh, "failed", fresh.last_error)
                    continue
                wait = (
                    exc.retry_after
                    if throttled
                    else delivery.retry_base_seconds * 2 ** max(fresh.attempts - 1, 0)
                )
                due = self.clock.now() + timedelta(seconds=wait or 0)
                await self._settle(session, fresh, "pending", due=due, held=fresh.held)

    async def _settle(
        self,
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

    async def release(self, session: AsyncSession, person_id: int) -> int:
        """Deliver a person's held rows now (their break ended early, quiet hours turned off)."""
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


def _seen(future: asyncio.Future[Any]) -> None:
    """Mark a batch's outcome as read (asyncio logs an exception that no one reads)."""
    if not future.cancelled():
        future.exception()


async def _post(adapter: Adapter, to: Destination, message: RenderedMessage, silent: bool) -> str:
    """Send; silently where the platform can (a row is silent only where it can: elsewhere the
    policy held it instead)."""
    if silent and isinstance(adapter, SilentSend):
        return await adapter.send_silently(to, message)
    return await adapter.send(to, message)
