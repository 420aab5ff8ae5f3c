"""A task created through the open API, with the real Telegram adapter against the fake Bot
API: its card is posted in the group and the assignee gets a private message."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest_asyncio

from bot.app import Bot
from tests.adapters.telegram.conftest import (  # noqa: F401  (fixtures)
    ALICE,
    BOB,
    CONFIG,
    GROUP,
    _env,
    database_url,
    fake_telegram,
    make_bot,
)
from tests.adapters.telegram.fake_telegram import FakeTelegram
from tests.api.conftest import API, TOKENS


@pytest_asyncio.fixture
async def telegram(fake_telegram: FakeTelegram, database_url: str) -> AsyncIterator[Bot]:  # noqa: F811
    escaped = API.replace("{", "{{").replace("}", "}}")  # make_bot formats the config
    bot = await make_bot(fake_telegram, database_url, config=CONFIG + escaped)
    yield bot
    await bot.stop()


def sent_to(fake: FakeTelegram, chat_id: int) -> list[Any]:
    return [c for c in fake.calls_to("sendMessage") if int(c.args["chat_id"]) == chat_id]


def buttons(call: Any) -> list[str]:
    keyboard = call.parsed("reply_markup")["inline_keyboard"]
    return [b["text"] for row in keyboard for b in row]


async def test_a_task_from_the_api_posts_its_card_in_the_group_and_tells_the_assignee(
    fake_telegram: FakeTelegram,  # noqa: F811
    telegram: Bot,
) -> None:
    fake = fake_telegram
    fake.message(user=ALICE, chat=GROUP, text="/task list")  # the bot meets the group
    await fake.wait_for(lambda: sent_to(fake, GROUP["id"]))
    assert telegram.api is not None
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{telegram.api.port}",
        headers={"Authorization": f"Bearer {TOKENS['HR']}", "On-Behalf-Of": "alice"},
    ) as client:
        answer = await client.post(
            "/v1/tasks",
            json={
                "chat": {"platform": "telegram", "id": str(GROUP["id"])},
                "title": "Ship the Q3 report",
                "assignees": ["bob"],
            },
        )
    assert answer.status_code == 201, answer.text
    card = (await fake.wait_for(lambda: sent_to(fake, GROUP["id"])[1:]))[0]
    assert card.args["text"].startswith(
        '📋 #1 Ship the Q3 report\n<b>Assignees</b>: <a href="tg://user?id=1002">@bob</a>\n'
    )
    assert buttons(card) == ["Start", "Done", "Nudge"]
    told = (await fake.wait_for(lambda: sent_to(fake, BOB["id"])))[0]
    assert told.args["text"] == (
        '📋 <a href="tg://user?id=1001">@alice</a> assigned you #1 Ship the Q3 report'
    )
    assert buttons(told) == ["Start", "Done"]
