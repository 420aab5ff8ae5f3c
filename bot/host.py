"""The :class:`~bot.adapter.AdapterHost` a bot gives its adapters: the few parts of the core an
adapter may use, each handed in by the bot that builds it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractContextManager
from datetime import datetime

from bot import buttons
from bot.answers import AnswersFirst
from bot.clock import Clock
from bot.events import Event, Profile
from bot.i18n import Locale, TextLike, Translator
from bot.registry import Registry
from storage import Database


class Host:
    """An :class:`~bot.adapter.AdapterHost` built from the parts it passes on."""

    def __init__(
        self,
        handle: Callable[[Event], Awaitable[None]],
        answers: AnswersFirst,
        registry: Registry,
        translator: Translator,
        clock: Clock,
        db: Database,
        profiles: Callable[[Sequence[Profile]], Awaitable[None]],
    ) -> None:
        self._handle = handle
        self._answers = answers
        self._registry = registry
        self._translator = translator
        self._clock = clock
        self._db = db
        self._profiles = profiles

    async def handle(self, event: Event) -> None:
        await self._handle(event)

    def answering(self) -> AbstractContextManager[None]:
        return self._answers.answering()

    async def wait_turn(self, most: float) -> None:
        await self._answers.turn(most)

    def command_names(self) -> frozenset[str]:
        return frozenset(self._registry.top_level())

    def commands(self, language: str) -> list[tuple[str, str]]:
        """Each first word of a command with its help (a sub-command's: its skill's
        description), in ``language``."""
        loc = Locale(language)
        found: dict[str, str] = {}
        for skill in self._registry.skills.values():
            for spec in skill.commands:
                first, _sep, sub = spec.name.partition(" ")
                text = spec.help if not sub else skill.description
                if first not in found or not sub:
                    found[first] = self._translator(text, loc)
        return sorted(found.items())

    def translate(self, text: TextLike, language: str) -> str:
        return self._translator(text, Locale(language))

    def now(self) -> datetime:
        return self._clock.now()

    async def profiles(self, found: Sequence[Profile]) -> None:
        await self._profiles(found)

    async def shorten_button(self, action: str, value: str) -> str:
        return await buttons.shorten(self._db, self._clock.now(), action, value)

    async def expand_button(self, key: str) -> tuple[str, str] | None:
        return await buttons.expand(self._db, key)
