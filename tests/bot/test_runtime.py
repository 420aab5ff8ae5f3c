"""The runtime through the harness: replies, errors, permissions, transactions, de-duplication."""

import pytest

from bot.events import Command
from tests.bot.sample_skill import skill

PEOPLE = """
people:
  - {id: alice, accounts: {console: alice}}
  - {id: bob, accounts: {console: bob}, language: zh}
  - {id: rita, accounts: {console: rita}, roles: [reviewer]}
  - {id: root, accounts: {console: root}, roles: [admin]}
"""


@pytest.fixture
async def chat(deskmate):
    return await deskmate(skill, config=PEOPLE)


async def test_a_command_gets_one_reply_in_the_chat(chat):
    out = await chat.say("alice", "/ping")
    assert out.one().where == "#general"
    assert out.one().text == "pong, @alice"


async def test_unknown_command_says_so_only_to_the_sender(chat):
    out = await chat.say("alice", "/pnig")
    assert out.one().where == "#general, only @alice"
    assert out.one().text == "Unknown command /pnig — type /help to see the commands."


async def test_bad_argument_is_named_with_the_usage_and_nothing_changes(chat):
    out = await chat.say("alice", "/assign @bob Ship it due:yesterday-ish")
    text = out.one().text
    assert text.startswith("due: 'yesterday-ish'")
    assert text.endswith("Usage: /assign @person… <title…> [due:<date>] [cc:@person…]")
    assert chat.inbox("bob") == []


async def test_unknown_mention_is_a_usage_error(chat):
    out = await chat.say("alice", "/assign @nobody Ship it")
    assert "unknown person @nobody" in out.one().text
    assert chat.inbox("bob") == []


async def test_notify_reaches_the_person_in_their_language_with_buttons(chat):
    out = await chat.say("alice", "/assign @bob Ship it due:2026-12-01 18:00 cc:@rita")
    assert out[0].text == ("Assigned Ship it to @bob, due Tue 1 Dec 18:00, cc @rita")
    (note,) = chat.inbox("bob")
    assert note.text == "@alice 给你分配了 Ship it\n[完成]"
    pressed = await chat.press("bob", "完成")
    assert pressed.one().text == "@bob 完成了 Ship it"


async def test_role_is_required_and_admin_may_do_anything(chat):
    refused = await chat.say("alice", "/review")
    assert refused.one().text == (
        "Only people with the reviewer role can use /review — ask an admin to give you the role."
    )
    assert (await chat.say("rita", "/review")).one().text == "reviewed"
    assert (await chat.say("root", "/review")).one().text == "reviewed"


async def test_a_failing_handler_changes_nothing_and_gives_a_reference(chat, caplog):
    out = await chat.say("alice", "/boom remember me")
    text = out.one().text
    assert text.startswith("Something went wrong (ref ")
    ref = text.split("(ref ")[1].split(")")[0]
    assert ref in caplog.text
    assert "kaboom" in caplog.text
    assert await chat.count("sample_notes") == 0
    assert chat.inbox("alice") == []
    await chat.advance("1h")
    assert chat.inbox("alice") == []


async def test_state_changes_commit(chat):
    await chat.say("alice", "/note keep me")
    assert await chat.count("sample_notes") == 1


async def test_the_same_event_delivered_twice_is_handled_once(chat):
    event = Command(
        "console",
        "evt-1",
        chat.adapter.account("alice"),
        chat.adapter.chat_ref("alice", False),
        name="note",
        text="once",
    )
    await chat.bot.handle(event)
    await chat.bot.handle(event)
    assert await chat.count("sample_notes") == 1
    assert len(chat.chat()) == 1


async def test_optional_choices_come_in_any_order(chat):
    assert (await chat.say("alice", "/list")).one().text == "mine open -"
    assert (await chat.say("alice", "/list done all")).one().text == "all done -"
    assert (await chat.say("alice", "/list 12-01..12-03 done")).one().text == "mine done 2026-12-01"
    bad = (await chat.say("alice", "/list sideways")).one().text
    assert bad.startswith("scope: 'sideways' is not one of mine, all")


async def test_every_parameter_type(chat):
    out = await chat.say(
        "alice", "/types @bob 90m fri 9am 19:00-09:00 12-01..12-03 ¥120.5 leave 3 word"
    )
    assert out.one().text == (
        "@bob 1 h 30 min Fri 27 Nov 09:00 19:00-09:00 Tue 1 Dec..Thu 3 Dec CN¥120.50 leave 3 word"
    )


async def test_chinese_reader_gets_chinese_errors(chat):
    out = await chat.say("bob", "/pnig")
    assert out.one().text == "没有 /pnig 这个命令 — 输入 /help 查看所有命令。"
