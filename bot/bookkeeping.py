"""Delivery's bookkeeping of the sends in flight: the lease renewed before each send and the
"sent" mark (with the card's place) after it, written for many sends at once; and the heartbeat
that keeps the lease of every row a drain holds alive while this process runs.

The lease is short (seconds), so the rows of an instance that died are taken over soon; a drain
that is alive renews the lease of all the rows it holds every :data:`HEARTBEAT` (while it plans
them, while they wait for their turn or for the rate limit), so they are never taken from it.

Each send asks for its own renewal and its own mark and waits until they are committed, so every
guarantee stays per row: a renewal checks the drain's token and tells each send whether *all* of
its rows are still its own, a mark is written only for rows the drain still holds. What is shared
is the work: every request queued while the previous write ran is written by one transaction
(joining :meth:`storage.engine.Database.batched`) with one statement per kind — an ``UPDATE ...
WHERE id IN (...)`` for the renewals, one ``executemany`` for the marks and one for the cards —
instead of two or three ORM statements per send, which is what held a fan-out to a third of the
platform's rate.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import CardLocation, OutboxRow

if TYPE_CHECKING:
    from bot.clock import Clock
    from storage.engine import Database

log = logging.getLogger(__name__)

HEARTBEAT = 1.5  # seconds between renewals of the leases a drain holds (a quarter of the lease)
CHUNK = 500  # ids per IN list (well under SQLite's limit on bound parameters)
GROUP = 200  # marks worth a transaction of their own
LINGER = 0.05  # seconds a mark may wait for others while sends are still going out

_OUTBOX = OutboxRow.__table__  # type: ignore[attr-defined]
_MINE = (
    _OUTBOX.c.id.in_(bindparam("ids", expanding=True)),
    _OUTBOX.c.claimed_by == bindparam("token"),
    _OUTBOX.c.status == "sending",
)
# the statements, built once (putting one together costs more than running it)
_RENEW = update(_OUTBOX).where(*_MINE).values(lease_until=bindparam("until"))
_STILL_MINE = select(_OUTBOX.c.id).where(*_MINE)
_SENT = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id == bindparam("row_id"), _OUTBOX.c.claimed_by == bindparam("token"))
    .values(status="sent", sent_ref=bindparam("ref"), sent_at=bindparam("at"), lease_until=None)
)
_CARD = insert(CardLocation.__table__)  # type: ignore[attr-defined]


@dataclass
class _Request:
    ids: list[int]
    token: str
    done: asyncio.Future[bool] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )
    beat: bool = False  # the heartbeat's renewal: no one waits to hear which rows are still held


@dataclass
class _Mark(_Request):
    ref: str = ""
    card: dict[str, Any] | None = None  # the card's place, as the values of a ``cards`` row


class Ledger:
    """Queues renewals and marks and writes each queue in one transaction, many per statement."""

    def __init__(self, db: Database, clock: Clock, lease: timedelta) -> None:
        self.db = db
        self.clock = clock
        self.lease = lease
        self._renewals: list[_Request] = []
        self._marks: list[_Mark] = []
        self._writer: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()  # a write should not wait any longer
        self.outstanding = 0  # sends under way (renewed, not yet marked): their marks will come
        self._held: dict[str, set[int]] = {}  # the rows each drain holds and has not marked yet
        self._heart: asyncio.Task[None] | None = None

    def hold(self, token: str, ids: list[int]) -> None:
        """A drain claimed rows: keep their lease alive until :meth:`let_go`."""
        self._held[token] = set(ids)
        if self._heart is None or self._heart.done():
            self._heart = asyncio.get_running_loop().create_task(self._heartbeat())

    def let_go(self, token: str) -> None:
        """The drain is done with the rows it claimed under ``token`` (sent, failed or lost)."""
        self._held.pop(token, None)

    async def stop(self) -> None:
        """Stop the heartbeat (the drains have ended)."""
        if self._heart is not None:
            self._heart.cancel()
            await asyncio.gather(self._heart, return_exceptions=True)

    async def _heartbeat(self) -> None:
        while self._held:
            await asyncio.sleep(HEARTBEAT)
            beats = [_Request(list(ids), token, beat=True) for token, ids in self._held.items()]
            self._renewals += [b for b in beats if b.ids]
            self._wake.set()
            try:
                await asyncio.gather(*(self._committed(b) for b in beats if b.ids))
            except Exception:  # the next beat tries again; the lease lasts a few of them
                log.warning("could not renew the leases of the rows being sent", exc_info=True)

    def sending(self) -> _Outstanding:
        """Count a send under way for as long as the block runs (see :meth:`_linger`)."""
        return _Outstanding(self)

    async def renew(self, ids: list[int], token: str) -> bool:
        """Extend the drain's lease on rows it is about to send; False if it lost any of them."""
        request = _Request(ids, token)
        self._renewals.append(request)
        self._wake.set()  # a send waits for it
        return await self._committed(request)

    async def sent(
        self, ids: list[int], token: str, ref: str, card: dict[str, Any] | None = None
    ) -> None:
        """Mark rows sent with the platform's reference (and remember the card's place)."""
        mark = _Mark(ids, token, ref=ref, card=card)
        self._held.get(token, set()).difference_update(ids)  # no lease to keep for them
        self._marks.append(mark)
        if not self.outstanding or len(self._marks) >= GROUP:
            self._wake.set()
        await self._committed(mark)

    async def flush(self) -> None:
        """Wait until everything queued is written (the bot is stopping)."""
        while self._writer is not None and not self._writer.done():
            await asyncio.shield(self._writer)

    async def _committed(self, request: _Request) -> bool:
        if self._writer is None or self._writer.done():
            self._writer = asyncio.get_running_loop().create_task(self._write_queued())
        # shielded: a send cancelled meanwhile (the bot stopping) leaves its bookkeeping written
        return await asyncio.shield(request.done)

    async def _write_queued(self) -> None:
        while self._renewals or self._marks:
            await self._linger()
            taken: list[_Request] = []
            try:
                renewed = await self.db.batched(functools.partial(self._write, taken=taken))
            except BaseException as exc:
                # nothing of this round was committed: every request waiting hears why
                for request in [*taken, *self._renewals, *self._marks]:
                    if not request.done.done():
                        _fail(request.done, exc)
                self._renewals, self._marks = [], []
                if not isinstance(exc, Exception):
                    raise
                continue
            for request in taken:
                ours = not isinstance(request, _Mark) and renewed.issuperset(request.ids)
                if not request.done.done():
                    request.done.set_result(ours)

    async def _linger(self) -> None:
        """While sends go out one by one (a rate limit paces them) their marks trickle in: let
        them gather for a moment rather than commit each on its own. A renewal (a send waits for
        it), a full group, or no send left under way ends the wait."""
        self._wake.clear()
        if self._renewals or not self.outstanding or len(self._marks) >= GROUP:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), LINGER)

    async def _write(self, session: AsyncSession, *, taken: list[_Request]) -> set[int]:
        """Write everything queued by now (the transaction has begun: late comers join)."""
        renewals, self._renewals = self._renewals, []
        marks, self._marks = self._marks, []
        taken += [*renewals, *marks]
        conn = await session.connection()
        renewed = await self._renew(conn, renewals)
        if marks:
            now = self.clock.now()
            await conn.execute(
                _SENT,
                [
                    {"row_id": i, "token": m.token, "ref": m.ref, "at": now}
                    for m in marks
                    for i in m.ids
                ],
            )
            places = [m.card for m in marks if m.card is not None]
            if places:
                await conn.execute(_CARD, places)
        return renewed

    async def _renew(self, conn: AsyncConnection, renewals: list[_Request]) -> set[int]:
        until: datetime = self.clock.now() + self.lease
        renewed: set[int] = set()
        for beat in (False, True):
            by_token: dict[str, list[int]] = defaultdict(list)
            for request in renewals:
                if request.beat == beat:
                    by_token[request.token] += request.ids
            for token, ids in by_token.items():
                for chunk in (ids[k : k + CHUNK] for k in range(0, len(ids), CHUNK)):
                    params = {"ids": chunk, "token": token, "until": until}
                    result = await conn.execute(_RENEW, params)
                    if beat:
                        continue  # (rows sent or given back meanwhile are left alone)
                    if result.rowcount == len(chunk):
                        renewed.update(chunk)
                    else:  # some were taken over: which ones are still ours
                        kept = await conn.execute(_STILL_MINE, {"ids": chunk, "token": token})
                        renewed.update(kept.scalars())
        return renewed


class _Outstanding:
    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    def __enter__(self) -> None:
        self.ledger.outstanding += 1

    def __exit__(self, *_exc: object) -> None:
        self.ledger.outstanding -= 1


def _fail(done: asyncio.Future[bool], exc: BaseException) -> None:
    if isinstance(exc, Exception):
        done.set_exception(exc)
    else:
        done.cancel()
