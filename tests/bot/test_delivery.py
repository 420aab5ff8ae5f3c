"""The outbox: nothing lost across a crash, a 429 storm delays but loses nothing, permanent
failures are visible to admins, rate limits pace a chat."""

import asyncio
import random
import time
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from bot.adapter import DeliveryFailed
from bot.markup import plain_text
from skills.admin import skill as admin
from storage.models import OutboxRow
from tests.bot.sample_skill import skill as sample

PEOPLE = """
people:
  - {id: alice, accounts: {console: alice}, roles: [admin]}
  - {id: bob, accounts: {console: bob}}
"""


class Crash(BaseException):
    """The process dies (not an error anyone handles)."""


def fail_sends(chat, how):
    """Make the chat platform misbehave on DMs: ``how(n, ...)`` makes the n-th one."""
    real_send = chat.adapter.send
    calls = {"n": 0}

    async def send(to, message, **kw):
        if not to.is_dm:
            return await real_send(to, message, **kw)
        calls["n"] += 1
        return await how(calls["n"], real_send, to, message, **kw)

    chat.adapter.send = send
    return calls


def received(chat, who="bob"):
    return [s.text for s in chat.inbox(who)]


async def test_a_crash_mid_drain_loses_nothing_and_resends_at_most_the_one_in_flight(deskmate):
    chat = await deskmate(sample, config=PEOPLE)

    async def crash_after_sending_the_fifth(n, send, to, message, **kw):
        ref = await send(to, message, **kw)
        if n == 5:
            raise Crash  # sent, but the process dies before recording it
        return ref

    fail_sends(chat, crash_after_sending_the_fifth)
    await chat.say("alice", "/spam @bob 20")  # the drain dies after its fifth message
    assert len(received(chat)) == 5

    chat.adapter.send = type(chat.adapter).send.__get__(chat.adapter)
    await chat.restart()
    await chat.advance("2m")  # the crashed worker's lease runs out
    texts = received(chat)
    assert sorted(set(texts)) == sorted(f"message {i}" for i in range(20))
    assert len(texts) - 20 <= 1
    async with chat.bot.db.transaction() as session:
        statuses = (await session.exec(select(OutboxRow.status))).all()
    assert set(statuses) == {"sent"}


async def test_a_429_storm_delays_but_loses_nothing(deskmate):
    chat = await deskmate(sample, config=PEOPLE)
    rng = random.Random(7)

    async def too_many_requests(n, send, to, message, **kw):
        if rng.random() < 0.6:
            raise DeliveryFailed("429 Too Many Requests", retry_after=3)
        return await send(to, message, **kw)

    fail_sends(chat, too_many_requests)
    await chat.say("alice", "/spam @bob 30")
    for _ in range(200):
        await chat.advance(timedelta(seconds=3))
    assert sorted(received(chat)) == sorted(f"message {i}" for i in range(30))


async def test_retries_wait_as_long_as_the_platform_says(deskmate):
    chat = await deskmate(sample, config=PEOPLE)

    async def once_429(n, send, to, message, **kw):
        if n == 1:
            raise DeliveryFailed("429", retry_after=30)
        return await send(to, message, **kw)

    fail_sends(chat, once_429)
    await chat.say("alice", "/spam @bob 2")
    await chat.advance(timedelta(seconds=29))
    assert received(chat) == []
    await chat.advance(timedelta(seconds=1))
    assert received(chat) == ["message 0", "message 1"]


async def test_permanent_failures_are_marked_and_shown_to_admins(deskmate):
    chat = await deskmate(sample, admin, config=PEOPLE)

    async def blocked(n, send, to, message, **kw):
        raise DeliveryFailed("bot was blocked by the user", permanent=True)

    fail_sends(chat, blocked)
    await chat.say("alice", "/spam @bob 2")
    await chat.advance("1h")
    chat.adapter.send = type(chat.adapter).send.__get__(chat.adapter)
    report = (await chat.say("alice", "/deskmate outbox")).one().text
    assert report == (
        "📮 Outbox: 0 waiting (0 held for quiet hours), 0 sending, 0 sent, 2 failed; "
        "0 failed timers\nLatest failures:\n"
        "#2 to @bob · written Mon 23 Nov 01:00 · bot was blocked by the user\n"
        "#1 to @bob · written Mon 23 Nov 01:00 · bot was blocked by the user"
    )
    refused = (await chat.say("bob", "/deskmate outbox")).one()
    assert refused.text.startswith("Only people with the admin role can use /deskmate outbox")


async def test_a_chat_is_paced_by_its_rate_limit(deskmate):
    limits = """
delivery:
  rate_limits:
    console: {overall: {per_second: 1000, burst: 1000}, per_chat: {per_second: 20, burst: 1}}
"""
    chat = await deskmate(sample, config=PEOPLE + limits)
    started = time.monotonic()
    await chat.say("alice", "/spam @bob 6")
    assert time.monotonic() - started >= 0.2  # 5 waits of 1/20 s after the first message
    assert len(received(chat)) == 6


async def test_timers_fire_once_are_rekeyed_and_survive_a_restart(deskmate):
    chat = await deskmate(sample, config=PEOPLE)
    await chat.say("bob", "/remind 2h stretch")
    await chat.say("bob", "/remind 3h stretch again")  # the same key: moved, not added
    await chat.restart()
    await chat.advance("2h30m")
    assert received(chat) == []
    await chat.advance("30m")
    assert received(chat) == ["⏰ stretch again"]
    await chat.advance("1d")
    assert received(chat) == ["⏰ stretch again"]


async def test_a_cancelled_timer_never_fires(deskmate):
    chat = await deskmate(sample, config=PEOPLE)
    await chat.say("bob", "/remind 1h stretch")
    await chat.say("bob", "/unremind")
    await chat.advance("2h")
    assert received(chat) == []
    assert chat.clock.now() == datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


async def test_one_chats_backlog_does_not_hold_up_another(deskmate):
    limits = """
delivery:
  rate_limits:
    console: {overall: {per_second: 1000, burst: 1000}, per_chat: {per_second: 20, burst: 1}}
"""
    chat = await deskmate(
        sample, config=PEOPLE + "  - {id: carol, accounts: {console: carol}}\n" + limits
    )
    order = []
    real_send = chat.adapter.send

    async def send(to, message, **kw):
        order.append(to.account_id)
        return await real_send(to, message, **kw)

    chat.adapter.send = send
    backlog = chat.adapter.command("alice", "/spam @bob 15")
    urgent = chat.adapter.command("alice", "/spam @carol 1")
    await chat.bot.handle(backlog)
    await chat.bot.handle(urgent)
    await chat.bot.delivery.settle()
    dms = [who for who in order if who]
    assert dms.index("carol") < len(dms) - 1 - dms[::-1].index("bob")  # before bob's last


async def test_a_drain_that_lost_its_lease_does_not_send_again(deskmate, deskmate_database):
    """Two instances on one database: the first stalls in a send past its lease, the second takes
    the rows over; when the first wakes up only the message it was sending goes out twice."""
    url = await deskmate_database(sample)
    slow = await deskmate(sample, config=PEOPLE, database_url=url)
    fast = await deskmate(sample, config=PEOPLE, database_url=url)
    gate = asyncio.Event()
    real_send = slow.adapter.send

    async def stalled(to, message, **kw):
        if to.is_dm:
            await gate.wait()
        return await real_send(to, message, **kw)

    slow.adapter.send = stalled
    await slow.bot.handle(slow.adapter.command("alice", "/spam @bob 5"))
    await asyncio.sleep(0.05)  # the slow drain has claimed the rows and waits to send
    fast.clock.advance(timedelta(minutes=2))  # its lease runs out
    await fast.bot.delivery.drain()
    gate.set()
    await slow.bot.delivery.settle()
    texts = [s.text for s in slow.inbox("bob") + fast.inbox("bob")]
    assert sorted(set(texts)) == sorted(f"message {i}" for i in range(5))
    assert len(texts) <= 5 + 1  # the one in flight


async def test_someone_who_cant_be_messaged_privately_is_mentioned_where_it_began(deskmate):
    chat = await deskmate(sample, config=PEOPLE)
    chat.adapter.dm_invite = lambda: "https://t.me/deskmate_bot?start=hello"

    async def never_started(n, send, to, message, **kw):
        raise DeliveryFailed("Forbidden: bot can't initiate conversation", unreachable=True)

    fail_sends(chat, never_started)
    await chat.say("alice", "/assign @bob Ship it")
    first = chat.chat()[-1]
    assert first.where == "#general"
    assert first.text == (
        "@bob @alice assigned you Ship it\n"
        "@bob, I can't message you privately yet — open https://t.me/deskmate_bot?start=hello "
        "and press Start, and these will come to you in private.\n[Done]"
    )
    await chat.say("alice", "/assign @bob Fix it")
    assert chat.chat()[-1].text == "@bob @alice assigned you Fix it\n[Done]"  # asked once
    await chat.say("alice", "/assign @bob Again", dm=True)  # from a DM: nowhere to go
    async with chat.bot.db.transaction() as session:
        failed = (await session.exec(select(OutboxRow).where(OutboxRow.status == "failed"))).all()
    assert [r.last_error for r in failed] == ["Forbidden: bot can't initiate conversation"]


async def test_writing_to_the_bot_privately_again_reopens_the_dm(deskmate):
    chat = await deskmate(sample, config=PEOPLE)
    chat.adapter.dm_invite = lambda: "https://t.me/deskmate_bot?start=hello"
    await chat.say("bob", "/assign @alice Warm up", dm=True)  # bob is known, his DM works

    async def blocked(n, send, to, message, **kw):  # notifications only, not his own answers
        if to.account_id == "bob" and "assigned you" in plain_text(message.text):
            raise DeliveryFailed("Forbidden: bot was blocked by the user", unreachable=True)
        return await send(to, message, **kw)

    fail_sends(chat, blocked)
    await chat.say("alice", "/assign @bob Ship it")
    assert "I can't message you privately yet" in chat.chat()[-1].text
    await chat.say("bob", "/assign @alice Thanks", dm=True)  # he wrote to the bot again
    await chat.say("alice", "/assign @bob Fix it")  # blocked again: he is asked again
    assert "I can't message you privately yet" in chat.chat()[-1].text


async def test_a_backlog_of_several_batches_arrives_once_and_in_order(deskmate):
    """More rows than a drain claims at a time: the next batch is claimed while the earlier
    ones are still going out, and one person still gets each message once, in order."""
    chat = await deskmate(
        sample,
        config=PEOPLE + "delivery:\n  rate_limits:\n    console:\n"
        "      overall: {per_second: 10000, burst: 1000}\n"
        "      per_chat: {per_second: 10000, burst: 1000}\n",
    )
    await chat.say("alice", "/spam @bob 700")
    await chat.bot.delivery.settle()
    assert received(chat) == [f"message {i}" for i in range(700)]
