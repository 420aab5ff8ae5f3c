"""The skill test harness: a real Bot on an in-memory chat, a real database and a fake clock. It is
public API; Deskmate's own skills are tested with it.

Installing deskmate registers the ``deskmate`` pytest fixture (an async factory)::

    async def test_standup(deskmate):
        chat = await deskmate(standup.skill, config="people: [{id: alice, roles: [admin]}]")
        out = await chat.say("alice", "/standup shipped the report")
        assert "Thanks" in out.text
        await chat.advance("1d")                 # periodic jobs and deliveries due run
        assert chat.inbox("alice")[-1].text.startswith("⏰")

The database is a fresh SQLite file in a temporary folder, or with ``DESKMATE_TEST_DB=postgresql``
a fresh database on the PostgreSQL server at 127.0.0.1:5432 (see :mod:`bot.testing.databases`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, text
from sqlmodel import SQLModel, select

from bot import transcript, values
from bot.adapter import (  # what a test's chat may lack: without=[Ephemeral]
    CountsMembers,
    DmInvite,
    Dnd,
    Ephemeral,
    Forms,
    ListsMembers,
    PressAnswers,
    SilentSend,
)
from bot.app import Bot
from bot.clock import FakeClock
from bot.config import Config, installed_schemas, parse_config
from bot.loader import NoOptions, installed_skills
from bot.memory import MemoryAdapter, MemorySettings, Sent, format_sent
from bot.skill import Skill
from bot.testing.databases import (
    ENGINE_VARIABLE,
    Engine,
    EngineUnavailable,
    ScratchDatabase,
    check_engine,
    engine_from_environment,
    scratch_database,
)

__all__ = [
    "ENGINE_VARIABLE",
    "CountsMembers",
    "DmInvite",
    "Dnd",
    "Engine",
    "EngineUnavailable",
    "Ephemeral",
    "Forms",
    "Harness",
    "ListsMembers",
    "Outcome",
    "PressAnswers",
    "ScratchDatabase",
    "Sent",
    "SilentSend",
    "check_engine",
    "engine_from_environment",
    "make_harness",
    "memory_adapter",
    "scratch_database",
]

DEFAULT_START = datetime(2026, 11, 23, 1, 0, tzinfo=ZoneInfo("UTC"))  # Mon 09:00 in Shanghai


class Outcome(list[Sent]):
    """What one step made the bot send (new and edited messages)."""

    @property
    def text(self) -> str:
        """All messages as plain text, separated by blank lines."""
        return "\n\n".join(s.text for s in self)

    def one(self) -> Sent:
        assert len(self) == 1, f"expected one message, got {len(self)}:\n{self.text}"
        return self[0]


class Harness:
    """Speak as users, press buttons, move the clock, and read what everyone received."""

    def __init__(
        self,
        bot: Bot,
        adapter: MemoryAdapter,
        clock: FakeClock,
        database: ScratchDatabase | None = None,
    ) -> None:
        self.bot = bot
        self.adapter = adapter
        self.clock = clock
        self.player = _player(bot, adapter)
        self._database = database  # made for this harness: released on close

    async def say(
        self, who: str, text: str, *, dm: bool = False, chat: str | None = None
    ) -> Outcome:
        """``who`` types ``text`` in the group chat (another one with ``chat="random"``), or in
        their DM with the bot."""
        return Outcome(await self.player.play(transcript.Say(who, text, dm, chat)))

    async def press(self, who: str, label: str, *, on: Sent | None = None) -> Outcome:
        """``who`` presses the newest button labelled ``label`` they can see (``on``: the one
        of that message, e.g. the group's card rather than their DM). The label may be written
        in the language of the chat it is in or in the presser's own."""
        return Outcome(await self.player.play(transcript.Press(who, label, on=on)))

    async def share_location(
        self, who: str, latitude: float, longitude: float, *, live: bool = False, dm: bool = True
    ) -> Outcome:
        """``who`` shares a location with the bot (in their DM unless ``dm=False``)."""
        step = transcript.Share(who, latitude, longitude, live, dm)
        return Outcome(await self.player.play(step))

    async def advance(self, delta: timedelta | str) -> Outcome:
        """Move the clock forward (``"2h"`` or a timedelta), running what falls due."""
        if isinstance(delta, str):
            delta = values.parse_duration(delta)
        return Outcome(await self.player.play(transcript.Advance(delta)))

    async def set_time(self, when: datetime) -> Outcome:
        return Outcome(await self.player.play(transcript.SetTime(when)))

    async def run(self, script: str) -> str:
        """Play a transcript; return what the console would print (a card edited in place
        headed ``deskmate (edited):``)."""
        out = []
        for step in transcript.parse(script, ZoneInfo(self.bot.config.org.timezone)):
            before = {sent.ref for sent in self.adapter.sent}
            changed = await self.player.play(step)
            out += [format_sent(sent, edited=sent.ref in before) for sent in changed]
        return "\n".join(out)

    def inbox(self, who: str) -> list[Sent]:
        """Messages delivered to ``who`` in their DM."""
        return [s for s in self.adapter.sent if s.destination.account_id == who]

    def chat(self) -> list[Sent]:
        """Messages posted in the group chat (ephemeral ones included)."""
        return [s for s in self.adapter.sent if not s.destination.is_dm]

    async def count(self, table: type[SQLModel] | str) -> int:
        """Rows in a table (a model or a table name): to check that nothing was written."""
        async with self.bot.db.transaction() as session:
            if isinstance(table, str):
                result = await session.exec(text(f'SELECT COUNT(*) FROM "{table}"'))  # type: ignore[call-overload]
                return int(result.one()[0])
            return int((await session.exec(select(func.count()).select_from(table))).one())

    async def close(self) -> None:
        """Stop the bot; release the database if the harness made it (not one it was given)."""
        await self.bot.stop()
        if self._database is not None:
            await self._database.release()
            self._database = None

    async def restart(self) -> None:
        """Stop the bot and start a new one on the same database, chat and clock (what a
        process restart does); timers and undelivered notifications must survive it."""
        await self.bot.stop()
        skills = list(self.bot.registry.skills.values())
        self.bot = Bot(self.bot.config, skills, clock=self.clock, adapters=[self.adapter])
        await self.bot.start()
        self.player = _player(self.bot, self.adapter)


def _player(bot: Bot, adapter: MemoryAdapter) -> transcript.Player:
    """A transcript player on ``bot``, speaking through ``adapter`` (one of its adapters)."""
    return transcript.Player(
        adapter,
        host=bot.host,
        advance_to=bot.advance_to,
        settle=bot.delivery.settle,
        db=bot.db,
        directory=bot.directory,
        language=bot.config.org.language,
    )


def memory_adapter(config: Config, without: Sequence[type] = ()) -> MemoryAdapter:
    """An in-memory chat for the installed platform that runs in memory (the console's: its
    settings derive from :class:`~bot.memory.MemorySettings`), with its group chat from
    ``config``: a test's config reads like the console's (``accounts: {console: alice}``).
    ``without``: capabilities it lacks (see :meth:`~bot.memory.MemoryAdapter.without`)."""
    kind = MemoryAdapter.without(*without) if without else MemoryAdapter
    for spec in installed_schemas().values():
        if issubclass(spec.config, MemorySettings):
            settings = config.adapter_settings.get(spec.platform)
            chat = settings.chat if isinstance(settings, MemorySettings) else MemorySettings().chat
            return kind(spec.platform, chat=chat)
    raise LookupError("no installed adapter runs in memory (the console adapter is not installed)")


async def make_harness(
    skills: Sequence[Skill],
    directory: Path,
    *,
    config: str = "",
    start: datetime = DEFAULT_START,
    with_help: bool = True,
    database_url: str | None = None,
    without: Sequence[type] = (),
) -> Harness:
    """Build and start a harness; call :meth:`Harness.close` when done (the fixture does).
    ``without``: capabilities the chat's platform lacks, e.g. ``[Ephemeral]`` to play one
    without ephemeral messages (as on Telegram).
    Without ``database_url`` the bot gets a fresh database of its own on the engine
    ``DESKMATE_TEST_DB`` names (a SQLite file in ``directory`` by default), released on close."""
    chosen = list(skills)
    if with_help and all(s.name != "help" for s in chosen):
        chosen.insert(0, installed_skills()["help"])
    schemas: dict[str, Any] = {s.name: s.config or NoOptions for s in chosen}
    roles = {"admin", *(r for s in chosen for r in s.roles)}
    cfg = parse_config(config, filename="<test config>", skill_schemas=schemas, known_roles=roles)
    database = None
    if database_url is None:
        database = await scratch_database(directory, chosen)
        database_url = database.url
    cfg.storage.url = database_url
    clock = FakeClock(start)
    adapter = memory_adapter(cfg, without)
    bot = Bot(cfg, chosen, clock=clock, adapters=[adapter])
    try:
        await bot.start()
    except BaseException:
        if database is not None:  # a bot that didn't start leaves no database behind
            await bot.db.dispose()
            await database.release()
        raise
    return Harness(bot, adapter, clock, database)
