"""The one typed context handlers receive: who is speaking, where, the database session of this
transaction, and the ways to answer (``reply``) and reach others (``notify``). Contexts are built
by a :class:`bot.context_factory.ContextFactory`, which holds only what handlers may use."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from sqlmodel import col, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import linking, queries
from bot.adapter import CountsMembers, Forms, ListsMembers
from bot.chats import ChatLanguage
from bot.effects import ChatMembers, ChatTarget, Effects, Reply
from bot.events import ChatRef, Command, Event
from bot.forms import Form
from bot.i18n import Text, TextLike
from bot.job_context import JobContext, Outbox, Parts
from bot.markup import Lines
from bot.messages import Message, MessageLike, as_message
from bot.parsing import Fields, FieldsRead, parse_fields, parse_value
from bot.people import PersonRef
from bot.queries import AuditRecord
from bot.skill import CommandSpec, ConfigT, Skill
from storage.engine import after_commit
from storage.models import Person

__all__ = ["ChatMembers", "ChatTarget", "Context", "Effects", "JobContext", "Outbox", "Reply"]


class Context(JobContext[ConfigT]):
    """The context of a command or a button press: adds the sender, the chat and ``reply``."""

    def __init__(
        self,
        parts: Parts,
        session: AsyncSession,
        skill: Skill,
        *,
        event: Event,
        person: PersonRef,
        chat_id: int,
    ) -> None:
        # called the first time the handler reaches the session (see bot.pipeline.savepoint):
        # a handler that never does needs no savepoint of its own
        self.on_session: Callable[[], None] | None = None
        super().__init__(parts, session, skill, actor=person)
        self.event = event
        self.person = person
        self.chat: ChatRef = event.chat
        self.chat_id = chat_id

    @property
    def session(self) -> AsyncSession:
        """The database session of this transaction (everything the handler writes commits
        with the event, or not at all)."""
        if self.on_session is not None:
            first, self.on_session = self.on_session, None
            first()
        return self._session

    @session.setter
    def session(self, session: AsyncSession) -> None:
        self._session = session

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

    async def parse_fields(self, given: str | Mapping[str, str], fields: Fields) -> FieldsRead:
        """Read a form's ``fields`` from what was typed (``dates:12-01..12-03 annual "trip"``:
        named or in any order) or from a platform form's texts, one per field, as the command
        parser reads parameters; every problem is reported, one per field.

        Example:
            >>> read = await ctx.parse_fields(text, Fields({"dates": DateRange}))
            >>> if read.problems: raise UsageError(Lines([p.text for p in read.problems]))
        """
        env = self._parts.parse_env(self.session, self.event.platform, self.person)
        return await parse_fields(given, fields, env)

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

    async def audit_log(
        self, person: PersonRef | None = None, since: datetime | None = None
    ) -> list[AuditRecord]:
        """The audit log, newest first: everything, or what ``person`` did or was done to them,
        from ``since`` on (for admins: ``/deskmate audit``)."""
        return await queries.audit_log(
            self.session,
            handle=person.handle if person else None,
            person_id=person.id if person else None,
            since=since,
        )

    async def link_code(self) -> str:
        """A one-time code linking the sender's accounts: typed on another platform within
        10 minutes (see :mod:`bot.linking`)."""
        return await linking.issue(self.session, self.person, self.event.platform, self.now())

    async def link(self, code: str) -> PersonRef | None:
        """The sender typed a code from ``/link``: their account here joins the person who got
        it, who is returned; ``None`` when the code doesn't work (counted against guessing)."""
        owner = await linking.redeem(
            self.session, self.person, self.event.platform, code, self.now()
        )
        if owner is None:
            return None
        directory = self._parts.directory
        found = await directory.get(self.session, owner)
        assert found is not None
        for person in (self.person, found):  # read both again at their next event
            directory.forget(person)
            after_commit(self.session, lambda p=person: directory.forget(p))  # type: ignore[misc]
        return found

    async def prefer(self, platform: str | None) -> None:
        """Send the sender's notifications to ``platform`` (``None``: where they come from)."""
        await self.session.exec(
            update(Person).where(col(Person.id) == self.person.id).values(prefers=platform)
        )
        self._parts.directory.forget(self.person)

    def _actor_id(self) -> int | None:
        return self.person.id

    def _chat_id(self) -> int | None:
        return self.chat_id
