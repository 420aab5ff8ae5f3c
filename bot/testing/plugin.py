"""The pytest plugin (entry point ``pytest11``): provides the ``deskmate`` fixture."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest_asyncio

from bot.skill import Skill
from bot.testing import DEFAULT_START, Harness, make_harness

HarnessFactory = Callable[..., Awaitable[Harness]]


@pytest_asyncio.fixture
async def deskmate(tmp_path: Path) -> AsyncIterator[HarnessFactory]:
    """An async factory: ``chat = await deskmate(skill, config="...yaml...")``."""
    made: list[Harness] = []

    async def make(
        *skills: Skill, config: str = "", start: datetime = DEFAULT_START, **kw: Any
    ) -> Harness:
        folder = tmp_path / f"bot{len(made)}"
        folder.mkdir()
        harness = await make_harness(skills, folder, config=config, start=start, **kw)
        made.append(harness)
        return harness

    yield make
    for harness in made:
        await harness.close()
