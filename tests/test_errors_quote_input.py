"""Errors quote what people typed by its first words only: every command of every skill, given
a 10 kB word where it expects a number, a name, a mention, a team, a flow, a choice or a field,
answers with at most 40 characters of it — never the whole paste."""

import pytest

from bot.loader import installed_skills

CONFIG = """
org: {timezone: Asia/Shanghai}
people:
  - {id: alice, roles: [admin], team: eng, manager: mike}
  - {id: mike, team: eng}
teams: {eng: {leads: [mike]}}
skills:
  approvals:
    flows:
      leave:
        title: Leave
        fields:
          dates: {type: date_range}
          type: {type: choice, choices: [annual, sick]}
          days: {type: number, required: false}
          cost: {type: money, required: false}
          cover: {type: person, required: false}
          reason: {type: text, required: false}
        steps: [{approvers: [manager]}]
  clockin:
    schedules: {office: {start: "09:00", end: "18:00"}}
    teams: {eng: office}
"""
LONG = "Qz" * 5_000  # 10 kB, and no word of any skill
# where the long word goes: first, after a number, as a mention, an option, a team, a field...
SHAPES = [
    "{L}",
    "1 {L}",
    "@{L}",
    "#{L}",
    "--{L}",
    "--times {L}",
    "team:{L}",
    "@alice {L}",
    "month {L}",
    "export {L}",
    "vip add {L}",
    "leave dates:12-01 type:{L}",
    "leave dates:12-01 type:annual days:{L}",
    "leave dates:12-01 type:annual cover:{L}",
    "leave dates:{L} type:annual",
]
COMMANDS = sorted({c.name for s in installed_skills().values() for c in s.commands})
QUOTED_MOST = 40


@pytest.fixture
async def chat(deskmate):
    return await deskmate(*installed_skills().values(), config=CONFIG)


async def test_no_error_repeats_more_than_the_first_words_of_what_was_typed(chat):
    echoed = []
    for name in COMMANDS:
        for shape in SHAPES:
            typed = f"/{name} {shape.format(L=LONG)}"
            for sent in await chat.say("alice", typed):
                if sent.ephemeral_for and _longest_quote(sent.text) > QUOTED_MOST:
                    echoed.append((typed[:60], sent.text[:200]))
    assert echoed == []


async def test_a_long_word_is_quoted_by_its_start_and_an_ellipsis(chat):
    out = (await chat.say("alice", "/task done " + "7" * 100_000)).one()  # 100 kB
    assert out.text == (
        f"task number: '{'7' * 39}…' is not a whole number — e.g. 12\n"
        "Usage: /task done <number> [<note…>]"
    )
    out = (await chat.say("alice", "/request " + LONG)).one()
    assert out.text == f"There is no flow {LONG[:39]}… — the flows are: leave"


def _longest_quote(text: str) -> int:
    """The longest run of the long word (in any case) in ``text``."""
    folded, piece = text.casefold(), LONG.casefold()
    low, high = 0, len(piece)
    while low < high:  # the longest prefix of some window of LONG: it repeats "qz"
        mid = (low + high + 1) // 2
        if any(piece[i : i + mid] in folded for i in (0, 1)):
            low = mid
        else:
            high = mid - 1
    return low
