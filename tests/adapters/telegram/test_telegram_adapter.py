"""The real python-telegram-bot Application against a fake Bot API server on 127.0.0.1."""

from __future__ import annotations

import asyncio

import aiohttp

from bot.app import Bot
from tests.adapters.telegram.conftest import ALICE, BOB, CAROL, GROUP, make_bot
from tests.adapters.telegram.fake_telegram import FakeTelegram


def sent_to(fake: FakeTelegram, chat_id: int) -> list:
    return [c for c in fake.calls_to("sendMessage") if int(c.args["chat_id"]) == chat_id]


async def test_task_card_button_edit_and_answered_callback(fake_telegram, telegram: Bot):
    fake = fake_telegram
    fake.message(user=ALICE, chat=GROUP, text="/task add @bob Ship it")
    card_call = (await fake.wait_for(lambda: sent_to(fake, -100)))[0]
    assert "📋 #1 Ship it" in card_call.args["text"]
    assert card_call.args["parse_mode"] == "HTML"
    keyboard = card_call.parsed("reply_markup")["inline_keyboard"]
    done = next(b for row in keyboard for b in row if b["text"] == "Done")
    assert done["callback_data"] == "tasks.done|1"
    dm = await fake.wait_for(lambda: sent_to(fake, 1002))
    assert "assigned you #1 Ship it" in dm[0].args["text"]

    fake.callback(user=BOB, message=card_call.result, data=done["callback_data"])
    edit = await fake.wait_for(lambda: fake.calls_to("editMessageText"))
    assert int(edit[0].args["message_id"]) == card_call.result["message_id"]
    assert "Status</b>: done" in edit[0].args["text"]
    answered = await fake.wait_for(lambda: fake.calls_to("answerCallbackQuery"))
    assert answered


async def test_a_stranger_pressing_done_is_told_privately(fake_telegram, telegram: Bot):
    fake = fake_telegram
    fake.message(user=ALICE, chat=GROUP, text="/task add @bob Ship it")
    card = (await fake.wait_for(lambda: sent_to(fake, -100)))[0]
    fake.callback(user=CAROL, message=card.result, data="tasks.done|1")
    answer = await fake.wait_for(lambda: fake.calls_to("answerCallbackQuery"))
    assert answer[0].args["show_alert"] in ("true", "True", True)
    assert answer[0].args["text"] == "只有负责人或创建人可以修改任务 #1。"  # carol reads Chinese
    assert fake.calls_to("editMessageText") == []


async def test_user_html_is_shown_literally(fake_telegram, telegram: Bot):
    fake = fake_telegram
    fake.message(
        user=ALICE, chat=GROUP, text='/task add @bob <b>bold</b> & <a href="http://x">link</a>'
    )
    card = (await fake.wait_for(lambda: sent_to(fake, -100)))[0]
    assert (
        "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;a href=&quot;http://x&quot;&gt;link&lt;/a&gt;"
        in card.args["text"]
    )


async def test_commands_addressed_to_this_bot_or_no_bot_only(fake_telegram, telegram: Bot):
    fake = fake_telegram
    fake.message(user=ALICE, chat=GROUP, text="/help@other_bot")
    fake.message(user=ALICE, chat=GROUP, text="/help@deskmate_bot quiet")
    answer = (await fake.wait_for(lambda: sent_to(fake, -100)))[0]
    assert "Help for /quiet" in answer.args["text"]
    await fake.wait_for(lambda: fake.confirmed_offset >= 2)
    assert len(sent_to(fake, -100)) == 1


async def test_usage_errors_reply_to_the_persons_message(fake_telegram, telegram: Bot):
    fake = fake_telegram
    update = fake.message(user=ALICE, chat=GROUP, text="/quiet set 25:00-09:00")
    error = (await fake.wait_for(lambda: sent_to(fake, -100)))[0]
    assert (
        "window: &#x27;25:00&#x27; is not a time of day" in error.args["text"]
        or "window: '25:00' is not a time of day" in error.args["text"]
    )
    assert error.parsed("reply_parameters")["message_id"] == update["message"]["message_id"]


async def test_the_command_menu_is_registered_in_english_and_chinese(fake_telegram, telegram: Bot):
    english = {c["command"] for c in fake_telegram.commands[""]}
    chinese = {c["command"]: c["description"] for c in fake_telegram.commands["zh"]}
    assert {"task", "quiet", "help", "deskmate"} <= english
    assert chinese["help"].startswith("列出所有命令")


async def test_someone_who_never_started_the_bot_is_mentioned_in_the_group(
    fake_telegram, telegram: Bot
):
    fake = fake_telegram
    fake.forbid_chat.add(1002)
    fake.message(user=ALICE, chat=GROUP, text="/task add @bob Ship it")
    mention = await fake.wait_for(
        lambda: [c for c in sent_to(fake, -100) if "press Start" in c.args["text"]]
    )
    assert 'href="tg://user?id=1002"' in mention[0].args["text"]
    assert "https://t.me/deskmate_bot?start=hello" in mention[0].args["text"]


async def test_someone_who_blocked_the_bot_is_mentioned_in_the_group_too(
    fake_telegram, telegram: Bot
):
    fake = fake_telegram
    fake.blocked_by.add(1002)
    fake.message(user=ALICE, chat=GROUP, text="/task add @bob Ship it")
    mention = await fake.wait_for(
        lambda: [c for c in sent_to(fake, -100) if "press Start" in c.args["text"]]
    )
    assert 'href="tg://user?id=1002"' in mention[0].args["text"]


async def test_a_429_waits_and_loses_nothing(fake_telegram, telegram: Bot):
    fake = fake_telegram
    fake.fail_next("sendMessage", retry_after=1, times=2)  # the card, then the DM
    fake.message(user=ALICE, chat=GROUP, text="/task add @bob Ship it")
    card = await fake.wait_for(
        lambda: [c for c in sent_to(fake, -100) if "Ship it" in c.args["text"]], within=8
    )
    assert "📋 #1 Ship it" in card[0].args["text"]
    dm = await fake.wait_for(
        lambda: [c for c in sent_to(fake, 1002) if "Ship it" in c.args["text"]], within=8
    )
    assert dm


async def test_a_report_comes_with_its_csv_document(fake_telegram, telegram: Bot):
    fake = fake_telegram
    fake.message(user=ALICE, chat=GROUP, text="/task add @bob Ship it")
    await fake.wait_for(lambda: sent_to(fake, -100))
    fake.message(user=ALICE, chat=GROUP, text="/task report")
    document = await fake.wait_for(lambda: fake.calls_to("sendDocument"))
    (content,) = document[0].files.values()
    assert content.decode("utf-8-sig").startswith("person,name,assigned")


async def test_after_a_restart_no_update_is_handled_twice(fake_telegram, database_url):
    fake = fake_telegram
    first = await make_bot(fake, database_url)
    fake.message(user=ALICE, chat=GROUP, text="/deskmate outbox")
    await fake.wait_for(lambda: sent_to(fake, -100))
    await first.stop()
    again = await make_bot(fake, database_url)
    fake.message(user=ALICE, chat=GROUP, text="/help help")
    await fake.wait_for(lambda: len(sent_to(fake, -100)) >= 2)
    await again.stop()
    texts = [c.args["text"] for c in sent_to(fake, -100)]
    assert len(texts) == 2
    assert "Outbox" in texts[0]


async def test_webhook_refuses_a_wrong_secret(fake_telegram, database_url):
    fake = fake_telegram
    bot = await make_bot(fake, database_url, mode="webhook")
    try:
        adapter = bot.adapters["telegram"]
        assert fake.webhook["secret_token"] == "s3cret"
        update = {
            "update_id": 5,
            "message": {
                "message_id": 1,
                "date": 1700000000,
                "chat": GROUP,
                "from": ALICE,
                "text": "/help help",
                "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
            },
        }
        url = f"http://127.0.0.1:{adapter.port}/telegram/webhook"
        async with aiohttp.ClientSession() as session:
            async with session.post(url, json=update) as response:
                assert response.status == 403
            async with session.post(
                url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}
            ) as response:
                assert response.status == 403
            assert sent_to(fake, -100) == []
            async with session.post(
                url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret"}
            ) as response:
                assert response.status == 200
        answer = await fake.wait_for(lambda: sent_to(fake, -100))
        assert "Help for /help" in answer[0].args["text"]
    finally:
        await bot.stop()


async def test_members_are_tracked_from_joins_leaves_and_commands(fake_telegram, telegram: Bot):
    from sqlmodel import select

    from storage.models import ChatMember, PlatformAccount

    fake = fake_telegram
    fake.member_joined(user=CAROL, chat=GROUP)
    fake.message(user=ALICE, chat=GROUP, text="/help help")
    await fake.wait_for(lambda: sent_to(fake, -100))

    async def active() -> set[str]:
        async with telegram.db.transaction() as session:
            rows = await session.exec(
                select(PlatformAccount.account_id)
                .join(ChatMember, ChatMember.person_id == PlatformAccount.person_id)
                .where(ChatMember.active, PlatformAccount.platform == "telegram")
            )
            return set(rows.all())

    assert await active() == {"1001", "1003"}
    fake.push_update(
        {
            "message": {
                "message_id": 99,
                "date": 1700000000,
                "chat": GROUP,
                "from": CAROL,
                "left_chat_member": CAROL,
            }
        }
    )
    await fake.wait_for(lambda: fake.confirmed_offset >= 4 or None, within=5)
    for _ in range(50):
        if await active() == {"1001"}:
            break
        await asyncio.sleep(0.05)
    assert await active() == {"1001"}


async def test_a_location_shared_in_a_dm_clocks_in_at_the_office_once(fake_telegram, telegram: Bot):
    fake = fake_telegram
    shared = fake.location(
        user=BOB, chat=None, latitude=31.2305, longitude=121.4738, live_period=600
    )
    answer = await fake.wait_for(lambda: sent_to(fake, 1002))
    assert answer[0].args["text"].startswith("🕘 In at ")
    assert " at HQ — " in answer[0].args["text"]
    fake.live_location_moved(message=shared["message"], latitude=31.24, longitude=121.5)
    fake.message(user=BOB, chat=None, text="/attendance today")
    today = await fake.wait_for(lambda: len(sent_to(fake, 1002)) >= 2 and sent_to(fake, 1002))
    assert today[1].args["text"].count("🕘 In at") == 0  # the live location moved: no new clock-in
    assert len(sent_to(fake, 1002)) == 2


async def test_a_location_away_from_every_office_is_a_field_clock_in(fake_telegram, telegram: Bot):
    fake = fake_telegram
    fake.location(user=BOB, chat=None, latitude=39.9042, longitude=116.4074)
    answer = await fake.wait_for(lambda: sent_to(fake, 1002))
    assert "in the field (39.90420,116.40740)" in answer[0].args["text"]


async def test_a_reply_refused_with_a_429_waits_as_told_and_comes_once(
    fake_telegram, telegram: Bot
):
    fake = fake_telegram
    loop = asyncio.get_running_loop()
    fake.fail_next("sendMessage", retry_after=2)
    fake.message(user=ALICE, chat=GROUP, text="/help help")
    await fake.wait_for(lambda: sent_to(fake, -100))
    refused_at = loop.time()
    answer = await fake.wait_for(lambda: [c for c in sent_to(fake, -100) if c.status == 200], 8)
    assert loop.time() - refused_at >= 2 - 0.05  # not inside the ban
    assert "Help for /help" in answer[0].args["text"]
    await asyncio.sleep(0.5)
    assert [c.status for c in sent_to(fake, -100)] == [429, 200]


async def test_a_private_answer_refused_with_a_429_reaches_the_dm_once_after_the_wait(
    fake_telegram, telegram: Bot
):
    fake = fake_telegram
    loop = asyncio.get_running_loop()
    fake.fail_next("sendMessage", retry_after=2)  # the first send: the answer, to alice's DM
    fake.message(user=ALICE, chat=GROUP, text="/attendance today")
    await fake.wait_for(lambda: sent_to(fake, 1001))
    refused_at = loop.time()
    answer = await fake.wait_for(lambda: [c for c in sent_to(fake, 1001) if c.status == 200], 8)
    assert loop.time() - refused_at >= 2 - 0.05
    assert "workday today" in answer[0].args["text"]
    await asyncio.sleep(0.5)
    assert [c.status for c in sent_to(fake, 1001)] == [429, 200]
    assert [c.args["text"] for c in sent_to(fake, -100)] == ["📬 Sent to you privately."]


async def test_someone_who_left_is_removed_from_a_group_only_where_the_bot_is_an_admin(
    fake_telegram, telegram: Bot
):
    fake = fake_telegram
    fake.set_member(GROUP["id"], BOB, "member")
    adapter = telegram.adapters["telegram"]
    assert await adapter.remove_member(str(GROUP["id"]), str(BOB["id"])) is False  # not an admin
    assert fake.members[(GROUP["id"], BOB["id"])]["status"] == "member"
    fake.set_member(GROUP["id"], fake.bot_user, "administrator")
    assert await adapter.remove_member(str(GROUP["id"]), str(BOB["id"])) is True
    assert fake.members[(GROUP["id"], BOB["id"])]["status"] == "left"  # may be invited back


async def test_a_press_the_bot_cant_place_is_answered_in_the_pressers_language(
    fake_telegram, telegram: Bot
):
    # A press that comes without its message (a button of an inline message) can't be placed
    # in a chat: the bot says the button no longer works, in the presser's language.
    fake = fake_telegram
    for user, query_id in ((CAROL, "q-carol"), (BOB, "q-bob")):
        fake.push_update(
            {
                "callback_query": {
                    "id": query_id,
                    "from": user,
                    "inline_message_id": "inline-1",
                    "chat_instance": "ci",
                    "data": "tasks.done|1",
                }
            }
        )
    answers = await fake.wait_for(
        lambda: len(fake.answered_callbacks) == 2 and fake.answered_callbacks
    )
    assert answers["q-carol"]["text"] == "此按钮已失效——输入 /help 查看命令。"
    assert answers["q-bob"]["text"] == (
        "This button no longer works — type /help to see the commands."
    )
    assert not fake.calls_to("editMessageText")


async def test_a_removal_telegram_refuses_after_the_offboarding_is_told_to_the_admins(
    fake_telegram, telegram: Bot
):
    """The bot is no admin of the group: the kick fails after the commit, and alice (the admin)
    gets a line in her DM naming the group, besides the summary."""
    fake = fake_telegram
    fake.set_member(GROUP["id"], BOB, "member")
    fake.message(user=BOB, chat=GROUP, text="/help quiet")  # the bot sees bob in the group
    await fake.wait_for(lambda: sent_to(fake, -100))
    async with telegram.db.transaction() as session:
        bob = await telegram.directory.by_handle(session, "bob")
    assert bob is not None
    await telegram.offboard(bob.id, source="api")
    told = await fake.wait_for(
        lambda: [c for c in sent_to(fake, 1001) if "refused" in c.args["text"]]
    )
    assert told[0].args["text"] == (
        '⚠️ telegram refused to remove <a href="tg://user?id=1002">@bob</a> from Team: remove '
        "them by hand."
    )
    assert fake.calls_to("banChatMember")
    assert fake.members[(GROUP["id"], BOB["id"])]["status"] == "member"
