"""A real Deskmate with the real Telegram adapter (python-telegram-bot) against a fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from adapters.telegram import TelegramAdapter, spec
from bot.app import Bot
from bot.config import parse_config
from bot.loader import NoOptions, installed_skills
from bot.skill import Skill
from tests.adapters.telegram.fake_telegram import FakeTelegram

TOKEN = "123:TEST"
ALICE = {
    "id": 1001,
    "is_bot": False,
    "first_name": "Alice",
    "username": "alice",
    "language_code": "en",
}
BOB = {"id": 1002, "is_bot": False, "first_name": "Bob", "username": "bob", "language_code": "en"}
CAROL = {"id": 1003, "is_bot": False, "first_name": "Carol", "language_code": "zh-hans"}
LENA = {"id": 1004, "is_bot": False, "first_name": "Lena", "username": "lena"}  # an announcer
GROUP = {"id": -100, "type": "supergroup", "title": "Team"}
CONFIG = """
org: {{timezone: Asia/Shanghai}}
people:
  - {{id: alice, accounts: {{telegram: "1001"}}, roles: [admin]}}
  - {{id: bob, accounts: {{telegram: "1002"}}}}
  - {{id: lena, accounts: {{telegram: "1004"}}, roles: [announcer], language: zh}}
adapters:
  console: {{enabled: false}}
  telegram:
    enabled: true
    token: "{token}"
    mode: {mode}
    base_url: {base}
    bot_username: deskmate_bot
    webhook_url: https://example.invalid/telegram/webhook
    webhook_secret: s3cret
    webhook_port: 0
delivery:
  tick_seconds: 0.2
  retry_base_seconds: 0.2
  rate_limits:
    telegram:
      overall: {{per_second: 1000, burst: 100}}
      per_chat: {{per_second: 1000, burst: 100}}
skills:
  quiet_hours: {{off_hours: null, days_off: []}}
  clockin:
    geofences: [{{name: HQ, lat: 31.2304, lon: 121.4737, radius_m: 200}}]
    summaries: []
  approvals:
    flows:
      leave:
        title: Leave
        fields:
          dates: {{type: date_range}}
          type: {{type: choice, choices: [annual, sick]}}
        steps: [{{approvers: [alice]}}]
"""


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest_asyncio.fixture
async def fake_telegram() -> AsyncIterator[FakeTelegram]:
    fake = FakeTelegram(token=TOKEN)
    await fake.start()
    yield fake
    await fake.stop()


async def make_bot(
    fake: FakeTelegram,
    folder: Path,
    mode: str = "polling",
    extra: tuple[Skill, ...] = (),
    config: str = CONFIG,
) -> Bot:
    skills = [s for name, s in installed_skills().items() if name != "standup"] + list(extra)
    schemas: dict[str, Any] = {s.name: s.config or NoOptions for s in skills}
    roles = {"admin", *(r for s in skills for r in s.roles)}
    base = fake.base_url.removesuffix("/bot")
    settings = parse_config(
        config.format(token=TOKEN, mode=mode, base=base), skill_schemas=schemas, known_roles=roles
    )
    settings.storage.url = f"sqlite+aiosqlite:///{folder / 'telegram.db'}"
    adapter = spec.build(settings)
    assert isinstance(adapter, TelegramAdapter)
    adapter.poll_timeout = 1
    bot = Bot(settings, skills, adapters=[adapter])
    await bot.start()
    return bot


@pytest_asyncio.fixture
async def telegram(fake_telegram: FakeTelegram, tmp_path: Path) -> AsyncIterator[Bot]:
    bot = await make_bot(fake_telegram, tmp_path)
    yield bot
    await bot.stop()
