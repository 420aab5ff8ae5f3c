"""Dispatch: which handler an event goes to, with its arguments parsed and its role checked, and
the context it runs with. Plain chat never gets here (see :func:`wanted`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.context import Context
from bot.context_factory import ContextFactory
from bot.errors import NotFound, PermissionDenied, UsageError, excerpt
from bot.events import Action, Command, Event, FormSubmitted, Location, Membership
from bot.i18n import _
from bot.markup import Lines
from bot.parsing import ParseEnv, parse_args, parse_payload
from bot.people import PersonRef
from bot.pipeline.roles import check_role
from bot.registry import Registry
from bot.skill import CommandSpec

Run = Callable[[Context], Awaitable[None]]


def wanted(event: Event, registry: Registry) -> bool:
    """Commands (with a name), button presses, joins and leaves; shared locations once a skill
    takes them; plain chat never."""
    if isinstance(event, Command):
        return bool(event.name.strip())
    if isinstance(event, Location):
        return registry.location_handler() is not None
    return isinstance(event, Action | Membership | FormSubmitted)


class Dispatcher:
    def __init__(self, registry: Registry, contexts: ContextFactory) -> None:
        self.registry = registry
        self.contexts = contexts

    async def route(
        self, session: AsyncSession, event: Event, sender: PersonRef, chat_id: int
    ) -> tuple[Context, Run]:
        """The handler's context and the call that runs it; a user error if there is none or
        the sender may not use it (nobody who left the organisation may)."""
        if sender.has_left:
            raise PermissionDenied(
                _(
                    "You have left the organisation ({on}): Deskmate no longer takes your "
                    "commands or buttons — ask an admin if this is a mistake.",
                    on=sender.left_on,
                )
            )
        if isinstance(event, Command):
            return await self._command(session, event, sender, chat_id)
        if isinstance(event, Action):
            return self._action(session, event, sender, chat_id)
        if isinstance(event, FormSubmitted):
            return self._form(session, event, sender, chat_id)
        if isinstance(event, Location) and (found := self.registry.location_handler()):
            skill, handler = found
            ctx = self.contexts.event(session, skill.name, event, sender, chat_id)

            async def run(c: Context) -> None:
                await handler(c, event.latitude, event.longitude, event.live)

            return ctx, run
        raise NotFound(_("Deskmate does not handle this kind of message yet."))

    async def _command(
        self, session: AsyncSession, event: Command, sender: PersonRef, chat_id: int
    ) -> tuple[Context, Run]:
        candidates = self.registry.find_command(event.name, event.text)
        if not candidates:
            raise self._unknown(event)
        env = self.contexts.parse_env(session, event.platform, sender)
        spec, args = await _match(candidates, env)
        ctx = self.contexts.event(session, spec.skill, event, sender, chat_id)
        check_role(sender, spec.requires, f"/{spec.name}")

        async def run(c: Context) -> None:
            await spec.func(c, **args)

        return ctx, run

    def _unknown(self, event: Command) -> UsageError | NotFound:
        """What to say about a command no skill has: "did you mean", or the sub-commands."""
        registry = self.registry
        meant = registry.closest_command(event.name, event.text)  # "did you mean"
        subs = registry.subcommands(event.name.lower())
        if subs and meant:
            typed = f"{event.name} {event.text.split()[0]}"
            return UsageError(
                _(
                    "There is no /{typed} — did you mean /{meant}?",
                    typed=excerpt(typed),
                    meant=meant,
                ),
                usage=registry.commands[meant].usage,
            )
        if subs:
            usages = Lines([s.usage for s in subs])
            return UsageError(
                _("/{name} needs one of:\n{usages}", name=excerpt(event.name), usages=usages)
            )
        if meant:
            return NotFound(
                _(
                    "Unknown command /{name} — did you mean /{meant}? Type /help to see "
                    "the commands.",
                    name=excerpt(event.name),
                    meant=meant,
                )
            )
        return NotFound(
            _(
                "Unknown command /{name} — type /help to see the commands.",
                name=excerpt(event.name),
            )
        )

    def _action(
        self, session: AsyncSession, event: Action, sender: PersonRef, chat_id: int
    ) -> tuple[Context, Run]:
        spec = self.registry.actions.get(event.action)
        if spec is None:
            raise NotFound(_("This button no longer works — type /help to see the commands."))
        ctx = self.contexts.event(session, spec.skill, event, sender, chat_id)
        check_role(sender, spec.requires, event.action)

        async def run(c: Context) -> None:
            env = self.contexts.parse_env(c.session, event.platform, sender)
            await spec.func(c, **await parse_payload(event.value, spec.params, env))

        return ctx, run

    def _form(
        self, session: AsyncSession, event: FormSubmitted, sender: PersonRef, chat_id: int
    ) -> tuple[Context, Run]:
        spec = self.registry.forms.get(event.action)
        if spec is None:
            raise NotFound(_("This form no longer works — type /help to see the commands."))
        ctx = self.contexts.event(session, spec.skill, event, sender, chat_id)
        check_role(sender, spec.requires, event.action)

        async def run(c: Context) -> None:
            await spec.func(c, event.value, dict(event.values))

        return ctx, run


async def _match(
    candidates: list[tuple[CommandSpec, str]], env: ParseEnv
) -> tuple[CommandSpec, dict[str, Any]]:
    """The first candidate whose arguments parse (``/standup today I fixed it`` is the
    ``standup`` command if ``standup today`` takes nothing); else the first one's error."""
    first_error: UsageError | None = None
    for spec, text in candidates:
        try:
            return spec, await parse_args(text, spec.params, env)
        except UsageError as exc:
            exc.usage = spec.usage
            first_error = first_error or exc
    assert first_error is not None
    raise first_error
