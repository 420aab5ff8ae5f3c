"""A real Deskmate with the real Slack adapter (slack-bolt) against a fake Slack on 127.0.0.1."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
import pytest_asyncio

from adapters.slack import SlackAdapter, spec
from bot.app import Bot
from bot.clock import Clock
from bot.config import parse_config
from bot.loader import NoOptions, installed_skills
from bot.skill import Skill
from tests.adapters.slack.fake_slack import Call, FakeSlack

SECRET = "test-signing-secret"
USERS = {
    "U1": {"name": "alice", "real_name": "Alice Chen", "tz": "Asia/Shanghai", "locale": "en-US"},
    "U2": {"name": "bob", "real_name": "Bob Li", "tz": "Asia/Shanghai", "locale": "en-US"},
    "U9": {"name": "mallory", "real_name": "Mallory", "tz": "UTC", "locale": "en-US"},
}
CONFIG = """
org: {{timezone: Asia/Shanghai}}
people:
  - {{id: alice, accounts: {{slack: U1}}, roles: [admin]}}
  - {{id: bob, accounts: {{slack: U2}}}}
adapters:
  console: {{enabled: false}}
  slack:
    enabled: true
    mode: {mode}
    bot_token: xoxb-test
    app_token: xapp-test
    signing_secret: {secret}
    api_url: {api_url}
    http_port: 0
    watchdog_seconds: {watchdog}
delivery:
  tick_seconds: 0.2
  retry_base_seconds: 0.2
  rate_limits:
    slack: {{overall: {{per_second: 1000, burst: 100}}, per_chat: {{per_second: 1000, burst: 100}}}}
skills:
  quiet_hours: {{off_hours: null, days_off: []}}
  approvals:
    flows:
      leave:
        title: Leave
        fields:
          dates: {{type: date_range}}
          type: {{type: choice, choices: [annual, sick]}}
          reason: {{type: text, required: false}}
        steps: [{{approvers: [alice]}}]
"""


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest_asyncio.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = FakeSlack(users=USERS)
    await fake.start()
    yield fake
    await fake.stop()


class SlackBot:
    """The bot, its Slack adapter, and a way to send Slack requests to it (``bot`` is ``None``
    where the adapter conformance kit runs the bot)."""

    def __init__(self, bot: Bot | None, adapter: SlackAdapter, fake: FakeSlack) -> None:
        self.bot, self.adapter, self.fake = bot, adapter, fake

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.adapter.port}/slack/events"

    async def post(
        self,
        body: str,
        content_type: str,
        *,
        signed: bool = True,
        age: int = 0,
        headers: dict[str, str] | None = None,
    ) -> int:
        status, _answer = await self.send(body, content_type, signed, age, headers)
        return status

    async def send(
        self,
        body: str,
        content_type: str,
        signed: bool = True,
        age: int = 0,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, str]:
        """POST a request as Slack would (signed unless told); the status and the answer."""
        stamp = str(int(time.time()) - age)
        sent = {"Content-Type": content_type, "X-Slack-Request-Timestamp": stamp, **(headers or {})}
        if signed:
            base = f"v0:{stamp}:{body}".encode()
            sent["X-Slack-Signature"] = (
                "v0=" + hmac.new(SECRET.encode(), base, hashlib.sha256).hexdigest()
            )
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.url, data=body.encode(), headers=sent) as response,
        ):
            return response.status, await response.text()

    async def command(
        self,
        user: str,
        text: str,
        *,
        channel: str = "C1",
        response_url: str = "http://127.0.0.1:9/response",
        trigger: str | None = None,
        **kw: Any,
    ) -> int:
        name, _sep, rest = text.partition(" ")
        form = {
            "command": name,
            "text": rest,
            "user_id": user,
            "channel_id": channel,
            "channel_name": "general",
            "team_id": "T1",
            "trigger_id": trigger or f"trg-{time.time_ns()}",
            "response_url": response_url,
        }
        return await self.post(urlencode(form), "application/x-www-form-urlencoded", **kw)

    async def press(self, user: str, call: Call, label: str) -> int:
        """``user`` presses the button ``label`` on the message posted by ``call``."""
        return await self.press_on(
            user, call.response["channel"], call.response["ts"], call.parsed("blocks"), label
        )

    async def press_on(
        self, user: str, channel: str, ts: str, shown: list[dict[str, Any]], label: str
    ) -> int:
        """``user`` presses the button ``label`` of the blocks ``shown`` by message ``ts``."""
        button = next(
            e
            for b in shown
            if b["type"] == "actions"
            for e in b["elements"]
            if e["text"]["text"] == label
        )
        payload = {
            "type": "block_actions",
            "user": {"id": user},
            "team": {"id": "T1"},
            "trigger_id": f"trg-{time.time_ns()}",
            "channel": {"id": channel},
            "container": {"type": "message", "channel_id": channel, "message_ts": ts},
            "message": {"ts": ts},
            "actions": [
                {
                    "action_id": button["action_id"],
                    "value": button["value"],
                    "type": "button",
                    "block_id": "b",
                    "action_ts": str(time.time()),
                }
            ],
        }
        return await self.post(
            urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"
        )

    async def submit(
        self, user: str, opened: Call, values: dict[str, dict[str, Any]]
    ) -> tuple[int, dict[str, Any]]:
        """``user`` submits the modal ``opened`` (a views.open call) with ``values``: the state
        Slack sends, by block id (``{"dates": {"type": "datepicker", "selected_date": ...}}``).
        Returns the HTTP status and what the bot acked (``{}``, or its ``errors``)."""
        view = opened.response["view"]
        state = {block: {"v": value} for block, value in values.items()}
        payload = {
            "type": "view_submission",
            "team": {"id": "T1"},
            "user": {"id": user},
            "trigger_id": f"trg-{time.time_ns()}",
            "view": {**view, "state": {"values": state}},
        }
        status, answer = await self.send(
            urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"
        )
        return status, json.loads(answer) if answer.strip() else {}

    async def event(self, event: dict[str, Any], event_id: str, **kw: Any) -> int:
        body = {
            "type": "event_callback",
            "team_id": "T1",
            "api_app_id": "A1",
            "event_id": event_id,
            "event_time": int(time.time()),
            "event": event,
        }
        return await self.post(json.dumps(body), "application/json", **kw)

    async def until(self, check: Callable[[], Any], timeout: float = 5) -> Any:  # noqa: ASYNC109
        """Wait for what the bot does after it acked (the work happens after the ack)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = check()
            if found:
                return found
            await asyncio.sleep(0.02)
        raise AssertionError(f"timed out; calls: {[c.method for c in self.fake.calls]}")

    def posted(self, channel: str | None = None) -> list[Call]:
        return [
            c
            for c in self.fake.calls_to("chat.postMessage")
            if channel is None or c.args.get("channel") == channel
        ]


def bot_skills(extra: Sequence[Skill] = ()) -> list[Skill]:
    return [s for name, s in installed_skills().items() if name != "standup"] + list(extra)


@pytest_asyncio.fixture
async def database_url(deskmate_database: Callable[..., Any]) -> str:
    """A fresh database for the test's bot, on the engine DESKMATE_TEST_DB names."""
    return str(await deskmate_database(*bot_skills()))


async def make_bot(
    fake: FakeSlack,
    database_url: str,
    mode: str = "http",
    extra: Sequence[Skill] = (),
    sections: str = "",
    watchdog: float = 30,
    base: str | None = None,
    clock: Clock | None = None,
) -> SlackBot:
    """The bot on ``database_url`` with Slack through ``fake``; ``sections``: more YAML;
    ``base``: the config to start from (``CONFIG`` changed)."""
    skills = bot_skills(extra)
    schemas: dict[str, Any] = {s.name: s.config or NoOptions for s in skills}
    roles = {"admin", *(r for s in skills for r in s.roles)}
    config = parse_config(
        (base or CONFIG).format(mode=mode, secret=SECRET, api_url=fake.api_url, watchdog=watchdog)
        + sections,
        skill_schemas=schemas,
        known_roles=roles,
    )
    config.storage.url = database_url
    adapter = spec.build(config)
    assert isinstance(adapter, SlackAdapter)
    bot = Bot(config, skills, clock=clock, adapters=[adapter])
    await bot.start()
    return SlackBot(bot, adapter, fake)


@pytest_asyncio.fixture
async def slack(fake_slack: FakeSlack, database_url: str) -> AsyncIterator[SlackBot]:
    made = await make_bot(fake_slack, database_url)
    yield made
    await made.bot.stop()
