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
twice only if a worker dies between sending and recording. Failures are retried with back-off (a
429 waits as long as the platform says, never a failure); permanent ones are kept with their
reason (``/deskmate outbox``). :meth:`Delivery.tell` writes and delivers outside any handler.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Coroutine, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.adapter import Adapter
from bot.clock import Clock
from bot.config import DeliveryConfig, OrgConfig
from bot.delivery.going import Batch, Going
from bot.delivery.plan import JobContextFor, Plan, Route
from bot.delivery.send import Renders, Send
from bot.delivery.settle import WROTE, Settle
from bot.delivery.write import Recipient, Writer
from bot.directory import Directory
from bot.i18n import Text, Translator
from bot.messages import Message
from bot.metrics import Metrics
from bot.people import PersonRef
from bot.ratelimit import RateLimits
from bot.registry import Registry
from storage import Database
from storage.models import OutboxRow

if TYPE_CHECKING:
    from bot.context import ChatTarget

log = logging.getLogger(__name__)

STOP_GRACE = 5.0  # seconds the sends in flight may take when the bot stops


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
        metrics: Metrics,
    ) -> None:
        self.db, self.clock = db, clock
        self.limits = RateLimits(settings)
        self.planner = Plan(db, clock, directory, adapters, registry, org, job_context)
        self.writer = Writer(self.planner, clock)
        self.books = Settle(db, clock, settings)
        self.ledger = self.books.ledger
        self.sender = Send(adapters, translator, self.limits, self.books, metrics)
        self._running: set[asyncio.Task[int]] = set()
        self._claims: set[str] = set()  # the tokens of the batches being sent
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
        notes = await self.enqueue_all(
            session,
            [(to, card)],
            message,
            skill=skill,
            sender=sender,
            urgent=urgent,
            group=group,
            platform=platform,
            origin_chat_id=origin_chat_id,
            not_before=not_before,
        )
        return notes[0]

    async def tell(self, people: Sequence[PersonRef], message: Message, *, skill: str) -> None:
        """Write ``message`` to each of ``people`` in a transaction of its own, and deliver it:
        what comes to light after a commit (a platform refusing what it was asked to do)."""
        async with self.db.transaction() as session:
            await self.enqueue_all(
                session, [(p, None) for p in people], message, skill=skill, sender=None
            )
        self.kick()

    async def enqueue_all(
        self,
        session: AsyncSession,
        to: Sequence[Recipient],
        message: Message,
        *,
        skill: str,
        sender: PersonRef | None,
        urgent: bool = False,
        group: str | None = None,
        platform: str | None = None,
        origin_chat_id: int | None = None,
        not_before: datetime | None = None,
    ) -> list[Text | None]:
        """:meth:`enqueue` of one message to many (each with its card key): encoded once,
        written in one statement; per recipient, why it waits."""
        return await self.writer.write(
            session,
            to,
            message,
            skill=skill,
            sender=sender,
            urgent=urgent,
            group=group,
            platform=platform,
            origin_chat_id=origin_chat_id,
            not_before=not_before,
        )

    def wrote(self, session: AsyncSession) -> bool:
        """Whether this transaction wrote rows to send (then a drain is worth starting)."""
        return bool(session.info.get(WROTE))

    def platform_of(self, person: PersonRef, preferred: str | None) -> str | None:
        """Where a person is reached: the preferred platform, else the first connected one."""
        return self.planner.platform_of(person, preferred)

    async def release(self, session: AsyncSession, person_id: int) -> int:
        """Deliver a person's held rows now (their break ended early, quiet hours turned off)."""
        return await self.books.release(session, person_id)

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
        """Stop claiming rows; let the sends in flight finish (``STOP_GRACE`` s at most), end
        the rest, hand the rows not sent back (due at once) before the database closes."""
        self._stopped = True
        if self._running:
            await asyncio.wait(set(self._running), timeout=STOP_GRACE)
        claims = set(self._claims)
        while self._running:
            for task in list(self._running):
                task.cancel()
            await asyncio.gather(*list(self._running), return_exceptions=True)
        await self.ledger.flush()  # the bookkeeping of sends that went out is written
        await self.ledger.stop()
        if claims and (handed := await self.books.hand_back(claims)):
            log.info("stopping: handed %d outbox row(s) back", handed)

    async def next_due(self) -> datetime | None:
        return await self.books.next_due()  # a pending row's time, or a stalled drain's lease

    async def drain(self) -> int:
        """Send every due row; returns how many rows went out. The next batch is claimed and
        planned while the batches going out still have :data:`AHEAD` destinations to send to,
        so the sends never wait for a plan (and drains running side by side, each with its
        batches in the same rate limit, don't all run dry and plan at the same moment)."""
        if self._stopped:
            return 0  # the bot is stopping: what is left waits for the next start
        sent = 0
        going = Going()  # the batches going out meanwhile
        while True:
            token = uuid.uuid4().hex
            rows = [] if self._stopped else await self._claim(token)
            if rows:
                going.add(await self._plan_and_start(rows, token))
            elif not going.batches:
                return sent  # nothing due, nothing in flight (that could have re-queued rows)
            # more may be due: claim again when few are left to send; else wait for them all
            # (a 429 gives rows back, due again soon)
            sent += await going.until(AHEAD if rows else 0)

    async def _claim(self, token: str) -> list[OutboxRow]:
        self._claims.add(token)  # before the claim commits: stopping hands back what it took
        rows = await self.books.claim(token)
        if not rows:
            self._claims.discard(token)
        return rows

    async def _plan_and_start(self, rows: list[OutboxRow], token: str) -> Batch:
        """Plan a batch and start sending it, its lease kept alive until the last send ends."""
        self.ledger.hold(token, [r.id for r in rows if r.id is not None])
        try:
            sending = self._start(await self.planner.plan(rows), token)
        except BaseException:
            self.ledger.let_go(token)  # (its claim stays listed: stopping hands the rows back)
            raise
        sending.done.add_done_callback(lambda _done: self._settled(token))
        return sending

    def _settled(self, token: str) -> None:
        self.ledger.let_go(token)
        self._claims.discard(token)

    def _start(self, routes: list[Route], token: str) -> Batch:
        """Send a batch's routes side by side (each route's parcels in order)."""
        renders: Renders = {}
        tasks = [(self.track(self.sender.route(r, token, renders)), len(r.parcels)) for r in routes]
        sending = asyncio.gather(*(task for task, _parcels in tasks))
        sending.add_done_callback(_seen)  # a drain cancelled meanwhile (stopping) never reads it
        return Batch(sending, tasks)


# sends still to make when a drain claims its next batch: at a platform's pace of 1,000
# messages a second, a quarter of a second of sends, longer than planning a batch takes
AHEAD = 250


def _seen(future: asyncio.Future[Any]) -> None:
    """Mark a batch's outcome as read (asyncio logs an exception that no one reads)."""
    if not future.cancelled():
        future.exception()
