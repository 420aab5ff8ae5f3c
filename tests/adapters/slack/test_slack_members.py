"""A channel's members are its audience, whether or not Deskmate has met them: the people Slack
lists are looked up (users.info, once) and added to the directory; bots and deactivated accounts
are not people."""

from __future__ import annotations

import asyncio
import json

from sqlmodel import select

from storage.models import Person, PlatformAccount
from tests.adapters.slack.conftest import SlackBot, make_bot
from tests.adapters.slack.fake_slack import Call, FakeSlack

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


async def test_strangers_with_the_same_name_get_handles_of_their_own(
    fake_slack: FakeSlack, database_url: str
) -> None:
    await strangers_named_alike(fake_slack, database_url)


async def test_strangers_are_added_on_postgresql_too(fake_slack: FakeSlack, pg_url: str) -> None:
    await strangers_named_alike(fake_slack, pg_url)


async def strangers_named_alike(fake_slack: FakeSlack, url: str) -> None:
    slack = await make_bot(fake_slack, url)
    try:
        fake_slack.users.update(
            {
                "U3": CAROL,
                "U7": {**CAROL, "real_name": "Carol Ng", "tz": "Asia/Tokyo"},
                "U8": {"name": "bob", "real_name": "Bob Two", "locale": "en-US"},
            }
        )
        fake_slack.members["C1"] = ["U1", "U2", "U3", "U7", "U8", "UBOT"]
        card = await notice(slack, "Fire drill at 15:00")
        assert "0/4 acknowledged" in text_of(card)
        async with slack.bot.db.transaction() as session:
            rows = await session.exec(
                select(PlatformAccount.account_id, Person.handle, Person.timezone)
                .join(Person, PlatformAccount.person_id == Person.id)  # type: ignore[arg-type]
                .where(PlatformAccount.platform == "slack")
            )
            handles = {account: (handle, tz) for account, handle, tz in rows.all()}
        assert handles["U3"] == ("carol", "Europe/Berlin")
        assert handles["U7"] == ("carol2", "Asia/Tokyo")
        assert handles["U8"] == ("bob2", "UTC")  # bob is declared
        assert "UBOT" not in handles
    finally:
        await slack.bot.stop()


async def test_a_big_channel_is_read_from_the_users_list_a_page_at_a_time(slack: SlackBot) -> None:
    fake = slack.fake
    strangers = [f"UX{i:03d}" for i in range(300)]
    for i, user in enumerate(strangers):
        fake.users[user] = {"name": f"user{i}", "tz": "Asia/Tokyo", "locale": "zh-CN"}
    fake.members["C1"] = ["U1", "U2", *strangers, "UBOT"]

    card = await notice(slack, "Fire drill at 15:00")
    assert "0/301 acknowledged" in text_of(card)  # bob and the 300
    assert all(looked_up(slack, u) == 0 for u in strangers)  # no users.info for each
    pages = fake.calls_to("users.list")
    assert 1 < len(pages) <= 2 + 300 // 200
    second = await notice(slack, "Drill over")
    assert "0/301 acknowledged" in text_of(second)
    assert len(fake.calls_to("users.list")) == len(pages)


async def test_a_huge_workspace_is_not_read_whole_for_one_channel(slack: SlackBot) -> None:
    fake = slack.fake
    for i in range(3000):  # listed before the channel's members
        fake.users[f"UA{i:04d}"] = {"name": f"other{i}"}
    strangers = [f"UZ{i:03d}" for i in range(60)]
    for i, user in enumerate(strangers):
        fake.users[user] = {"name": f"user{i}"}
    fake.members["C1"] = ["U1", "U2", *strangers, "UBOT"]

    card = await notice(slack, "Fire drill at 15:00")
    assert "0/61 acknowledged" in text_of(card)
    assert len(fake.calls_to("users.list")) == 60 // 10  # then one by one
    assert all(looked_up(slack, u) == 1 for u in strangers)


async def test_a_storm_of_first_commands_is_looked_up_from_the_users_list(slack: SlackBot) -> None:
    """A team's first /in at nine: the commands are acked before any is handled, and the people
    behind them are read from users.list pages once more than ``USERS_LIST_ABOVE`` wait, not one
    users.info each (Tier 4: about 100 a minute)."""
    fake = slack.fake
    strangers = [f"UN{i:03d}" for i in range(120)]
    for i, user in enumerate(strangers):
        fake.users[user] = {"name": f"new{i}", "tz": "Asia/Shanghai", "locale": "zh-CN"}
    statuses = await asyncio.gather(*(slack.command(u, "/help") for u in strangers))
    assert set(statuses) == {200}
    await slack.until(lambda: len(fake.calls_to("chat.postMessage")) >= len(strangers))
    assert fake.calls_to("users.list")
    one_by_one = [u for u in strangers if looked_up(slack, u)]
    # only those handled before more than USERS_LIST_ABOVE were waiting (10 of 120 here; a
    # loaded machine handles a few more before the rest arrive)
    assert len(one_by_one) < len(strangers) // 2
    async with slack.bot.db.transaction() as session:
        zones = (
            await session.exec(select(Person.timezone).where(Person.handle.startswith("new")))
        ).all()
    assert zones == ["Asia/Shanghai"] * len(strangers)  # as users.info would have told


async def test_a_slow_users_list_is_waited_for_by_everyone_it_reads(slack: SlackBot) -> None:
    """Slack takes its time over a page of users.list: the commands whose people it reads wait
    for it rather than asking users.info each meanwhile."""
    fake, reader = slack.fake, slack.adapter.users.reader
    assert reader is not None
    pages = reader.users_list

    async def slow_pages(**kwargs: object) -> object:
        await asyncio.sleep(0.3)
        return await pages(**kwargs)

    reader.users_list = slow_pages  # type: ignore[method-assign]
    strangers = [f"US{i:03d}" for i in range(120)]
    for i, user in enumerate(strangers):
        fake.users[user] = {"name": f"slow{i}", "tz": "Asia/Shanghai", "locale": "zh-CN"}
    await asyncio.gather(*(slack.command(u, "/help") for u in strangers))
    await slack.until(lambda: len(fake.calls_to("chat.postMessage")) >= len(strangers), timeout=10)
    assert fake.calls_to("users.list")
    assert len([u for u in strangers if looked_up(slack, u)]) < len(strangers) // 2
