"""Thousands of random strings against every registered command's parser: the only failures are
usage errors with a message; nothing crashes, and a refused command writes nothing. A form's
fields, read by the same parser, never raise: each problem is reported."""

import asyncio
from datetime import UTC, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import SQLModel

from bot.errors import UsageError
from bot.i18n import Money
from bot.loader import installed_skills
from bot.parsing import (
    Choice,
    DateRange,
    Fields,
    MaxLength,
    ParseEnv,
    Rest,
    parse_args,
    parse_fields,
)
from bot.people import PersonRef
from bot.testing import make_harness
from bot.values import When
from tests.bot.sample_skill import skill as sample

SKILLS = [*installed_skills().values(), sample]
COMMANDS = [c for s in SKILLS for c in s.commands]
ALICE = PersonRef(1, "alice", "alice")

# what people type: words, mentions, options, numbers, dates, quotes, CJK and anything at all
PIECES = st.sampled_from(
    [
        "@alice",
        "@nobody",
        "@",
        "due:",
        "due:fri",
        "cc:@alice",
        "x:y",
        '"',
        "“",
        "'",
        "..",
        "-",
        "12-01",
        "2026-02-30",
        "25:00",
        "19:00-09:00",
        "¥",
        "120",
        "-5m",
        "30m",
        "明天",
        "下周一",
        "mine",
        "done",
        "leave",
        "0",
        "99999999999999",
        "\x00",
        "\n",
        "  ",
        "#12",
        "!high",
    ]
)
TEXT = st.one_of(
    st.text(max_size=80), st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=8).map(" ".join)
)


def env() -> ParseEnv:
    async def resolve(token: str) -> PersonRef | None:
        return ALICE if token.lower() == "@alice" else None

    return ParseEnv(
        When(datetime(2026, 11, 23, 4, tzinfo=UTC), ZoneInfo("Asia/Shanghai")),
        is_mention=lambda t: t.startswith("@") and len(t) > 1,
        resolve_mention=resolve,
    )


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(COMMANDS), TEXT)
def test_parsers_answer_or_raise_a_usage_error(command, text):
    try:
        args = asyncio.run(parse_args(text, command.params, env()))
    except UsageError as exc:
        problem = str(exc.text)
    else:
        assert set(args) == {p.name for p in command.params}
        return
    assert problem.strip(), "a usage error must say what is wrong"


FAILING = {"boom", "relang"}  # the sample skill's handlers that always fail, by design


def test_refused_commands_write_nothing(tmp_path):
    loop = asyncio.new_event_loop()
    chat = loop.run_until_complete(make_harness(SKILLS, tmp_path))
    loop.run_until_complete(chat.say("alice", "/help"))  # the bot knows alice is in the chat
    tables = list(SQLModel.metadata.tables)

    async def counts() -> dict[str, int]:
        return {t: await chat.count(t) for t in tables}

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.sampled_from([c for c in COMMANDS if c.name not in FAILING]), TEXT)
    def check(command, text):
        before = loop.run_until_complete(counts())
        out = loop.run_until_complete(chat.say("alice", f"/{command.name} {text}"))
        refused = bool(out) and all(s.ephemeral_for for s in out)  # only the sender was told
        assert not any("Something went wrong" in s.text for s in out), out.text
        if refused:
            assert loop.run_until_complete(counts()) == before

    try:
        check()
    finally:
        loop.run_until_complete(chat.close())
        loop.close()


FORM = Fields(
    {
        "cost": Money,
        "kind": Annotated[str, Choice({"visit": "Client visit", "fair": "fair"})],
        "who": PersonRef,
        "dates": DateRange,
        "note": Annotated[Rest, MaxLength(20)],
    },
    optional={"who", "note"},
)


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_fields_never_raise_and_each_field_has_a_value_or_one_problem(text):
    """A form reports every problem instead of raising; a field has a value, or one problem,
    or (optional and not given) neither."""
    read = asyncio.run(parse_fields(text, FORM, env()))
    own = [p.name for p in read.problems if p.kind in ("missing", "invalid")]
    assert len(own) == len(set(own))
    assert not set(own) & set(read.values)
    assert {"cost", "kind", "dates"} <= set(own) | set(read.values)


@pytest.mark.parametrize(
    ("given", "problems"),
    [
        ({"cost": "12", "kind": "fair", "dates": "12-01"}, []),
        (
            {"cost": "x", "kind": "Client visit", "dates": "12-01", "colour": "red"},
            ["colour", "cost"],
        ),
        ({"cost": "12", "who": "@bob"}, ["kind", "who", "dates"]),
    ],
)
def test_a_platform_forms_texts_are_read_by_the_same_fields(given, problems):
    read = asyncio.run(parse_fields(given, FORM, env()))
    assert [p.name for p in read.problems] == problems
