"""A form's fields go through the command parser: named or in any order, each type read as a
parameter of that type is, and every problem reported, one per field (a command stops at its
first)."""

from datetime import time
from typing import Annotated

import pytest

from bot import (
    Choice,
    Context,
    Fields,
    Lines,
    MaxLength,
    Money,
    PersonRef,
    Rest,
    Skill,
    Text,
    UsageError,
    _,
)

skill = Skill("trips")

TRIP = Fields(
    {
        "cost": Money,
        "kind": Annotated[str, Choice({"visit": _("Client visit"), "fair": "fair"})],
        "buddy": PersonRef,
        "note": Annotated[Rest, MaxLength(20)],
    },
    optional={"buddy", "note"},
)


def _shown(read_values: dict) -> Text:
    parts = [
        Text("{name}={value}", {"name": n, "value": v.mention if isinstance(v, PersonRef) else v})
        for n, v in read_values.items()
    ]
    return Text("{parts}", {"parts": Lines(parts)})


@skill.command("trip", help=_("File a trip"))
async def trip(ctx: Context, fields: Rest = "") -> None:
    read = await ctx.parse_fields(fields, TRIP)
    if read.problems:
        shown = [Text("{kind} {text}", {"kind": p.kind, "text": p.text}) for p in read.problems]
        raise UsageError(Text("{problems}", {"problems": Lines(shown)}))
    await ctx.reply(_shown(read.values))


SHIFT = Fields({"from": time, "to": time})  # Python keywords, as fields people type


@skill.command("shift", help=_("A shift"))
async def shift(ctx: Context, fields: Rest = "") -> None:
    read = await ctx.parse_fields(fields, SHIFT)
    if read.problems:
        await ctx.reply(Text("{lines}", {"lines": Lines([p.text for p in read.problems])}))
    else:
        await ctx.reply(_shown(read.values))


@skill.command("memo", help=_("A short memo"))
async def memo(ctx: Context, text: Annotated[Rest, MaxLength(10)]) -> None:
    await ctx.reply(text)


PEOPLE = """
people:
  - {id: alice, accounts: {console: alice}}
  - {id: bob, accounts: {console: bob}}
  - {id: lin, accounts: {console: lin}, language: zh}
"""


@pytest.fixture
async def chat(deskmate):
    return await deskmate(skill, config=PEOPLE)


async def test_fields_are_named_or_given_in_any_order_and_come_in_the_fields_order(chat):
    out = await chat.say("alice", "/trip fair @bob 120 met the team")
    assert out.one().text == "cost=CN¥120.00\nkind=fair\nbuddy=@bob\nnote=met the team"
    out = await chat.say("alice", '/trip note:"by train" kind: visit cost:¥80')
    assert out.one().text == "cost=CN¥80.00\nkind=visit\nnote=by train"


async def test_a_choice_is_typed_by_its_value_or_its_label_in_the_readers_language(chat):
    out = await chat.say("alice", '/trip 50 kind:"client visit"')
    assert out.one().text == "cost=CN¥50.00\nkind=visit"


async def test_every_problem_is_reported_one_per_field(chat):
    out = await chat.say("alice", "/trip -5 @nobody holiday colour:red")
    assert out.one().text == (
        "unknown colour is not a field here — the fields: cost, kind, buddy, note\n"
        "invalid cost: '-5' must be more than zero — e.g. 120\n"
        "missing kind is missing\n"
        "invalid buddy: unknown person @nobody — mention someone the bot knows"
    )  # -5 and @nobody read as no field, but are claimed by theirs; holiday is the note
    out = await chat.say("alice", "/trip 10 fair " + "x" * 30)
    assert out.one().text == "invalid note: the text is 30 characters long — keep it under 20"


async def test_a_command_stops_at_its_first_problem(chat):
    out = await chat.say("alice", "/memo")
    assert out.one().text == "text is missing\nUsage: /memo <text…>"


async def test_a_word_no_field_takes_is_reported(chat):
    out = await chat.say("alice", "/trip 10 fair note:ok stray")
    assert out.one().text == "unexpected Unexpected 'stray'"


async def test_a_commands_text_parameter_keeps_its_max_length(chat):
    assert (await chat.say("alice", "/memo short")).one().text == "short"
    out = await chat.say("alice", "/memo far too long for it")
    assert out.one().text == (
        "text: the text is 19 characters long — keep it under 10\nUsage: /memo <text…>"
    )


async def test_a_field_may_be_named_like_a_python_keyword(chat):
    out = await chat.say("alice", "/shift from:09:00 to:18:00")
    assert out.one().text == "from=09:00\nto=18:00"
    out = await chat.say("alice", "/shift to:25:00")
    assert "from is missing" in out.one().text
