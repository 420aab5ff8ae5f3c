"""Each built-in skill's main scenario through the real Telegram adapter (tasks, quiet hours, help,
admin and the location clock-in have theirs in test_telegram_adapter.py)."""

from __future__ import annotations

import html

from bot.app import Bot
from tests.adapters.telegram.conftest import ALICE, BOB, GROUP, LENA
from tests.adapters.telegram.fake_telegram import FakeTelegram


def sent_to(fake: FakeTelegram, chat_id: int) -> list:  # type: ignore[type-arg]
    return [c for c in fake.calls_to("sendMessage") if int(c.args["chat_id"]) == chat_id]


def button(call, label: str) -> str:  # type: ignore[no-untyped-def]
    keyboard = call.parsed("reply_markup")["inline_keyboard"]
    return next(b["callback_data"] for row in keyboard for b in row if b["text"] == label)


async def test_clock_in_and_out_in_the_group(fake_telegram: FakeTelegram, telegram: Bot) -> None:
    fake = fake_telegram
    fake.message(user=BOB, chat=GROUP, text="/in")
    first = await fake.wait_for(lambda: sent_to(fake, -100))
    assert first[0].args["text"].startswith("🕘 In at ")
    fake.message(user=BOB, chat=GROUP, text="/out@deskmate_bot")
    both = await fake.wait_for(lambda: len(sent_to(fake, -100)) >= 2 and sent_to(fake, -100))
    assert both[1].args["text"].startswith("🕘 Out at ")


async def test_a_request_is_approved_with_the_button(
    fake_telegram: FakeTelegram, telegram: Bot
) -> None:
    fake = fake_telegram
    fake.message(user=ALICE, chat=None, text="/start")  # alice opened her DM with the bot
    fake.message(user=BOB, chat=None, text="/request leave dates:12-01..12-03 type:annual")
    card = (await fake.wait_for(lambda: sent_to(fake, 1002)))[0]  # bob's card, in his DM
    assert "📝" in card.args["text"]
    to_alice = await fake.wait_for(
        lambda: [c for c in sent_to(fake, 1001) if "Approve" in str(c.args.get("reply_markup"))]
    )
    fake.callback(user=ALICE, message=to_alice[0].result, data=button(to_alice[0], "Approve"))
    edits = await fake.wait_for(
        lambda: len(fake.calls_to("editMessageText")) >= 2 and fake.calls_to("editMessageText")
    )
    assert all("Approved" in e.args["text"] for e in edits)
    assert await fake.wait_for(lambda: fake.calls_to("answerCallbackQuery"))


async def test_a_notice_is_acknowledged_with_the_button(
    fake_telegram: FakeTelegram, telegram: Bot
) -> None:
    fake = fake_telegram
    fake.message(user=BOB, chat=GROUP, text="/help")  # bob is seen in the group
    await fake.wait_for(lambda: sent_to(fake, -100))
    fake.message(user=ALICE, chat=GROUP, text="/notice --ack Fire drill at 15:00")
    card = (
        await fake.wait_for(
            lambda: [c for c in sent_to(fake, -100) if "Fire drill" in c.args["text"]]
        )
    )[0]
    assert "0/1 acknowledged" in card.args["text"]
    fake.callback(user=BOB, message=card.result, data=button(card, "Got it ✓"))
    answered = await fake.wait_for(lambda: fake.calls_to("answerCallbackQuery"))
    assert "acknowledged" in answered[0].args.get("text", "").lower()
    edit = await fake.wait_for(lambda: fake.calls_to("editMessageText"))
    assert int(edit[-1].args["message_id"]) == card.result["message_id"]
    assert "Everyone acknowledged" in edit[-1].args["text"] or "1/1" in edit[-1].args["text"]


def answers_in_group(fake: FakeTelegram, needle: str) -> list:  # type: ignore[type-arg]
    return answers_in(fake, GROUP["id"], needle)


def answers_in(fake: FakeTelegram, chat_id: int, needle: str) -> list:  # type: ignore[type-arg]
    return [c for c in sent_to(fake, chat_id) if needle in c.args["text"]]


async def test_a_notice_tells_its_sender_how_many_members_it_could_not_reach(
    fake_telegram: FakeTelegram, telegram: Bot
) -> None:
    fake = fake_telegram
    fake.member_counts[GROUP["id"]] = 6  # alice, bob, three people the bot never saw, the bot
    fake.message(user=BOB, chat=GROUP, text="/help")  # bob is seen in the group
    await fake.wait_for(lambda: sent_to(fake, GROUP["id"]))
    fake.message(user=ALICE, chat=GROUP, text="/notice --ack Fire drill at 15:00")
    # the audience is for the sender alone: it comes to their DM (Telegram has no ephemeral)
    sent = await fake.wait_for(lambda: answers_in(fake, ALICE["id"], "went to"))
    went = html.unescape(sent[0].args["text"])
    assert not answers_in_group(fake, "went to")
    assert "📢 #1 went to 1: " in went
    assert ">@bob</a>" in went
    assert "⚠️ Not reached: 3 of this chat's 5 members, who have never used the bot here" in went
    card = answers_in_group(fake, "Fire drill")[0]
    assert "0/1 acknowledged" in card.args["text"]


async def test_the_sender_is_told_in_their_language(
    fake_telegram: FakeTelegram, telegram: Bot
) -> None:
    fake = fake_telegram
    fake.member_counts[GROUP["id"]] = 4  # lena, two people the bot never saw, the bot
    fake.message(user=LENA, chat=GROUP, text="/notice --ack 消防演习 15:00")
    refused = (await fake.wait_for(lambda: answers_in_group(fake, "没有接收人")))[0]
    assert "本群其他 2 名成员都还没在这里用过机器人" in refused.args["text"]

    before = len(sent_to(fake, GROUP["id"]))
    fake.message(user=BOB, chat=GROUP, text="/help")
    await fake.wait_for(lambda: len(sent_to(fake, GROUP["id"])) > before)
    fake.member_counts[GROUP["id"]] = 5  # bob joined too
    fake.message(user=LENA, chat=GROUP, text="/notice --ack 消防演习 15:00")
    went = (await fake.wait_for(lambda: answers_in(fake, LENA["id"], "已发给")))[0].args["text"]
    assert "⚠️ 未送达：本群 4 名成员中的 2 人从未在这里使用过机器人" in went


async def test_bots_joining_a_group_are_not_its_people(
    fake_telegram: FakeTelegram, telegram: Bot
) -> None:
    fake = fake_telegram
    other_bot = {"id": 2001, "is_bot": True, "first_name": "Poll", "username": "poll_bot"}
    fake.member_joined(user=other_bot, chat=GROUP, service_message=True)
    fake.message(user=BOB, chat=GROUP, text="/help")
    await fake.wait_for(lambda: sent_to(fake, GROUP["id"]))
    fake.message(user=ALICE, chat=GROUP, text="/notice --ack Fire drill at 15:00")
    card = (await fake.wait_for(lambda: answers_in_group(fake, "Fire drill")))[0]
    assert "0/1 acknowledged" in card.args["text"]  # bob; not the other bot
