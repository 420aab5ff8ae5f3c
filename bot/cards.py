"""Live cards: a message that shows the current state of one thing (a task, a request, a notice)
and is edited in place when the state changes, wherever it was posted (the group chat where it was
created, the DMs that notified people).

A handler posts one with ``ctx.reply(message, card="12")`` or ``ctx.notify(person, message,
card="12")`` and changes it with ``ctx.update_card("12", message)``; edits go out after the
transaction commits, each rendered in the language and time zone it was first shown in.

Edits coalesce: each card has at most one edit in flight, and while it is, newer states of that card
wait in one slot where the latest replaces the older ones. Each copy is edited within its chat's
rate limit (``delivery.rate_limits``: about one a second per chat on Telegram and Slack), so a burst
of 5,000 button presses on one card makes a few edits, and the last state always shows. The work
runs beside the delivery drains, so ``Delivery.settle()`` waits for it too; when the bot stops,
what is still waiting is shown at once (:meth:`CardEditor.flush`).

Where each card was posted is read for all the cards changing at the same moment in one query
(5,000 people acknowledging a notice change 5,000 copies in their DMs, and one card in the chat),
not in a transaction per card.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from bot.adapter import Adapter, Destination
from bot.answers import AnswersFirst
from bot.clock import Clock
from bot.i18n import Locale, Translator
from bot.messages import Message, render_message
from bot.ratelimit import RateLimits
from storage import Database
from storage.models import CardLocation

log = logging.getLogger(__name__)

CardKey = tuple[str, str]  # (skill, key)
READ_CHUNK = 400  # card keys per query when reading where cards were posted
# how long an edit waits at most for the events waiting to be handled (their answers go first)
AFTER_EVENTS_SECONDS = 3.0


class Place(NamedTuple):
    """One posted copy of a card, as its row's columns (no ORM object: a burst of presses reads
    thousands)."""

    skill: str
    key: str
    platform: str
    chat_id: str | None
    account_id: str | None
    message_ref: str
    language: str
    timezone: str


_PLACE_COLUMNS = [getattr(CardLocation, name) for name in Place._fields]


@dataclass(frozen=True)
class CardEdit:
    skill: str
    key: str
    message: Message


def location_values(
    now: datetime, skill: str, key: str, to: Destination, ref: str, loc: Locale
) -> dict[str, Any]:
    """The row that remembers one posted copy of a card, as plain column values (for a bulk
    insert: delivery records thousands)."""
    return {
        "skill": skill,
        "key": key,
        "platform": to.platform,
        "chat_id": to.chat_id,
        "account_id": to.account_id,
        "message_ref": ref,
        "language": loc.language,
        "timezone": str(loc.timezone),
        "created_at": now,
    }


Track = Callable[[Coroutine[Any, Any, int]], "asyncio.Task[int]"]


class CardEditor:
    """The pending state of each card and the one task editing it. ``track`` runs a task beside
    the delivery drains (so settling delivery waits for it); ``limits`` are delivery's per-chat
    rate limits."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        adapters: Mapping[str, Adapter],
        translator: Translator,
        limits: RateLimits,
        track: Track,
        answers: AnswersFirst,
    ) -> None:
        self.db = db
        self.clock = clock
        self.adapters = adapters
        self.translator = translator
        self.limits = limits
        self.track = track
        self.answers = answers
        self.pending: dict[CardKey, CardEdit] = {}
        self.running: dict[CardKey, asyncio.Task[int]] = {}
        self.edits_made = 0  # copies edited since start (benchmarks read it)
        # the cards whose places are asked for, read together by one task (see _places)
        self._wanted: dict[CardKey, list[asyncio.Future[list[Place]]]] = {}
        self._reader: asyncio.Task[None] | None = None

    async def remember(self, skill: str, key: str, to: Destination, ref: str, loc: Locale) -> None:
        """Record where a card was posted (after it was sent)."""
        async with self.db.transaction() as session:
            now = self.clock.now()
            session.add(CardLocation(**location_values(now, skill, key, to, ref, loc)))

    def submit(self, edits: list[CardEdit]) -> None:
        """Show each changed card's new state on every copy, soon. Returns at once: the edits
        are taken in the order the transactions committed (callers pass them right after the
        commit) and made in the background, coalesced per card."""
        for edit in edits:
            key = (edit.skill, edit.key)
            self.pending[key] = edit  # the latest state replaces one not shown yet
            if key not in self.running:
                self.running[key] = self.track(self._run(key))

    async def flush(self) -> None:
        """Make every waiting edit now, without waiting for the rate limits (the bot is
        stopping)."""
        for task in list(self.running.values()):
            task.cancel()  # each shows its latest state unthrottled, then ends
        await asyncio.gather(*list(self.running.values()), return_exceptions=True)
        for key in list(self.pending):  # edits submitted after the tasks ended
            edit = self.pending.pop(key)
            await self._edit_everywhere(edit, throttled=False)

    async def _run(self, key: CardKey) -> int:
        made = 0
        edit: CardEdit | None = None
        try:
            while key in self.pending:
                # the people waiting for an answer go first; meanwhile newer states coalesce
                await self.answers.after_events(AFTER_EVENTS_SECONDS)
                edit = self.pending.pop(key)
                made += await self._edit_everywhere(edit, throttled=True)
                edit = None
        except asyncio.CancelledError:  # stopping: the latest state, now
            last = self.pending.pop(key, None) or edit
            if last is not None:
                made += await self._edit_everywhere(last, throttled=False)
            raise
        finally:
            self.running.pop(key, None)
        return made

    async def _edit_everywhere(self, edit: CardEdit, *, throttled: bool) -> int:
        """Edit every posted copy of a card; a copy that can't be edited stays as it was."""
        places = await self._places((edit.skill, edit.key))
        made = 0
        for place in places:
            adapter = self.adapters.get(place.platform)
            if adapter is None:
                continue
            loc = Locale(place.language, ZoneInfo(place.timezone), self.clock.now())
            rendered = render_message(edit.message, self.translator, loc)
            to = Destination(place.platform, chat_id=place.chat_id, account_id=place.account_id)
            try:
                if throttled:
                    async with self.limits.slot(to):
                        await adapter.update(to, place.message_ref, rendered)
                else:
                    await adapter.update(to, place.message_ref, rendered)
            except Exception:
                log.warning(
                    "could not update card %s/%s at %s", edit.skill, edit.key, to, exc_info=True
                )
                continue
            made += 1
        self.edits_made += made
        return made

    async def _places(self, key: CardKey) -> list[Place]:
        """Where a card was posted, oldest first. The cards asked for at the same moment are read
        together, in one transaction."""
        loop = asyncio.get_running_loop()
        found: asyncio.Future[list[Place]] = loop.create_future()
        self._wanted.setdefault(key, []).append(found)
        if self._reader is None or self._reader.done():
            self._reader = loop.create_task(self._read_wanted())
        return await found

    async def _read_wanted(self) -> None:
        while self._wanted:
            await asyncio.sleep(0)  # the cards asked for at this moment join the read
            wanted, self._wanted = self._wanted, {}
            try:
                places = await self._read(list(wanted))
            except Exception as exc:
                for waiting in wanted.values():
                    for found in waiting:
                        if not found.done():
                            found.set_exception(exc)
                continue
            for key, waiting in wanted.items():
                for found in waiting:
                    if not found.done():  # (its editor may have been cancelled meanwhile)
                        found.set_result(places.get(key, []))

    async def _read(self, keys: list[CardKey]) -> dict[CardKey, list[Place]]:
        by_skill: dict[str, list[str]] = {}
        for skill, key in keys:
            by_skill.setdefault(skill, []).append(key)
        places: dict[CardKey, list[Place]] = {}
        async with self.db.transaction() as session:
            for skill, names in by_skill.items():
                for i in range(0, len(names), READ_CHUNK):
                    rows = await session.exec(
                        select(*_PLACE_COLUMNS)
                        .where(
                            CardLocation.skill == skill,
                            col(CardLocation.key).in_(names[i : i + READ_CHUNK]),
                        )
                        .order_by(col(CardLocation.id))
                    )
                    for row in rows.all():
                        place = Place._make(row)
                        places.setdefault((place.skill, place.key), []).append(place)
        return places
