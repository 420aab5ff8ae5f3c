"""A team with leave types, a leave flow and a work calendar, as HR runs it."""

from datetime import UTC, datetime

import pytest

from skills.approvals import skill as approvals
from skills.clockin import skill as clockin
from skills.leave import skill as leave

CONFIG = """
org: {timezone: Asia/Shanghai}
people:
  - {id: mike, accounts: {console: mike}, team: eng, hired_on: 2015-06-01}
  - {id: alice, accounts: {console: alice}, manager: mike, team: eng, hired_on: 2020-03-10}
  - {id: bob, accounts: {console: bob}, manager: mike, team: eng, hired_on: 2026-11-01}
  - {id: hana, accounts: {console: hana}, roles: [hr], hired_on: 2010-01-01, language: zh}
teams: {eng: {leads: [mike]}}
skills:
  clockin:
    schedules: {office: {start: "09:00", end: "18:00", calendar: cn}}
    teams: {eng: office}
    calendars: {cn: {holidays: [2026-12-04, 2027-01-01], workdays: [2027-01-03]}}
    summaries: []
  approvals:
    flows:
      leave:
        title: Leave
        fields:
          dates: {type: date_range}
          type: {type: choice, choices: [annual, sick, personal, comp]}
          half: {type: choice, choices: [am, pm], required: false}
          hours: {type: number, required: false}
        steps: [{approvers: [manager]}]
        withdraw_approved: true
      overtime:
        title: Overtime
        fields:
          date: {type: date}
          hours: {type: number, required: false}
          from: {type: time, required: false}
          to: {type: time, required: false}
        steps: [{approvers: [manager]}]
        withdraw_approved: true
  leave:
    types:
      annual:
        label: {en: Annual leave, zh: 年假}
        unit: half_day
        grant:
          every: year
          tiers: [{years: 0, amount: 5}, {years: 1, amount: 10}, {years: 10, amount: 15}]
        expiry: {carry_until: 03-31}
      sick:
        label: {en: Sick leave, zh: 病假}
        grant: {every: month, amount: 1}
        expiry: {months: 12}
      personal: {label: {en: Personal leave, zh: 事假}, paid: false, limited: false}
      comp: {label: {en: Comp time, zh: 调休假}, unit: hour}
    overtime:
      workday: {allowed: false}
      rest_day: {measure: approved, settle: comp}
      holiday: {measure: approved, settle: pay, ratio: 3}
"""
# without attendance: the org's calendar counts working days (and no clock-in jobs run, so a
# test moves through a year quickly)
WITHOUT_CLOCKIN = CONFIG[: CONFIG.index("  clockin:")] + CONFIG[CONFIG.index("  approvals:") :]
MONDAY = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # Mon 23 Nov 09:00 in Shanghai


@pytest.fixture
async def chat(deskmate):
    return await deskmate(approvals, clockin, leave, config=CONFIG, start=MONDAY)
