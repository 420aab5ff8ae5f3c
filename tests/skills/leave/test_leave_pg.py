"""On PostgreSQL, where two instances and two transactions really run at once: the grant job on
two instances grants once, and two approvals at once cannot both spend the last day."""

import asyncio
from datetime import UTC, datetime

from sqlmodel import select

from skills.approvals import skill as approvals
from skills.leave import daily, ledger
from skills.leave import skill as leave
from skills.leave.models import LedgerEntry

from .conftest import MONDAY
from .conftest import WITHOUT_CLOCKIN as CONFIG

FOUR_APPROVERS = ("mike", "carol", "dave", "erin")
FOUR = CONFIG.replace(
    "steps: [{approvers: [manager]}]", f"steps: [{{approvers: [{', '.join(FOUR_APPROVERS)}]}}]"
).replace(
    "people:\n",
    "people:\n"
    + "".join(f"  - {{id: {p}, accounts: {{console: {p}}}}}\n" for p in FOUR_APPROVERS[1:]),
)
NEW_YEAR = datetime(2027, 1, 1, 16, 5, tzinfo=UTC)  # Sat 2 Jan 00:05 in Shanghai


async def grants(chat):
    async with chat.bot.db.transaction() as session:
        found = await session.exec(select(LedgerEntry.key).where(LedgerEntry.kind == "grant"))
        return sorted(found.all())


async def test_the_grant_job_on_two_instances_grants_once(deskmate, pg_url):
    one = await deskmate(approvals, leave, config=CONFIG, start=MONDAY, database_url=pg_url)
    two = await deskmate(approvals, leave, config=CONFIG, start=MONDAY, database_url=pg_url)
    await asyncio.gather(one.set_time(NEW_YEAR), two.set_time(NEW_YEAR))
    once = await grants(one)
    assert len(once) == len(set(once)) > 0

    async def run(chat):  # the job's own function, at the same moment on both instances
        async with chat.bot.db.transaction() as session:
            await daily(chat.bot.contexts.job(session, "leave", due_at=NEW_YEAR))

    await asyncio.gather(run(one), run(two), run(one), run(two))
    assert await grants(one) == once
    assert any(k.startswith("grant:annual:") and k.endswith(":2027") for k in once)


async def test_two_approvals_at_once_cannot_both_spend_the_last_day_on_postgresql(
    deskmate, pg_url, monkeypatch
):
    """Each approval by another approver (the directory writes each sender's row) on its own
    instance (its own transaction), all at the same moment."""
    bots = [
        await deskmate(approvals, leave, config=FOUR, start=MONDAY, database_url=pg_url)
        for _ in range(4)
    ]
    chat = bots[0]
    await chat.say("hana", "/leave grant @alice annual 4d", dm=True)
    for day in ("11-26", "11-27", "11-30", "12-01"):
        await chat.say("alice", f"/request leave dates:{day} type:annual", dm=True)
    await chat.say("hana", "/leave adjust @alice annual -3d counted twice", dm=True)

    async def slow_balance(ctx, person_id, type_):  # each approval reads, then dawdles
        found = await read_balance(ctx, person_id, type_)
        await asyncio.sleep(0.1)
        return found

    read_balance = ledger.balance
    monkeypatch.setattr(ledger, "balance", slow_balance)
    await asyncio.gather(
        *(
            bot.say(who, f"/approve {n}", dm=True)
            for n, (who, bot) in enumerate(zip(FOUR_APPROVERS, bots, strict=True), 1)
        )
    )
    async with chat.bot.db.transaction() as session:
        uses = (await session.exec(select(LedgerEntry).where(LedgerEntry.kind == "use"))).all()
    assert len(uses) == 1  # 4 - 3 = 1 day: one approval of four spends it
    answers = [bot.inbox(who)[-1].text for who, bot in zip(FOUR_APPROVERS, bots, strict=True)]
    assert sum("nothing was approved" in a for a in answers) == 3, answers
