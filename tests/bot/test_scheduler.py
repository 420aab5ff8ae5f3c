"""Periodic jobs on the real clock (what `deskmate run` and the interactive console use)."""

import asyncio
import time

from bot.app import Bot
from bot.clock import SystemClock
from bot.config import parse_config
from bot.loader import NoOptions
from bot.memory import MemoryAdapter
from tests.bot.sample_skill import skill as sample

CONFIG = """
people:
  - {id: alice, accounts: {console: alice}}
  - {id: bob, accounts: {console: bob}}
delivery:
  tick_seconds: 0.05
  rate_limits:
    console: {overall: {per_second: 40, burst: 1}, per_chat: {per_second: 40, burst: 1}}
"""


async def test_a_drain_longer_than_the_tick_logs_no_warning(tmp_path, caplog, monkeypatch):
    """The tick drains what falls due later (held notifications, retries): a backlog paced by
    the platform's rate limit keeps one tick busy for longer than the interval."""
    config = parse_config(
        CONFIG, filename="<test config>", skill_schemas={"sample": NoOptions}, known_roles={"admin"}
    )
    config.storage.url = f"sqlite+aiosqlite:///{tmp_path / 'deskmate.db'}"
    adapter = MemoryAdapter("console")
    bot = Bot(config, [sample], clock=SystemClock(), adapters=[adapter])
    monkeypatch.setattr(bot.delivery, "kick", lambda: None)  # the tick alone drains
    await bot.start()
    try:
        await bot.handle(adapter.command("alice", "/spam @bob 40"))  # paced: about a second
        deadline = time.monotonic() + 20
        while len([s for s in adapter.sent if s.destination.is_dm]) < 40:
            assert time.monotonic() < deadline, "the outbox did not drain"
            await asyncio.sleep(0.05)
    finally:
        await bot.stop()
    assert [r.getMessage() for r in caplog.records if r.levelname == "WARNING"] == []
    texts = [s.text for s in adapter.sent if s.destination.account_id == "bob"]
    assert texts == [f"message {i}" for i in range(40)]
