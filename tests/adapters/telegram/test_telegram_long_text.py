"""Telegram takes at most 4,096 characters of visible text a message, however long its markup:
a long message keeps its markup while what it shows fits; past the limit it is sent as several
messages split where lines end, and only a single line longer than the limit is cut."""

import pytest

from adapters.telegram import render
from bot import Button, Context, Message, Skill
from bot.adapter import DeliveryFailed, Destination
from bot.app import Bot
from bot.markup import Span
from bot.messages import RenderedButton, RenderedMessage
from tests.adapters.telegram.conftest import BOB, GROUP, make_bot
from tests.adapters.telegram.fake_telegram import FakeTelegram


def message(*spans: Span) -> RenderedMessage:
    return RenderedMessage(text=list(spans), fields=[], buttons=[], files=[], context=[])


def test_markup_does_not_count_against_the_limit():
    lines = [Span(f"/command{i} — what it does\n", bold=i % 2 == 0) for i in range(140)]
    shown = "".join(s.text for s in lines)
    assert 3_500 < len(shown) < 4_096 < len(render.text(message(*lines)))
    body = render.text(message(*lines))
    assert body.startswith("<b>/command0 — what it does")
    assert "/command139" in body


def test_past_the_limit_the_visible_text_is_cut_there_and_never_inside_an_entity():
    body = render.text(message(Span("a < b & " * 600)))  # 4,800 visible characters
    assert body.endswith("…")
    assert "<" not in body.replace("&lt;", "")
    assert len(body.replace("&lt;", "<").replace("&amp;", "&")) == 4_096


def test_a_text_over_the_limit_is_split_where_lines_end_and_the_rest_goes_with_the_last():
    lines = [Span(f"/command{i} — what it does, at some length\n", bold=i == 0) for i in range(200)]
    long = RenderedMessage(
        text=lines,
        fields=[("Asked", [Span("today")])],
        buttons=[RenderedButton("Done", "tasks.done", "12", "primary")],
        files=[],
        context=[Span("tip: /help task")],
    )
    parts = render.parts(long)
    assert len(parts) == 3
    shown = [p.replace("<b>", "").replace("</b>", "") for p in map(render.text, parts)]
    assert all(len(s) <= 4_096 for s in shown)
    assert shown[0].startswith("/command0 — what it does")
    assert "/command199" in shown[2]
    assert "\n".join(s.split("\n<i>")[0] for s in shown).count("/command") == 200  # none lost
    assert [bool(p.buttons) for p in parts] == [False, False, True]
    assert render.text(parts[2]).endswith("<b>Asked</b>: today\n<i>tip: /help task</i>")
    assert not any(s.endswith("…") for s in shown)


def test_a_message_that_fits_is_one_part():
    short = message(Span("/help — all commands\n" * 10))
    assert render.parts(short) == [short]


long_skill = Skill("long", description="A long answer")


@long_skill.command("long", help="Answers at length")
async def answer_at_length(ctx: Context) -> None:
    lines = "\n".join(f"/command{i} — what it does, at some length" for i in range(150))
    await ctx.reply(Message(lines, buttons=[Button("Done", "long.done")]))


@long_skill.action("done")
async def done(ctx: Context) -> None:
    await ctx.reply("done")


async def test_a_long_answer_arrives_whole_in_two_messages(
    fake_telegram: FakeTelegram, database_url: str
) -> None:
    fake = fake_telegram
    bot = await make_bot(fake, database_url, extra=(long_skill,))
    try:
        fake.message(user=BOB, chat=GROUP, text="/long")
        await fake.wait_for(lambda: len(fake.calls_to("sendMessage")) >= 2)
    finally:
        await bot.stop()
    first, second = fake.calls_to("sendMessage")
    assert first.args["text"].startswith("/command0 — what it does")
    assert second.args["text"].endswith("/command149 — what it does, at some length")
    assert "reply_parameters" in first.args  # the first part answers the command
    assert "reply_markup" not in first.args
    assert "Done" in second.args["reply_markup"]


async def test_a_long_message_sent_again_after_a_failure_sends_only_what_had_not_gone(
    fake_telegram: FakeTelegram, telegram: Bot
) -> None:
    """The outbox sends a message again when sending failed; of a long one, the parts that
    had gone before the failure are not sent twice."""
    fake = fake_telegram
    adapter = telegram.adapters["telegram"]
    lines = [Span(f"/command{i} — what it does, at some length\n") for i in range(150)]
    long = message(*lines)
    to = Destination("telegram", chat_id=str(GROUP["id"]))
    fake.fail_next("sendMessage", retry_after=1)  # the first part fails: nothing went
    with pytest.raises(DeliveryFailed):
        await adapter.send(to, long)
    await adapter.send(to, long)  # both parts
    sent = [c.args["text"] for c in fake.calls_to("sendMessage") if c.status == 200]
    assert len(sent) == 2
    fake.fail_next("sendMessage", retry_after=1, after=1)  # the first part goes, not the second
    with pytest.raises(DeliveryFailed):
        await adapter.send(to, long)
    await adapter.send(to, long)  # again: the second part alone
    sent = [c.args["text"] for c in fake.calls_to("sendMessage") if c.status == 200]
    assert len(sent) == 4
    assert sent[2].startswith("/command0")
    assert sent[3].rstrip().endswith("/command149 — what it does, at some length")


def test_no_part_is_blank():
    """Telegram refuses an empty message: long fields with no text stay one message (cut), and
    a text whose split leaves only a line end makes no part of its own."""
    fields_only = RenderedMessage(
        text=[], fields=[("Log", [Span("x" * 5000)])], buttons=[], files=[], context=[]
    )
    assert render.parts(fields_only) == [fields_only]
    exact = message(Span("y" * 4000 + "\n" + "z" * 95 + "\n\n"))  # a first part of 4,096
    assert [len(render.text(p)) for p in render.parts(exact)] == [4_096]  # the "\n\n" dropped
