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
