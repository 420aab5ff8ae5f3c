"""The :class:`Bot`: wires config, storage, skills, adapters, delivery and the scheduler together.
It does no work of its own; each part does its one job, and gets in its constructor exactly the
parts it uses (none of them imports this module)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot import logs
from bot.adapter import Adapter, HandleAccounts
from bot.answers import AnswersFirst
from bot.api.retention import api_skills  # the retention job; the webhooks' hooks
from bot.cards import CardEditor
from bot.catalogs import catalog_of
from bot.clock import Clock, FakeClock, SystemClock
from bot.config import Config
from bot.context_factory import ContextFactory, SkillSettings
from bot.delivery import Delivery
from bot.directory import Directory
from bot.effects import Effects
from bot.events import Event
from bot.handover import Handover
from bot.health import Health
from bot.host import Host
from bot.i18n import Locale, Translator
from bot.metrics import Metrics
from bot.monitoring import MonitoringServer
from bot.offboarding import audit_roles, offboard_by_ids, offboard_declared
from bot.pipeline import Pipeline
from bot.pipeline.boundary import Boundary
from bot.pipeline.dedup import Dedup
from bot.pipeline.dispatch import Dispatcher
from bot.pipeline.forms import FormOpener
from bot.pipeline.replies import Replies
from bot.pipeline.sender import Senders
from bot.profiles import ProfileSync
from bot.registry import Registry
from bot.scheduler import Scheduler
from bot.skill import JobSpec, Skill
from bot.stepping import advance
from bot.timer_runner import TimerRunner
from storage import Database, take_turn, upgrade
from storage.leader import Leadership, claim_run

if TYPE_CHECKING:
    from bot.api.server import ApiServer
    from bot.api.webhooks import Webhooks

log = logging.getLogger(__name__)


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
        clock_: Clock = clock or SystemClock()
        self.config, self.clock = config, clock_
        self.db = db = Database(config.storage.url, echo=config.storage.echo)
        self.webhooks = self._webhooks() if config.api.enabled and config.api.webhooks else None
        skills = [*skills, *api_skills(config.api, self.webhooks)]
        self.registry = registry = Registry(skills, config.roles)
        self.translator = translator = Translator(catalog_of(skills))
        self.leadership = Leadership(db)
        self.metrics = metrics = Metrics()  # each part records what it does through it
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
            metrics=metrics,
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
        self.answers = AnswersFirst()  # adapters mark the requests platforms wait on
        self.cards = cards = CardEditor(
            db, clock_, self.adapters, translator, delivery.limits, delivery.track, self.answers
        )
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
            metrics=metrics,
        )
        self.timers = TimerRunner(
            db, clock_, registry, contexts.job, cards, config.delivery, metrics
        )
        self.scheduler = Scheduler(ZoneInfo(config.org.timezone), clock_)
        # all an adapter is given: it hands events in and asks the little it needs
        self.profiles = ProfileSync(db, clock_, self.leadership, directory, self.offboard, delivery)
        self.host = Host(
            self.handle, self.answers, registry, translator, clock_, db, self.profiles.apply
        )
        migrations = [s.migrations for s in registry.skills.values() if s.migrations]
        self.health = Health(
            db, clock_, self.leadership, self.adapters, migrations, metrics, config.monitoring
        )
        self.monitoring = MonitoringServer.when_enabled(config.monitoring, self.health, metrics)
        for adapter in adapters:
            self.add_adapter(adapter)
        self._kicks: set[asyncio.Task[None]] = set()
        self.api = self._api() if config.api.enabled else None

    def _webhooks(self) -> Webhooks:
        from bot.api.webhooks import Webhooks

        return Webhooks(self.config.api.webhooks, self.db, self.clock, self.config.delivery)

    def _api(self) -> ApiServer:
        from bot.api.core import core  # FastAPI is imported only where the API is enabled
        from bot.api.server import ApiServer

        skills = [core, *(s for s in self.registry.skills.values() if s.api_ops)]
        parts = (self.config.api, self.db, self.clock, self.contexts, self.translator, skills)
        return ApiServer(*parts, self._committed)  # contexts offboard in a call's transaction

    def _committed(self, effects: Effects) -> None:
        """Work outside an event committed (an API call): show its card edits, deliver what
        it queued without waiting for the next tick (cards it posts first, then the edits)."""

        async def deliver() -> None:
            await self.tick()
            self.cards.submit(effects.edits)

        kick = asyncio.create_task(deliver())
        self._kicks.add(kick)
        kick.add_done_callback(self._kicks.discard)

    async def settled(self) -> None:
        """Wait for the deliveries that API calls started (tests)."""
        while self._kicks:
            await asyncio.gather(*self._kicks)

    def add_adapter(self, adapter: Adapter) -> None:
        self.adapters[adapter.platform] = adapter
        if isinstance(adapter, HandleAccounts):
            self._handle_accounts[adapter.platform] = adapter.account_of

    def org_locale(self, now: Any = None) -> Locale:
        return Locale(self.config.org.language, ZoneInfo(self.config.org.timezone), now)

    async def start(self) -> None:
        """Open the monitoring port, migrate the database, load the directory, schedule jobs,
        start the adapters."""
        if self.monitoring is not None:  # /healthz answers (and /readyz says why not) meanwhile
            await self.monitoring.start()
        await upgrade(self.db, self.health.migrations)
        people = self.config.people
        async with self.db.transaction() as session:
            await take_turn(await session.connection())  # instances starting together
            audit_roles(self.contexts, session, await self.directory.sync(session, people))
            left = Effects()  # people whose left_on: has come
            await offboard_declared(self.contexts, session, people, left)
        self.cards.submit(left.edits)
        for job in self.registry.jobs():
            run = self._job_runner(job)
            self.scheduler.add(f"{job.skill}.{job.name}", run, cron=job.cron, every=job.every)
        self.profiles.schedule(self.scheduler, self.adapters.values())
        if isinstance(self.clock, FakeClock):  # advance_to steps to each due time itself
            self.scheduler.prime(self.clock.now())
        else:
            tick = timedelta(seconds=self.config.delivery.tick_seconds)
            self.scheduler.add("core.tick", self._tick_job, every=tick, catch_up=False)
            self.scheduler.start()
        for adapter in self.adapters.values():
            await adapter.start(self.host)
        self.profiles.start(self.adapters.values())  # read where the platform has a directory
        if self.api is not None:
            await self.api.start()

    async def stop(self) -> None:
        """Show the cards' last states, stop taking events, end running jobs and drains, then
        close the database."""
        self.health.stopping = True  # /readyz fails from now on: a load balancer looks elsewhere
        if self.api is not None:
            await self.api.stop()
        await self.settled()
        await self.cards.flush()
        await self.profiles.stop()  # a directory being read: given up (read again at start)
        for adapter in self.adapters.values():
            await adapter.stop()
        await self.scheduler.stop()
        await self.delivery.stop()
        if self.webhooks is not None:
            await self.webhooks.stop()
        await self.leadership.release()
        if self.monitoring is not None:
            await self.monitoring.stop()
        await self.db.dispose()

    async def offboard(
        self,
        person_id: int,
        successor_id: int | None = None,
        *,
        by_id: int | None = None,
        source: str = "api",
    ) -> Handover | None:
        """Offboard a person (:func:`bot.offboarding.offboard_by_ids`); then their cards are
        edited and the notifications delivered."""
        ids, parts = (person_id, successor_id, by_id), (self.db, self.contexts, self.directory.get)
        handover, effects = await offboard_by_ids(*parts, ids, source)
        self.cards.submit(effects.edits)
        self.delivery.kick()
        return handover

    async def handle(self, event: Event) -> None:
        await self.pipeline.handle(event)

    async def tick(self) -> None:
        """Fire the due timers and drain the outbox (a periodic job; also after each event)."""
        await self.timers.fire_due()
        await self.delivery.drain()
        if self.webhooks is not None:
            await self.webhooks.drain()

    async def _tick_job(self, _due: datetime) -> bool:
        await self.tick()  # every instance ticks
        return True

    async def advance_to(self, when: datetime) -> None:
        """Fake clock only: move time to ``when`` as it would pass live, each job, timer and
        delivery due on the way in order (:func:`bot.stepping.advance`)."""
        dues = [self.timers.next_due, self.delivery.next_due]
        if self.webhooks is not None:
            dues.append(self.webhooks.next_due)
        await advance(self.clock, self.scheduler, dues, self.tick, when)

    def _job_runner(self, job: JobSpec) -> Any:
        name = f"{job.skill}.{job.name}"

        async def run(due: datetime) -> bool:
            with logs.bound(skill=job.skill, command=f"job {job.name}"):
                return await run_once(due)

        async def run_once(due: datetime) -> bool:
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
