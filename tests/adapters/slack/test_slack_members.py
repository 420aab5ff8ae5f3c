"""A channel's members are its audience, whether or not Deskmate has met them: the people Slack
lists are looked up (users.info, once) and added to the directory; bots and deactivated accounts
are not people."""

from __future__ import annotations

import json

from sqlmodel import select

from storage.models import Person, PlatformAccount
from tests.adapters.slack.conftest import SlackBot
from tests.adapters.slack.fake_slack import Call

CAROL = {
    "name": "carol",
    "display_name": "Carol",
    "real_name": "Carol Wu",
    "tz": "Europe/Berlin",
    "locale": "zh-CN",
}
DAN = {"name": "dan", "real_name": "Dan", "tz": "UTC", "locale": "en-US"}
GONE = {"name": "gone", "real_name": "Gone", "deleted": True}
OTHER_BOT = {"name": "otherbot", "real_name": "Other Bot", "is_bot": True}


def text_of(call: Call) -> str:
    return call.args.get("text", "") + json.dumps(call.parsed("blocks") or [], ensure_ascii=False)


def looked_up(slack: SlackBot, user: str) -> int:
    return sum(1 for c in slack.fake.calls_to("users.info") if c.args.get("user") == user)


async def notice(slack: SlackBot, text: str) -> Call:
    """alice posts ``/notice --ack <text>`` in C1; the card, once it is posted."""
    await slack.command("U1", f"/notice --ack {text}")
    cards = await slack.until(lambda: [c for c in slack.posted("C1") if text in text_of(c)])
    return cards[0]


async def test_a_notice_reaches_channel_members_the_bot_never_met(slack: SlackBot) -> None:
    fake = slack.fake
    fake.users.update({"U3": CAROL, "U4": DAN, "U5": GONE, "U6": OTHER_BOT})
    fake.members["C1"] = ["U1", "U2", "U3", "U4", "U5", "U6", "UBOT"]

    card = await notice(slack, "Fire drill at 15:00")
    assert "0/3 acknowledged" in text_of(card)  # bob, carol and dan; not the sender, no bots
    went = await slack.until(
        lambda: [c for c in fake.calls_to("chat.postEphemeral") if "went to" in text_of(c)]
    )
    assert "<@U3>" in text_of(went[0])
    assert "<@U4>" in text_of(went[0])
    assert "<@U5>" not in text_of(went[0])
    assert "<@U6>" not in text_of(went[0])

    # carol is reached by DM, in her language, and her receipt counts
    await slack.command("U1", "/notice remind 1")
    dm = await slack.until(lambda: slack.posted("U3"))
    assert "请你确认此通知" in text_of(dm[0])
    assert await slack.press("U3", dm[0], "收到 ✓") == 200
    await slack.until(
        lambda: any("1/3 acknowledged" in text_of(u) for u in fake.calls_to("chat.update"))
    )

    async with slack.bot.db.transaction() as session:
        carol = (
            await session.exec(
                select(Person)
                .join(PlatformAccount, PlatformAccount.person_id == Person.id)  # type: ignore[arg-type]
                .where(PlatformAccount.platform == "slack", PlatformAccount.account_id == "U3")
            )
        ).one()
    assert (carol.name, carol.timezone, carol.language) == ("Carol", "Europe/Berlin", "zh")

    # the next notice costs no users.info: the members are known, the bots remembered
    calls = len(fake.calls_to("users.info"))
    second = await notice(slack, "Drill over")
    assert "0/3 acknowledged" in text_of(second)
    assert len(fake.calls_to("users.info")) == calls
    assert [looked_up(slack, u) for u in ("U3", "U4", "U5", "U6", "UBOT")] == [1, 1, 1, 1, 1]
    assert looked_up(slack, "U2") == 0  # bob is declared: never looked up for a notice


async def test_a_rate_limited_lookup_waits_its_turn_and_counts_everyone(slack: SlackBot) -> None:
    fake = slack.fake
    fake.users.update({"U3": CAROL, "U4": DAN})
    fake.members["C1"] = ["U1", "U2", "U3", "U4"]
    await slack.command("U1", "/deskmate help")  # alice is looked up as a sender first
    await slack.until(lambda: slack.posted("C1"))
    fake.fail_next("users.info", status=429, retry_after=1)  # Slack: slow down, for a second

    card = await notice(slack, "Fire drill at 15:00")
    assert "0/3 acknowledged" in text_of(card)
    refused = [c for c in fake.calls_to("users.info") if c.status == 429]
    assert len(refused) == 1
    again = [
        c for c in fake.calls_to("users.info") if c.args.get("user") == refused[0].args["user"]
    ]
    assert [c.status for c in again] == [429, 200]
