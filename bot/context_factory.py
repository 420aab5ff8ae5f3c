"""Builds the contexts handlers receive (:class:`ContextFactory`), holding exactly what they may
use, and each skill's settings (:class:`SkillSettings`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import offboarding
from bot.adapter import Adapter
from bot.clock import Clock
from bot.config import Config
from bot.context import Context
from bot.directory import Directory
from bot.effects import Effects
from bot.events import Event
from bot.handover import Handover
from bot.i18n import Translator
from bot.job_context import JobContext, Outbox
from bot.parsing import ParseEnv
from bot.people import PersonRef
from bot.registry import Registry
from bot.values import When


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

    async def offboard(
        self,
        session: AsyncSession,
        person: PersonRef,
        successor: PersonRef | None,
        *,
        by: PersonRef | None,
        source: str,
        effects: Effects | None = None,
    ) -> Handover | None:
        """See :func:`bot.offboarding.offboard`."""
        return await offboarding.offboard(
            self, session, person, successor, by=by, source=source, effects=effects
        )

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
            translate=lambda text: self.translator(text, sender.locale(self.clock.now())),
        )
