"""The group commit without savepoints while no handler fails (issue 18): what each person sees
and what is stored is the same as with a savepoint per handler."""

import asyncio

import pytest
from sqlalchemy import text

from bot import event_loop
from tests.bot.sample_skill import skill

PEOPLE = """
people:
  - {id: alice, accounts: {console: alice}}
  - {id: rita, accounts: {console: rita}}
"""


@pytest.fixture
async def chat(deskmate):
    return await deskmate(skill, config=PEOPLE)


async def notes(chat) -> list[str]:
    async with chat.bot.db.transaction() as session:
        rows = (await session.exec(text("SELECT text FROM sample_notes ORDER BY id"))).all()
    return [r[0] for r in rows]


async def test_a_group_without_failures_stores_every_row_once(chat):
    await asyncio.gather(*(chat.say("alice", f"/note n{i}") for i in range(12)))
    assert sorted(s.text for s in chat.chat()) == sorted(f"Noted: n{i}" for i in range(12))
    assert sorted(await notes(chat)) == sorted(f"n{i}" for i in range(12))


async def test_newcomers_in_a_group_with_a_failure_are_known_once(chat):
    await asyncio.gather(
        chat.say("nina", "/note from nina"),
        chat.say("omar", "/boom never stored"),
        chat.say("alice", "/ping"),
        chat.say("nina", "/note again"),
    )
    answers = [s.text for s in chat.chat()]
    assert answers[0] == "Noted: from nina"
    assert answers[1].startswith("Something went wrong (ref ")
    assert answers[2:] == ["pong, @alice", "Noted: again"]
    assert await notes(chat) == ["from nina", "again"]
    async with chat.bot.db.transaction() as session:
        handles = (await session.exec(text("SELECT handle FROM people ORDER BY handle"))).all()
    assert [h[0] for h in handles] == ["alice", "nina", "omar", "rita"]
    assert chat.inbox("omar") == []


async def test_groups_after_a_failure_still_undo_only_the_failing_handler(chat):
    await asyncio.gather(chat.say("alice", "/boom first"), chat.say("rita", "/note kept"))
    await asyncio.gather(
        chat.say("alice", "/note one"), chat.say("rita", "/boom second"), chat.say("alice", "/ping")
    )
    await asyncio.gather(chat.say("alice", "/note two"), chat.say("rita", "/note three"))
    assert await notes(chat) == ["kept", "one", "two", "three"]


def counted(chat, name: str, **labels: str) -> float:
    """A series as /metrics shows it."""
    return chat.bot.metrics.registry.get_sample_value(name, labels) or 0


async def test_a_bad_value_in_a_group_is_answered_in_place_without_a_replay(chat):
    await asyncio.gather(
        chat.say("alice", "/note one"), chat.say("rita", "/half 3"), chat.say("alice", "/note two")
    )
    answers = [s.text for s in chat.chat()]
    assert answers[0] == "Noted: one"
    assert answers[1].startswith("3 is odd — give an even number, e.g. /half 4")
    assert answers[2] == "Noted: two"
    assert await notes(chat) == ["one", "two"]
    # each handler ran once, and each event went through one transaction: none was run again
    assert counted(chat, "deskmate_handler_seconds_count", command="/note") == 2
    assert counted(chat, "deskmate_handler_seconds_count", command="/half") == 1
    assert counted(chat, "deskmate_transaction_events_sum") == 3


async def test_a_replayed_group_is_counted_once_in_the_metrics(chat):
    await asyncio.gather(
        chat.say("alice", "/note one"), chat.say("rita", "/boom gone"), chat.say("alice", "/ping")
    )
    assert await notes(chat) == ["one"]
    assert counted(chat, "deskmate_handler_seconds_count", command="/note") == 1
    assert counted(chat, "deskmate_handler_seconds_count", command="/boom") == 1
    assert counted(chat, "deskmate_handler_seconds_count", command="/ping") == 1
    assert counted(chat, "deskmate_transaction_events_sum") == 3


async def test_a_chat_language_set_by_a_handler_that_failed_is_not_remembered(chat):
    """Its savepoint rolled back: what it read is not kept for the next events either."""
    out = await chat.say("alice", "/relang zh")
    assert out[0].text.startswith("Something went wrong (ref ")
    out = await chat.say("alice", "/stock AB-12")
    assert out[0].text.startswith("AB-12: 1 in stock")  # still English, as stored


def test_deskmate_run_uses_uvloop_where_it_is_installed(monkeypatch):
    pytest.importorskip("uvloop")

    async def loop_kind() -> str:
        return type(asyncio.get_running_loop()).__module__.split(".")[0]

    assert event_loop.run(loop_kind()) == "uvloop"
    monkeypatch.setenv("DESKMATE_EVENT_LOOP", "asyncio")
    assert event_loop.run(loop_kind()) == "asyncio"
