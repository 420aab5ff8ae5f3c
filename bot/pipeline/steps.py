"""The event path: every event an adapter hands over passes through here once.

Steps, in order: wanted at all (:func:`~bot.pipeline.dispatch.wanted`); wait for a transaction
shared with the events that arrived meanwhile (:mod:`~bot.pipeline.group_commit`); claim the event
once (:mod:`~bot.pipeline.dedup`); note the sender (:mod:`~bot.pipeline.sender`); find the handler,
parse its arguments and check its role (:mod:`~bot.pipeline.dispatch`,
:mod:`~bot.pipeline.roles`); run it; turn any error into an answer
(:mod:`~bot.pipeline.boundary`). After the commit: card edits, the replies
(:mod:`~bot.pipeline.replies`), forms to open, and a delivery drain if the outbox was written.
"""

from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import dataclass, field

from sqlmodel.ext.asyncio.session import AsyncSession

from bot import logs
from bot.answers import AnswersFirst
from bot.cards import CardEdit, CardEditor
from bot.context import Reply
from bot.delivery import Delivery
from bot.directory import Directory
from bot.errors import UserError
from bot.events import Action, Command, Event, FormSubmitted, Membership
from bot.forms import Form
from bot.metrics import Metrics
from bot.people import PersonRef
from bot.pipeline.boundary import Boundary
from bot.pipeline.dedup import Dedup
from bot.pipeline.dispatch import Dispatcher, wanted
from bot.pipeline.forms import FormOpener
from bot.pipeline.group_commit import GroupCommit
from bot.pipeline.replies import Replies
from bot.pipeline.savepoint import LazySavepoint
from bot.pipeline.sender import Senders
from bot.registry import Registry
from storage import Database
from storage.inline_sqlite import take_turns

log = logging.getLogger(__name__)

# after a group in which a handler failed, this many groups run each handler in a savepoint
CAREFUL_GROUPS = 20


class _HandlerFailed(Exception):
    """A handler failed in a group run without savepoints: the group runs again with them."""


@dataclass
class Outcome:
    """What handling one event leaves to do once its transaction has committed."""

    sender: PersonRef | None = None
    chat_id: int | None = None
    replies: list[Reply] = field(default_factory=list)
    edits: list[CardEdit] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)
    wrote: bool = False  # to the outbox: only then is a drain worth starting
    chat_language: str | None = None  # what everyone in the group reads (after the handler)
    result: str = "ok"  # for the metrics: ok, user_error, error, duplicate
    skill: str | None = None  # whose handler ran
    touched: bool = False  # its handler reached the session (else a failure undoes nothing)
    took: float | None = None  # seconds its handler ran (recorded once its transaction ends)


class Pipeline:
    def __init__(
        self,
        *,
        db: Database,
        registry: Registry,
        directory: Directory,
        answers: AnswersFirst,
        dedup: Dedup,
        senders: Senders,
        dispatcher: Dispatcher,
        boundary: Boundary,
        replies: Replies,
        forms: FormOpener,
        cards: CardEditor,
        delivery: Delivery,
        metrics: Metrics,
    ) -> None:
        self.db = db
        self.registry = registry
        self.directory = directory
        self.dedup = dedup
        self.senders = senders
        self.dispatcher = dispatcher
        self.boundary = boundary
        self.replies = replies
        self.forms = forms
        self.cards = cards
        self.delivery = delivery
        self.metrics = metrics
        side_by_side = 1 if db.is_sqlite else 4
        self._careful = 0  # groups still to run with a savepoint per handler (see _together)
        self.answers = answers  # events not answered yet hold card edits back
        self.group_commit = GroupCommit(answers, side_by_side, self._together, self._alone)

    async def handle(self, event: Event) -> None:
        """Handle one neutral event from an adapter: in a transaction shared with the events that
        arrived meanwhile, then its replies once that has committed. What is logged meanwhile
        (and by the drain it starts) carries the event's id (:mod:`bot.logs`)."""
        self.metrics.event_received(event.platform)
        if not wanted(event, self.registry):
            self.metrics.event_handled(event.platform, "ignored")
            return  # plain chat and shared locations no skill asked for: stay quiet
        with _bound(event) as logged, self.answers.awaited():
            started = time.perf_counter()
            await self._handle(event, logged)
            took = (time.perf_counter() - started) * 1000
            log.info("handled %s", logged.command, extra={logs.DURATION: round(took, 1)})

    async def _handle(self, event: Event, logged: logs.EventLog) -> None:
        outcome = await self.group_commit.submit(event)
        logged.skill = outcome.skill
        self.metrics.event_handled(event.platform, outcome.result)
        if outcome.edits:  # first: card states queue in commit order
            self.cards.submit(outcome.edits)
        await self.replies.send(
            event, outcome.sender, outcome.replies, outcome.chat_id, outcome.chat_language
        )
        if outcome.forms:
            await self.forms.open(event, outcome.sender, outcome.forms)
        if outcome.wrote:
            self.delivery.kick()

    async def _together(self, events: list[Event]) -> list[Outcome]:
        """A group in one transaction. Handlers run without savepoints while none fails (their
        writes are then flushed together); if one fails, the transaction rolls back and the
        group runs again with each handler in a savepoint of its own, as do the next groups for
        a while (failures come in runs: a button pressed twice, a retried command)."""
        if self._careful:
            self._careful -= 1
            return await self._group(events, apart=True)
        try:
            return await self._group(events, apart=False)
        except _HandlerFailed:
            self._careful = CAREFUL_GROUPS
            return await self._group(events, apart=True)

    async def _group(self, events: list[Event], *, apart: bool) -> list[Outcome]:
        outcomes = [Outcome() for _event in events]
        async with self.db.transaction() as session:
            fresh = await self.dedup.first_times(session, events)
            for event, outcome, first in zip(events, outcomes, fresh, strict=True):
                if not first:
                    log.info("event %s/%s seen before; skipped", event.platform, event.event_id)
                    outcome.result = "duplicate"
                    continue
                outcome.sender, outcome.chat_id = await self.senders.note(session, event)
                try:
                    with _bound(event):  # in a group: each event's lines carry its own id
                        await self._run(session, event, outcome, apart=apart)
                except Exception as exc:
                    if outcome.touched and not apart:  # all roll back, run again with savepoints
                        raise _HandlerFailed from exc
                    # not routed, or its handler never reached the session (a bad value, a usage
                    # error: nothing written), or its savepoint rolled back: the others stand
                    outcome.replies = self.boundary.failed(event, outcome.sender, exc)
                    outcome.result = _failure(exc)
                    await self.dedup.unclaim(session, event)
                await take_turns()  # SQLite runs in the loop's thread: let the others in
            wrote = self.delivery.wrote(session)
        self._record(events, outcomes)  # committed: this pass is the one that counts
        for outcome in outcomes:
            outcome.wrote = wrote
        return outcomes

    async def _alone(self, event: Event) -> Outcome:
        outcome = Outcome()
        try:
            async with self.db.transaction() as session:
                if not await self.dedup.first_time(session, event):
                    log.info("event %s/%s seen before; skipped", event.platform, event.event_id)
                    outcome.result = "duplicate"
                    return outcome
                outcome.sender, outcome.chat_id = await self.senders.note(session, event)
                await self._run(session, event, outcome, apart=False)
                outcome.wrote = self.delivery.wrote(session)
        except Exception as exc:
            outcome.replies = self.boundary.failed(event, outcome.sender, exc)
            outcome.result = _failure(exc)
            if isinstance(exc, UserError):
                await self.senders.note_anyway(event)
        self._record([event], [outcome])  # the last pass, committed or not
        return outcome

    def _record(self, events: list[Event], outcomes: list[Outcome]) -> None:
        """The metrics of one pass over events (a replayed group's first pass is not counted)."""
        self.metrics.transaction(len(events))
        for event, outcome in zip(events, outcomes, strict=True):
            if outcome.took is not None:
                self.metrics.handler_ran(_label(event), outcome.took)

    async def _run(
        self, session: AsyncSession, event: Event, outcome: Outcome, *, apart: bool
    ) -> None:
        """Route the event and run its handler (``apart``: in a savepoint of its own)."""
        if isinstance(event, Membership):
            return
        assert outcome.sender is not None
        assert outcome.chat_id is not None
        ctx, run = await self.dispatcher.route(session, event, outcome.sender, outcome.chat_id)
        outcome.skill = ctx.skill.name
        if (logged := logs.current()) is not None:
            logged.skill = outcome.skill
        started = time.perf_counter()
        try:
            if apart:  # its own savepoint, begun when it first reaches the session
                savepoint = LazySavepoint(session)
                await savepoint.ready()
                ctx.on_session = savepoint.begin
                try:
                    await run(ctx)
                except BaseException as exc:
                    await savepoint.end(exc)
                    raise
                await savepoint.end()
            else:  # no savepoint: note whether a failure would leave anything to undo
                ctx.on_session = lambda: setattr(outcome, "touched", True)
                await run(ctx)
        finally:
            outcome.took = time.perf_counter() - started
        outcome.replies = ctx.replies
        outcome.edits, outcome.forms = ctx.effects.edits, ctx.effects.forms
        if event.chat.kind == "group":  # read after the handler: it may have just set it
            found = await self.directory.chat_language(session, outcome.chat_id)
            outcome.chat_language = found.language


def _bound(event: Event) -> contextlib.AbstractContextManager[logs.EventLog]:
    return logs.bound(event_id=event.event_id, platform=event.platform, command=_label(event))


def _failure(exc: Exception) -> str:
    return "user_error" if isinstance(exc, UserError) else "error"


def _label(event: Event) -> str:
    """The handler's name in the metrics: ``/task``, a button's action, ``location``."""
    if isinstance(event, Command):
        return f"/{event.name}"
    if isinstance(event, Action | FormSubmitted):
        return event.action
    return type(event).__name__.lower()
