"""Attendance through the open API, over HTTP: a person's days and a team's month."""

from __future__ import annotations

import pytest

from skills.clockin import skill as clockin
from tests.api.conftest import API
from tests.skills.clockin_fixtures import TEAM, fake_approvals, utc


@pytest.fixture
async def bot(deskmate):
    return await deskmate(clockin, fake_approvals, config=TEAM + API)


async def test_a_persons_days_and_a_teams_month(bot, client):
    await bot.advance("25m")
    await bot.say("bob", "/in")
    await bot.set_time(utc(2026, 11, 24, 10, 30))  # Tue 18:30
    hr = client("HR")
    answer = await hr.get("/v1/attendance/days?person=bob&start=2026-11-23&end=2026-11-24")
    assert answer.status_code == 200, answer.text
    (monday, tuesday) = answer.json()
    assert (monday["person"], monday["day"], monday["late_minutes"]) == ("bob", "2026-11-23", 25)
    assert monday["first_in"] == "2026-11-23T01:25:00Z"
    assert tuesday["status"] == "absent"
    month = (await hr.get("/v1/attendance/months/2026-11?team=eng")).json()
    assert [m["person"] for m in month] == ["mike", "alice", "bob", "dave"]  # the directory order
    bob = next(m for m in month if m["person"] == "bob")
    assert (bob["present"], bob["late"], bob["late_minutes"]) == (1, 1, 25)


async def test_bad_ranges_and_people_outside_the_client_are_refused(bot, client):
    hr = client("HR")
    answer = await hr.get("/v1/attendance/days?start=2026-11-23&end=2026-11-24")
    assert answer.status_code == 422
    assert answer.json() == {"detail": "Give either person or team, e.g. ?person=alice"}
    answer = await hr.get("/v1/attendance/days?person=bob&start=2026-11-23&end=2026-01-01")
    assert answer.json() == {"detail": "end: on or after start, at most 92 days later"}
    answer = await hr.get("/v1/attendance/months/2026-13?person=bob")
    assert answer.json() == {"detail": "month: YYYY-MM, e.g. 2026-11"}
    answer = await hr.get("/v1/attendance/days?person=bob&start=someday&end=2026-11-24")
    assert answer.json()["detail"][0]["loc"] == ["query", "start"]
    assert (
        await client("ERP").get("/v1/attendance/months/2026-11?person=carol")
    ).status_code == 403
