"""Notices through the open API, over HTTP: posted with receipts on someone's behalf, the
receipts read back as people press Got it."""

from __future__ import annotations

import pytest

from skills.receipts import skill as receipts
from skills.receipts.models import Notice
from tests.api.conftest import API, START, TEAM

GENERAL = {"platform": "console", "id": "general"}


@pytest.fixture
async def bot(deskmate):
    team = TEAM.replace("team: eng}", "team: eng, roles: [admin]}", 1)  # mike: admin
    chat = await deskmate(receipts, config=team + API, start=START)
    await chat.say("mike", "/help")  # the bot meets #general
    return chat


async def test_a_notice_with_receipts_and_who_acknowledged_it(bot, client):
    mike = client("HR", **{"On-Behalf-Of": "mike"})
    answer = await mike.post(
        "/v1/notices",
        json={"chat": GENERAL, "text": "Fill in the form", "people": ["alice", "bob"], "ack": True},
    )
    assert answer.status_code == 201, answer.text
    notice = answer.json()
    assert (notice["id"], notice["ack"], notice["audience"]) == (1, True, 2)
    assert notice["pending"] == ["alice", "bob"]
    await bot.bot.settled()
    assert bot.inbox("alice")[-1].text.startswith("📢")
    await bot.press("bob", "Got it ✓")
    read = (await client("HR").get("/v1/notices/1")).json()
    assert [r["handle"] for r in read["acknowledged"]] == ["bob"]
    assert read["pending"] == ["alice"]


async def test_posting_follows_the_chats_rules(bot, client):
    alice = client("HR", **{"On-Behalf-Of": "alice"})
    answer = await alice.post("/v1/notices", json={"chat": GENERAL, "text": "Hi", "ack": True})
    assert answer.status_code == 403
    assert answer.json()["detail"].startswith("Only admins and people with one of these roles")
    assert (await client("HR").get("/v1/notices/7")).status_code == 404
    assert (await client("ERP").get("/v1/notices/1")).status_code == 403  # scope


async def test_a_client_limited_to_a_team_posts_no_notice_beyond_it(bot, client):
    erp = client("ERP", **{"On-Behalf-Of": "carol"})  # acts for team ops: carol
    answer = await erp.post(
        "/v1/notices", json={"chat": GENERAL, "text": "Stock", "team": "eng", "ack": True}
    )
    assert answer.status_code == 403
    assert answer.json()["detail"].startswith("This client may not act for ")
    answer = await erp.post("/v1/notices", json={"chat": GENERAL, "text": "Stock", "team": "ops"})
    assert answer.status_code == 403
    assert answer.json()["detail"].startswith("This client acts for some people only")
    assert await bot.count(Notice) == 0
    await bot.bot.settled()
    assert all(bot.inbox(who) == [] for who in ("alice", "bob", "carol"))
