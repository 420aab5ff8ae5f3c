"""Delivery's plan: what is due goes where, and how.

For a claimed batch: resolve each row's destination and reader's locale, read the platform's Do
Not Disturb (outside any transaction), ask the delivery policies again (quiet hours may have
started since the row was written), fold each person's held rows into digests, and send a
notification for someone the platform won't message privately to the chat it came from.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, cast
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot import codec, digest
from bot.adapter import Adapter, Destination, DmInvite, Dnd, SilentSend
from bot.clock import Clock
from bot.config import OrgConfig
from bot.delivery.settle import give_back
from bot.directory import Directory
from bot.i18n import Locale, Text, _
from bot.markup import Link
from bot.messages import Message
from bot.people import PersonRef
from bot.policy import Decision, Notice, combine
from bot.registry import Registry
from storage import Database
from storage.models import OutboxRow

if TYPE_CHECKING:
    from bot.context import JobContext

log = logging.getLogger(__name__)

# a context for a skill's delivery policy, in the caller's transaction
JobContextFor = Callable[[AsyncSession, str], "JobContext"]


@dataclass
class Parcel:
    """What goes to one destination in one send: a row, or a digest of held rows."""

    rows: list[OutboxRow]
    message: Message
    silent: bool = False


@dataclass
class Route:
    destination: Destination
    locale: Locale
    person: PersonRef | None = None
    dnd_until: datetime | None = None
    parcels: list[Parcel] = field(default_factory=list)


class Plan:
    """Turns claimed rows into routes: one per destination, its parcels in order."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        directory: Directory,
        adapters: Mapping[str, Adapter],
        registry: Registry,
        org: OrgConfig,
        job_context: JobContextFor,
    ) -> None:
        self.db = db
        self.clock = clock
        self.directory = directory
        self.adapters = adapters
        self.registry = registry  # its delivery policies and digest labels
        self.org = org
        self.job_context = job_context
        self._capable: dict[tuple[int, type], bool] = {}  # (adapter's id, capability) -> has it

    async def decide(self, session: AsyncSession, notice: Notice) -> Decision:
        """What the skills' delivery policies say about a notice, combined."""
        decisions = [
            await policy(self.job_context(session, skill.name), notice)
            for skill, policy in self.registry.policies()
        ]
        return combine(decisions, notice.now)

    def platform_of(self, person: PersonRef, preferred: str | None) -> str | None:
        """Where a person is reached: the platform they prefer, else the one the notification
        came from, else the first connected one."""
        first = [p for p in (person.prefers, preferred) if p]
        return next(
            (p for p in (*first, *self.adapters) if p in person.accounts and p in self.adapters),
            None,
        )

    def can_silence(self, platform: str | None) -> bool:
        return self._can(platform or "", SilentSend)

    def _can(self, platform: str, capability: type) -> bool:
        """Whether the platform's adapter has ``capability``, asked once per adapter (asking a
        runtime-checkable Protocol costs ~20 µs, and a fan-out asks for every row)."""
        adapter = self.adapters.get(platform)
        key = (id(adapter), capability)
        known = self._capable.get(key)
        if known is None:
            known = self._capable[key] = isinstance(adapter, capability)
        return known

    async def plan(self, rows: list[OutboxRow]) -> list[Route]:
        """Resolve destinations, read DND (no transaction open), re-ask the policies, and fold
        held rows into digests."""
        now = self.clock.now()
        async with self.db.transaction() as session:
            wanted = {i for r in rows for i in (r.person_id, r.sender_id) if i is not None}
            people = {p.id: p for p in await self.directory.members(session, wanted)}
            routed = [(row, await self._route(session, row, people, now)) for row in rows]
        routes: dict[Destination, Route] = {}
        for _row, route in routed:
            if route is not None and route.destination not in routes:
                route.dnd_until = await self._dnd_until(route)
                routes[route.destination] = route
        held: dict[Destination, list[OutboxRow]] = defaultdict(list)
        decoded: dict[str, Message] = {}  # a notice to many: one payload, decoded once
        async with self.db.transaction() as session:
            for row, found in routed:
                if found is None:
                    await give_back(session, row, "failed", "no account on a connected platform")
                    continue
                route = routes[found.destination]
                decision = await self._recheck(session, row, route, people)
                if decision.holds(self.clock.now()):
                    assert decision.deliver_at is not None
                    await give_back(session, row, "pending", due=decision.deliver_at)
                elif row.detour:
                    route.parcels.append(await self._detoured(session, row, route))
                elif row.held:
                    held[route.destination].append(row)
                else:
                    message = decoded.get(row.payload) or codec.loads(row.payload)
                    decoded[row.payload] = message
                    route.parcels.append(Parcel([row], message, decision.silent or row.silent))
        for destination, waiting in held.items():
            routes[destination].parcels[:0] = self._digests(waiting)
        return [r for r in routes.values() if r.parcels]

    def _digests(self, rows: list[OutboxRow]) -> list[Parcel]:
        rows = sorted(rows, key=lambda r: (r.skill, r.group or "", r.id or 0))  # by skill
        chunks = [rows[i : i + digest.MAX_ITEMS] for i in range(0, len(rows), digest.MAX_ITEMS)]
        return [
            Parcel(
                chunk,
                digest.compose(
                    self.registry, [(r.skill, r.group, codec.loads(r.payload)) for r in chunk]
                ),
            )
            for chunk in chunks
        ]

    async def _route(
        self, session: AsyncSession, row: OutboxRow, people: dict[int, PersonRef], now: datetime
    ) -> Route | None:
        if row.chat_id is not None:
            chat = await self.directory.chat(session, row.chat_id)
            if chat is None or chat.platform not in self.adapters:
                return None
            language = (await self.directory.chat_language(session, row.chat_id)).language
            org = Locale(self.org.language, ZoneInfo(self.org.timezone), now)
            locale = replace(org, language=language)  # everyone there reads
            return Route(Destination(chat.platform, chat_id=chat.id), locale)
        person = people.get(row.person_id or 0)
        platform = self.platform_of(person, row.platform) if person else None
        if person is None or platform is None:
            return None
        destination = Destination(platform, account_id=person.accounts[platform])
        return Route(destination, person.locale(now), person)

    async def _detoured(self, session: AsyncSession, row: OutboxRow, route: Route) -> Parcel:
        """A notification for someone the platform won't let us message privately: it goes to
        the chat it came from, mentioning them, and the first time asks them to open a DM."""
        message = codec.loads(row.payload)
        person = await self.directory.get(session, row.person_id or 0)
        if person is None:
            return Parcel([row], message)
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
        return Parcel([row], replace(message, text=text, context=context))

    async def _recheck(
        self, session: AsyncSession, row: OutboxRow, route: Route, people: dict[int, PersonRef]
    ) -> Decision:
        """Quiet hours may have started since the row was written (a break, Slack DND)."""
        if route.person is None or row.sender_id == route.person.id:
            return Decision(silent=row.silent)
        sender = people.get(row.sender_id) if row.sender_id else None
        can_silence = self.can_silence(route.destination.platform)
        return await self.decide(
            session,
            Notice(
                route.person, sender, row.urgent, self.clock.now(), route.dnd_until, can_silence
            ),
        )

    async def _dnd_until(self, route: Route) -> datetime | None:
        adapter = self.adapters.get(route.destination.platform)
        if not self._can(route.destination.platform, Dnd) or route.person is None:
            return None
        if route.destination.account_id is None:
            return None
        try:
            until = await cast(Dnd, adapter).dnd_until(route.destination.account_id)
        except Exception:  # DND is a courtesy; never block delivery on it
            log.warning("could not read Do Not Disturb of %s", route.destination, exc_info=True)
            return None
        return until
