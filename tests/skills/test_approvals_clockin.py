"""Approvals feed attendance: approved leave marks its days; an approved make-up clock-in (补卡)
fills the missing clock event — both skills as an admin runs them, through the chat."""

from datetime import UTC, datetime

import pytest

from skills.approvals import skill as approvals
from skills.clockin import skill as clockin

CONFIG = """
org: {timezone: Asia/Shanghai}
people:
  - {id: mike, accounts: {console: mike}, team: eng}
  - {id: alice, accounts: {console: alice}, manager: mike, team: eng}
teams: {eng: {leads: [mike]}}
skills:
  clockin:
    schedules: {office: {start: "09:00", end: "18:00", grace: 10m}}
    teams: {eng: office}
    summaries: []
  approvals:
    flows:
      leave:
        title: Leave
        fields:
          dates: {type: date_range}
          type: {type: choice, choices: [annual, sick]}
        steps: [{approvers: [manager]}]
      punch:
        title: Make-up clock-in
        fields:
          date: {type: date}
          time: {type: time}
          kind: {type: choice, choices: [in, out]}
          reason: {type: text, required: false}
        steps: [{approvers: [manager]}]
"""
MONDAY_8 = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)  # Mon 08:00 in Shanghai


@pytest.fixture
async def chat(deskmate):
    return await deskmate(approvals, clockin, config=CONFIG, start=MONDAY_8)


async def test_approved_leave_shows_on_those_days_and_spares_the_reminder(chat):
    await chat.say("alice", "/request leave dates:11-24..11-25 type:annual")
    await chat.press("mike", "Approve")
    await chat.set_time(datetime(2026, 11, 24, 0, 0, tzinfo=UTC))  # Tue 08:00
    before = len(chat.inbox("alice"))
    await chat.set_time(datetime(2026, 11, 24, 1, 30, tzinfo=UTC))  # Tue 09:30, past the grace
    assert chat.inbox("alice")[before:] == []  # no "you haven't clocked in"
    week = (await chat.say("alice", "/attendance", dm=True)).one().text
    assert "Tue 24 Nov · on leave (annual)" in week


async def test_a_rejected_leave_changes_nothing(chat):
    await chat.say("alice", "/request leave dates:11-24 type:annual")
    await chat.say("mike", "/reject 1 the release is that day")
    week = (await chat.say("alice", "/attendance", dm=True)).one().text
    assert "on leave (" not in week


async def test_an_approved_make_up_clock_out_closes_the_day(chat):
    await chat.set_time(datetime(2026, 11, 23, 1, 0, tzinfo=UTC))  # Mon 09:00
    await chat.say("alice", "/in")
    await chat.set_time(datetime(2026, 11, 24, 0, 0, tzinfo=UTC))  # Tue 08:00: no clock-out
    assert "no clock-out 1" in (await chat.say("alice", "/attendance", dm=True)).one().text
    await chat.say("alice", "/request punch date:11-23 time:18:05 kind:out reason:forgot")
    await chat.press("mike", "Approve")
    assert any("make-up clock-out at" in s.text for s in chat.inbox("alice"))
    week = (await chat.say("alice", "/attendance", dm=True)).one().text
    assert "Mon 23 Nov · 09:00–18:05 · present" in week
    assert "no clock-out 0" in week
