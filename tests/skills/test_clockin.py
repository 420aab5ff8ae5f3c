"""The clockin skill through the harness: clocking in and out, schedules and statuses (late,
early, absent, night shifts, holidays, 调休, DST), geofences and shared locations, reminders and
the daily summary, approvals hooks, and bad input. Reports, export and charts are in
test_clockin_reports.py."""

from dataclasses import replace
from datetime import date, time

import pytest

from bot import DateRange
from bot.config import parse_config
from bot.errors import ConfigError
from skills.clockin import skill as clockin
from skills.clockin.config import ClockinConfig
from skills.clockin.models import AttendanceDay, ClockEvent, Leave
from tests.skills.clockin_fixtures import PAYLOADS, TEAM, fake_approvals, utc


@pytest.fixture
async def chat(deskmate):
    return await deskmate(clockin, fake_approvals, config=TEAM)


# --- in and out ---------------------------------------------------------------------------------


async def test_on_time_late_and_left_early(chat):
    assert (await chat.say("alice", "/in")).one().text == "🕘 In at 09:00 — on time."
    await chat.advance("25m")
    assert (await chat.say("bob", "/clockin")).one().text == "🕘 In at 09:25 — late by 25 min."
    await chat.set_time(utc(2026, 11, 23, 9, 0))  # 17:00
    out = await chat.say("alice", "/out see you")
    assert out.one().text == "🕘 Out at 17:00 — worked 8 h, left 1 h early."
    await chat.advance("1h30m")
    assert (await chat.say("bob", "/clockout")).one().text == "🕘 Out at 18:30 — worked 9 h 5 min."
    week = (await chat.say("bob", "/attendance", dm=True)).one().text
    assert week.splitlines()[1] == "Mon 23 Nov · 09:25–18:30 · late 25 min · worked 9 h 5 min"
    assert "Days present 1 · late 1 (25 min) · left early 0" in week


async def test_in_twice_is_answered_and_nothing_changes(chat):
    await chat.say("alice", "/in")
    await chat.advance("5m")
    out = await chat.say("alice", "/in again")
    assert out.one().text == "You clocked in at 09:00 already — /out when you leave."
    assert out.one().where == "#general, only @alice"
    assert await chat.count(ClockEvent) == 1


async def test_out_without_in_asks_first_and_records_on_the_button(chat):
    await chat.set_time(utc(2026, 11, 23, 10, 0))  # 18:00
    out = await chat.say("bob", "/out")
    assert out.one().text == (
        "You haven't clocked in today — record a clock-out at 18:00 anyway?\n[Record out anyway]"
    )
    assert await chat.count(ClockEvent) == 0
    assert (await chat.press("bob", "Record out anyway")).one().text == (
        "🕘 Out at 18:00 — worked 0 min."
    )
    assert await chat.count(ClockEvent) == 1
    again = await chat.press("bob", "Record out anyway")
    assert again.one().text == "That clock-out is recorded already."
    assert await chat.count(ClockEvent) == 1


async def test_an_out_anyway_button_whose_payload_does_not_read_gets_the_core_answer(chat):
    """The button carries a typed payload (who was asked, and when); one that does not read
    (a value made up, a card of another version) is answered by the core and records nothing."""
    await chat.set_time(utc(2026, 11, 23, 10, 0))
    asked = (await chat.say("bob", "/out")).one()
    button = asked.buttons[0]
    asked.message.buttons[0] = replace(button, value="2:tomorrow")
    out = await chat.press("bob", "Record out anyway", on=asked)
    assert out.one().text == "This button no longer works — type /help to see the commands."
    assert await chat.count(ClockEvent) == 0


async def test_clocking_out_twice_moves_the_clock_out(chat):
    await chat.say("alice", "/in")
    await chat.set_time(utc(2026, 11, 23, 10, 0))
    await chat.say("alice", "/out")
    await chat.advance("20m")
    assert (await chat.say("alice", "/out")).one().text == (
        "🕘 Clock-out moved to 18:20 (was 18:00)."
    )


async def test_a_moved_clock_out_counts_the_time_worked_to_it(chat):
    await chat.say("alice", "/in")
    await chat.advance("3h")
    assert (await chat.say("alice", "/out")).one().text == (
        "🕘 Out at 12:00 — worked 3 h, left 6 h early."
    )
    await chat.advance("6h30m")
    assert (await chat.say("alice", "/out see you")).one().text == (
        "🕘 Clock-out moved to 18:30 (was 12:00)."
    )
    week = (await chat.say("alice", "/attendance", dm=True)).one().text
    assert week.splitlines()[1] == "Mon 23 Nov · 09:00–18:30 · present · worked 9 h 30 min"


async def test_field_and_remote(chat):
    out = await chat.say("alice", "/in field Client HQ, Pudong")
    assert out.one().text == "🕘 In at 09:00 in the field (Client HQ, Pudong) — on time."
    assert (await chat.say("bob", "/in remote")).one().text == (
        "🕘 In at 09:00, working remotely — on time."
    )
    empty = await chat.say("dave", "/in field")
    assert empty.one().text.startswith("Say where you are, e.g. /in field Client HQ, Pudong")
    assert await chat.count(ClockEvent) == 2


async def test_a_note_too_long_is_refused(chat):
    out = await chat.say("alice", "/in " + "x" * 250)
    assert out.one().text.startswith("The note is 250 characters long — keep it under 200.")
    assert await chat.count(ClockEvent) == 0


# --- schedules ----------------------------------------------------------------------------------


async def test_absent_once_the_shift_ends(chat):
    await chat.say("alice", "/in")
    await chat.set_time(utc(2026, 11, 23, 10, 1))  # 18:01
    month = (await chat.say("mike", "/attendance month @dave", dm=True)).text
    assert "Days present 0 · late 0 (0 min) · left early 0 · absent 1 ·" in month
    assert (await chat.count(AttendanceDay)) >= 4  # the end of the day settled everyone


async def test_a_night_shift_across_midnight_belongs_to_the_day_it_starts(deskmate):
    chat = await deskmate(clockin, config=TEAM, start=utc(2026, 11, 23, 13, 50))  # 21:50
    assert (await chat.say("nina", "/in")).one().text == "🕘 In at 21:50 — on time."
    await chat.set_time(utc(2026, 11, 23, 22, 5))  # Tue 06:05
    assert (await chat.say("nina", "/out")).one().text == "🕘 Out at 06:05 — worked 8 h 15 min."
    week = (await chat.say("nina", "/attendance", dm=True)).one().text
    assert "Mon 23 Nov · 21:50–06:05 · present · worked 8 h 15 min" in week


async def test_a_late_night_clock_in_is_late_for_that_evenings_shift(deskmate):
    chat = await deskmate(clockin, config=TEAM, start=utc(2026, 11, 23, 16, 30))  # 00:30 Tue
    assert (await chat.say("nina", "/in")).one().text == "🕘 In at 00:30 — late by 2 h 30 min."
    week = (await chat.say("nina", "/attendance", dm=True)).one().text
    assert "Mon 23 Nov · 00:30–… · at work · late 2 h 30 min" in week


async def test_a_clock_out_closes_the_open_clock_in_even_nearer_the_next_shift(deskmate):
    chat = await deskmate(clockin, config=TEAM, start=utc(2026, 11, 23, 16, 30))  # 00:30 Tue
    await chat.say("nina", "/in")
    await chat.set_time(utc(2026, 11, 24, 10, 30))  # Tue 18:30: nearer Tue's 22:00 shift
    assert (await chat.say("nina", "/out")).one().text == "🕘 Out at 18:30 — worked 18 h."
    week = (await chat.say("nina", "/attendance", dm=True)).one().text
    assert "Mon 23 Nov · 00:30–18:30" in week
    assert "Tue 24 Nov · ?" not in week


async def test_a_holiday_has_no_reminder_and_shows_as_holiday(deskmate):
    chat = await deskmate(clockin, config=TEAM, start=utc(2026, 11, 26, 0, 30))  # Thu 08:30
    await chat.advance("2h")
    assert chat.inbox("alice") == []
    assert "Thu 26 Nov · holiday" in (await chat.say("alice", "/attendance", dm=True)).one().text


async def test_a_makeup_saturday_is_a_workday(deskmate):
    chat = await deskmate(clockin, config=TEAM, start=utc(2026, 11, 28, 0, 30))  # Sat 08:30
    await chat.advance("1h")
    assert chat.inbox("alice")[-1].text.startswith("🕘 Your day started at 09:00")
    assert (await chat.say("bob", "/in")).one().text == "🕘 In at 09:30 — late by 30 min."
    await chat.set_time(utc(2026, 11, 28, 10, 5))  # 18:05
    week = (await chat.say("alice", "/attendance", dm=True)).one().text
    assert "Sat 28 Nov · absent" in week


async def test_the_schedule_follows_daylight_saving_time(deskmate):
    # Berlin: CET (UTC+1) until Sun 29 Mar 2026, then CEST (UTC+2)
    chat = await deskmate(clockin, config=TEAM, start=utc(2026, 3, 27, 8, 0))  # Fri 09:00 CET
    assert (await chat.say("hans", "/in")).one().text == "🕘 In at 09:00 — on time."
    await chat.set_time(utc(2026, 3, 27, 16, 0))
    await chat.say("hans", "/out")
    await chat.set_time(utc(2026, 3, 30, 8, 0))  # the same UTC time is Mon 10:00 CEST
    assert (await chat.say("hans", "/in")).one().text == "🕘 In at 10:00 — late by 1 h."


async def test_a_night_shift_over_the_clock_change_counts_real_hours(deskmate):
    config = TEAM.replace('berlin: {timezone: Europe/Berlin, start: "09:00", end: "17:00"', (
        'berlin: {timezone: Europe/Berlin, start: "22:00", end: "06:00"'
    ))  # fmt: skip
    chat = await deskmate(clockin, config=config, start=utc(2026, 3, 28, 21, 0))  # Sat 22:00 CET
    await chat.say("hans", "/in")
    await chat.set_time(utc(2026, 3, 29, 4, 0))  # Sun 06:00 CEST: 7 hours later
    assert (await chat.say("hans", "/out")).one().text == "🕘 Out at 06:00 — worked 7 h."


async def test_flexible_hours_late_after_the_core_start_and_a_full_day_from_arrival(deskmate):
    chat = await deskmate(clockin, config=TEAM, start=utc(2026, 11, 23, 1, 45))  # 09:45
    assert (await chat.say("carol", "/in")).one().text == "🕘 In at 09:45 — on time."
    await chat.set_time(utc(2026, 11, 23, 10, 0))  # 18:00, nine hours from 09:45 is 18:45
    assert (await chat.say("carol", "/out")).one().text == (
        "🕘 Out at 18:00 — worked 8 h 15 min, left 45 min early."
    )


async def test_without_a_schedule_times_count_but_nothing_is_late(chat):
    await chat.advance("3h")
    assert (await chat.say("eve", "/in")).one().text == "🕘 In at 12:00 — no schedule to keep."


# --- locations and geofences ---------------------------------------------------------------------


async def test_a_location_inside_a_geofence_is_an_office_clock_in(chat):
    out = await chat.share_location("bob", 31.2310, 121.4740)
    assert out.one().text == "🕘 In at 09:00 at HQ — on time."
    assert out.one().where == "dm @bob"
    far = await chat.share_location("alice", 31.30, 121.55)
    assert far.one().text == "🕘 In at 09:00 in the field (31.30000,121.55000) — on time."
    week = (await chat.say("alice", "/attendance", dm=True)).one().text
    assert "field: 31.30000,121.55000" in week


async def test_a_live_location_clocks_in_once(chat):
    await chat.share_location("alice", 31.30, 121.55, live=True)
    await chat.advance("10m")
    moved = await chat.share_location("alice", 31.31, 121.56, live=True)
    assert moved == []
    assert await chat.count(ClockEvent) == 1


async def test_impossible_coordinates_are_refused(chat):
    out = await chat.share_location("bob", 91.0, 200.0)
    assert out.one().text.startswith("91, 200 is not a place on Earth — latitude goes from -90")
    assert await chat.count(ClockEvent) == 0


async def test_a_location_shared_in_a_group_asks_for_the_dm(chat):
    out = await chat.share_location("bob", 31.2310, 121.4740, dm=False)
    assert out.one().text == "Share your location with me in a private chat to clock in."
    assert await chat.count(ClockEvent) == 0


# --- reminders and the daily summary ------------------------------------------------------------


async def test_reminders_reach_only_who_is_not_in_and_not_on_leave(chat):
    PAYLOADS[1] = {"who": "dave", "flow": "leave", "fields": {"dates": _days(23, 24)}}
    await chat.say("mike", "/approve 1")
    await chat.say("alice", "/in")
    await chat.advance("9m")
    assert chat.inbox("bob") == []
    await chat.advance("1m")  # 09:10: start + grace
    assert chat.inbox("bob")[-1].text == (
        "🕘 Your day started at 09:00 and you haven't clocked in — /in when you arrive, "
        "or share your location.\n[Clock in]"
    )
    for who in ("alice", "dave", "nina", "hans", "eve"):
        assert chat.inbox(who) == [], who
    assert (await chat.press("bob", "Clock in")).one().text == "🕘 In at 09:10 — on time."
    await chat.set_time(utc(2026, 11, 23, 10, 30))  # 18:30
    assert chat.inbox("alice")[-1].text.startswith("🕘 Your day ended at 18:00 and you haven't")
    assert chat.inbox("bob")[-1].text.startswith("🕘 Your day ended at 18:00")
    assert chat.inbox("dave") == []


async def test_the_daily_summary_goes_to_the_chat(chat):
    PAYLOADS[2] = {"who": "dave", "flow": "leave", "fields": {"dates": _days(23, 23)}}
    await chat.say("mike", "/approve 2")
    await chat.say("alice", "/in")
    await chat.say("bob", "/in field Client HQ")
    await chat.advance("20m")
    await chat.say("mike", "/in")
    await chat.advance("10m")  # 09:30
    assert chat.chat()[-1].text == ("🕘 Today 09:30 — in 3, late 1, field 1, on leave 1, absent 0")
    await chat.advance("1d")
    summary = chat.chat()[-1].text
    assert summary.startswith("🕘 Today 09:30 — in 0, late 0, field 0, on leave 0, absent 4: ")
    assert "@alice" in summary
    assert "@nina" not in summary


# --- approvals ----------------------------------------------------------------------------------


def _days(first: int, last: int) -> DateRange:
    return DateRange(date(2026, 11, first), date(2026, 11, last))


async def test_approved_leave_marks_its_days(chat):
    PAYLOADS[3] = {
        "who": "bob",
        "flow": "leave",
        "fields": {"dates": _days(23, 24), "type": "annual", "reason": "trip"},
    }
    await chat.say("mike", "/approve 3")
    await chat.say("mike", "/approve 3")  # told twice: once
    assert await chat.count(Leave) == 1
    await chat.set_time(utc(2026, 11, 24, 11, 0))  # Tue 19:00
    week = (await chat.say("bob", "/attendance", dm=True)).one().text
    assert "Mon 23 Nov · on leave (annual)" in week
    assert "Tue 24 Nov · on leave (annual)" in week
    assert "absent 0 · on leave 2" in week


async def test_clocking_on_a_day_of_leave_keeps_the_leave(chat):
    """Clocking in and out reads the day's events and its leave together: an hour's work on a
    day of leave is no early departure."""
    PAYLOADS[3] = {
        "who": "bob",
        "flow": "leave",
        "fields": {"dates": _days(23, 24), "type": "annual", "reason": "trip"},
    }
    await chat.say("mike", "/approve 3")
    assert (await chat.say("bob", "/in", dm=True)).one().text == "🕘 In at 09:00 — on time."
    await chat.advance("1h")
    assert (await chat.say("bob", "/out", dm=True)).one().text == "🕘 Out at 10:00 — worked 1 h."
    week = (await chat.say("bob", "/attendance", dm=True)).one().text
    assert "Mon 23 Nov · 09:00–10:00 · on leave (annual) · worked 1 h" in week


async def test_leave_over_a_weekend_counts_only_the_workdays(chat):
    PAYLOADS[3] = {
        "who": "bob",
        "flow": "leave",
        "fields": {"dates": _days(27, 30), "type": "annual"},
    }
    await chat.say("mike", "/approve 3")
    await chat.set_time(utc(2026, 11, 30, 11, 0))  # Mon 30 Nov 19:00
    month = (await chat.say("bob", "/attendance month", dm=True)).one().text
    assert "on leave 3" in month  # Fri 27, Sat 28 (a make-up workday) and Mon 30; not Sun 29


async def test_back_from_lunch_and_a_repeated_clock_out(chat):
    await chat.say("alice", "/in")
    await chat.advance("3h")
    await chat.say("alice", "/out lunch")
    await chat.advance("1h")
    back = (await chat.say("alice", "/in back")).one().text
    assert back == "🕘 Back in at 13:00 — 3 h worked today so far."
    await chat.advance("5h")
    await chat.say("alice", "/out")
    again = (await chat.say("alice", "/out see you")).one().text
    assert again == "🕘 Your clock-out at 18:00 is recorded already."


async def test_a_make_up_clock_in_for_a_time_to_come_is_not_recorded_and_says_so(chat):
    PAYLOADS[5] = {
        "who": "alice",
        "flow": "punch",
        "fields": {"date": date(2026, 11, 24), "time": time(9, 0), "kind": "in"},
    }
    await chat.say("mike", "/approve 5")
    assert await chat.count(ClockEvent) == 0
    told = [s.text for s in chat.inbox("alice") + chat.inbox("mike") if "still to come" in s.text]
    assert len(told) == 2


async def test_an_approved_make_up_clock_in_fills_the_day(chat):
    await chat.set_time(utc(2026, 11, 23, 10, 0))  # 18:00
    await chat.say("alice", "/out")
    await chat.press("alice", "Record out anyway")
    PAYLOADS[4] = {
        "who": "alice",
        "flow": "punch",
        "fields": {
            "date": date(2026, 11, 23),
            "time": time(8, 55),
            "kind": "in",
            "reason": "badge reader down",
        },
    }
    await chat.say("mike", "/approve 4")
    assert chat.inbox("alice")[-1].text == (
        "🕘 Your make-up clock-in at Mon 23 Nov 08:55 is recorded (approved by @mike)."
    )
    week = (await chat.say("alice", "/attendance", dm=True)).one().text
    assert "Mon 23 Nov · 08:55–18:00 · present · worked 9 h 5 min" in week
    await chat.say("mike", "/reject 4")  # taken back
    assert await chat.count(ClockEvent) == 1


async def test_other_flows_are_not_attendance(chat):
    PAYLOADS[5] = {"who": "alice", "flow": "expense", "fields": {"amount": 12}}
    await chat.say("mike", "/approve 5")
    assert await chat.count(Leave) == 0
    assert await chat.count(ClockEvent) == 0


# --- config -------------------------------------------------------------------------------------


def test_the_config_names_unknown_schedules_and_reads_calendar_files(tmp_path):
    calendar = tmp_path / "cn.yaml"
    calendar.write_text("holidays: [2027-02-08]\nworkdays: [2027-02-20]\n", encoding="utf-8")
    good = f"""
skills:
  clockin:
    schedules: {{office: {{grace: 0, calendar: cn}}}}
    calendars: {{cn: {{file: "{calendar}", holidays: [2027-01-01]}}}}
"""
    settings = parse_config(good, skill_schemas={"clockin": ClockinConfig}).skill_settings
    cn = settings["clockin"].calendars["cn"]
    assert (cn.holidays, cn.workdays) == ([date(2027, 1, 1), date(2027, 2, 8)], [date(2027, 2, 20)])
    bad = "skills:\n  clockin:\n    schedules: {office: {}}\n    teams: {eng: ofice}\n"
    with pytest.raises(ConfigError, match=r"teams\.eng: unknown schedule 'ofice' — known: office"):
        parse_config(bad, skill_schemas={"clockin": ClockinConfig})
