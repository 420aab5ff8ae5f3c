"""A task created through the open API, with the real Slack adapter against the fake Slack
server: its card is posted in the channel and the assignee gets a DM (``chat.postMessage``)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest_asyncio

from tests.adapters.slack.conftest import (  # noqa: F401  (fixtures)
    SlackBot,
    _no_proxy,
    database_url,
    fake_slack,
    make_bot,
)
from tests.adapters.slack.fake_slack import Call, FakeSlack
from tests.api.conftest import API, TOKENS


@pytest_asyncio.fixture
async def slack(fake_slack: FakeSlack, database_url: str) -> AsyncIterator[SlackBot]:  # noqa: F811
    made = await make_bot(fake_slack, database_url, sections=API)
    yield made
    assert made.bot is not None
    await made.bot.stop()


def shown(call: Call) -> str:
    return str(call.args.get("text", "")) + json.dumps(call.parsed("blocks") or [])


def buttons(call: Call) -> list[str]:
    blocks = call.parsed("blocks") or []
    return [e["text"]["text"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


async def test_a_task_from_the_api_posts_its_card_in_the_channel_and_dms_the_assignee(
    slack: SlackBot,
) -> None:
    await slack.command("U1", "/task list")  # the bot meets #C1
    met = await slack.until(lambda: slack.posted("C1"))
    assert shown(met[0]).startswith("No open tasks in this chat.")
    assert slack.bot is not None
    assert slack.bot.api is not None
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{slack.bot.api.port}",
        headers={"Authorization": f"Bearer {TOKENS['HR']}", "On-Behalf-Of": "alice"},
    ) as client:
        answer = await client.post(
            "/v1/tasks",
            json={
                "chat": {"platform": "slack", "id": "C1"},
                "title": "Ship the Q3 report",
                "assignees": ["bob"],
            },
        )
    assert answer.status_code == 201, answer.text
    card = (await slack.until(lambda: slack.posted("C1")[1:]))[0]
    assert card.args["text"] == "📋 #1 Ship the Q3 report"
    fields = [f["text"] for b in card.parsed("blocks") for f in b.get("fields", [])]
    assert "*Assignees*\n<@U2>" in fields
    assert buttons(card) == ["Start", "Done", "Nudge"]  # a live card
    dm = await slack.until(lambda: [c for c in slack.posted() if c.response["channel"] == "DU2"])
    assert dm[0].args["text"] == "📋 @alice assigned you #1 Ship the Q3 report"
    assert buttons(dm[0]) == ["Start", "Done"]
    assert not [c for c in slack.posted() if c.response["channel"] == "DU1"]  # not the creator
