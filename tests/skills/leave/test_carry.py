"""The carry-over cap holds whatever order the January job, approvals and withdrawals of December
leave, and HR's backdated changes come in: it follows the balance of 31 December."""

from datetime import date

from skills.approvals import skill as approvals
from skills.leave import daily
from skills.leave import skill as leave

from .conftest import MONDAY
from .conftest import WITHOUT_CLOCKIN as CONFIG
from .test_grants import at, move_to, rows

CAPPED = CONFIG.replace("{carry_until: 03-31}", "{carry_until: 03-31, carry_max: 2}")


async def opening(deskmate):
    """alice (hired 2020: 10 d a year from 2027) with 5 d of 2026 on 1 December."""
    chat = await deskmate(approvals, leave, config=CAPPED, start=MONDAY)
    await move_to(chat, date(2026, 12, 1))
    await chat.say("hana", "/leave grant @alice annual 5d opening", dm=True)
    return chat


async def annual(chat, who="alice"):
    text = (await chat.say(who, "/balance", dm=True)).one().text
    return next(line for line in text.splitlines() if "Annual leave" in line)


async def test_a_december_leave_approved_after_the_cap_is_not_taken_twice(deskmate):
    chat = await opening(deskmate)
    await chat.say("alice", "/request leave dates:12-21..12-22 type:annual", dm=True)
    await move_to(chat, date(2027, 1, 2))  # the job caps 5 d to 2 d while 2 d are pending
    assert await annual(chat) == "• Annual leave: 12 d (2 d held by pending requests)"
    await chat.say("mike", "/approve 1", dm=True)
    # 5 - 2 taken on 21-22 Dec = 3 d on 31 December, 2 d of them carry: 12 d, not 10 d
    assert await annual(chat) == "• Annual leave: 12 d"
    text = (await chat.say("alice", "/balance history annual", dm=True)).one().text
    assert "• Thu 31 Dec +2 d · Annual leave back under the carry-over cap of 2 d: the year's " \
        "end balance changed" in text, text  # fmt: skip
    before = await rows(chat, "alice")
    for _ in range(2):  # the job again (or on another instance): nothing more
        async with chat.bot.db.transaction() as session:
            await daily(chat.bot.contexts.job(session, "leave", due_at=at(date(2027, 1, 3))))
    assert await rows(chat, "alice") == before
    # HR enters a December day late: the cap still lets 2 d carry
    await chat.say("hana", "/leave grant @alice annual 1d forgotten on:2026-12-15", dm=True)
    assert await annual(chat) == "• Annual leave: 12 d"
    await move_to(chat, date(2027, 4, 2))
    assert await annual(chat) == "• Annual leave: 10 d"


async def test_a_december_leave_withdrawn_after_january_carries_no_more_than_the_cap(deskmate):
    chat = await opening(deskmate)
    await chat.say("alice", "/request leave dates:12-10..12-11 type:annual", dm=True)
    await chat.say("mike", "/approve 1", dm=True)
    await move_to(chat, date(2027, 1, 2))  # 3 d left on 31 December: 1 d over the cap
    assert await annual(chat) == "• Annual leave: 12 d"
    await move_to(chat, date(2027, 2, 2))
    await chat.say("alice", "/request withdraw 1", dm=True)
    # the 2 d come back to 31 December: 5 d then, still only 2 d carry
    assert await annual(chat) == "• Annual leave: 12 d (2 d expire after Wed 31 Mar)"
    capped = [r[2:4] for r in await rows(chat, "alice") if r[0] == "expire"]
    assert sum(h for h, _ in capped) == -300
    await move_to(chat, date(2027, 4, 2))
    assert await annual(chat) == "• Annual leave: 10 d"


async def test_a_withdrawal_before_the_january_job_is_capped_by_it(deskmate):
    chat = await opening(deskmate)
    await chat.say("alice", "/request leave dates:12-10..12-11 type:annual", dm=True)
    await chat.say("mike", "/approve 1", dm=True)
    await move_to(chat, date(2026, 12, 20))
    await chat.say("alice", "/request withdraw 1", dm=True)
    await move_to(chat, date(2027, 1, 2))
    assert await annual(chat) == "• Annual leave: 12 d"
