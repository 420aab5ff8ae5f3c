"""Each built-in skill's main scenario through the real Telegram adapter (tasks, quiet hours, help,
admin and the location clock-in have theirs in test_telegram_adapter.py)."""

from __future__ import annotations

from bot.app import Bot
from tests.adapters.telegram.conftest import ALICE, BOB, GROUP
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
