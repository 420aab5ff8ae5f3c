"""One person, several accounts: ``/link`` gives a one-time code in one platform's DM, typed in
the other's; codes expire, work once and can't be guessed; ``/deskmate prefer`` picks where
notifications go."""

import re
from datetime import UTC, datetime

import pytest

from bot.adapter import HandleAccounts
from bot.app import Bot
from bot.clock import FakeClock
from bot.config import parse_config
from bot.loader import NoOptions, installed_skills
from bot.memory import MemoryAdapter
from bot.testing import Harness, scratch_database
from skills.admin import skill as admin
from skills.tasks import skill as tasks
from storage.models import AuditEntry, PlatformAccount

START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai


@pytest.fixture
async def both(tmp_path):
    """The same bot on Slack and on Telegram (two in-memory platforms), nobody declared: people
    are added the first time they speak on each."""
    skills = [installed_skills()["help"], admin, tasks]
    schemas = {s.name: s.config or NoOptions for s in skills}
    config = parse_config("org: {timezone: Asia/Shanghai}", skill_schemas=schemas)
    database = await scratch_database(tmp_path, skills)
    config.storage.url = database.url
    clock = FakeClock(START)
    plain = MemoryAdapter.without(HandleAccounts)
    slack, telegram = plain("slack", chat="C1"), plain("telegram", chat="-100")
    bot = Bot(config, skills, clock=clock, adapters=[slack, telegram])
    await bot.start()
    yield Harness(bot, slack, clock, database), Harness(bot, telegram, clock)
    await bot.stop()
    await database.release()


async def code_for(chat, who):
    out = await chat.say(who, "/link", dm=True)
    return re.search(r"Your code: (\d{6})", out.one().text).group(1)


async def test_a_linked_person_sees_on_telegram_the_task_assigned_on_slack(both):
    slack, telegram = both
    await slack.say("alice", "/help")
    code = await code_for(slack, "bob")
    out = await telegram.say("bob", f"/link {code}", dm=True)
    assert out.one().text == "🔗 Linked: you are @bob on slack, telegram."
    await slack.say("alice", "/task add @bob Ship the report")
    listed = (await telegram.say("bob", "/task list", dm=True)).text
    assert listed.startswith("📋 Tasks for you (open): 1\n#1 Ship the report")
    assert await slack.count(AuditEntry) == 1


async def test_a_code_works_once_and_not_after_ten_minutes(both):
    slack, telegram = both
    code = await code_for(slack, "bob")
    await telegram.say("bob", f"/link {code}", dm=True)
    out = await telegram.say("carol", f"/link {code}", dm=True)
    assert out.one().text.startswith("That code doesn't work")
    code = await code_for(slack, "dave")
    await slack.advance("11m")
    out = await telegram.say("dave", f"/link {code}", dm=True)
    assert out.one().text.startswith("That code doesn't work")
    async with slack.bot.db.transaction() as session:
        rows = (await session.exec(PlatformAccount.__table__.select())).all()
    owners = {(r.platform, r.account_id): r.person_id for r in rows}
    assert owners["telegram", "bob"] == owners["slack", "bob"]
    assert owners["telegram", "dave"] != owners["slack", "dave"]


async def test_wrong_codes_are_limited(both):
    slack, telegram = both
    code = await code_for(slack, "bob")
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        out = await telegram.say("mallory", f"/link {wrong}", dm=True)
        assert out.one().text.startswith("That code doesn't work")
    out = await telegram.say("mallory", f"/link {code}", dm=True)
    assert out.one().text.startswith("Too many wrong codes — try again after")
    await slack.advance("11m")
    code = await code_for(slack, "bob")
    out = await telegram.say("bob", f"/link {code}", dm=True)
    assert out.one().text == "🔗 Linked: you are @bob on slack, telegram."


async def test_link_gives_codes_only_privately(both):
    slack, _telegram = both
    out = await slack.say("bob", "/link")
    assert out.one().text == "Send /link to me privately: the code must stay yours."


async def test_notifications_go_to_the_preferred_platform(both):
    slack, telegram = both
    await slack.say("alice", "/help")
    code = await code_for(slack, "bob")
    await telegram.say("bob", f"/link {code}", dm=True)
    out = await slack.say("bob", "/deskmate prefer telegram", dm=True)
    assert out.one().text == "🔔 Your notifications go to telegram from now on."
    await slack.say("alice", "/task add @bob Ship the report")
    assert telegram.inbox("bob")[-1].text.startswith("📋 @alice assigned you #1 Ship the report")
    out = await slack.say("bob", "/deskmate prefer matrix", dm=True)
    assert out.one().text == (
        "You have no matrix account linked — choose one of slack, telegram, or link one with /link."
    )
    out = await slack.say("bob", "/deskmate prefer", dm=True)  # says where, changes nothing
    assert out.one().text == (
        "Say where your notifications go: /deskmate prefer slack | telegram, or default "
        "(where they come from)"
    )
    await slack.say("alice", "/task add @bob Water the plants")
    assert telegram.inbox("bob")[-1].text.startswith("📋 @alice assigned you #2 Water the plants")
