"""Telegram has no ephemeral messages: an answer meant for one person never shows in a group.

Every command of every built-in skill is typed in a Telegram group through the real adapter, and
what the fake Bot API received in the group is checked against the answers the skills meant for
the sender alone (``ephemeral``) or for their DM (``private``).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pytest

from bot import Button, Context, Message, Skill, _
from bot.app import Bot
from bot.context import Reply
from bot.markup import plain_text, render
from tests.adapters.telegram.conftest import ALICE, BOB, GROUP, make_bot
from tests.adapters.telegram.fake_telegram import Call, FakeTelegram, html_to_plain

BUILT_IN = ("admin", "approvals", "clockin", "help", "quiet_hours", "receipts", "tasks")

# (who, what they type in the group): each command of each built-in skill, with arguments that
# make it succeed, in an order where each finds what it needs
WALK: list[tuple[dict[str, Any], str]] = [
    (BOB, "/help"),
    (ALICE, "/help task"),
    (ALICE, "/deskmate outbox"),
    (ALICE, "/deskmate lang"),
    (BOB, "/request leave dates:下周 type:annual"),
    (BOB, "/request leave dates:下周 type:sick"),
    (BOB, "/request leave dates:下周 type:annual"),
    (BOB, "/request show 1"),
    (ALICE, "/approvals"),
    (ALICE, "/approve 1 enjoy"),
    (ALICE, "/reject 2 the release is that week"),
    (BOB, "/request withdraw 3"),
    (BOB, "/approvals mine"),
    (ALICE, "/approvals delegate @bob until:fri"),
    (ALICE, "/approvals export"),
    (BOB, "/in"),
    (BOB, "/out"),
    (BOB, "/in field Client office"),
    (BOB, "/out"),
    (BOB, "/in remote from home"),
    (BOB, "/attendance"),
    (BOB, "/attendance month"),
    (ALICE, "/attendance chart @bob"),
    (ALICE, "/attendance today"),
    (ALICE, "/attendance export"),
    (ALICE, "/quiet"),
    (ALICE, "/quiet set 23:00-07:00"),
    (ALICE, "/quiet days sat,sun"),
    (ALICE, "/quiet break 30m"),
    (ALICE, "/quiet back"),
    (ALICE, "/quiet mode silent"),
    (ALICE, "/quiet vip add @bob"),
    (ALICE, "/quiet vip list"),
    (ALICE, "/quiet vip remove @bob"),
    (ALICE, "/quiet vip remove @bob"),  # nothing to change: an answer for alice alone
    (ALICE, "/quiet off"),
    (ALICE, "/quiet on"),
    (ALICE, "/notice --ack @bob Fire drill at 15:00"),
    (BOB, "/notice ack 1"),
    (ALICE, "/notice --ack @bob Fill in the survey"),
    (ALICE, "/notice status 2"),
    (ALICE, "/notice list"),
    (ALICE, "/notice remind 2"),
    (ALICE, "/notice close 2"),
    (ALICE, "/task add @bob Ship the report"),
    (ALICE, "/task add @bob Water the plants"),
    (BOB, "/task start 1"),
    (BOB, "/task done 1"),
    (ALICE, "/task reopen 1"),
    (ALICE, '/task edit 1 title:"Ship the final report" due:fri'),
    (ALICE, "/task nudge 1"),
    (ALICE, "/task show 1"),
    (ALICE, "/task list"),
    (ALICE, "/task report"),
    (ALICE, "/task close 1"),
    (ALICE, "/task cancel 2"),
    (BOB, "/link 123456"),
    (BOB, "/deskmate prefer default"),
    (ALICE, "/people offboard @bob"),
    (ALICE, "/deskmate audit"),
]


@dataclass
class Answered:
    """What one event's handler answered (read from its context) and its plain texts."""

    replies: list[Reply] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch, telegram: Bot) -> dict[str, Answered]:
    """The replies each event's handler made, by event id, as the sender would read them."""
    found: dict[str, Answered] = {}
    replies = Context.replies

    def spied(ctx: Context) -> list[Reply]:
        made: list[Reply] = replies.fget(ctx)  # type: ignore[attr-defined]
        loc = ctx.person.locale(ctx.now())
        texts = [plain_text(render(r.message.text, telegram.translator, loc)) for r in made]
        found[ctx.event.event_id] = Answered(made, texts)
        return made

    monkeypatch.setattr(Context, "replies", property(spied))
    return found


class Handled:
    """The events the bot has finished with (their answers sent), which the fake can't see."""

    def __init__(self) -> None:
        self._done: dict[str, asyncio.Event] = defaultdict(asyncio.Event)

    def finished(self, event_id: str) -> None:
        self._done[event_id].set()

    async def wait(self, event_id: str, within: float = 10) -> None:
        await asyncio.wait_for(self._done[event_id].wait(), within)


@pytest.fixture
def handled(monkeypatch: pytest.MonkeyPatch, telegram: Bot) -> Handled:
    done = Handled()
    handle = telegram.host.handle  # what the adapter hands its events to

    async def counted(event: Any) -> None:
        try:
            await handle(event)
        finally:
            done.finished(event.event_id)

    monkeypatch.setattr(telegram.host, "handle", counted)
    return done


def shown(calls: list[Call], chat_id: int) -> list[str]:
    """The plain texts of the messages the fake received for ``chat_id``."""
    return [
        html_to_plain(c.args["text"])
        for c in calls
        if c.method == "sendMessage" and int(c.args["chat_id"]) == chat_id and c.status == 200
    ]


async def type_in_group(
    fake: FakeTelegram, bot: Bot, handled: Handled, user: dict[str, Any], text: str
) -> tuple[str, list[Call]]:
    """``user`` types ``text`` in the group; the event's id and the calls it caused."""
    before = len(fake.calls)
    update_id = fake.message(user=user, chat=GROUP, text=text)["update_id"]
    event_id = f"upd-{update_id}"
    await handled.wait(event_id)
    await bot.delivery.settle()
    return event_id, fake.calls[before:]


async def test_nothing_meant_for_one_person_reaches_the_group(
    fake_telegram: FakeTelegram,
    telegram: Bot,
    answers: dict[str, Answered],
    handled: Handled,
) -> None:
    fake = fake_telegram
    walked: set[str] = set()
    for user, text in WALK:
        event_id, calls = await type_in_group(fake, telegram, handled, user, text)
        answered = answers.get(event_id)
        assert answered is not None, f"{text} failed: {shown(calls, -100)}"
        assert answered.replies, f"{text} answered nothing"
        name, _sep, rest = text[1:].partition(" ")
        walked.add(telegram.registry.find_command(name, rest)[0][0].name)
        in_group = "\n\n".join(shown(calls, -100))
        in_dm = "\n\n".join(shown(calls, user["id"]))
        for reply, said in zip(answered.replies, answered.texts, strict=True):
            if reply.ephemeral or reply.private:
                assert said not in in_group, f"{text}: {said!r} was shown in the group"
                assert said in in_dm, f"{text}: {said!r} did not reach the DM"
                assert "📬 Sent to you privately." in in_group
            else:
                assert said in in_group, f"{text}: {said!r} is missing in the group"
        public = [r for r in answered.replies if not (r.ephemeral or r.private)]
        files = [c for c in calls if c.method in ("sendDocument", "sendPhoto")]
        if not any(r.message.files for r in public):
            assert all(int(c.args["chat_id"]) != -100 for c in files), f"{text}: a file"
    everything = {
        spec.name for spec in telegram.registry.commands.values() if spec.skill in BUILT_IN
    }
    assert walked == everything, f"not walked: {sorted(everything - walked)}"


async def test_a_notices_audience_is_told_to_its_sender_in_private(
    fake_telegram: FakeTelegram, telegram: Bot, handled: Handled
) -> None:
    fake = fake_telegram
    await type_in_group(fake, telegram, handled, BOB, "/help")  # bob is seen in the group
    _event, calls = await type_in_group(
        fake, telegram, handled, ALICE, "/notice --ack @bob Fire drill at 15:00"
    )
    group = [c for c in calls if c.method == "sendMessage" and c.args["chat_id"] == "-100"]
    assert [html_to_plain(c.args["text"]).split("\n")[0] for c in group] == [
        "📢 #1 from @alice",
        "📬 Sent to you privately.",
    ]
    assert all("tg://user?id=1002" not in c.args["text"] for c in group)  # bob isn't pinged
    (to_alice,) = shown(calls, 1001)
    assert to_alice == "📢 #1 went to 1: @bob"


async def test_a_private_answer_with_the_dm_closed_is_a_note_without_the_answer(
    fake_telegram: FakeTelegram, telegram: Bot, handled: Handled
) -> None:
    fake = fake_telegram
    fake.forbid_chat.add(1001)  # alice never started the bot
    update = fake.message(user=ALICE, chat=GROUP, text="/attendance today")
    await handled.wait(f"upd-{update['update_id']}")
    await telegram.delivery.settle()
    await asyncio.sleep(0.5)  # the outbox would have had its turn
    (note,) = [c for c in fake.calls_to("sendMessage") if c.args["chat_id"] == "-100"]
    assert html_to_plain(note.args["text"]) == (
        "I can't message you privately yet — open https://t.me/deskmate_bot?start=hello and "
        "press Start, then ask again."
    )
    assert note.parsed("reply_parameters")["message_id"] == update["message"]["message_id"]


peek = Skill("peek")


@peek.command("peek", help=_("Buttons whose answers are for the presser alone"))
async def peek_card(ctx: Context) -> None:
    buttons = [Button(_("Short"), "peek.show", "short"), Button(_("Long"), "peek.show", "long")]
    await ctx.reply(Message(_("👀 Peek"), buttons=buttons))


@peek.action("show")
async def peek_show(ctx: Context, value: str) -> None:
    if value == "short":
        await ctx.reply(_("Only you see this."), ephemeral=True)
    else:
        await ctx.reply(_("Only you see this, {more}", more="and more " * 40), ephemeral=True)


async def test_a_press_answered_for_the_presser_alone_is_an_alert_or_goes_to_the_dm(
    fake_telegram: FakeTelegram, database_url: str
) -> None:
    fake = fake_telegram
    bot = await make_bot(fake, database_url, extra=(peek,))
    try:
        fake.message(user=ALICE, chat=GROUP, text="/peek")
        card = (await fake.wait_for(lambda: fake.calls_to("sendMessage")))[0]
        keyboard = card.parsed("reply_markup")["inline_keyboard"]
        short, long = (b["callback_data"] for row in keyboard for b in row)
        fake.callback(user=BOB, message=card.result, data=short)
        alert = (await fake.wait_for(lambda: fake.calls_to("answerCallbackQuery")))[0]
        assert (alert.args["text"], alert.args["show_alert"]) == ("Only you see this.", "true")
        fake.callback(user=BOB, message=card.result, data=long)
        answer = await fake.wait_for(lambda: shown(fake.calls, 1002))
        assert answer[0].startswith("Only you see this, and more and more")
        alerts = await fake.wait_for(lambda: fake.calls_to("answerCallbackQuery")[1:])
        assert (alerts[0].args["text"], alerts[0].args["show_alert"]) == (
            "📬 Sent to you privately.",
            "true",
        )
        await asyncio.sleep(0.3)
        assert shown(fake.calls, -100) == ["👀 Peek"]
    finally:
        await bot.stop()
