"""The one typed context handlers receive: who is speaking, where, the database session of this
transaction, and the ways to answer (``reply``) and reach others (``notify``). Contexts are built
by a :class:`ContextFactory`, which holds only what handlers may use."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Generic, Protocol
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import queries
from bot.adapter import Adapter, CountsMembers, Forms, ListsMembers
from bot.cards import CardEdit
from bot.clock import Clock
from bot.config import Config, OrgConfig
from bot.directory import ChatLanguage, Directory
from bot.events import ChatRef, Command, Event
from bot.forms import Form
from bot.i18n import Text, TextLike, Translator
from bot.markup import Lines
from bot.messages import Message, MessageLike, as_message
from bot.params import ParseEnv, parse_value
from bot.people import PersonRef
from bot.queries import DeliveryCounts, FailedDelivery
from bot.registry import Registry
from bot.skill import CommandSpec, ConfigT, Skill
from bot.timers import Timers
from bot.values import When
from storage.models import AuditEntry


@dataclass(frozen=True)
class ChatTarget:
    """A chat to notify (as opposed to a person): its database id."""

    chat_id: int


class ChatMembers(list[PersonRef]):
    """The people of a chat the bot can reach (see :meth:`Context.members`), and how many
    members the platform counts in all (``total``, the bot itself aside) where it can't name them
    all: ``unreached`` are the others (on Telegram: people who never used the bot there)."""

    def __init__(self, people: Iterable[PersonRef] = (), *, total: int | None = None) -> None:
        super().__init__(people)
        self.total = max(total or 0, len(self))

    @property
    def unreached(self) -> int:
        return self.total - len(self)


@dataclass(frozen=True)
class Reply:
    """An answer to the sender (see :meth:`Context.reply`; where it goes:
    :mod:`bot.pipeline.replies`)."""

    message: Message
    ephemeral: bool = False  # for the sender alone (where the platform can't: their DM)
    card: str | None = None  # a live card of ``skill``
    skill: str = ""
    private: bool = False  # asked in a group: goes to the sender's DM
    # the core's own short answer about the sender's command (an error, "sent to you
    # privately"): it holds no data, so where the platform can't show it to the sender alone,
    # it answers in the chat
    brief: bool = False


@dataclass
class Effects:
    """What a transaction causes once it commits: replies, why notifications wait (told to the
    sender), and edits of live cards."""

    replies: list[Reply] = field(default_factory=list)
    notes: list[Text] = field(default_factory=list)
    edits: list[CardEdit] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)


class JobContext(Generic[ConfigT]):
    """What a periodic job or a hook gets: the session, the time, the skill's config, and
    ``notify``/``emit``. Command and action handlers get a :class:`Context`, which adds the
    sender."""

    def __init__(
        self,
        parts: ContextFactory,
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
        self.session.add(
            AuditEntry(
                at=self.now(),
                person_id=self._actor_id(),
                chat_id=self._chat_id(),
                skill=self.skill.name,
                action=action,
                detail=json.dumps(detail or {}, ensure_ascii=False, default=str),
            )
        )

    def _actor_id(self) -> int | None:
        return None

    def _chat_id(self) -> int | None:
        return None

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


class Context(JobContext[ConfigT]):
    """The context of a command or a button press: adds the sender, the chat and ``reply``."""

    def __init__(
        self,
        parts: ContextFactory,
        session: AsyncSession,
        skill: Skill,
        *,
        event: Event,
        person: PersonRef,
        chat_id: int,
    ) -> None:
        super().__init__(parts, session, skill, actor=person)
        self.event = event
        self.person = person
        self.chat: ChatRef = event.chat
        self.chat_id = chat_id

    @property
    def replies(self) -> list[Reply]:
        """The replies, the first one carrying why any notification waits (told once)."""
        replies = self.effects.replies
        if not self.effects.notes:
            return replies
        notes = Text("{notes}", {"notes": Lines(self.effects.notes)})  # nothing to translate
        if not replies:
            return [Reply(Message(notes), ephemeral=True)]
        first = replies[0].message
        context = (
            notes
            if first.context is None
            else Text("{context}\n{notes}", {"context": first.context, "notes": notes})
        )
        return [replace(replies[0], message=replace(first, context=context)), *replies[1:]]

    async def reply(
        self,
        message: MessageLike,
        *,
        ephemeral: bool = False,
        card: str | None = None,
        private: bool = False,
    ) -> None:
        """Answer in the chat the command came from, after the transaction commits.
        ``ephemeral``: only the sender sees it (Slack: an ephemeral message; a button's alert on
        Telegram; where the platform can't show it to one person, asked in a group it goes to
        the sender's DM); ``private``: it holds other people's data (a report, a request), so
        asked in a group it goes to the sender's DM instead; ``card``: this message is the live
        card ``card`` of this skill (see :meth:`update_card`)."""
        reply = Reply(as_message(message), ephemeral, card, self.skill.name, private)
        self.effects.replies.append(reply)

    async def parse(self, name: str, raw: str, annotation: Any) -> Any:
        """Read ``raw`` as a command parameter ``name: annotation`` would be read (in the
        sender's time zone; mentions of this platform): for a form's fields, or ``key:value``
        pairs a skill reads itself. Bad input raises :class:`UsageError` naming ``name``.

        Example:
            >>> first_day = await ctx.parse("dates", "12-01..12-03", DateRange)
        """
        env = self._parts.parse_env(self.session, self.event.platform, self.person)
        return await parse_value(name, raw, annotation, env)

    def is_mention(self, token: str) -> bool:
        """Whether ``token`` is a mention of someone as this platform writes one (``@bob``;
        Slack's ``<@U2>``): the adapter says, so a skill never parses a platform's syntax."""
        env = self._parts.parse_env(self.session, self.event.platform, self.person)
        return env.is_mention(token)

    async def mentioned(self, token: str) -> PersonRef | None:
        """The person ``token`` mentions on this platform (an account, or a username, else a
        directory handle: ``@bob``), or ``None`` when it is no mention or names nobody known.

        Example:
            >>> cover = await ctx.mentioned("@bob")
        """
        env = self._parts.parse_env(self.session, self.event.platform, self.person)
        return await env.resolve_mention(token.strip())

    def open_form(self, form: Form) -> bool:
        """Offer ``form`` (see :mod:`bot.forms`) where the platform can show one now: a Slack
        slash-command. Returns ``False`` where it can't (Telegram, the console, a button press);
        then answer in text as usual."""
        adapter = self._parts.adapters.get(self.event.platform)
        has_trigger = isinstance(self.event, Command) and self.event.trigger is not None
        if not has_trigger or not isinstance(adapter, Forms):
            return False
        self.effects.forms.append(form)
        return True

    def t(self, text: TextLike) -> str:
        """Render a text in the sender's language and time zone, as plain text."""
        return self._parts.translator(text, self.person.locale(self.now()))

    def commands(self) -> list[CommandSpec]:
        """Every registered command (for help and menus)."""
        return sorted(
            {id(c): c for c in self._parts.registry.commands.values()}.values(),
            key=lambda c: c.name,
        )

    def roles(self) -> dict[str, TextLike]:
        """Every role people can be given, with what it is for (for help)."""
        return self._parts.registry.role_descriptions()

    def usage(self, name: str) -> list[CommandSpec]:
        """The command called ``name`` and its sub-commands."""
        reg = self._parts.registry
        found = [reg.commands[name]] if name in reg.commands else []
        return found + reg.subcommands(name)

    async def members(self) -> ChatMembers:
        """The people in this chat, the sender among them. Where the platform lists a chat's
        members (Slack), that is everyone in it: those the bot has not met yet are looked up and
        added to the directory, as a sender is on first sight (bots are not people). Where it
        can't (Telegram), it is the people the bot has seen here, and ``unreached`` says how many
        more the platform counts.

        Example:
            >>> members = await ctx.members()
            >>> if members.unreached: ...  # tell the sender who could not be reached
        """
        adapter = self._parts.adapters.get(self.chat.platform)
        directory, platform = self._parts.directory, self.chat.platform
        if isinstance(adapter, ListsMembers):
            accounts = list(dict.fromkeys(await adapter.members(self.chat.id)))
            known = await directory.by_accounts(self.session, platform, accounts)
            strangers = [a for a in accounts if a not in known]
            if strangers:
                met = await directory.add_people(self.session, await adapter.people(strangers))
                known.update({p.accounts[platform]: p for p in met})
            return ChatMembers(known[a] for a in accounts if a in known)
        seen = await self.people(await directory.seen_members(self.session, self.chat_id))
        if isinstance(adapter, CountsMembers):
            return ChatMembers(seen, total=await adapter.member_count(self.chat.id))
        return ChatMembers(seen)

    def here(self) -> ChatTarget:
        """This chat, as a target for :meth:`notify`."""
        return ChatTarget(self.chat_id)

    async def chat_language(self) -> ChatLanguage:
        """The language everyone in this chat reads (what is posted here for all is rendered in
        it; what one person alone sees is in theirs), and where it comes from: set in the chat,
        ``chats:`` in the config, or the org's language."""
        return await self._parts.directory.chat_language(self.session, self.chat_id)

    async def set_chat_language(self, language: str | None) -> None:
        """Set the language of this chat (``None``: back to the config's or the org's), in
        this transaction. Replies to this event are already in it."""
        await self._parts.directory.set_chat_language(self.session, self.chat_id, language)

    def _platform_hint(self) -> str | None:
        return self.event.platform

    def _origin(self) -> int | None:
        return self.chat_id if self.chat.kind == "group" else None

    def today(self) -> date:
        return self.now().astimezone(self.person.tz).date()

    def _actor_id(self) -> int | None:
        return self.person.id

    def _chat_id(self) -> int | None:
        return self.chat_id


class Outbox(Protocol):
    """What a context needs of delivery (:class:`bot.delivery.Delivery` is one)."""

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
    ) -> Text | None: ...

    async def release(self, session: AsyncSession, person_id: int) -> int: ...


class SkillSettings:
    """Each skill's settings: the validated model from the config, else the model's defaults."""

    def __init__(self, registry: Registry, given: Mapping[str, BaseModel]) -> None:
        self.registry = registry
        self._settings: dict[str, BaseModel] = dict(given)

    def __call__(self, name: str) -> Any:
        if name not in self._settings:
            model = self.registry.skills[name].config
            self._settings[name] = model() if model else BaseModel()
        return self._settings[name]


class ContextFactory:
    """Builds the contexts handlers receive, holding exactly what they may use."""

    def __init__(
        self,
        *,
        config: Config,
        clock: Clock,
        registry: Registry,
        directory: Directory,
        outbox: Outbox,
        translator: Translator,
        adapters: Mapping[str, Adapter],
        settings: SkillSettings,
    ) -> None:
        self.config = config
        self.clock = clock
        self.registry = registry
        self.directory = directory
        self.outbox = outbox
        self.translator = translator
        self.adapters = adapters
        self.settings = settings

    def job(
        self,
        session: AsyncSession,
        skill: str,
        *,
        effects: Effects | None = None,
        actor: PersonRef | None = None,
        due_at: datetime | None = None,
    ) -> JobContext:
        """A context for work that no one typed (jobs, timers, hooks, policies)."""
        return JobContext(self, session, self.registry.skills[skill], effects, actor, due_at)

    def event(
        self, session: AsyncSession, skill: str, event: Event, person: PersonRef, chat_id: int
    ) -> Context:
        """The context of a command, a button press or a form someone sent."""
        skill_ = self.registry.skills[skill]
        return Context(self, session, skill_, event=event, person=person, chat_id=chat_id)

    def parse_env(self, session: AsyncSession, platform: str, sender: PersonRef) -> ParseEnv:
        """How arguments are read for ``sender`` on ``platform``: their time zone, the
        platform's mentions resolved through the directory, the org's currency."""
        adapter = self.adapters.get(platform)
        directory = self.directory

        def key(token: str) -> tuple[str, str] | None:
            if adapter is not None:
                return adapter.mention_key(token)
            return ("username", token[1:]) if token.startswith("@") and len(token) > 1 else None

        async def resolve(token: str) -> PersonRef | None:
            found = key(token)
            if found is None:
                return None
            kind, value = found
            if kind == "account":
                return await directory.by_account(session, platform, value)
            return await directory.by_username(session, platform, value)

        async def suggest(token: str) -> tuple[str, str] | None:
            found = key(token)
            if found is None or found[0] != "username":  # an account id: no name to compare
                return None
            return await directory.closest(session, platform, found[1])

        return ParseEnv(
            when=When(self.clock.now(), sender.tz),
            is_mention=lambda token: key(token) is not None,
            resolve_mention=resolve,
            currency=self.config.org.currency,
            closest_person=suggest,
        )
