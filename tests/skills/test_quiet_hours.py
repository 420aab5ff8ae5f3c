"""Quiet hours through the harness: notifications to someone off work, on a day off or on a break
wait and arrive in one digest; VIPs, allowed urgent ones and silent mode come at once."""

from datetime import UTC, datetime

import pytest

from bot.adapter import SilentSend
from skills.quiet_hours import skill as quiet
from tests.bot.sample_skill import skill as sample

# Monday 23 Nov 2026. alice and mike work in Shanghai, bob in New York.
PEOPLE = """
org: {timezone: Asia/Shanghai}
people:
  - {id: alice, accounts: {console: alice}}
  - {id: mike, accounts: {console: mike}, roles: [admin]}
  - {id: bob, accounts: {console: bob}, timezone: America/New_York}
  - {id: carol, accounts: {console: carol}, language: zh}
"""
MON_9AM_SHANGHAI = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # Sun 22 Nov 20:00 in New York


@pytest.fixture
async def chat(deskmate):
    return await deskmate(sample, quiet, config=PEOPLE, start=MON_9AM_SHANGHAI)


async def test_held_while_off_work_then_one_digest_at_the_end(chat):
    out = await chat.say("alice", "/assign @bob Ship the report")
    assert out.one().where == "#general"
    assert out.one().text.endswith(
        "@bob is off work until Mon 23 Nov 09:00 (their time); they'll get it then."
    )
    await chat.say("alice", "/assign @bob Fix the login")
    assert chat.inbox("bob") == []

    await chat.advance("12h59m")  # 08:59 in New York
    assert chat.inbox("bob") == []
    await chat.advance("1m")
    (digest,) = chat.inbox("bob")
    assert digest.text == (
        "🌙 While you were away: 2 things assigned\n"
        "1. @alice assigned you Ship the report\n"
        "2. @alice assigned you Fix the login\n"
        "[1. Done] [2. Done]"
    )
    pressed = await chat.press("bob", "2. Done")
    assert pressed.one().text == "@bob finished Fix the login"


async def test_the_sender_is_told_once_per_person(chat):
    out = await chat.say("alice", "/spam @bob 3")
    assert out.one().text.count("@bob is off work") == 1


async def test_a_vip_comes_through_at_once(chat):
    await chat.say("bob", "/quiet vip add @mike")
    await chat.say("mike", "/assign @bob Call me")
    assert chat.inbox("bob")[-1].text == "@mike assigned you Call me\n[Done]"
    await chat.say("alice", "/assign @bob Later")
    assert chat.inbox("bob")[-1].text == "@mike assigned you Call me\n[Done]"


async def test_urgent_comes_through_only_from_allowed_roles(chat):
    await chat.say("mike", "/urgent @bob server down")
    assert chat.inbox("bob")[-1].text == "🚨 @mike: server down"
    out = await chat.say("alice", "/urgent @bob coffee?")
    assert "@bob is off work" in out.one().text
    assert len(chat.inbox("bob")) == 1


async def test_a_break_defers_then_releases(chat):
    await chat.say("carol", "/quiet break 30m")
    await chat.say("alice", "/assign @carol Review")
    assert chat.inbox("carol") == []
    await chat.advance("29m")
    assert chat.inbox("carol") == []
    await chat.advance("1m")
    assert chat.inbox("carol")[-1].text == (
        "🌙 你不在时：1 件事情已分配\n1. @alice 给你分配了 Review\n[1. 完成]"
    )


async def test_back_from_a_break_releases_at_once(chat):
    await chat.say("alice", "/quiet break 2h")
    await chat.say("mike", "/assign @alice Review")
    out = await chat.say("alice", "/quiet back")
    assert out[0].text == "👋 Welcome back — what waited for you is on its way."
    assert chat.inbox("alice")[-1].text.startswith("🌙 While you were away: 1 thing assigned")


async def test_daylight_saving_does_not_shift_the_window(deskmate):
    start = datetime(2026, 11, 1, 0, 0, tzinfo=UTC)  # Sat 31 Oct 20:00 EDT in New York
    chat = await deskmate(sample, quiet, config=PEOPLE, start=start)
    await chat.say("bob", "/quiet days none")
    await chat.say("alice", "/assign @bob Report")
    await chat.advance("13h59m")  # 08:59 EST on Sunday (the clocks went back at 02:00)
    assert chat.inbox("bob") == []
    await chat.advance("1m")
    assert len(chat.inbox("bob")) == 1
    assert chat.clock.now() == datetime(2026, 11, 1, 14, 0, tzinfo=UTC)


async def test_days_off_hold_until_the_next_workday(deskmate):
    friday_evening = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)  # Fri 20:00 in Shanghai
    chat = await deskmate(sample, quiet, config=PEOPLE, start=friday_evening)
    out = await chat.say("bob", "/assign @alice Plan")
    assert out.one().text.endswith(
        "@alice is off work until Mon 30 Nov 09:00 (their time); they'll get it then."
    )
    await chat.set_time(datetime(2026, 11, 30, 0, 59, tzinfo=UTC))
    assert chat.inbox("alice") == []
    await chat.advance("1m")
    assert len(chat.inbox("alice")) == 1


async def test_silent_mode_delivers_at_once_without_a_push(chat):
    await chat.say("bob", "/quiet mode silent")
    await chat.say("alice", "/assign @bob Read this")
    (note,) = chat.inbox("bob")
    assert note.silent
    assert note.text == "@alice assigned you Read this\n[Done]"


async def test_platform_do_not_disturb_counts_as_quiet(chat):
    chat.adapter.dnd["alice"] = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # 11:00 Shanghai
    await chat.say("mike", "/assign @alice Sign")
    assert chat.inbox("alice") == []
    await chat.advance("2h")
    assert chat.inbox("alice")[-1].text.startswith("🌙 While you were away")


async def test_quiet_off_delivers_everything_at_once(chat):
    await chat.say("bob", "/quiet off")
    await chat.say("alice", "/assign @bob Now")
    assert chat.inbox("bob")[-1].text == "@alice assigned you Now\n[Done]"


async def test_status_says_when_notifications_come(chat):
    await chat.say("alice", "/assign @bob One")
    out = await chat.say("bob", "/quiet")
    assert out.one().text == (
        "🌙 Quiet hours of @bob\n"
        "Off work: 19:00-09:00\n"
        "Days off: Sat, Sun\n"
        "Mode: hold\n"
        "VIPs: none\n"
        "Now: quiet until Mon 23 Nov 09:00 — 1 waiting, they come then"
    )


@pytest.mark.parametrize(
    ("command", "error"),
    [
        ("/quiet set 25:00-09:00", "window: '25:00' is not a time of day"),
        ("/quiet break -5m", "length: '-5m' must be positive"),
        ("/quiet break 3d", "A break lasts at most 8 h"),
        ("/quiet vip add nobody", "people: 'nobody' is not a mention"),
        ("/quiet vip add @nobody", "people: unknown person @nobody"),
        ("/quiet days sat,funday", "'funday' is not a day of the week"),
        ("/quiet mode loud", "mode: 'loud' is not one of hold, silent"),
    ],
)
async def test_bad_input_is_explained_and_changes_nothing(chat, command, error):
    out = await chat.say("alice", command)
    assert out.one().where == "#general, only @alice"
    assert out.one().text.startswith(error)
    assert await chat.count("quiet_settings") == 0
    assert await chat.count("quiet_vips") == 0


async def test_the_window_alone_applies_in_the_recipients_zone(deskmate):
    tuesday = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)  # 09:00 Shanghai, Mon 20:00 New York
    chat = await deskmate(sample, quiet, config=PEOPLE, start=tuesday)
    out = await chat.say("alice", "/assign @bob Review")
    assert out.one().text.endswith(
        "@bob is off work until Tue 24 Nov 09:00 (their time); they'll get it then."
    )
    await chat.set_time(datetime(2026, 11, 24, 13, 59, tzinfo=UTC))
    assert chat.inbox("bob") == []
    await chat.advance("1m")  # 09:00 in New York
    assert len(chat.inbox("bob")) == 1


async def test_spring_forward_does_not_shift_the_window(deskmate):
    start = datetime(2027, 3, 14, 1, 0, tzinfo=UTC)  # Sat 13 Mar 20:00 EST in New York
    chat = await deskmate(sample, quiet, config=PEOPLE, start=start)
    await chat.say("bob", "/quiet days none")
    await chat.say("alice", "/assign @bob Report")
    await chat.set_time(datetime(2027, 3, 14, 12, 59, tzinfo=UTC))  # 08:59 EDT on Sunday
    assert chat.inbox("bob") == []
    await chat.advance("1m")
    assert len(chat.inbox("bob")) == 1


async def test_no_days_off_in_the_config_is_a_valid_choice(deskmate):
    config = PEOPLE + "skills: {quiet_hours: {days_off: []}}\n"
    chat = await deskmate(sample, quiet, config=config)
    out = await chat.say("alice", "/assign @bob Weekend work")
    assert "off work" in out.one().text
    assert (await chat.say("bob", "/quiet")).one().text.splitlines()[2] == "Days off: none"


async def test_every_day_off_is_refused(chat):
    out = await chat.say("bob", "/quiet days mon,tue,wed,thu,fri,sat,sun")
    assert out.one().text.startswith("With every day off nothing would ever reach you")
    assert await chat.count("quiet_settings") == 0


async def test_silent_mode_holds_where_the_platform_cannot_deliver_silently(deskmate):
    chat = await deskmate(
        sample, quiet, config=PEOPLE, start=MON_9AM_SHANGHAI, without=[SilentSend]
    )
    await chat.say("bob", "/quiet mode silent")
    out = await chat.say("alice", "/assign @bob Read this")
    assert "@bob is off work" in out.one().text
    assert chat.inbox("bob") == []


async def test_notifications_from_hooks_keep_who_caused_them(chat):
    await chat.say("bob", "/quiet vip add @mike")
    await chat.say("mike", "/relay @bob the server is back")
    assert chat.inbox("bob")[-1].text == "📨 the server is back"
    out = await chat.say("alice", "/relay @bob lunch?")
    assert "@bob is off work" in out.one().text
