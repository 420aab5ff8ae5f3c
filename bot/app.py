"""The :class:`Bot`: wires config, storage, skills, adapters, delivery and the scheduler together.
It does no work of its own; each part does its one job, and gets in its constructor exactly the
parts it uses (none of them imports this module)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.adapter import Adapter, HandleAccounts
from bot.answers import AnswersFirst
from bot.cards import CardEditor
from bot.clock import Clock, FakeClock, SystemClock, TooFarAhead
from bot.config import Config
from bot.context_factory import ContextFactory, SkillSettings
from bot.delivery import Delivery
from bot.directory import Directory
from bot.effects import Effects
from bot.events import Event
from bot.handover import Handover
from bot.host import Host
from bot.i18n import Catalog, Locale, Translator, _
from bot.offboarding import audit_roles, offboard, offboard_declared
from bot.pipeline import Pipeline
from bot.pipeline.boundary import Boundary
from bot.pipeline.dedup import Dedup
from bot.pipeline.dispatch import Dispatcher
from bot.pipeline.forms import FormOpener
from bot.pipeline.replies import Replies
from bot.pipeline.sender import Senders
from bot.registry import Registry
from bot.scheduler import Scheduler
from bot.skill import JobSpec, Skill
from bot.timer_runner import TimerRunner
from storage import Database, take_turn, upgrade
from storage.leader import Leadership, claim_run

log = logging.getLogger(__name__)

CORE_LOCALES = Path(__file__).parent / "locales"


class Bot:
    """A running Deskmate: ``await bot.start()``, adapters feed ``await bot.handle(event)``."""

    def __init__(
        self,
        config: Config,
        skills: list[Skill],
        *,
        clock: Clock | None = None,
        adapters: list[Adapter] = (),  # type: ignore[assignment]
    ) -> None:
        self.config = config
        self.clock: Clock = clock or SystemClock()
        clock_ = self.clock
        defined = {
            name: _("{label} (defined by the admins)", label=role.description or role.label)
            for name, role in config.roles.items()
        }
        self.registry = registry = Registry(skills, defined)
        self.translator = translator = Translator(catalog_of(skills))
        self.db = db = Database(config.storage.url, echo=config.storage.echo)
        self.leadership = Leadership(db)
        self.adapters: dict[str, Adapter] = {}
        self._handle_accounts: dict[str, Callable[[str], str]] = {}
        self.directory = directory = Directory(config, clock_, self._handle_accounts)
        self.settings = SkillSettings(registry, config.skill_settings)
        # policies run in a job context, and contexts notify through delivery: the one cycle of
        # the parts, closed here by a function looking the context factory up when called
        self.delivery = delivery = Delivery(
            db,
            clock_,
            directory,
            self.adapters,
            registry,
            translator,
            config.delivery,
            config.org,
            job_context=lambda session, skill: self.contexts.job(session, skill),
        )
        self.contexts = contexts = ContextFactory(
            config=config,
            clock=clock_,
            registry=registry,
            directory=directory,
            outbox=delivery,
            translator=translator,
            adapters=self.adapters,
            settings=self.settings,
        )
        self.cards = cards = CardEditor(
            db, clock_, self.adapters, translator, delivery.limits, delivery.track
        )
        self.answers = AnswersFirst()  # adapters mark the requests platforms wait on
        replies = Replies(db, clock_, translator, self.adapters, delivery, cards, config.org)
        self.pipeline = Pipeline(
            db=db,
            registry=registry,
            directory=directory,
            answers=self.answers,
            dedup=Dedup(db, clock_),
            senders=Senders(db, directory),
            dispatcher=Dispatcher(registry, contexts),
            boundary=Boundary(clock_, translator),
            replies=replies,
            forms=FormOpener(clock_, translator, self.adapters, replies),
            cards=cards,
            delivery=delivery,
        )
        self.timers = TimerRunner(db, clock_, registry, contexts.job, cards, config.delivery)
        self.scheduler = Scheduler(ZoneInfo(config.org.timezone), clock_)
        # all an adapter is given: it hands events in and asks the little it needs
        self.host = Host(self.handle, self.answers, registry, translator, clock_, db)
        for adapter in adapters:
            self.add_adapter(adapter)

    def add_adapter(self, adapter: Adapter) -> None:
        self.adapters[adapter.platform] = adapter
        if isinstance(adapter, HandleAccounts):
            self._handle_accounts[adapter.platform] = adapter.account_of

    def org_locale(self, now: Any = None) -> Locale:
        return Locale(self.config.org.language, ZoneInfo(self.config.org.timezone), now)

    async def start(self) -> None:
        """Migrate the database, load the directory, schedule jobs, start the adapters."""
        migrations = [s.migrations for s in self.registry.skills.values() if s.migrations]
        await upgrade(self.db, migrations)
        async with self.db.transaction() as session:
            await take_turn(await session.connection())  # instances starting together
            changes = await self.directory.sync(session, self.config.people)
            audit_roles(self.contexts, session, changes)
            left = Effects()  # people whose left_on: has come
            await offboard_declared(self.contexts, session, self.config.people, left)
        self.cards.submit(left.edits)
        for job in self.registry.jobs():
            run = self._job_runner(job)
            self.scheduler.add(f"{job.skill}.{job.name}", run, cron=job.cron, every=job.every)
        if isinstance(self.clock, FakeClock):  # advance_to steps to each due time itself
            self.scheduler.prime(self.clock.now())
        else:
            tick = timedelta(seconds=self.config.delivery.tick_seconds)
            self.scheduler.add("core.tick", self._tick_job, every=tick)
            self.scheduler.start()
        for adapter in self.adapters.values():
            await adapter.start(self.host)

    async def stop(self) -> None:
        """Show the cards' last states, stop taking events, end running jobs and drains, then
        close the database."""
        await self.cards.flush()
        for adapter in self.adapters.values():
            await adapter.stop()
        await self.scheduler.stop()
        await self.delivery.stop()
        await self.leadership.release()
        await self.db.dispose()

    async def offboard(
        self,
        person_id: int,
        successor_id: int | None = None,
        *,
        by_id: int | None = None,
        source: str = "api",
    ) -> Handover | None:
        """Offboard a person (see :func:`bot.offboarding.offboard`) in a transaction of its own;
        then their cards are edited and the notifications delivered. ``None`` if they had left
        already; ``LookupError`` if an id names nobody."""
        effects = Effects()
        async with self.db.transaction() as session:
            found = [
                await self.directory.get(session, i) if i else None
                for i in (person_id, successor_id, by_id)
            ]
            person, successor, by = found
            if person is None or (successor_id and successor is None) or (by_id and by is None):
                raise LookupError(f"no such person: {person_id}, {successor_id} or {by_id}")
            handover = await offboard(
                self.contexts, session, person, successor, by=by, source=source, effects=effects
            )
        self.cards.submit(effects.edits)
        self.delivery.kick()
        return handover

    async def handle(self, event: Event) -> None:
        await self.pipeline.handle(event)

    async def tick(self) -> None:
        """Fire the due timers and drain the outbox (a periodic job; also after each event)."""
        await self.timers.fire_due()
        await self.delivery.drain()

    async def _tick_job(self, _due: datetime) -> bool:
        await self.tick()  # every instance ticks
        return True

    async def advance_to(self, when: datetime) -> None:
        """Fake clock only: move time to ``when``, stopping at each moment a job, a timer or a
        delivery falls due on the way, in order, as it would happen live. Refuses (raising
        :class:`~bot.clock.TooFarAhead`, time unmoved) to go past the scheduler's horizon."""
        clock = self.clock
        if not isinstance(clock, FakeClock):
            raise TypeError("advance_to needs the bot to run on a FakeClock")
        limit = self.scheduler.horizon(clock.now())
        if when > limit:
            raise TooFarAhead(limit)
        for _step in range(100_000):
            due = [
                t
                for t in (
                    self.scheduler.next_run(),
                    await self.timers.next_due(),
                    await self.delivery.next_due(),
                )
                if t is not None and t <= when
            ]
            if not due:
                break
            clock.set(max(min(due), clock.now()))
            await self.scheduler.run_due(clock.now())
            await self.tick()
        clock.set(when)

    def _job_runner(self, job: JobSpec) -> Any:
        name = f"{job.skill}.{job.name}"

        async def run(due: datetime) -> bool:
            if not await self.leadership.held():
                return False  # another instance leads: asked again until the run is settled
            async with self.db.transaction() as session:
                if not await claim_run(session, name, due, self.clock.now()):
                    return True  # it ran already (on the leader before, or before a restart)
                ctx = self.contexts.job(session, job.skill, due_at=due)
                await job.func(ctx)
            self.cards.submit(ctx.effects.edits)
            await self.tick()
            return True

        return run


def catalog_of(skills: list[Skill]) -> Catalog:
    """The core's texts and every skill's, in every language."""
    catalog = Catalog()
    catalog.add_directory(CORE_LOCALES)
    for skill in skills:
        if skill.translations:
            catalog.add_directory(skill.translations)
    return catalog
