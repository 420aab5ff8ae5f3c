"""A bot with the open API on 127.0.0.1 (any free port), and HTTP clients of it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import pytest_asyncio

from bot.testing import Harness
from skills.quiet_hours import skill as quiet
from skills.tasks import skill as tasks

TOKENS = {
    "HR": "hr-token-0123456789abcdef",
    "ERP": "erp-token-0123456789abcdef",
    "SLOW": "slow-token-0123456789abcd",
}
# Monday 23 Nov 2026 10:00 in Shanghai
START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
TEAM = """
org: {timezone: Asia/Shanghai}
people:
  - {id: mike, accounts: {console: mike}, team: eng}
  - {id: alice, accounts: {console: alice}, team: eng}
  - {id: bob, accounts: {console: bob}, team: eng}
  - {id: carol, accounts: {console: carol}, team: ops}
"""
API = """
api:
  enabled: true
  port: 0
  clients:
    hr:
      token: ${API_TOKEN_HR}
      scopes: [directory:read, directory:write, messages:send, tasks:read, tasks:write,
               attendance:read, approvals:read, approvals:write, notices:read]
    erp:
      token: ${API_TOKEN_ERP}
      scopes: [tasks:read, tasks:write, messages:send]
      teams: [ops]
    slow:
      token: ${API_TOKEN_SLOW}
      scopes: [directory:read]
      per_minute: 60
      burst: 2
"""


@pytest.fixture(autouse=True)
def _tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, token in TOKENS.items():
        monkeypatch.setenv(f"API_TOKEN_{name}", token)


Client = Callable[..., httpx.AsyncClient]


@pytest_asyncio.fixture
async def bot(deskmate: Any) -> Harness:
    """The bot (tasks, quiet hours) with its API serving."""
    return await deskmate(tasks, quiet, config=TEAM + API, start=START)


@pytest_asyncio.fixture
async def client(bot: Harness) -> AsyncIterator[Callable[[str | None], httpx.AsyncClient]]:
    """``client("HR")``: an HTTP client of the bot's API with that token (``None``: none)."""
    opened: list[httpx.AsyncClient] = []

    def make(name: str | None = "HR", **headers: str) -> httpx.AsyncClient:
        assert bot.bot.api is not None
        if name is not None:
            headers["Authorization"] = f"Bearer {TOKENS.get(name, name)}"
        opened.append(
            httpx.AsyncClient(base_url=f"http://127.0.0.1:{bot.bot.api.port}", headers=headers)
        )
        return opened[-1]

    yield make
    for c in opened:
        await c.aclose()


Settle = Callable[[], Awaitable[None]]
