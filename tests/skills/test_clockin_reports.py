"""Attendance reports through the harness: month totals on a constructed month, today's board,
the CSV export (columns and rows), the PNG charts, and who may see what."""

import csv
import io
from datetime import date, time

import pytest
from PIL import Image

from bot import DateRange
from skills.clockin import skill as clockin
from skills.clockin.models import AttendanceDay
from tests.skills.clockin_fixtures import PAYLOADS, TEAM, fake_approvals, utc
from tests.spreadsheet import formulas

DECEMBER = utc(2026, 12, 1, 2, 0)  # Tue 1 Dec 10:00 in Shanghai


async def _punch(chat, request: int, day: int, at: str, kind: str) -> None:
    hour, minute = (int(x) for x in at.split(":"))
    PAYLOADS[request] = {
        "who": "alice",
        "flow": "punch",
        "fields": {"date": date(2026, 11, day), "time": time(hour, minute), "kind": kind},
    }
    await chat.say("mike", f"/approve {request}")


# November 2026 for alice (office hours 09:00-18:00, grace 10 min; Thu 26 a holiday, Sat 28 a
# make-up workday): on time every workday, except late on the 3rd, early on the 4th, absent on
# the 5th, on leave on the 6th, and 09:05-18:00 on Saturday the 28th.
WORKDAYS = [2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 16, 17, 18, 19, 20, 23, 24, 25, 27, 28, 30]
TIMES = {3: ("09:20", "18:00"), 4: ("09:00", "17:00"), 28: ("09:05", "18:00")}


@pytest.fixture
async def november(deskmate):
    chat = await deskmate(clockin, fake_approvals, config=TEAM, start=DECEMBER)
    request = 100
    for day in WORKDAYS:
        if day in (5, 6):
            continue
        start, end = TIMES.get(day, ("09:00", "18:00"))
        await _punch(chat, request, day, start, "in")
        await _punch(chat, request + 1, day, end, "out")
        request += 2
    leave = {"dates": _range(6, 6), "type": "annual"}
    PAYLOADS[request] = {"who": "alice", "flow": "leave", "fields": leave}
    await chat.say("mike", f"/approve {request}")
    return chat


def _range(first: int, last: int) -> DateRange:
    return DateRange(date(2026, 11, first), date(2026, 11, last))


async def test_month_totals_on_a_constructed_month(november):
    out = (await november.say("alice", "/attendance month 2026-11", dm=True)).one()
    assert out.text.splitlines()[:2] == [
        "🕘 Attendance 2026-11 — @alice",
        "Days present 19 · late 1 (20 min) · left early 1 · absent 1 · on leave 1 · "
        "in the field 0 · no clock-out 0 · worked 169.6 h",
    ]
    assert out.text.endswith(
        "📎 attendance-2026-11.png (" + f"{len(out.message.files[0].content)} bytes)"
    )
    same = (await november.say("alice", "/attendance month last-month", dm=True)).one().text
    assert same.splitlines()[1] == out.text.splitlines()[1]


async def test_a_team_month_has_a_line_per_person_and_a_grid_chart(november):
    out = (await november.say("mike", "/attendance month 11月 team:eng", dm=True)).one()
    lines = out.text.splitlines()
    assert lines[0] == "🕘 Attendance 2026-11 — team eng"
    assert "@alice: present 19 · late 1 (20 min) · absent 1 · on leave 1 · worked 169.6 h" in lines
    png = Image.open(io.BytesIO(out.message.files[0].content))
    assert png.format == "PNG"
    assert png.size == (692, 232)  # four people by 30 days, and the legend


async def test_the_month_chart_of_one_person_is_a_calendar_png(november):
    out = (await november.say("alice", "/attendance chart 2026-11", dm=True)).one()
    assert out.text.startswith("🕘 Attendance 2026-11 — @alice\n📎 attendance-2026-11.png")
    image = Image.open(io.BytesIO(out.message.files[0].content))
    image.verify()
    assert image.format == "PNG"
    assert image.size == (448, 512)
    assert out.message.files[0].mime == "image/png"


async def test_the_export_is_a_csv_with_a_row_per_person_and_day(november):
    out = (await november.say("mike", "/attendance export 2026-11 team:eng", dm=True)).one()
    assert out.text.splitlines()[0] == (
        "📎 Attendance 2026-11 — team eng: 1 people, 29 person-days."
    )
    file = out.message.files[0]
    assert (file.name, file.mime) == ("attendance-2026-11.csv", "text/csv")
    rows = list(csv.reader(io.StringIO(file.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "date", "person", "name", "team", "schedule", "status", "first_in", "last_out",
        "late_minutes", "early_minutes", "worked_hours", "mode", "place", "leave_type",
    ]  # fmt: skip
    assert len(rows) == 1 + 29  # 2..30 November: alice's first record is on the 2nd
    by_day = {r[0]: r for r in rows[1:]}
    assert by_day["2026-11-02"] == [
        "2026-11-02", "alice", "alice", "eng", "office", "present", "09:00", "18:00",
        "0", "0", "9.00", "office", "", "",
    ]  # fmt: skip
    assert by_day["2026-11-03"][5:11] == ["late", "09:20", "18:00", "20", "0", "8.67"]
    assert by_day["2026-11-04"][5:11] == ["left early", "09:00", "17:00", "0", "60", "8.00"]
    assert by_day["2026-11-05"][5] == "absent"
    assert by_day["2026-11-06"][5::8] == ["on leave", "annual"]
    assert by_day["2026-11-07"][5] == "day off"
    assert by_day["2026-11-26"][5] == "holiday"
    assert by_day["2026-11-28"][5:8] == ["present", "09:05", "18:00"]


async def test_reports_read_stored_days(november):
    await november.say("alice", "/attendance month 2026-11", dm=True)
    assert await november.count(AttendanceDay) == 29


async def test_today_shows_the_team_to_its_lead(deskmate):
    chat = await deskmate(clockin, fake_approvals, config=TEAM)
    await chat.say("alice", "/in")
    await chat.say("bob", "/in field Client HQ")
    await chat.advance("30m")
    out = (await chat.say("mike", "/attendance today", dm=True)).one().text
    assert out.splitlines() == [
        "🕘 Today 09:30 — in 2, late 0, field 1, on leave 0, absent 2: @dave, @mike",
        "@alice · 09:00–… · at work",
        "@bob · 09:00–… · at work · field: Client HQ",
        "@dave · not in yet",
        "@mike · not in yet",
    ]
    mine = (await chat.say("alice", "/attendance today", dm=True)).one().text
    assert mine.splitlines()[1:] == ["@alice · 09:00–… · at work"]


async def test_today_without_a_schedule_or_on_a_day_off_says_so_plainly(deskmate):
    chat = await deskmate(clockin, fake_approvals, config=TEAM)
    assert (await chat.say("eve", "/attendance today", dm=True)).one().text == (
        "You have no work schedule, so there is no workday to show today; your clock-ins "
        "still count (/attendance shows them). An admin sets schedules in the config."
    )
    await chat.set_time(utc(2026, 11, 29, 2, 0))  # Sunday
    assert (await chat.say("alice", "/attendance today", dm=True)).one().text == (
        "Today is not a workday for you."
    )


# --- permissions and bad input ------------------------------------------------------------------


@pytest.fixture
async def chat(deskmate):
    return await deskmate(clockin, fake_approvals, config=TEAM)


async def test_people_see_only_their_own_records(chat):
    out = (await chat.say("bob", "/attendance month @alice", dm=True)).one()
    assert out.text == "Only @alice, a lead of their team or an admin can see their attendance."
    assert out.where == "dm @bob, only @bob"
    lead_of_another_team = (await chat.say("carol", "/attendance @alice", dm=True)).one().text
    assert lead_of_another_team.startswith("Only @alice, a lead of their team")
    assert (
        (await chat.say("mike", "/attendance @alice", dm=True))
        .one()
        .text.startswith("🕘 @alice's week from Mon 23 Nov")
    )
    assert (
        (await chat.say("root", "/attendance month @nina", dm=True))
        .one()
        .text.startswith("🕘 Attendance 2026-11 — @nina")
    )


async def test_a_team_is_for_its_leads_and_admins(chat):
    out = (await chat.say("bob", "/attendance today team:eng", dm=True)).one().text
    assert out == "Only the leads of team eng or an admin can see its attendance."
    assert (
        (await chat.say("root", "/attendance today team:eng", dm=True))
        .one()
        .text.startswith("🕘 Today 09:00 — in 0")
    )


async def test_an_unknown_team_is_named(chat):
    out = (await chat.say("mike", "/attendance month team:engg", dm=True)).one().text
    assert out == "There is no team “engg” — use a team from the config, e.g. team:eng"


async def test_an_export_of_a_month_to_come_is_refused(chat):
    out = (await chat.say("root", "/attendance export 2026-12", dm=True)).one()
    assert out.text.startswith(
        "2026-12 hasn't started yet — export a month up to this one, "
        "e.g. /attendance export 2026-11"
    )
    assert out.message.files == []
    assert await chat.count(AttendanceDay) == 0


async def test_a_month_that_is_not_one(chat):
    out = (await chat.say("alice", "/attendance month 2026-13", dm=True)).one().text
    assert out.startswith("'2026-13' is not a month — e.g. 2026-11, 11月 or last-month")


async def test_an_admin_exports_everyone_and_a_person_their_own(chat):
    await chat.say("alice", "/in")
    await chat.say("eve", "/in")
    everyone = (await chat.say("root", "/attendance export 2026-11", dm=True)).one().text
    assert everyone.startswith("📎 Attendance 2026-11 — everyone: 8 people, 8 person-days.")
    own = (await chat.say("eve", "/attendance export", dm=True)).one().text
    assert own.startswith("📎 Attendance 2026-11 — @eve: 1 people, 1 person-days.")


async def test_a_place_typed_with_a_formula_never_runs_whatever_the_separator(chat):
    """Excel where the list separator is ';' cuts `x;=1+1;` in two at the ';': the place is
    exported so that the second piece stays text (and read with commas, it is what was typed)."""
    await chat.say("alice", "/in field x;=1+1;")
    out = (await chat.say("alice", "/attendance export", dm=True)).one()
    text = out.message.files[0].content.decode("utf-8-sig")
    assert text.splitlines()[1].endswith(",field,x;'=1+1;,")
    assert formulas(text) == []
    assert [row["place"] for row in csv.DictReader(io.StringIO(text))] == ["x;'=1+1;"]


async def test_chinese_readers_get_chinese(deskmate):
    config = TEAM.replace("- {id: alice, team: eng}", "- {id: alice, team: eng, language: zh}")
    chat = await deskmate(clockin, config=config)
    out = (await chat.say("alice", "/in", dm=True)).one().text  # her DM: her language
    assert out == "🕘 09:00 上班打卡——准时。"
    out = (await chat.say("alice", "/out")).one().text  # in the group: the group's
    assert out.startswith("🕘 Out at 09:00")
