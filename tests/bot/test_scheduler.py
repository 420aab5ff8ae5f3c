"""Periodic jobs on the real clock (what `deskmate run` and the interactive console use)."""

import asyncio
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.app import Bot
from bot.clock import SystemClock
from bot.config import parse_config
from bot.loader import NoOptions
from bot.memory import MemoryAdapter
from bot.scheduler import Scheduler
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


async def _runs_after_a_slow_first_run(catch_up: bool) -> list[datetime]:
    """Due times a job every 0.05 s is run for, when its first run takes 0.5 s."""
    scheduler = Scheduler(ZoneInfo("UTC"), SystemClock())
    runs: list[datetime] = []

    async def job(due: datetime) -> bool:
        runs.append(due)
        if len(runs) == 1:
            await asyncio.sleep(0.5)
        return True

    scheduler.add("job", job, every=timedelta(seconds=0.05), catch_up=catch_up)
    scheduler.start()
    try:
        deadline = time.monotonic() + 10
        while len(runs) < 3:
            assert time.monotonic() < deadline, "the job did not run again"
            await asyncio.sleep(0.01)
    finally:
        await scheduler.stop()
    return runs


async def test_a_job_that_catches_up_runs_every_due_time_it_missed():
    runs = await _runs_after_a_slow_first_run(catch_up=True)
    assert runs[1] - runs[0] == timedelta(seconds=0.05)
    assert runs[2] - runs[1] == timedelta(seconds=0.05)


async def test_the_tick_after_a_slow_run_runs_once_for_the_latest_due_time():
    runs = await _runs_after_a_slow_first_run(catch_up=False)
    # the due times that passed during the slow run (nine) count as one, the latest
    assert runs[1] - runs[0] >= timedelta(seconds=0.3)
