"""A skill teaches the parser a type with ``register_converter``: its commands read it, its
buttons carry it (``pack``), and a button whose value no longer reads gets the core's answer."""

from datetime import date
from decimal import Decimal

import pytest

from bot import DateRange, Money, pack, register_converter
from bot.errors import RegistrationError
from tests.bot.sample_skill import Sku, skill

PEOPLE = """
people:
  - {id: alice, accounts: {console: alice}}
  - {id: bob, accounts: {console: bob}, language: zh}
"""


@pytest.fixture
async def chat(deskmate):
    return await deskmate(skill, config=PEOPLE)


async def test_a_registered_type_is_read_by_a_command(chat):
    out = await chat.say("alice", "/stock ab-12 3")
    assert out.one().text == "AB-12: 3 in stock\n[Reserve] [Reserve (old card)]"


async def test_a_bad_value_of_a_registered_type_names_the_parameter_and_the_usage(chat):
    out = await chat.say("alice", "/stock 12")
    assert out.one().text == (
        "sku: '12' is not an article code — e.g. AB-12\nUsage: /stock <article> [<number>]"
    )
    zh = await chat.say("bob", "/stock 12")
    assert zh.one().text.startswith("sku：“12”不是商品编码——例如 AB-12")
    assert "/stock <商品> [<数字>]" in zh.one().text


async def test_a_button_carries_a_registered_type_to_its_typed_action(chat):
    await chat.say("alice", "/stock ab-12 3")
    pressed = await chat.press("bob", "Reserve")
    assert pressed.one().text == "@bob reserved 3 × AB-12"  # in the group, its language


async def test_a_button_whose_value_no_longer_reads_gets_the_core_answer(chat):
    await chat.say("alice", "/stock ab-12 3")
    pressed = await chat.press("alice", "Reserve (old card)")
    assert pressed.one().text == "This button no longer works — type /help to see the commands."


def test_pack_writes_each_value_as_its_converter_reads_it():
    assert pack(12) == "12"  # as the bare ids of cards posted before payloads were typed
    assert pack(Sku("AB-12"), 3) == "AB-12 3"
    assert pack(DateRange(date(2026, 12, 1), date(2026, 12, 3))) == "2026-12-01..2026-12-03"
    assert pack(Money(Decimal("35.5"), "USD")) == "35.5USD"
    assert pack("two words") == '"two words"'


def test_a_type_registered_twice_with_another_parser_is_refused():
    with pytest.raises(RegistrationError, match="registered already"):
        register_converter(Sku, lambda text, env: Sku(text), "<sku>")
