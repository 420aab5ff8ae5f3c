"""The same bot on PostgreSQL (the machine's server at 127.0.0.1:5432): migrations of the core and
of skills, a command that writes, a notification delivered, an event handled once."""

import asyncio

from bot.events import Command
from bot.testing import make_harness
from tests.bot.sample_skill import skill as sample


async def test_the_bot_runs_on_postgresql(deskmate, pg_url):
    chat = await deskmate(
        sample, config="people: [{id: bob, accounts: {console: bob}}]", database_url=pg_url
    )
    await chat.say("alice", "/note on postgres")
    assert await chat.count("sample_notes") == 1
    out = await chat.say("alice", "/assign @bob Ship it due:fri")
    assert chat.inbox("bob")[-1].text == "@alice assigned you Ship it\n[Done]"
    assert out[0].text.startswith("Assigned Ship it to @bob, due Fri 27 Nov 18:00")
    event = Command(
        "console",
        "dup-1",
        chat.adapter.account("alice"),
        chat.adapter.chat_ref("alice", False),
        name="note",
        text="once",
    )
    await chat.bot.handle(event)
    await chat.bot.handle(event)
    assert await chat.count("sample_notes") == 2


async def test_two_instances_drain_one_outbox_without_sending_twice(deskmate, pg_url, monkeypatch):
    monkeypatch.setattr("bot.delivery.settle.BATCH", 10)  # many small claims, so the two interleave
    config = "people: [{id: bob, accounts: {console: bob}}]"
    one = await deskmate(sample, config=config, database_url=pg_url)
    two = await deskmate(sample, config=config, database_url=pg_url)
    one.bot.delivery.drain = _no_drain  # queue only; both instances drain below
    await one.say("alice", "/spam @bob 300")
    await asyncio.gather(_real_drain(one), _real_drain(two))
    texts = [s.text for s in one.inbox("bob") + two.inbox("bob")]
    assert sorted(texts) == sorted(f"message {i}" for i in range(300))


async def _no_drain() -> int:
    return 0


async def _real_drain(chat) -> int:
    return await type(chat.bot.delivery).drain(chat.bot.delivery)


async def test_one_instance_at_a_time_runs_the_periodic_jobs(deskmate, pg_url):
    one = await deskmate(sample, database_url=pg_url)
    two = await deskmate(sample, database_url=pg_url)
    assert await one.bot.leadership.held()
    assert not await two.bot.leadership.held()
    assert await one.bot.leadership.held()  # still
    await one.close()
    assert await two.bot.leadership.held()  # takes over when the leader goes


async def test_instances_starting_together_both_load_the_directory(pg_url, tmp_path):
    """Two instances start at once on a new database with people in the config: each waits for
    the other's start-up writes instead of adding the same people twice."""
    config = "people: [{id: alice, roles: [admin]}, {id: bob, accounts: {console: bob}}]"
    folders = [tmp_path / "one", tmp_path / "two"]
    for folder in folders:
        folder.mkdir()
    both = await asyncio.gather(
        *(make_harness([sample], f, config=config, database_url=pg_url) for f in folders),
        return_exceptions=True,
    )
    try:
        assert not [r for r in both if isinstance(r, BaseException)], both
        assert await both[0].count("people") == 2
    finally:
        for harness in both:
            if not isinstance(harness, BaseException):
                await harness.close()
