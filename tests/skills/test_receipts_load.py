"""Receipts under load: a big audience acknowledging at the same moment loses nothing, the card's
counter ends exact, and the card is edited a few times, not once per press (bench/ has the
5,000-person run)."""

import asyncio
import time
from datetime import UTC, datetime

from sqlalchemy import func
from sqlmodel import col, select

from skills.receipts import skill as receipts
from skills.receipts.models import Notice, Recipient
from storage.models import Chat, ChatMember, Person, PlatformAccount

AUDIENCE = 1000
# Telegram's limits for the in-memory chat: about one edit a second per chat
CONFIG = """
org: {timezone: Asia/Shanghai}
people:
  - {id: boss, roles: [admin]}
delivery:
  rate_limits:
    console:
      overall: {per_second: 30, burst: 30}
      per_chat: {per_second: 1, burst: 3}
"""


async def seen_in_the_chat(chat, handles):
    """Put people in the directory as members of the group chat, as if each had joined it (in
    one transaction: the joins are not what this test measures)."""
    await chat.say("boss", "/notice list")  # the chat and the sender exist
    now = chat.clock.now()
    async with chat.bot.db.transaction() as session:
        chat_id = (await session.exec(select(Chat.id).where(Chat.chat_id == "general"))).one()
        people = [Person(handle=h, name=h, created_at=now) for h in handles]
        session.add_all(people)
        await session.flush()
        for person in people:
            assert person.id is not None
            session.add(
                PlatformAccount(
                    person_id=person.id,
                    platform="console",
                    account_id=person.handle,
                    username=person.handle,
                )
            )
            session.add(ChatMember(chat_id=chat_id, person_id=person.id, updated_at=now))


async def test_a_thousand_people_acknowledging_at_once(deskmate):
    chat = await deskmate(
        receipts, config=CONFIG, start=datetime(2026, 11, 23, 2, tzinfo=UTC), with_help=False
    )
    bot, adapter = chat.bot, chat.adapter
    people = [f"p{i}" for i in range(AUDIENCE)]
    await seen_in_the_chat(chat, people)
    card = (await chat.say("boss", "/notice --ack All hands at 15:00"))[0]
    assert f"0/{AUDIENCE} acknowledged" in card.text

    presses = [adapter.press(who, "Got it ✓") for who in people]
    presses += [adapter.press(who, "Got it ✓") for who in people[:50]]  # pressed twice
    started = time.monotonic()
    await asyncio.gather(*(bot.handle(e) for e in presses))
    await bot.delivery.settle()
    elapsed = time.monotonic() - started

    async with bot.db.transaction() as session:
        acked = (
            await session.exec(
                select(func.count())
                .select_from(Recipient)
                .where(col(Recipient.acked_at).is_not(None))
            )
        ).one()
        notice = await session.get(Notice, 1)
    assert acked == AUDIENCE
    assert notice is not None
    assert notice.acked == AUDIENCE
    assert card.text.startswith(f"📢 #1 from @boss\nAll hands at 15:00\nReceipts: {AUDIENCE}/")
    assert f"Receipts: {AUDIENCE}/{AUDIENCE} acknowledged" in card.text
    assert "[Got it ✓]" not in card.text
    # within the chat's rate limit: a burst of three, then about one a second
    print(f"{len(presses)} presses in {elapsed:.1f} s, {card.edits} edits of the card")
    assert 1 <= card.edits <= 4 + elapsed
    assert bot.cards.edits_made == card.edits
    answers = [s for s in adapter.sent if s.ephemeral_for in people]
    assert len(answers) == AUDIENCE + 50


async def test_an_edit_still_waiting_is_made_when_the_bot_stops(deskmate):
    chat = await deskmate(
        receipts, config=CONFIG, start=datetime(2026, 11, 23, 2, tzinfo=UTC), with_help=False
    )
    bot, adapter = chat.bot, chat.adapter
    people = [f"p{i}" for i in range(6)]
    await seen_in_the_chat(chat, people)
    card = (await chat.say("boss", "/notice --ack All hands at 15:00"))[0]
    # six presses one after the other, nobody waiting for the edits: the chat allows three at once
    for who in people:
        await bot.handle(adapter.press(who, "Got it ✓"))
    await chat.restart()  # stops the bot (and starts a new one)
    assert "Receipts: 6/6 acknowledged" in card.text
    assert card.edits <= 4


TEAM_OF = 120
TEAM_CONFIG = (
    "org: {timezone: Asia/Shanghai}\npeople:\n  - {id: boss, roles: [admin]}\n"
    + "".join(f"  - {{id: m{i}, team: all}}\n" for i in range(TEAM_OF))
    + "delivery:\n  rate_limits:\n    console:\n"
    "      overall: {per_second: 1000, burst: 1000}\n"
    "      per_chat: {per_second: 1, burst: 3}\n"
)


async def test_everyone_pressing_in_their_dm_at_once_sees_their_own_copy_change(deskmate):
    """A team's notice puts a copy in each DM; when they all press at once, each copy changes
    to "You acknowledged" (the copies changing at the same moment are looked up together) and
    the card in the chat ends exact."""
    chat = await deskmate(
        receipts, config=TEAM_CONFIG, start=datetime(2026, 11, 23, 2, tzinfo=UTC), with_help=False
    )
    bot, adapter = chat.bot, chat.adapter
    card = (await chat.say("boss", "/notice team:all --ack Fire drill at 15:00"))[0]
    await bot.delivery.settle()
    people = [f"m{i}" for i in range(TEAM_OF)]
    copies = {who: chat.inbox(who)[-1] for who in people}
    presses = [adapter.press(who, "Got it ✓", on=copies[who]) for who in people]
    assert all(p is not None for p in presses)
    await asyncio.gather(*(bot.handle(e) for e in presses))
    await bot.delivery.settle()

    for who in people:
        assert copies[who].text == (
            "📢 #1 @boss asks you to acknowledge:\nFire drill at 15:00\n"
            "✅ You acknowledged · Mon 23 Nov 10:00"
        ), who
    assert card.text == (
        f"📢 #1 from @boss\nFire drill at 15:00\nReceipts: {TEAM_OF}/{TEAM_OF} acknowledged\n"
        "✅ Everyone acknowledged"
    )
    assert chat.inbox("boss")[-1].text == f"✅ Everyone acknowledged #1 ({TEAM_OF} people)."
    answers = [s for s in adapter.sent if s.ephemeral_for in people]
    assert len(answers) == TEAM_OF


async def test_everyone_pressing_at_once_is_answered_before_any_copy_is_redrawn(
    deskmate, monkeypatch
):
    """The people waiting for their press to count go first: the copies in their DMs and the
    chat's card are redrawn once every press waiting has been handled (bounded, so redrawing
    still goes on while presses keep coming; the bound is lifted here)."""
    monkeypatch.setattr("bot.cards.AFTER_EVENTS_SECONDS", 60.0)
    chat = await deskmate(
        receipts, config=TEAM_CONFIG, start=datetime(2026, 11, 23, 2, tzinfo=UTC), with_help=False
    )
    bot, adapter = chat.bot, chat.adapter
    await chat.say("boss", "/notice team:all --ack Fire drill at 15:00")
    await bot.delivery.settle()
    people = [f"m{i}" for i in range(TEAM_OF)]
    presses = [adapter.press(who, "Got it ✓", on=chat.inbox(who)[-1]) for who in people]
    shown: list[str] = []
    for name in ("send_ephemeral", "update"):
        method = getattr(adapter, name)

        async def recorded(*args, _method=method, _name=name, **kwargs):
            shown.append(_name)
            return await _method(*args, **kwargs)

        monkeypatch.setattr(adapter, name, recorded)
    await asyncio.gather(*(bot.handle(e) for e in presses if e is not None))
    await bot.delivery.settle()

    answers = [i for i, what in enumerate(shown) if what == "send_ephemeral"]  # "✅ Counted"
    edits = [i for i, what in enumerate(shown) if what == "update"]
    assert len(answers) == TEAM_OF
    assert len(edits) >= TEAM_OF  # each copy, and the card
    assert max(answers) < min(edits)
