"""Overtime (加班): on a rest day it becomes comp time, on a holiday pay, measured as the time
approved, the clock-ins, or the clock-ins within the approved window."""

from datetime import UTC, datetime

import pytest

from skills.approvals import skill as approvals
from skills.approvals.models import ApprovalRequest
from skills.clockin import skill as clockin
from skills.leave import skill as leave

from .conftest import CONFIG, MONDAY


def local(day, hour, minute=0):  # Shanghai wall-clock time as UTC
    return datetime(2026, 12 if day < 23 else 11, day, hour - 8, minute, tzinfo=UTC)


async def work(chat, day, start, end):
    await chat.set_time(local(day, *start))
    await chat.say("alice", "/in", dm=True)
    await chat.set_time(local(day, *end))
    await chat.say("alice", "/out", dm=True)


@pytest.mark.parametrize(
    ("measure", "credited"),
    [("approved", "4 h"), ("clockins", "4.5 h"), ("clockins_within", "3.5 h")],
)
async def test_overtime_on_a_rest_day_becomes_comp_time(deskmate, measure, credited):
    config = CONFIG.replace("rest_day: {measure: approved", f"rest_day: {{measure: {measure}")
    chat = await deskmate(approvals, clockin, leave, config=config, start=MONDAY)
    await chat.say("alice", "/request overtime date:11-28 from:10:00 to:14:00", dm=True)
    await chat.say("mike", "/approve 1", dm=True)
    await work(chat, 28, (10, 30), (15, 0))  # Saturday, a rest day
    await chat.set_time(local(29, 9))
    told = chat.inbox("alice")[-1].text
    assert told.startswith(f"🕘 Overtime #1 on Sat 28 Nov: {credited} counted — {credited} of ")
    assert f"• Comp time: {credited}" in (await chat.say("alice", "/balance", dm=True)).one().text


@pytest.mark.parametrize(
    ("measure", "paid"), [("approved", "4 h"), ("clockins", "4.5 h"), ("clockins_within", "3.5 h")]
)
async def test_overtime_on_a_holiday_is_paid_at_its_ratio(deskmate, measure, paid):
    config = CONFIG.replace("holiday: {measure: approved", f"holiday: {{measure: {measure}")
    chat = await deskmate(approvals, clockin, leave, config=config, start=MONDAY)
    await chat.say("alice", "/request overtime date:12-04 from:10:00 to:14:00", dm=True)
    await chat.say("mike", "/approve 1", dm=True)
    await work(chat, 4, (10, 30), (15, 0))  # Friday 4 December, a holiday in this calendar
    await chat.set_time(local(5, 9))
    told = [s.text for s in chat.inbox("alice") if s.text.startswith("🕘 Overtime")]
    assert told == [f"🕘 Overtime #1 on Fri 4 Dec: {paid} counted, paid at 3× (payroll)."]
    assert "• Comp time: 0 h" in (await chat.say("alice", "/balance", dm=True)).one().text


async def test_overtime_where_the_rules_forbid_it_is_refused(chat):
    out = await chat.say("alice", "/request overtime date:11-24 hours:2", dm=True)
    assert out.one().text.startswith("Overtime on Tue 24 Nov is not allowed: it is a workday.")
    out = await chat.say("alice", "/request overtime date:11-28", dm=True)
    assert out.one().text.startswith("Say how long: hours:3, or from:18:00 to:21:00")
    assert await chat.count(ApprovalRequest) == 0


async def test_withdrawn_overtime_takes_its_comp_time_back(chat):
    await chat.say("alice", "/request overtime date:11-28 hours:3", dm=True)
    await chat.say("mike", "/approve 1", dm=True)
    await chat.set_time(local(29, 9))
    assert "• Comp time: 3 h" in (await chat.say("alice", "/balance", dm=True)).one().text
    await chat.say("alice", "/request withdraw 1", dm=True)
    assert "• Comp time: 0 h" in (await chat.say("alice", "/balance", dm=True)).one().text


async def test_withdrawn_overtime_takes_back_only_what_is_left_of_its_own_credit(chat):
    await chat.say("alice", "/request overtime date:11-28 hours:3", dm=True)
    await chat.say("alice", "/request overtime date:11-29 hours:2", dm=True)
    await chat.say("mike", "/approve 1", dm=True)
    await chat.say("mike", "/approve 2", dm=True)
    await chat.set_time(local(30, 9))  # both credited; #1's credit expires first
    await chat.say("alice", "/request leave dates:12-01 type:comp hours:2", dm=True)
    await chat.say("mike", "/approve 3", dm=True)  # spends 2 h of #1's credit
    await chat.say("alice", "/request withdraw 1", dm=True)
    assert "• Comp time: 2 h" in (await chat.say("alice", "/balance", dm=True)).one().text
    history = (await chat.say("alice", "/balance history comp", dm=True)).one().text
    assert "-1 h · Comp time taken back, overtime #1 withdrawn (2 h of it already spent)" in history


async def test_withdrawn_overtime_leaves_the_credits_of_other_overtime_alone(deskmate):
    chat = await deskmate(
        approvals, clockin, leave, config=CONFIG + "    soon_days: 365\n", start=MONDAY
    )
    await chat.say("alice", "/request overtime date:11-28 hours:3", dm=True)
    await chat.say("alice", "/request overtime date:11-29 hours:2", dm=True)
    await chat.say("mike", "/approve 1", dm=True)
    await chat.say("mike", "/approve 2", dm=True)
    await chat.set_time(local(30, 9))
    await chat.say("alice", "/request withdraw 2", dm=True)
    text = (await chat.say("alice", "/balance", dm=True)).one().text
    assert "• Comp time: 3 h (3 h expire after Thu 27 May)" in text  # #1's credit, whole
    history = (await chat.say("alice", "/balance history comp", dm=True)).one().text
    assert "-2 h · Comp time taken back, overtime #2 withdrawn\n" in history + "\n"


async def test_overtime_clocked_without_a_request_is_pointed_out_once(chat):
    await work(chat, 28, (10, 10), (14, 50))  # Saturday, a rest day: 4 h 40 min, no request
    await work(chat, 29, (10, 0), (10, 40))  # Sunday: 40 min, under the hour that counts
    await chat.set_time(local(1, 9))  # Tue 1 Dec
    told = [s.text for s in chat.inbox("alice") if "overtime" in s.text]
    assert told == [
        "🕘 You clocked 4.5 h of overtime on Sat 28 Nov but asked for none — if it was overtime, "
        "ask for it: /request overtime date:11-28 hours:4.5"
    ]
    told = [s.text for s in chat.inbox("mike") if "overtime" in s.text]
    assert told == [
        "🕘 @alice clocked 4.5 h of overtime on Sat 28 Nov without an overtime request (told to "
        "file one)."
    ]
    async with chat.bot.db.transaction() as session:  # the job again: nobody is told twice
        from skills.leave import daily

        due = datetime(2026, 11, 28, 16, 5, tzinfo=UTC)  # 00:05 on Sun 29 Nov in Shanghai
        await daily(chat.bot.contexts.job(session, "leave", due_at=due))
    await chat.set_time(local(1, 10))
    assert len([s for s in chat.inbox("alice") if "overtime" in s.text]) == 1


async def test_overtime_clocked_with_a_request_or_past_an_ordinary_day_is_not_flagged(chat):
    await chat.say("alice", "/request overtime date:11-28 hours:3", dm=True)
    await work(chat, 28, (10, 0), (15, 0))  # asked for (pending is enough)
    await work(chat, 30, (9, 0), (20, 0))  # Monday: overtime on workdays is not allowed here
    await chat.set_time(local(2, 9))
    assert [s.text for s in chat.inbox("alice") if "asked for none" in s.text] == []
    assert [s.text for s in chat.inbox("mike") if "without an overtime request" in s.text] == []


async def test_time_clocked_past_the_shift_on_a_workday_is_flagged_where_allowed(deskmate):
    config = CONFIG.replace("workday: {allowed: false}", "workday: {allowed: true}")
    chat = await deskmate(approvals, clockin, leave, config=config, start=MONDAY)
    await work(chat, 30, (8, 55), (20, 40))  # Monday 09:00-18:00: 2 h 40 min past the end
    await chat.set_time(local(1, 9))
    told = [s.text for s in chat.inbox("alice") if "asked for none" in s.text]
    assert told == [
        "🕘 You clocked 2.5 h of overtime on Mon 30 Nov but asked for none — if it was overtime, "
        "ask for it: /request overtime date:11-30 hours:2.5"
    ]
