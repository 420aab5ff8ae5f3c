"""Slack as a directory source (``adapters.slack.directory_sync``): users.list is read at start and
on a schedule, ``user_change`` / ``team_join`` say what changed in between. Someone deactivated
is offboarded once — their task goes to their manager, the admins get the summary — however
many times Slack says so and however many instances hear it; a renamed person is renamed; the
config's people keep what the config says."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from sqlmodel import col, select

from bot.cli import main
from bot.clock import FakeClock
from storage.models import AuditEntry, Person, PlatformAccount
from tests.adapters.slack.conftest import CONFIG, SlackBot, make_bot
from tests.adapters.slack.fake_slack import Call, FakeSlack

DIRECTORY = CONFIG.replace(
    "    watchdog_seconds: {watchdog}\n",
    "    watchdog_seconds: {watchdog}\n    directory_sync: 6h\n",
).replace(
    "  - {{id: bob, accounts: {{slack: U2}}}}\n",
    "  - {{id: bob, accounts: {{slack: U2}}, manager: carol}}\n"
    "  - {{id: carol, accounts: {{slack: U3}}}}\n",
)
CAROL = {"name": "carol", "real_name": "Carol Wu", "tz": "Europe/Berlin", "locale": "en-US"}
DAN = {"name": "dan", "real_name": "Dan", "tz": "UTC", "locale": "en-US"}


def text_of(call: Call) -> str:
    return call.args.get("text", "") + json.dumps(call.parsed("blocks") or [], ensure_ascii=False)


def said(fake: FakeSlack, channel: str, words: str) -> list[Call]:
    """What the bot posted in ``channel`` (a user id: their DM) containing ``words``."""
    return [
        c
        for c in fake.calls_to("chat.postMessage")
        if c.args.get("channel") == channel and words in text_of(c)
    ]


@pytest.fixture
def fake_users(fake_slack: FakeSlack) -> FakeSlack:
    fake_slack.users.update({"U3": CAROL, "U4": DAN})
    return fake_slack


@pytest.fixture
async def directory(fake_users: FakeSlack, database_url: str) -> AsyncIterator[SlackBot]:
    made = await started(fake_users, database_url)
    yield made
    await made.bot.stop()


async def started(fake: FakeSlack, url: str) -> SlackBot:
    """A bot with the directory on, once it has read users.list at start."""
    made = await make_bot(fake, url, base=DIRECTORY)
    await made.bot.profiles.settled()
    return made


def deactivate(fake: FakeSlack, user: str) -> dict[str, Any]:
    fake.users[user] = {**fake.users[user], "deleted": True}
    return fake.user(user)


async def bob_gets_a_task(slack: SlackBot) -> None:
    await slack.command("U1", "/task add <@U2|bob> Ship the report")
    await slack.until(lambda: said(slack.fake, "C1", "Ship the report"))


async def user_change(slack: SlackBot, user: dict[str, Any], event_id: str) -> None:
    assert await slack.event({"type": "user_change", "user": user}, event_id) == 200


async def offboardings(slack: SlackBot) -> list[dict[str, Any]]:
    async with slack.bot.db.transaction() as session:
        rows = await session.exec(select(AuditEntry).where(AuditEntry.action == "offboard"))
        return [json.loads(r.detail) for r in rows.all()]


async def person(slack: SlackBot, account: str) -> Person:
    async with slack.bot.db.transaction() as session:
        return (
            await session.exec(
                select(Person)
                .join(PlatformAccount, col(PlatformAccount.person_id) == col(Person.id))
                .where(PlatformAccount.platform == "slack", PlatformAccount.account_id == account)
            )
        ).one()


async def handed_over(slack: SlackBot) -> None:
    """bob's task is carol's (his manager's), she and the admin alice were told."""
    fake = slack.fake
    await slack.until(lambda: said(fake, "U3", "is yours now"))
    await slack.until(lambda: said(fake, "U1", "now goes to"))  # alice made the task
    summary = (await slack.until(lambda: said(fake, "U1", "their work goes to")))[0]
    assert "📋 Tasks: 1 reassigned" in text_of(summary)
    assert await offboardings(slack) == [
        {"person": "bob", "successor": "carol", "source": "slack", "on": summary_day(slack)}
    ]


async def until_changed(slack: SlackBot, account: str, changed: Any) -> Person:
    """The person behind ``account`` once ``changed(person)`` (the work follows the ack)."""
    for _ in range(250):
        found = await person(slack, account)
        if changed(found):
            return found
        await asyncio.sleep(0.02)
    raise AssertionError(f"{account} did not change")


def summary_day(slack: SlackBot) -> str:
    from zoneinfo import ZoneInfo

    return slack.bot.clock.now().astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat()


async def test_someone_deactivated_in_the_users_list_is_offboarded_at_start_once(
    fake_users: FakeSlack, database_url: str
) -> None:
    slack = await started(fake_users, database_url)
    try:
        assert fake_users.calls_to("users.list")  # read at start
        await bob_gets_a_task(slack)
        deactivate(fake_users, "U2")
    finally:
        await slack.bot.stop()
    slack = await started(fake_users, database_url)  # the next start reads it again
    try:
        await handed_over(slack)
        assert (await person(slack, "U2")).left_on is not None
    finally:
        await slack.bot.stop()
    slack = await started(fake_users, database_url)  # and again: nothing twice
    try:
        await asyncio.sleep(0.5)  # deliveries, if any, would be out by now
        assert len(said(fake_users, "U1", "their work goes to")) == 1
        assert len(said(fake_users, "U3", "is yours now")) == 1
        assert len(await offboardings(slack)) == 1
    finally:
        await slack.bot.stop()


async def test_someone_deactivated_by_a_user_change_event_is_offboarded_once(
    directory: SlackBot,
) -> None:
    await bob_gets_a_task(directory)
    gone = deactivate(directory.fake, "U2")
    await user_change(directory, gone, "Ev1")
    await handed_over(directory)
    await user_change(directory, gone, "Ev2")  # said again (another event, the next list)
    await directory.bot.profiles.job("slack", directory.adapter)(directory.bot.clock.now())
    await asyncio.sleep(0.5)
    assert len(said(directory.fake, "U1", "their work goes to")) == 1
    assert len(await offboardings(directory)) == 1


async def test_a_renamed_person_is_renamed_and_the_config_s_people_keep_theirs(
    directory: SlackBot,
) -> None:
    fake = directory.fake
    before = len(fake.calls)
    await directory.command("U4", "/task list")  # dan is met: the directory knows him now
    await directory.until(lambda: [c for c in fake.calls[before:] if c.method.startswith("chat.")])
    renamed = {"real_name": "Daniel Ng", "display_name": "Daniel", "tz": "Asia/Tokyo"}
    fake.users["U4"] = {**DAN, **renamed, "profile": {"email": "Daniel@Example.com"}}
    fake.users["U3"] = {**CAROL, "real_name": "Carol Schmidt"}
    await user_change(directory, fake.user("U4"), "Ev1")
    dan = await until_changed(directory, "U4", lambda p: p.name == "Daniel")
    assert (dan.handle, dan.name, dan.timezone, dan.email) == (
        "dan",
        "Daniel",
        "Asia/Tokyo",
        "daniel@example.com",
    )
    await directory.bot.profiles.job("slack", directory.adapter)(directory.bot.clock.now())
    carol = await person(directory, "U3")
    assert (carol.name, carol.timezone) == ("carol", None)  # declared: the config's

    fake.users["U5"] = {"name": "erin", "real_name": "Erin"}
    assert await directory.event({"type": "team_join", "user": fake.user("U5")}, "Ev2") == 200
    await asyncio.sleep(0.3)
    async with directory.bot.db.transaction() as session:
        known = await session.exec(
            select(PlatformAccount).where(PlatformAccount.account_id == "U5")
        )
        assert known.all() == []  # a stranger becomes a person when first seen, as before


async def test_with_the_directory_off_slack_changes_nobody(slack: SlackBot) -> None:
    await slack.bot.profiles.settled()
    assert slack.fake.calls_to("users.list") == []
    gone = deactivate(slack.fake, "U2")
    await user_change(slack, gone, "Ev1")
    await asyncio.sleep(0.3)
    assert (await person(slack, "U2")).left_on is None


async def test_two_instances_on_postgresql_offboard_once(
    fake_users: FakeSlack, pg_url: str
) -> None:
    one = await started(fake_users, pg_url)  # it leads: it reads users.list
    two = await started(fake_users, pg_url)
    try:
        assert len(fake_users.calls_to("users.list")) == 1  # one instance reads the directory
        await bob_gets_a_task(one)
        gone = deactivate(fake_users, "U2")
        await asyncio.gather(  # the leader's read, and the event (and Slack's retry) elsewhere
            one.bot.profiles.job("slack", one.adapter)(one.bot.clock.now()),
            user_change(two, gone, "Ev1"),
            user_change(one, gone, "Ev1"),
        )
        await handed_over(one)
        await asyncio.sleep(0.5)
        assert len(said(fake_users, "U1", "their work goes to")) == 1
        assert len(said(fake_users, "U3", "is yours now")) == 1
        assert len(await offboardings(one)) == 1
    finally:
        await two.bot.stop()
        await one.bot.stop()


async def test_the_users_list_is_read_again_every_directory_sync(
    fake_users: FakeSlack, database_url: str
) -> None:
    clock = FakeClock(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))  # 10:00 in Shanghai
    slack = await make_bot(fake_users, database_url, base=DIRECTORY, clock=clock)
    try:
        await slack.bot.profiles.settled()
        assert len(fake_users.calls_to("users.list")) == 1
        deactivate(fake_users, "U2")
        await slack.bot.advance_to(clock.now() + timedelta(hours=1, minutes=59))
        assert len(fake_users.calls_to("users.list")) == 1
        await slack.bot.advance_to(clock.now() + timedelta(minutes=2))  # 12:00: every 6h
        assert len(fake_users.calls_to("users.list")) == 2
        assert (await person(slack, "U2")).left_on is not None
        await slack.bot.advance_to(clock.now() + timedelta(hours=6))
        assert len(fake_users.calls_to("users.list")) == 3
        assert len(await offboardings(slack)) == 1
    finally:
        await slack.bot.stop()


@pytest.mark.parametrize(("every", "events"), [("null", []), ("6h", ["user_change", "team_join"])])
def test_the_manifest_subscribes_to_profile_events_when_the_directory_is_on(
    tmp_path: Path, every: str, events: list[str]
) -> None:
    example = Path("config.example.yaml").read_text(encoding="utf-8")
    assert "    directory_sync: null " in example
    config = tmp_path / "config.yaml"
    config.write_text(example.replace("directory_sync: null", f"directory_sync: {every}"))
    result = CliRunner().invoke(main, ["slack", "manifest", "--config", str(config)])
    assert result.exit_code == 0, result.output
    subscribed = yaml.safe_load(result.output)["settings"]["event_subscriptions"]["bot_events"]
    assert subscribed == ["app_mention", "message.im", *events]


# --- accounts matched by their verified e-mail ----------------------------------------------------

DORA = {"name": "dora", "real_name": "Dora", "profile": {"email": "Dora.Li@Example.com"}}


def with_dora(config: str) -> str:
    alice = "  - {{id: alice, accounts: {{slack: U1}}, roles: [admin]}}\n"
    return config.replace(alice, alice + "  - {{id: dora, email: dora.li@example.com}}\n")


async def test_an_account_with_a_declared_persons_email_is_theirs_from_the_users_list(
    fake_users: FakeSlack, database_url: str
) -> None:
    """dora is declared with her e-mail and no Slack account: users.list at start links U6 to
    her, so what she types is hers (her role included), and no new person is made."""
    fake_users.users["U6"] = DORA
    slack = await make_bot(fake_users, database_url, base=with_dora(DIRECTORY))
    try:
        await slack.bot.profiles.settled()
        assert (await person(slack, "U6")).handle == "dora"
        await slack.command("U6", "/task add <@U1|alice> Send the contracts")
        await slack.until(lambda: said(fake_users, "C1", "Send the contracts"))
        async with slack.bot.db.transaction() as session:
            handles = (await session.exec(select(Person.handle))).all()
        assert sorted(handles) == ["alice", "bob", "carol", "dora"]
    finally:
        await slack.bot.stop()


@pytest.mark.parametrize(
    "unverified",
    [
        {"is_invited_user": True, "is_email_confirmed": False},  # invited, not joined yet
        {"is_email_confirmed": False},  # joined, address not confirmed
    ],
)
async def test_an_account_whose_email_slack_has_not_confirmed_is_not_linked(
    fake_users: FakeSlack, database_url: str, unverified: dict[str, bool]
) -> None:
    """users.list lists invited users too: an address nobody confirmed is no proof U6 is dora's,
    so U6 is not linked to her at start, and becomes someone new when they type."""
    fake_users.users["U6"] = {**DORA, **unverified}
    slack = await make_bot(fake_users, database_url, base=with_dora(DIRECTORY))
    try:
        await slack.bot.profiles.settled()
        await slack.command("U6", "/task add <@U1|alice> Send the contracts")
        await slack.until(lambda: said(fake_users, "C1", "Send the contracts"))
        stranger = await person(slack, "U6")
        assert (stranger.handle, stranger.email) == ("dora2", None)
    finally:
        await slack.bot.stop()


async def test_without_the_directory_a_sender_with_a_declared_persons_email_is_theirs(
    fake_users: FakeSlack, database_url: str
) -> None:
    """directory_sync off: dora is first seen when she types; users.info gives her e-mail."""
    fake_users.users["U6"] = DORA
    slack = await make_bot(fake_users, database_url, base=with_dora(CONFIG))
    try:
        await slack.command("U6", "/task add <@U1|alice> Send the contracts")
        card = (await slack.until(lambda: said(fake_users, "C1", "Send the contracts")))[0]
        assert "by <@U6>" in text_of(card)
        assert (await person(slack, "U6")).handle == "dora"
        async with slack.bot.db.transaction() as session:
            handles = (await session.exec(select(Person.handle))).all()
        assert sorted(handles) == ["alice", "bob", "dora"]  # nobody new for U6
    finally:
        await slack.bot.stop()


async def test_an_email_two_people_have_links_nobody_and_the_admins_are_told_once(
    directory: SlackBot,
) -> None:
    """erin and erin2 came from a CSV import with one e-mail: U5 is linked to neither."""
    async with directory.bot.db.transaction() as session:
        now = directory.bot.clock.now()
        for handle in ("erin", "erin2"):
            session.add(
                Person(handle=handle, name="Erin", email="erin@example.com", created_at=now)
            )
    directory.fake.users["U5"] = {
        "name": "erin",
        "real_name": "Erin",
        "profile": {"email": "erin@example.com"},
    }
    run = directory.bot.profiles.job("slack", directory.adapter)
    await run(directory.bot.clock.now())
    told = await directory.until(lambda: said(directory.fake, "U1", "linked to neither"))
    assert text_of(told[0]).startswith(
        "⚠️ The slack account erin (U5) has the e-mail erin@example.com, which both @erin and "
        "@erin2 have: it is linked to neither."
    )
    async with directory.bot.db.transaction() as session:
        found = await session.exec(
            select(PlatformAccount).where(PlatformAccount.account_id == "U5")
        )
        assert found.all() == []
    await run(directory.bot.clock.now() + timedelta(hours=6))
    await asyncio.sleep(0.5)
    assert len(said(directory.fake, "U1", "linked to neither")) == 1


async def test_an_email_three_people_have_names_them_all(directory: SlackBot) -> None:
    async with directory.bot.db.transaction() as session:
        now = directory.bot.clock.now()
        for handle in ("erin", "erin2", "erin3"):
            erin = Person(handle=handle, name="Erin", email="erin@example.com", created_at=now)
            session.add(erin)
    directory.fake.users["U5"] = {"name": "erin", "profile": {"email": "erin@example.com"}}
    await directory.bot.profiles.job("slack", directory.adapter)(directory.bot.clock.now())
    told = await directory.until(lambda: said(directory.fake, "U1", "linked to none of them"))
    assert text_of(told[0]).startswith(
        "⚠️ The slack account erin (U5) has the e-mail erin@example.com, which @erin, @erin2 and "
        "@erin3 all have: it is linked to none of them."
    )


async def test_an_email_conflict_is_told_once_across_restarts_and_again_when_it_changes(
    fake_users: FakeSlack, database_url: str
) -> None:
    fake_users.users["U5"] = {
        "name": "erin",
        "real_name": "Erin",
        "profile": {"email": "erin@example.com"},
    }
    slack = await started(fake_users, database_url)
    try:
        async with slack.bot.db.transaction() as session:
            now = slack.bot.clock.now()
            for handle in ("erin", "erin2"):
                session.add(
                    Person(handle=handle, name="Erin", email="erin@example.com", created_at=now)
                )
        await slack.bot.profiles.job("slack", slack.adapter)(now)
        await slack.until(lambda: said(fake_users, "U1", "linked to neither"))
    finally:
        await slack.bot.stop()
    slack = await started(fake_users, database_url)  # a restart reads users.list again
    try:
        await asyncio.sleep(0.5)  # deliveries, if any, would be out by now
        assert len(said(fake_users, "U1", "linked to neither")) == 1
        async with slack.bot.db.transaction() as session:  # a third person, same e-mail
            now = slack.bot.clock.now()
            session.add(
                Person(handle="erin3", name="Erin", email="erin@example.com", created_at=now)
            )
        await slack.bot.profiles.job("slack", slack.adapter)(now)
        told = await slack.until(
            lambda: said(fake_users, "U1", "@erin, @erin2 and @erin3 all have")
        )
        assert len(told) == 1
    finally:
        await slack.bot.stop()
