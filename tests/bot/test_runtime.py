"""The runtime through the harness: replies, errors, permissions, transactions, de-duplication."""

import asyncio

import pytest
from sqlalchemy import text

from bot import Context, Skill, _
from bot.events import Command
from tests.bot.sample_skill import Note, skill

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
    out = await chat.say("alice", "/zzz")
    assert out.one().where == "#general, only @alice"
    assert out.one().text == "Unknown command /zzz — type /help to see the commands."


async def test_a_mistyped_command_suggests_the_nearest_in_the_readers_language(chat):
    out = await chat.say("alice", "/pnig")
    assert out.one().where == "#general, only @alice"
    assert out.one().text == (
        "Unknown command /pnig — did you mean /ping? Type /help to see the commands."
    )
    assert (await chat.say("bob", "/asign @bob x")).one().text == (
        "没有 /asign 这个命令 — 是不是想输入 /assign？输入 /help 查看所有命令。"
    )


async def test_a_mistyped_sub_command_suggests_the_nearest_with_its_usage(deskmate):
    from skills.tasks import skill as tasks
    from tests.skills.test_tasks import TEAM

    chat = await deskmate(tasks, config=TEAM)
    assert (await chat.say("mike", "/task ad @bob Ship it")).one().text == (
        "There is no /task ad — did you mean /task add?\n"
        "Usage: /task add [@person…] [<title…>] [due:<date>] [cc:@person…] [!high|urgent]"
    )
    assert await chat.count("tasks") == 0
    out = (await chat.say("mike", "/task zzz")).one().text
    assert out.startswith("/task needs one of:\n/task add ")


async def test_bad_argument_is_named_with_the_usage_and_nothing_changes(chat):
    out = await chat.say("alice", "/assign @bob Ship it due:yesterday-ish")
    text = out.one().text
    assert text.startswith("due: 'yesterday-ish'")
    assert text.endswith("Usage: /assign @person… <title…> [due:<date>] [cc:@person…]")
    assert chat.inbox("bob") == []


async def test_a_nul_character_is_refused_by_name_and_nothing_is_stored(chat):
    """U+0000 can't be stored in PostgreSQL's text (SQLite takes it): refused on every engine."""
    out = await chat.say("alice", "/note shipped\x00 it")
    assert out.one().where == "#general, only @alice"
    assert out.one().text == (
        "The text has a NUL character (U+0000), which can't be stored — send it again without "
        "it.\nUsage: /note <text…>"
    )
    assert await chat.count(Note) == 0
    bob = (await chat.say("bob", "/note 好\x00")).one().text  # bob reads Chinese
    assert bob.startswith("内容中有空字符（码点 0000），无法保存 — 请去掉后重新发送。")


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


async def test_events_at_once_commit_together_and_a_failing_one_undoes_only_its_own(chat):
    await asyncio.gather(
        chat.say("alice", "/note one"),
        chat.say("bob", "/boom never stored"),
        chat.say("rita", "/note two"),
        chat.say("alice", "/note"),  # a usage error
        chat.say("root", "/note three"),
    )
    answers = [s.text for s in chat.chat()]
    assert answers[0] == "Noted: one"
    assert answers[1].startswith("出错了（编号 ")  # bob reads Chinese
    assert answers[2:] == ["Noted: two", "text is missing\nUsage: /note <text…>", "Noted: three"]
    async with chat.bot.db.transaction() as session:
        notes = (await session.exec(text("SELECT text FROM sample_notes ORDER BY id"))).all()
    assert [n[0] for n in notes] == ["one", "two", "three"]
    assert chat.inbox("bob") == []  # the failed one's notification went with it


async def test_an_event_that_failed_is_handled_again_when_sent_again(chat):
    def note(text_: str) -> Command:
        account, where = chat.adapter.account("alice"), chat.adapter.chat_ref("alice", False)
        return Command("console", "evt-9", account, where, name="note", text=text_)

    await asyncio.gather(chat.bot.handle(note("")), chat.say("rita", "/note other"))
    await chat.bot.handle(note("fixed"))  # the same event id, corrected
    await chat.bot.handle(note("fixed"))  # and a platform's retry of it
    assert await chat.count("sample_notes") == 2
    assert [s.text for s in chat.chat()][-1] == "Noted: fixed"


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
    out = await chat.say("bob", "/zzz")
    assert out.one().text == "没有 /zzz 这个命令 — 输入 /help 查看所有命令。"


async def test_options_never_leak_into_free_text(chat):
    out = await chat.say("alice", "/assign @bob Ship due:fri the  report")
    assert out[0].text.startswith("Assigned Ship the  report to @bob, due Fri 27 Nov 18:00")


async def test_a_quoted_option_value_and_a_number_after_a_date(chat):
    out = await chat.say("alice", '/assign @bob Ship due:"2026-12-01 9:00" 3 copies')
    assert out[0].text.startswith("Assigned Ship 3 copies to @bob, due Tue 1 Dec 09:00")


async def test_an_unclosed_quote_is_just_a_character(chat):
    assert (await chat.say("alice", "/note 'til tomorrow")).one().text == "Noted: 'til tomorrow"


async def test_a_mention_matches_a_name_exactly(chat):
    out = await chat.say("alice", "/assign @b_b Ship it")
    assert "unknown person @b_b" in out.one().text
    assert chat.inbox("bob") == []


async def test_plain_chat_gets_no_answer(chat):
    assert await chat.say("alice", "hello everyone") == []
    assert await chat.say("alice", "/") == []


async def test_full_width_space_separates_a_command(chat):
    assert (await chat.say("alice", "/note\u3000记下来")).one().text == "Noted: 记下来"


async def test_roles_follow_the_config_across_restarts(deskmate, tmp_path):
    first = await deskmate(skill, config=PEOPLE)
    assert (await first.say("rita", "/review")).one().text == "reviewed"
    url = first.bot.config.storage.url
    await first.close()
    again = await deskmate(skill, config="people: [{id: alice}]", database_url=url)
    refused = (await again.say("rita", "/review")).one().text
    assert refused.startswith("Only people with the reviewer role")


async def test_a_sub_command_word_can_start_the_parents_free_text(deskmate):
    from deskmate_standup import skill as standup

    chat = await deskmate(standup)
    assert (await chat.say("alice", "/standup today I fixed the build")).one().text == (
        "✅ Noted, @alice."
    )
    assert "@alice: today I fixed the build" in (await chat.say("bob", "/standup today")).text


where = Skill("where")


@where.location
async def located(ctx: Context, latitude: float, longitude: float, live: bool) -> None:
    await ctx.reply(
        _("📍 {who} is at {lat}, {lon}", who=ctx.person.mention, lat=latitude, lon=longitude)
    )


async def test_a_shared_location_reaches_the_skill_in_a_harness_and_a_transcript(deskmate):
    chat = await deskmate(where, config="people: [{id: alice}, {id: rita}]")
    out = await chat.share_location("alice", 31.2304, 121.4737)
    assert out.one().text == "📍 @alice is at 31.23, 121.474"
    assert out.one().where == "dm @alice"
    printed = await chat.run("rita (dm): 📍 -33.8688,151.2093")
    assert printed.strip() == "[dm @rita] deskmate:\n📍 @rita is at -33.869, 151.209"


async def test_a_refused_command_still_tells_the_bot_who_is_in_the_chat(chat):
    await chat.say("alice", "/pnig")  # refused: an unknown command
    async with chat.bot.db.transaction() as session:
        alice = await chat.bot.directory.by_handle(session, "alice")
        assert alice is not None
        chats = await session.exec(text("SELECT id FROM chats"))
        (chat_id,) = chats.one()
        members = await chat.bot.directory.seen_members(session, chat_id)
    assert members == [alice.id]


secret = Skill("secret")


@secret.command("salary", help=_("salary"))
async def salary(ctx: Context) -> None:
    await ctx.reply(_("💰 {who}: 42", who=ctx.person.mention), private=True)


async def test_a_private_answer_asked_in_a_group_goes_to_the_dm(deskmate):
    chat = await deskmate(secret, config="people: [{id: alice}]")
    out = await chat.say("alice", "/salary")
    assert [(s.where, s.text) for s in out] == [
        ("dm @alice", "💰 @alice: 42"),
        ("#general, only @alice", "📬 Sent to you privately."),
    ]
    out = await chat.say("alice", "/salary", dm=True)
    assert [(s.where, s.text) for s in out] == [("dm @alice", "💰 @alice: 42")]


async def test_events_wait_briefly_for_answers_a_platform_is_waiting_for(chat):
    with chat.bot.answers.answering():  # e.g. Slack waiting for the ack of a request
        noting = asyncio.create_task(chat.say("alice", "/note later"))
        await asyncio.sleep(0.01)
        assert chat.chat() == []  # the answer goes first
    await noting
    assert await chat.count("sample_notes") == 1
    with chat.bot.answers.answering():  # an answer that never ends holds nothing up for long
        await asyncio.wait_for(chat.say("alice", "/note anyway"), 2)
    assert await chat.count("sample_notes") == 2


async def test_errors_name_a_parameter_by_its_label_or_its_name_made_readable(deskmate):
    from typing import Annotated

    from bot import Label

    shop = Skill("shop", description=_("Shop"))

    @shop.command("order", help=_("An order"))
    async def order(
        ctx: Context, order_id: int, copies: Annotated[int, Label(_("copies"))] = 1
    ) -> None:
        await ctx.reply(_("Order {id}", id=order_id))

    @shop.command("pick", help=_("Read a key:value pair as a skill does"))
    async def pick(ctx: Context, pair: str) -> None:
        key, _sep, raw = pair.partition(":")
        await ctx.reply(_("{n}", n=await ctx.parse(key, raw, int)))

    chat = await deskmate(shop)
    assert (await chat.say("alice", "/order")).one().text.startswith("order id is missing\n")
    assert (
        (await chat.say("alice", "/order x"))
        .one()
        .text.startswith("order id: 'x' is not a whole number")
    )
    assert (
        (await chat.say("alice", "/order 3 many"))
        .one()
        .text.startswith("copies: 'many' is not a whole number")
    )
    assert (
        (await chat.say("alice", "/pick max_rows:lots"))
        .one()
        .text.startswith(
            "max_rows: 'lots' is not a whole number"  # the key as typed
        )
    )
