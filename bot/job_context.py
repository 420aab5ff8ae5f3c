"""The context of work no one typed (a periodic job, a hook, a timer, a delivery policy):
:class:`JobContext`, and what contexts are built with (:class:`Parts`, :class:`Outbox`).
Command and button handlers get its subclass :class:`bot.context.Context`."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, Generic, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, insert
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import queries
from bot.adapter import Adapter
from bot.cards import CardEdit
from bot.clock import Clock
from bot.config import Config, OrgConfig
from bot.directory import Directory
from bot.effects import ChatTarget, Effects
from bot.handover import Handover
from bot.i18n import Text, Translator
from bot.messages import MessageLike, as_message
from bot.notifying import Outbox as Outbox  # where contexts import it from
from bot.parsing import ParseEnv
from bot.people import PersonRef
from bot.queries import DeliveryCounts, FailedDelivery
from bot.registry import Registry
from bot.skill import ConfigT, Skill
from bot.timers import Timers
from storage.models import AuditEntry
from storage.prepared import Prepared

# prepared (compiled once, run on the transaction's cursor): one audit row
_TABLE = AuditEntry.__table__  # type: ignore[attr-defined]
_COLUMNS = [name for name in _TABLE.c.keys() if name != "id"]  # noqa: SIM118 (names)
_AUDIT = Prepared(insert(_TABLE).values({name: bindparam(name) for name in _COLUMNS}))


class Parts(Protocol):
    """What contexts are built with (:class:`bot.context_factory.ContextFactory` is it): only
    what handlers may use."""

    @property
    def config(self) -> Config: ...
    @property
    def clock(self) -> Clock: ...
    @property
    def registry(self) -> Registry: ...
    @property
    def directory(self) -> Directory: ...
    @property
    def outbox(self) -> Outbox: ...
    @property
    def translator(self) -> Translator: ...
    @property
    def adapters(self) -> Mapping[str, Adapter]: ...
    @property
    def settings(self) -> Callable[[str], Any]: ...

    def job(
        self,
        session: AsyncSession,
        skill: str,
        *,
        effects: Effects | None = None,
        actor: PersonRef | None = None,
        due_at: datetime | None = None,
    ) -> JobContext: ...

    def parse_env(self, session: AsyncSession, platform: str, sender: PersonRef) -> ParseEnv: ...

    async def offboard(
        self,
        session: AsyncSession,
        person: PersonRef,
        successor: PersonRef | None,
        *,
        by: PersonRef | None,
        source: str,
        effects: Effects | None = None,
    ) -> Handover | None: ...


class JobContext(Generic[ConfigT]):
    """What a periodic job or a hook gets: the session, the time, the skill's config, and
    ``notify``/``emit``. Command and action handlers get a :class:`Context`, which adds the
    sender."""

    def __init__(
        self,
        parts: Parts,
        session: AsyncSession,
        skill: Skill,
        effects: Effects | None = None,
        actor: PersonRef | None = None,
        due_at: datetime | None = None,
    ) -> None:
        self._parts = parts
        self.session = session
        self.skill = skill
        self.effects = effects or Effects()
        self.actor = actor  # who caused this work (for hooks: who typed the command)
        # a periodic job: the time this run was due (it may run a little later, after a restart
        # or when another instance takes over); None for other work
        self.due_at = due_at

    @property
    def config(self) -> ConfigT:
        """This skill's settings (the pydantic model it declared), validated from the config;
        typed where the handler says which (``ctx: Context[StandupConfig]``)."""
        settings: ConfigT = self._parts.settings(self.skill.name)
        return settings

    def now(self) -> datetime:
        """The current time (UTC, aware) from the bot's clock."""
        return self._parts.clock.now()

    def today(self) -> date:
        """Today's date in the org's time zone (in a :class:`Context`: the sender's)."""
        return self.now().astimezone(ZoneInfo(self.org.timezone)).date()

    async def find_person(self, handle: str) -> PersonRef | None:
        """A person of the directory by handle (``alice``)."""
        return await self._parts.directory.by_handle(self.session, handle)

    async def person_by_id(self, person_id: int) -> PersonRef | None:
        return await self._parts.directory.get(self.session, person_id)

    async def team(self, name: str) -> list[PersonRef]:
        """The people of a team (``team:`` in the directory)."""
        return await self._parts.directory.team(self.session, name)

    async def team_leads(self, name: str) -> list[PersonRef]:
        """The leads of a team (``teams: {eng: {leads: [mike]}}``); empty if it declares none."""
        return await self._parts.directory.team_leads(self.session, name)

    def team_exists(self, name: str) -> bool:
        """Whether the config knows team ``name`` (under ``teams:`` or a person's ``team:``)."""
        return name in self._parts.config.team_names()

    async def people(self, ids: Sequence[int]) -> list[PersonRef]:
        """People of the directory by id, in the order given (unknown ids are skipped)."""
        found = {p.id: p for p in await self._parts.directory.members(self.session, ids)}
        return [found[i] for i in ids if i in found]

    @property
    def org(self) -> OrgConfig:
        """The organisation's settings (time zone, language, workdays, holidays)."""
        return self._parts.config.org

    async def notify(
        self,
        to: PersonRef | ChatTarget,
        message: MessageLike,
        *,
        urgent: bool = False,
        group: str | None = None,
        card: str | None = None,
    ) -> None:
        """Reach someone other than the sender. Written to the outbox in this transaction, so it is
        sent only if the change commits, and never lost once it has. The recipient's quiet hours
        decide when it arrives; ``urgent`` comes through them if the sender may send urgent ones.
        ``group`` names the kind of notification for digests (see :meth:`Skill.digest_label`);
        ``card`` makes it a live card that :meth:`update_card` edits."""
        note = await self._parts.outbox.enqueue(
            self.session,
            to,
            as_message(message),
            skill=self.skill.name,
            urgent=urgent,
            group=group,
            platform=self._platform_hint(),
            sender=self._sender(),
            card=card,
            origin_chat_id=self._origin(),
        )
        self._noted([note])

    async def notify_all(
        self,
        people: Sequence[PersonRef],
        message: MessageLike,
        *,
        urgent: bool = False,
        group: str | None = None,
        cards: Callable[[PersonRef], str] | None = None,
    ) -> None:
        """:meth:`notify` to each of ``people`` (``cards``: the card key of each one's copy),
        written together: a notice to a team of thousands is encoded once, one statement."""
        notes = await self._parts.outbox.enqueue_all(
            self.session,
            [(p, cards(p) if cards else None) for p in people],
            as_message(message),
            skill=self.skill.name,
            urgent=urgent,
            group=group,
            platform=self._platform_hint(),
            sender=self._sender(),
            origin_chat_id=self._origin(),
        )
        self._noted(notes)

    def _noted(self, notes: Iterable[Text | None]) -> None:
        for note in notes:
            if note is not None and note not in self.effects.notes:
                self.effects.notes.append(note)

    def update_card(self, key: str, message: MessageLike) -> None:
        """Show ``message`` in every copy of this skill's card ``key`` (posted with
        ``reply(..., card=key)`` or ``notify(..., card=key)``), after the transaction commits."""
        self.effects.edits.append(CardEdit(self.skill.name, key, as_message(message)))

    @property
    def timers(self) -> Timers:
        """This skill's timers (``await ctx.timers.set(key, due_at, kind=...)``)."""
        return Timers(self.session, self.skill.name, self.now())

    async def release_held(self, person: PersonRef) -> int:
        """Deliver now what is waiting for ``person``'s quiet time to end."""
        return await self._parts.outbox.release(self.session, person.id)

    def _sender(self) -> PersonRef | None:
        return self.actor

    def _origin(self) -> int | None:
        return None

    def _platform_hint(self) -> str | None:
        return None

    async def emit(self, event: str, **payload: Any) -> None:
        """Run other skills' hooks for ``"<skill>.<event>"`` in this same transaction."""
        name = event if "." in event else f"{self.skill.name}.{event}"
        for hook in self._parts.registry.hooks(name):
            actor = self._sender()
            ctx = self._parts.job(self.session, hook.skill, effects=self.effects, actor=actor)
            await hook.func(ctx, dict(payload))

    async def audit(self, action: str, detail: dict[str, Any] | None = None) -> None:
        """Record who did what (the audit log), in this transaction."""
        row = {
            "at": self.now(),
            "person_id": self._actor_id(),
            "chat_id": self._chat_id(),
            "skill": self.skill.name,
            "action": action,
            "detail": json.dumps(detail or {}, ensure_ascii=False, default=str),
        }
        await _AUDIT.run(self.session, row)

    def _actor_id(self) -> int | None:
        return None

    def _chat_id(self) -> int | None:
        return None

    async def offboard(
        self, person: PersonRef, successor: PersonRef | None = None, *, source: str = "admin"
    ) -> Handover | None:
        """``person`` leaves the organisation; their work goes to ``successor`` (default: their
        manager), every skill's :meth:`~bot.Skill.on_offboard` hook handing its part over in
        this transaction (see :mod:`bot.offboarding`). ``None`` if they had left already."""
        by = self._sender()
        return await self._parts.offboard(
            self.session, person, successor, by=by, source=source, effects=self.effects
        )

    # what skills ask of the core's tables (skills never query people, chats or the outbox)

    async def people_with_role(self, role: str) -> list[PersonRef]:
        """Everyone the directory gives ``role`` (``roles: [finance]`` in the config)."""
        return await self.people(await queries.ids_with_role(self.session, role))

    async def everyone(self) -> list[PersonRef]:
        """Every person the bot knows, in the order they became known."""
        return await self.people(await queries.all_ids(self.session))

    async def joined(self, people: Iterable[PersonRef]) -> dict[int, datetime]:
        """When each person became known to the bot (by id; UTC)."""
        return await queries.joined(self.session, [p.id for p in people])

    async def chat_target(self, platform: str, chat_id: str) -> ChatTarget:
        """The chat ``chat_id`` on ``platform`` (its platform id, e.g. a Slack channel id), to
        ``notify``; known to the bot from now on if it was not."""
        return ChatTarget(await queries.chat_id(self.session, platform, chat_id))

    async def held_count(self, person: PersonRef) -> int:
        """How many notifications wait for ``person``'s quiet hours to end."""
        return await queries.held(self.session, person.id)

    async def delivery_counts(self) -> DeliveryCounts:
        """The outbox by state, held notifications and failed timers."""
        return await queries.delivery_counts(self.session)

    async def failed_deliveries(self, limit: int = 5) -> list[FailedDelivery]:
        """The latest notifications that could not be delivered, newest first."""
        return await queries.failed_deliveries(self.session, limit)
