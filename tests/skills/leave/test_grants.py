"""The daily grant job: seniority tiers, the hire anniversary, monthly grants, carry-over and
expiry on the right dates, and a job run twice (or on two instances) granting once."""

from datetime import UTC, date, datetime, timedelta

from sqlmodel import select

from skills.admin import skill as admin
from skills.approvals import skill as approvals
from skills.leave import daily
from skills.leave import skill as leave
from skills.leave.models import LedgerEntry

from .conftest import MONDAY
from .conftest import WITHOUT_CLOCKIN as CONFIG


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


async def rows(chat, handle):
    async with chat.bot.db.transaction() as session:
        person = await chat.bot.directory.by_handle(session, handle)
        found = await session.exec(
            select(LedgerEntry).where(LedgerEntry.person_id == person.id).order_by(LedgerEntry.id)
        )
        return [(r.kind, r.type, r.hundredths, r.on, r.expires_on) for r in found.all()]


async def move_to(chat, day):
    """Move the clock in steps the harness allows (the grant job runs every day on the way)."""
    while chat.bot.clock.now() < at(day):
        await chat.set_time(min(at(day), chat.bot.clock.now() + timedelta(days=300)))


async def test_a_year_of_grants_by_tier_on_1_january_and_monthly(deskmate):
    chat = await deskmate(approvals, leave, config=CONFIG, start=MONDAY)
    await move_to(chat, date(2027, 1, 2))
    annual = [r for r in await rows(chat, "alice") if r[1] == "annual"]
    # hired 2020-03-10: 6 full years on 1 Jan 2027, tier 1+ (10 d), carried until 31 Mar 2028
    assert annual == [("grant", "annual", 1000, date(2027, 1, 1), date(2028, 4, 1))]
    mike = [r for r in await rows(chat, "mike") if r[1] == "annual"]
    assert mike[0][2] == 1500  # 11 years: the 10+ tier
    bob = [r for r in await rows(chat, "bob") if r[1] == "annual"]
    assert bob[-1][2:4] == (500, date(2027, 1, 1))  # hired 2026-11-01: the first tier
    await move_to(chat, date(2027, 12, 31))
    sick = [r for r in await rows(chat, "alice") if r[:2] == ("grant", "sick")]
    months = [date(2026, 11, 1), date(2026, 12, 1)] + [date(2027, m, 1) for m in range(1, 13)]
    assert [r[3] for r in sick] == months  # November caught up on the first run
    assert all(r[2] == 100 and r[4] == r[3].replace(year=r[3].year + 1) for r in sick)


async def test_anniversary_grants_follow_the_hire_date(deskmate):
    config = CONFIG.replace("every: year\n", "every: year\n          at: anniversary\n")
    config = config.replace("expiry: {carry_until: 03-31}", "expiry: {months: 15}")
    chat = await deskmate(approvals, leave, config=config, start=MONDAY)
    await move_to(chat, date(2027, 11, 2))
    bob = [r[:4] for r in await rows(chat, "bob") if r[1] == "annual"]
    # his hire day (year 0, caught up on the first run) and his first anniversary (year 1)
    assert bob == [
        ("grant", "annual", 500, date(2026, 11, 1)),
        ("grant", "annual", 1000, date(2027, 11, 1)),
    ]
    alice = [r[:4] for r in await rows(chat, "alice") if r[1] == "annual"]
    assert alice == [("grant", "annual", 1000, date(2027, 3, 10))]  # 7 years on 10 Mar


async def test_carried_days_expire_after_31_march_and_the_balance_says_so(deskmate):
    chat = await deskmate(approvals, leave, config=CONFIG, start=MONDAY)
    await move_to(chat, date(2027, 1, 2))
    await chat.say("hana", "/leave adjust @alice annual -3d took 3 days on paper", dm=True)
    await move_to(chat, date(2028, 2, 15))
    text = (await chat.say("alice", "/balance", dm=True)).one().text
    assert "• Annual leave: 17 d (7 d expire after Fri 31 Mar)" in text, text
    await move_to(chat, date(2028, 3, 31))
    assert [r for r in await rows(chat, "alice") if r[:2] == ("expire", "annual")] == []
    await move_to(chat, date(2028, 4, 1))
    expired = [r for r in await rows(chat, "alice") if r[:2] == ("expire", "annual")]
    assert expired == [("expire", "annual", -700, date(2028, 4, 1), None)]
    text = (await chat.say("alice", "/balance history annual", dm=True)).one().text
    assert "-7 d · Annual leave expired unused" in text, text


async def test_people_are_told_before_their_days_expire(deskmate):
    chat = await deskmate(approvals, leave, config=CONFIG, start=MONDAY)
    await move_to(chat, date(2028, 3, 3))
    told = [s.text for s in chat.inbox("alice") if "Annual leave expire" in s.text]
    assert told == [
        "⏳ 10 d of Annual leave expire on Fri 31 Mar — take them before then (/balance)."
    ]


async def test_a_grant_job_run_twice_grants_once(deskmate):
    chat = await deskmate(approvals, leave, config=CONFIG, start=MONDAY)
    await move_to(chat, date(2027, 1, 2))
    before = await rows(chat, "alice")
    await chat.restart()
    for _ in range(2):  # the job's function itself, past the core's once-per-due-time record
        async with chat.bot.db.transaction() as session:
            await daily(chat.bot.contexts.job(session, "leave", due_at=at(date(2027, 1, 2))))
    assert await rows(chat, "alice") == before


async def test_someone_hired_during_the_year_gets_the_share_of_the_days_left(deskmate):
    chat = await deskmate(approvals, leave, config=CONFIG, start=MONDAY)
    await move_to(chat, date(2027, 1, 2))
    bob = [r for r in await rows(chat, "bob") if r[1] == "annual"]
    # hired Sun 1 Nov 2026: 61 of the year's 365 days of 5 d is 0.84 d, down to a half day
    assert bob == [
        ("grant", "annual", 50, date(2026, 11, 1), date(2027, 4, 1)),
        ("grant", "annual", 500, date(2027, 1, 1), date(2028, 4, 1)),
    ]
    text = (await chat.say("bob", "/balance history annual", dm=True)).one().text
    assert "• Sun 1 Nov +0.5 d · Annual leave granted for 2026, pro-rated: 61 of its 365 days" in (
        text
    ), text
    alice = [r for r in await rows(chat, "alice") if r[1] == "annual"]
    assert [r[3] for r in alice] == [date(2027, 1, 1)]  # hired before 2026: no share of it


async def test_a_type_that_says_prorate_false_waits_for_1_january(deskmate):
    config = CONFIG.replace("every: year\n", "every: year\n          prorate: false\n")
    chat = await deskmate(approvals, leave, config=config, start=MONDAY)
    await move_to(chat, date(2027, 1, 2))
    bob = [r[2:4] for r in await rows(chat, "bob") if r[1] == "annual"]
    assert bob == [(500, date(2027, 1, 1))]


async def test_what_carries_over_is_capped_and_the_rest_expires_on_31_december(deskmate):
    config = CONFIG.replace("{carry_until: 03-31}", "{carry_until: 03-31, carry_max: 5}")
    chat = await deskmate(approvals, leave, config=config, start=MONDAY)
    await move_to(chat, date(2027, 1, 2))
    await chat.say("hana", "/leave adjust @alice annual -3d took 3 days on paper", dm=True)
    await move_to(chat, date(2027, 12, 31))
    assert [r for r in await rows(chat, "alice") if r[:2] == ("expire", "annual")] == []
    await move_to(chat, date(2028, 1, 2))
    expired = [r for r in await rows(chat, "alice") if r[:2] == ("expire", "annual")]
    assert expired == [("expire", "annual", -200, date(2027, 12, 31), None)]  # 7 d left, 5 carry
    text = (await chat.say("alice", "/balance history annual", dm=True)).one().text
    assert "• Fri 31 Dec -2 d · Annual leave over the carry-over cap of 5 d: expired at the end " \
        "of the year" in text, text  # fmt: skip
    text = (await chat.say("alice", "/balance", dm=True)).one().text
    assert "• Annual leave: 15 d" in text, text
    await chat.restart()
    async with chat.bot.db.transaction() as session:  # run again: nothing expires twice
        await daily(chat.bot.contexts.job(session, "leave", due_at=at(date(2028, 1, 2))))
    await move_to(chat, date(2028, 4, 2))
    expired = [r[2:4] for r in await rows(chat, "alice") if r[:2] == ("expire", "annual")]
    assert expired == [(-200, date(2027, 12, 31)), (-500, date(2028, 4, 1))]


async def test_someone_entered_long_after_their_first_day_still_gets_the_share(deskmate):
    dora = "  - {id: dora, accounts: {console: dora}, hired_on: 2026-03-02}\n"
    config = CONFIG.replace("teams:", dora + "teams:", 1)
    chat = await deskmate(approvals, leave, config=config, start=MONDAY)  # 23 Nov: 266 days on
    await move_to(chat, date(2026, 11, 24))
    dora_annual = [r[2:4] for r in await rows(chat, "dora") if r[1] == "annual"]
    # 2 Mar to 31 Dec: 305 of 365 days of 5 d is 4.18 d, down to a half day
    assert dora_annual == [(400, date(2026, 3, 2))]
    text = (await chat.say("dora", "/balance history annual", dm=True)).one().text
    assert "• Mon 2 Mar +4 d · Annual leave granted for 2026, pro-rated: 305 of its 365 days" in (
        text
    ), text
    alice = [r for r in await rows(chat, "alice") if r[1] == "annual"]
    assert alice == []  # a year that began before the bot did: HR enters opening balances


async def test_nothing_is_granted_to_someone_who_left(deskmate):
    chat = await deskmate(admin, approvals, leave, config=CONFIG, start=MONDAY)
    await move_to(chat, date(2026, 11, 24))
    before = await rows(chat, "bob")
    assert [r[3] for r in before] == [date(2026, 11, 1)] * 2  # annual and sick, from his first day
    out = await chat.say("hana", "/people offboard @bob")
    assert out.one().text.startswith("👋 @bob has left"), out.one().text
    await move_to(chat, date(2027, 1, 2))  # a monthly grant on 1 Dec, a yearly one on 1 Jan
    assert await rows(chat, "bob") == before
    assert len(await rows(chat, "alice")) == 4  # sick Nov, Dec, Jan; annual 2027
