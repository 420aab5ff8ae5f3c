""":class:`ApiContext`: what an operation of the open API gets — a :class:`JobContext` with the
calling client, the person it acts for, and a way to act as that person in a chat."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config.models import TeamConfig
from bot.context import Context
from bot.effects import ChatTarget, Effects
from bot.errors import NotFound, PermissionDenied, UsageError, UserError
from bot.events import Account, ChatRef, Event
from bot.i18n import _
from bot.job_context import JobContext, Parts
from bot.messages import MessageLike
from bot.people import PersonRef
from bot.skill import Skill
from storage.models import Chat


class Conflict(UserError):
    """A 409: the change clashes with what is there (a handle taken, a person the config
    declares)."""


@dataclass(frozen=True)
class Caller:
    """A client of the API, authenticated: its name, scopes and whom it may act for."""

    name: str
    scopes: frozenset[str]
    people: frozenset[str] = frozenset()  # handles; with ``teams`` empty too: anyone
    teams: frozenset[str] = frozenset()

    @property
    def limited(self) -> bool:
        """Whether the config limits this client to some people or teams."""
        return bool(self.people or self.teams)

    def may_act_for(self, person: PersonRef) -> bool:
        if not self.limited:
            return True
        return person.handle in self.people or (
            person.team is not None and person.team in self.teams
        )


class ApiContext(JobContext):
    """The context of an API operation: ``caller`` (the client), ``person`` (whom it acts for,
    from the ``On-Behalf-Of`` header; ``None`` if it gave none)."""

    def __init__(
        self,
        parts: Parts,
        session: AsyncSession,
        skill: Skill,
        *,
        caller: Caller,
        person: PersonRef | None,
        effects: Effects,
    ) -> None:
        super().__init__(parts, session, skill, effects, actor=person)
        self.caller = caller
        self.person = person

    def team_names(self) -> set[str]:
        """Every team the config knows (under ``teams:`` or named by a declared person)."""
        return self._parts.config.team_names()

    def team_config(self, name: str) -> TeamConfig | None:
        return self._parts.config.teams.get(name)

    def known_roles(self) -> set[str]:
        """Every role the skills declare, and ``admin``."""
        return {"admin", *self._parts.registry.role_descriptions()}

    def forget_senders(self) -> None:
        """The directory changed: read people afresh on their next event."""
        self._parts.directory.forget()

    def _actor_id(self) -> int | None:
        return self.person.id if self.person is not None else None

    def acting(self) -> PersonRef:
        """The person this call acts for; a 422 naming the header when the client gave none."""
        if self.person is None:
            raise UsageError(
                _("Say whom this acts for: the {header} header, e.g. alice", header="On-Behalf-Of")
            )
        return self.person

    def check_person(self, person: PersonRef) -> None:
        """A 403 unless this client may act for (and read about) ``person``."""
        if not self.caller.may_act_for(person):
            raise PermissionDenied(_("This client may not act for {who}.", who=person.handle))

    async def person_named(self, handle: str) -> PersonRef:
        """The person ``handle`` of the directory, checked against the client's people (404/403)."""
        found = await self.find_person(handle.removeprefix("@"))
        if found is None:
            raise NotFound(_("There is no person {handle} in the directory.", handle=handle))
        self.check_person(found)
        return found

    async def team_named(self, name: str) -> list[PersonRef]:
        """Everyone of team ``name``, each checked against the client's people (404/403)."""
        if not self.team_exists(name):
            raise NotFound(_("There is no team {team}.", team=name))
        members = await self.team(name)
        for member in members:
            self.check_person(member)
        return members

    def check_chat(self) -> None:
        """A 403 for a client limited to some people or teams: the bot cannot know everyone
        in a chat (Telegram does not list a group's members), so such a client reaches people
        and teams only."""
        if self.caller.limited:
            raise PermissionDenied(
                _(
                    "This client acts for some people only: it may not write in a chat — "
                    "name people or a team instead."
                )
            )

    async def known_chat(self, platform: str, chat_id: str) -> ChatTarget:
        """A chat the bot knows (it has seen it, or the config names it); 404 otherwise."""
        query = select(Chat).where(Chat.platform == platform, Chat.chat_id == chat_id)
        row = (await self.session.exec(query)).first()
        if row is None or row.id is None:
            raise NotFound(
                _(
                    "The bot does not know chat {chat} on {platform}.",
                    chat=chat_id,
                    platform=platform,
                )
            )
        return ChatTarget(row.id)

    async def in_chat(self, chat: ChatTarget | None, person: PersonRef) -> Context:
        """A context in which ``person`` acts in ``chat``, as if they had typed a command there:
        what it replies for everyone is posted in the chat, what it replies privately goes to
        the person's DM (both through the outbox); what would be shown to the sender alone is
        left out (the API's answer tells the client). ``chat=None``: in no chat, as from their
        DM (a request filed from the HR system); ``ctx.chat_id`` is then ``None``."""
        if chat is None:
            platform = next(iter(person.accounts), "api")
            ref = ChatRef(platform, "", "dm")
        else:
            row = await self.session.get(Chat, chat.chat_id)
            assert row is not None
            dm = row.kind == "dm"
            ref = ChatRef(row.platform, row.chat_id, "dm" if dm else "group", row.title)
        account = Account(ref.platform, person.accounts.get(ref.platform, person.handle))
        event = Event(ref.platform, f"api:{uuid.uuid4().hex}", account, ref)
        chat_id = chat.chat_id if chat is not None else None
        ctx = _ChatContext(
            self._parts,
            self.session,
            self.skill,
            event=event,
            person=person,
            chat_id=chat_id,  # type: ignore[arg-type]  # None: in no chat (see above)
        )
        ctx.effects = self.effects
        return ctx


class _ChatContext(Context):
    async def reply(
        self,
        message: MessageLike,
        *,
        ephemeral: bool = False,
        card: str | None = None,
        private: bool = False,
    ) -> None:
        if ephemeral:
            return
        if private or self.chat_id is None:
            await self.notify(self.person, message, card=card)
        else:
            await self.notify(ChatTarget(self.chat_id), message, card=card)
