"""The pytest plugin (entry point ``pytest11``): provides the ``deskmate`` and ``deskmate_database``
fixtures, on the engine ``DESKMATE_TEST_DB`` names (SQLite by default)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot.skill import Skill
from bot.testing import DEFAULT_START, Harness, make_harness
from bot.testing.databases import ScratchDatabase, engine_from_environment, scratch_database

HarnessFactory = Callable[..., Awaitable[Harness]]
DatabaseFactory = Callable[..., Awaitable[str]]


def pytest_report_header(config: pytest.Config) -> str:
    """Say on which engine the tests' bots run (``DESKMATE_TEST_DB``)."""
    try:
        return f"deskmate: tests' databases on {engine_from_environment().describe()}"
    except Exception as exc:  # a bad value: every test using a database says so too
        return f"deskmate: {exc}"


@pytest_asyncio.fixture
async def deskmate_database(tmp_path: Path) -> AsyncIterator[DatabaseFactory]:
    """An async factory of fresh databases for bots a test builds itself:
    ``url = await deskmate_database(*skills)``, a database with the tables of ``skills`` on the
    engine ``DESKMATE_TEST_DB`` names, released after the test (stop the bots on it first: the
    ``deskmate`` fixture's are)."""
    made: list[ScratchDatabase] = []

    async def make(*skills: Skill) -> str:
        folder = tmp_path / f"db{len(made)}"
        folder.mkdir()
        made.append(await scratch_database(folder, skills))
        return made[-1].url

    yield make
    for database in made:
        await database.release()


@pytest_asyncio.fixture
async def deskmate(
    tmp_path: Path, deskmate_database: DatabaseFactory
) -> AsyncIterator[HarnessFactory]:
    """An async factory: ``chat = await deskmate(skill, config="...yaml...")``. Each bot gets a
    fresh database (unless ``database_url=`` names one), kept until the test ends, so a test can
    close a bot and start another on its database."""
    made: list[Harness] = []

    async def make(
        *skills: Skill,
        config: str = "",
        start: datetime = DEFAULT_START,
        database_url: str | None = None,
        **kw: Any,
    ) -> Harness:
        folder = tmp_path / f"bot{len(made)}"
        folder.mkdir()
        harness = await make_harness(
            skills,
            folder,
            config=config,
            start=start,
            database_url=database_url or await deskmate_database(*skills),
            **kw,
        )
        made.append(harness)
        return harness

    yield make
    for harness in made:  # before deskmate_database releases their databases
        await harness.close()
