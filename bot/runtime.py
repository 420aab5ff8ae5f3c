"""The runtime: every event passes through here once.

Steps, in order: de-duplicate by ``(platform, event_id)``; resolve the sender to a person; find the
handler; parse its arguments; check the role it requires; run it with a :class:`Context` inside one
transaction; then send the replies (only after the commit) and kick delivery. Errors end at one
boundary: usage errors answer with the usage, refusals say who may, anything else answers
"something went wrong (ref XXXX)" and logs the traceback under that reference.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, delete
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import cards
from bot.adapter import Forms as FormsCapability
from bot.cards import CardEdit
from bot.context import Context, Reply
from bot.errors import NotFound, PermissionDenied, UsageError, UserError, excerpt
from bot.events import Action, Command, Event, FormSubmitted, Location, Membership
from bot.forms import Form, FormInvalid, render_form
from bot.i18n import Text, TextLike, _
from bot.markup import Lines
from bot.messages import Message
from bot.params import ParseEnv, parse_args, parse_payload
from bot.people import PersonRef
from bot.registry import Registry
from bot.replies import Replies
from bot.skill import CommandSpec
from bot.values import When
from storage.models import ProcessedEvent

if TYPE_CHECKING:
    from bot.app import Bot

log = logging.getLogger(__name__)

Run = Callable[[Context], Awaitable[None]]
# built once (putting a statement together costs more than running it): claim an event
_CLAIMS: dict[str, Any] = {
    name: insert(ProcessedEvent.__table__).on_conflict_do_nothing()  # type: ignore[attr-defined]
    for name, insert in (("sqlite", sqlite_insert), ("postgresql", postgresql_insert))
}


# events handled in one transaction at most (a group forms while the previous one commits)
GROUP_MOST = 50
# how long events wait for the answers platforms are waiting for (see bot.answers)
ANSWERS_FIRST_SECONDS = 0.05


@dataclass
class _Outcome:
    """What handling one event leaves to do once its transaction has committed."""

    sender: PersonRef | None = None
    chat_id: int | None = None
    replies: list[Reply] = field(default_factory=list)
    edits: list[CardEdit] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)
    wrote: bool = False  # to the outbox: only then is a drain worth starting
    chat_language: str | None = None  # what everyone in the group reads (after the handler)


_EVENTS = ProcessedEvent.__table__  # type: ignore[attr-defined]
_GROUP_CLAIMS = {
    name: claim.returning(_EVENTS.c.platform, _EVENTS.c.event_id) for name, claim in _CLAIMS.items()
}


_UNCLAIM = delete(_EVENTS).where(
    _EVENTS.c.platform == bindparam("platform"), _EVENTS.c.event_id == bindparam("event_id")
)


def _fail(done: asyncio.Future[Any], exc: BaseException) -> None:
    if not done.done():
        done.set_exception(exc) if isinstance(exc, Exception) else done.cancel()


class Runtime:
    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        # events waiting for a transaction, and the tasks handling them (group commit): on
        # SQLite one (it has one writer), on PostgreSQL a few side by side
        self._waiting: list[tuple[Event, asyncio.Future[_Outcome]]] = []
        self._handlers: set[asyncio.Task[None]] = set()
        self._handling = 0  # handlers at work (a task may be done before its callbacks run)
        self._side_by_side = 1 if bot.db.is_sqlite else 4
        self.replies = Replies(bot)

    async def handle(self, event: Event) -> None:
        """Handle one neutral event from an adapter: in a transaction shared with the events that
        arrived meanwhile, then its replies once that has committed."""
        if not _wanted(event, self.bot.registry):
            return  # plain chat and shared locations no skill asked for: stay quiet
        outcome = await self._in_turn(event)
        if outcome.edits:  # first: card states queue in commit order
            await cards.apply(self.bot, outcome.edits)
        await self.replies.send(
            event, outcome.sender, outcome.replies, outcome.chat_id, outcome.chat_language
        )
        if outcome.forms:
            await self._open_forms(event, outcome.sender, outcome.forms)
        if outcome.wrote:
            self.bot.delivery.kick()

    async def _in_turn(self, event: Event) -> _Outcome:
        loop = asyncio.get_running_loop()
        done: asyncio.Future[_Outcome] = loop.create_future()
        self._waiting.append((event, done))
        if self._handling < self._side_by_side:
            self._handling += 1
            task = loop.create_task(self._handle_waiting())
            self._handlers.add(task)
            task.add_done_callback(self._handlers.discard)
        return await done  # cancelled meanwhile: it is handled all the same, unanswered

    async def _handle_waiting(self) -> None:
        """Group commit: the events waiting go through one transaction, each handler in a
        savepoint of its own (one's error never undoes another's work). If the transaction
        itself fails, each is handled again alone."""
        try:
            await self._handle_groups()
        finally:  # at once (not in a done callback): an event arriving next starts a handler
            self._handling -= 1

    async def _handle_groups(self) -> None:
        while self._waiting:
            await asyncio.sleep(0)  # the events ready to arrive join this group
            # while platforms wait for answers (a burst), events go one by one between them
            burst = await self.bot.answers.wait(ANSWERS_FIRST_SECONDS)
            most = 1 if burst else GROUP_MOST
            group, self._waiting = self._waiting[:most], self._waiting[most:]
            if not group:  # another handler took them meanwhile
                continue
            events = [event for event, _done in group]
            try:
                outcomes: list[_Outcome] | None = await self._together(events)
            except Exception:
                log.warning("a group of %d events failed; each alone now", len(group))
                outcomes = None
            except BaseException as exc:
                for _event, done in group:
                    _fail(done, exc)
                raise
            for i, (event, done) in enumerate(group):
                try:
                    outcome = outcomes[i] if outcomes is not None else await self._alone(event)
                except BaseException as exc:
                    _fail(done, exc)
                    if not isinstance(exc, Exception):
                        raise
                    continue
                if not done.done():
                    done.set_result(outcome)

    async def _together(self, events: list[Event]) -> list[_Outcome]:
        outcomes = [_Outcome() for _event in events]
        async with self.bot.db.transaction() as session:
            fresh = await self._first_times(session, events)
            for event, outcome, first in zip(events, outcomes, fresh, strict=True):
                if not first:
                    log.info("event %s/%s seen before; skipped", event.platform, event.event_id)
                    continue
                outcome.sender, outcome.chat_id = await self._note_sender(session, event)
                try:
                    await self._run(session, event, outcome, apart=True)
                except Exception as exc:  # its savepoint rolled back: the others stand
                    outcome.replies = self._failed(event, outcome.sender, exc)
                    await self._unclaim(session, event)
                await asyncio.sleep(0)  # SQLite runs in the loop's thread: let it breathe
            wrote = self.bot.delivery.wrote(session)
        for outcome in outcomes:
            outcome.wrote = wrote
        return outcomes

    async def _alone(self, event: Event) -> _Outcome:
        outcome = _Outcome()
        try:
            async with self.bot.db.transaction() as session:
                if not await self._first_time(session, event):
                    log.info("event %s/%s seen before; skipped", event.platform, event.event_id)
                    return outcome
                outcome.sender, outcome.chat_id = await self._note_sender(session, event)
                await self._run(session, event, outcome, apart=False)
                outcome.wrote = self.bot.delivery.wrote(session)
        except Exception as exc:
            outcome.replies = self._failed(event, outcome.sender, exc)
            if isinstance(exc, UserError):
                await self._note_sender_anyway(event)
        return outcome

    async def _run(
        self, session: AsyncSession, event: Event, outcome: _Outcome, *, apart: bool
    ) -> None:
        """Route the event and run its handler (``apart``: in a savepoint of its own)."""
        if isinstance(event, Membership):
            return
        assert outcome.sender is not None
        assert outcome.chat_id is not None
        ctx, run = await self._route(session, event, outcome.sender, outcome.chat_id)
        if apart:
            async with session.begin_nested():
                await run(ctx)
        else:
            await run(ctx)
        outcome.replies = ctx.replies
        outcome.edits, outcome.forms = ctx.effects.edits, ctx.effects.forms
        if event.chat.kind == "group":  # read after the handler: it may have just set it
            found = await self.bot.directory.chat_language(session, outcome.chat_id)
            outcome.chat_language = found.language

    def _failed(self, event: Event, sender: PersonRef | None, exc: Exception) -> list[Reply]:
        """The answer to an event that failed: a form's problems beside its fields, a user
        error's text, else "something went wrong" with a reference to the logged traceback."""
        if isinstance(exc, FormInvalid):
            return self._form_problems(event, sender, exc)
        if isinstance(exc, UserError):
            return [Reply(Message(_error_text(exc)), ephemeral=True, brief=True)]
        ref = secrets.token_hex(3).upper()
        log.error("unexpected error handling %s (ref %s)", event, ref, exc_info=exc)
        text = _(
            "Something went wrong (ref {ref}). Nothing was changed; please try again "
            "or tell an admin the ref.",
            ref=ref,
        )
        return [Reply(Message(text), ephemeral=True, brief=True)]

    async def _note_sender(self, session: AsyncSession, event: Event) -> tuple[PersonRef, int]:
        """Who spoke, and where: the person (created on first sight), that their DM is open, the
        chat, and that they are a member of it (Telegram can't list members otherwise)."""
        directory = self.bot.directory
        in_dm = event.chat.kind == "dm"
        sender = await directory.resolve_sender(session, event.sender, in_dm=in_dm)
        chat_id = await directory.ensure_chat(session, event.chat)
        if event.chat.kind == "group":
            joined = not isinstance(event, Membership) or event.joined
            await directory.seen_in(session, chat_id, sender.id, active=joined)
        return sender, chat_id

    async def _note_sender_anyway(self, event: Event) -> None:
        """A refused command changes nothing, but who typed it where is still worth knowing."""
        try:
            async with self.bot.db.transaction() as session:
                await self._note_sender(session, event)
        except Exception:
            log.warning("could not note the sender of %s", event, exc_info=True)

    async def _first_times(self, session: AsyncSession, events: list[Event]) -> list[bool]:
        """Claim a group of events in one statement where the database can say which rows it
        inserted (``RETURNING``); an id twice in the group is handled once."""
        claim = _GROUP_CLAIMS.get(self.bot.db.engine.dialect.name)
        if claim is None:
            return [await self._first_time(session, event) for event in events]
        keys = [(event.platform, event.event_id) for event in events]
        now = self.bot.clock.now()
        params = [
            {"platform": platform, "event_id": event_id, "processed_at": now}
            for platform, event_id in dict.fromkeys(keys)
        ]
        claimed = {tuple(row) for row in (await session.exec(claim, params=params)).all()}
        fresh = []
        for key in keys:
            fresh.append(key in claimed)
            claimed.discard(key)
        return fresh

    async def _unclaim(self, session: AsyncSession, event: Event) -> None:
        """An event that failed changed nothing, its claim included: sent again (a platform's
        retry, a corrected form), it is handled again."""
        await session.exec(
            _UNCLAIM, params={"platform": event.platform, "event_id": event.event_id}
        )

    async def _first_time(self, session: AsyncSession, event: Event) -> bool:
        """Claim the event: one ``INSERT ... ON CONFLICT DO NOTHING`` on SQLite and PostgreSQL
        (a retry, or another instance, claimed it first: nothing inserted)."""
        claim = _CLAIMS.get(self.bot.db.engine.dialect.name)
        if claim is not None:
            params = {
                "platform": event.platform,
                "event_id": event.event_id,
                "processed_at": self.bot.clock.now(),
            }
            result = await session.exec(claim, params=params)
            return bool(result.rowcount)
        seen = (
            await session.exec(
                select(ProcessedEvent.id).where(
                    ProcessedEvent.platform == event.platform,
                    ProcessedEvent.event_id == event.event_id,
                )
            )
        ).first()
        if seen is not None:
            return False
        session.add(
            ProcessedEvent(
                platform=event.platform, event_id=event.event_id, processed_at=self.bot.clock.now()
            )
        )
        try:
            await session.flush()
        except IntegrityError:  # another instance took it between our read and write
            return False
        return True

    async def _route(
        self, session: AsyncSession, event: Event, sender: PersonRef, chat_id: int
    ) -> tuple[Context, Run]:
        if isinstance(event, Command):
            return await self._command(session, event, sender, chat_id)
        if isinstance(event, Action):
            return self._action(session, event, sender, chat_id)
        if isinstance(event, FormSubmitted):
            return self._form(session, event, sender, chat_id)
        if isinstance(event, Location) and (found := self.bot.registry.location_handler()):
            skill, handler = found
            ctx = Context(self.bot, session, skill, event=event, person=sender, chat_id=chat_id)

            async def run(c: Context) -> None:
                await handler(c, event.latitude, event.longitude, event.live)

            return ctx, run
        raise NotFound(_("Deskmate does not handle this kind of message yet."))

    async def _command(
        self, session: AsyncSession, event: Command, sender: PersonRef, chat_id: int
    ) -> tuple[Context, Run]:
        registry = self.bot.registry
        candidates = registry.find_command(event.name, event.text)
        if not candidates:
            meant = registry.closest_command(event.name, event.text)  # "did you mean"
            subs = registry.subcommands(event.name.lower())
            if subs and meant:
                typed = f"{event.name} {event.text.split()[0]}"
                raise UsageError(
                    _(
                        "There is no /{typed} — did you mean /{meant}?",
                        typed=excerpt(typed),
                        meant=meant,
                    ),
                    usage=registry.commands[meant].usage,
                )
            if subs:
                usages = Lines([s.usage for s in subs])
                raise UsageError(
                    _("/{name} needs one of:\n{usages}", name=excerpt(event.name), usages=usages)
                )
            if meant:
                raise NotFound(
                    _(
                        "Unknown command /{name} — did you mean /{meant}? Type /help to see "
                        "the commands.",
                        name=excerpt(event.name),
                        meant=meant,
                    )
                )
            raise NotFound(
                _(
                    "Unknown command /{name} — type /help to see the commands.",
                    name=excerpt(event.name),
                )
            )
        env = self.parse_env(session, event.platform, sender)
        spec, args = await self._match(candidates, env)
        skill = self.bot.registry.skills[spec.skill]
        ctx = Context(self.bot, session, skill, event=event, person=sender, chat_id=chat_id)
        self._check_role(sender, spec.requires, f"/{spec.name}")

        async def run(c: Context) -> None:
            await spec.func(c, **args)

        return ctx, run

    async def _match(
        self, candidates: list[tuple[CommandSpec, str]], env: ParseEnv
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

    def _action(
        self, session: AsyncSession, event: Action, sender: PersonRef, chat_id: int
    ) -> tuple[Context, Run]:
        spec = self.bot.registry.actions.get(event.action)
        if spec is None:
            raise NotFound(_("This button no longer works — type /help to see the commands."))
        skill = self.bot.registry.skills[spec.skill]
        ctx = Context(self.bot, session, skill, event=event, person=sender, chat_id=chat_id)
        self._check_role(sender, spec.requires, event.action)

        async def run(c: Context) -> None:
            env = self.parse_env(c.session, event.platform, sender)
            await spec.func(c, **await parse_payload(event.value, spec.params, env))

        return ctx, run

    def _form(
        self, session: AsyncSession, event: FormSubmitted, sender: PersonRef, chat_id: int
    ) -> tuple[Context, Run]:
        spec = self.bot.registry.forms.get(event.action)
        if spec is None:
            raise NotFound(_("This form no longer works — type /help to see the commands."))
        skill = self.bot.registry.skills[spec.skill]
        ctx = Context(self.bot, session, skill, event=event, person=sender, chat_id=chat_id)
        self._check_role(sender, spec.requires, event.action)

        async def run(c: Context) -> None:
            await spec.func(c, event.value, dict(event.values))

        return ctx, run

    def _check_role(self, person: PersonRef, role: str | None, what: str) -> None:
        if role is None or person.has_role(role) or person.has_role("admin"):
            return
        raise PermissionDenied(
            _(
                "Only people with the {role} role can use {what} — ask an admin "
                "to give you the role.",
                role=role,
                what=what,
            )
        )

    def parse_env(self, session: AsyncSession, platform: str, sender: PersonRef) -> ParseEnv:
        adapter = self.bot.adapters.get(platform)

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
                return await self.bot.directory.by_account(session, platform, value)
            return await self.bot.directory.by_username(session, platform, value)

        async def suggest(token: str) -> tuple[str, str] | None:
            found = key(token)
            if found is None or found[0] != "username":  # an account id: no name to compare
                return None
            return await self.bot.directory.closest(session, platform, found[1])

        return ParseEnv(
            when=When(self.bot.clock.now(), sender.tz),
            is_mention=lambda token: key(token) is not None,
            resolve_mention=resolve,
            currency=self.bot.config.org.currency,
            closest_person=suggest,
        )

    def _form_problems(
        self, event: Event, sender: PersonRef | None, exc: FormInvalid
    ) -> list[Reply]:
        """Problems of a submitted form go back beside its fields (the adapter shows them);
        raised anywhere else, they are an answer like any other error."""
        if not isinstance(event, FormSubmitted) or sender is None:
            lines = Text("{lines}", {"lines": Lines([exc.text, *exc.problems.values()])})
            return [Reply(Message(lines), ephemeral=True, brief=True)]
        loc = sender.locale(self.bot.clock.now())
        for name, text in exc.problems.items():
            event.outcome.problems[name] = self.bot.translator(text, loc)
        return []

    async def _open_forms(self, event: Event, sender: PersonRef | None, forms: list[Form]) -> None:
        adapter = self.bot.adapters.get(event.platform)
        if not forms or sender is None or not isinstance(adapter, FormsCapability):
            return
        trigger = event.trigger if isinstance(event, Command) else None
        if trigger is None:
            return
        loc = sender.locale(self.bot.clock.now())
        for form in forms:
            try:
                rendered = render_form(form, self.bot.translator, loc)
                await adapter.open_form(trigger, event.chat, rendered)
            except Exception:
                log.exception("could not open a form for %s", event)
                await self.replies.send(event, sender, [_FORM_FAILED], None)


_FORM_FAILED = Reply(
    Message(_("The form could not open — type the command with its fields instead (see /help).")),
    ephemeral=True,
    brief=True,
)


def _error_text(exc: UserError) -> TextLike:
    if isinstance(exc, UsageError) and exc.usage:
        return _("{problem}\nUsage: {usage}", problem=exc.text, usage=exc.usage)
    return exc.text


def _wanted(event: Event, registry: Registry) -> bool:
    """Commands (with a name), button presses, joins and leaves; shared locations once a skill
    takes them; plain chat never."""
    if isinstance(event, Command):
        return bool(event.name.strip())
    if isinstance(event, Location):
        return registry.location_handler() is not None
    return isinstance(event, Action | Membership | FormSubmitted)
