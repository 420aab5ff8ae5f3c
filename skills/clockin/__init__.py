"""Attendance (考勤/打卡): people clock in and out from the chat (or by sharing their location),
their day is judged against their team's schedule, the calendar and approved leave; leads see
their team, HR exports the month, and a chart shows it at a glance.

    /in [note] · /in field Client HQ, Pudong · /in remote · /out [note]   (/clockin, /clockout)
    /attendance [@person]                       a week, a line a day
    /attendance month [2026-11] [@person|team:eng]    totals, with the month chart (PNG)
    /attendance chart [2026-11] [@person|team:eng]    the chart alone
    /attendance today [team:eng]                who is in, late, in the field, on leave, absent
    /attendance export 2026-11 [@person|team:eng]     every day of the month as a CSV file
"""

from __future__ import annotations

import math
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

from bot import Context, JobContext, Label, Opt, PersonRef, Rest, Skill, UsageError, UserError, _
from skills.clockin import api, hooks, jobs, punch, report, scope, store
from skills.clockin.config import ClockinConfig
from skills.clockin.models import FIELD, REMOTE

HERE = Path(__file__).parent
skill = Skill(
    "clockin",
    description=_("Attendance: clock in and out, schedules, leave and reports"),
    config=ClockinConfig,
    migrations=HERE / "migrations",
    translations=HERE / "locales",
)
skill.digest_label("reminder", _("{n} attendance reminder"), _("{n} attendance reminders"))
api.serve(skill)  # the open API's /v1/attendance (see docs/api.md)

# parameters as usages and errors name them, in the reader's language
Team = Annotated[str | None, Opt("team"), Label(_("team"))]
Person = Annotated[PersonRef | None, Label(_("person"))]
Month = Annotated[str | None, Label(_("month"))]
Note = Annotated[Rest, Label(_("note"))]
EARLY_LIVE = timedelta(hours=2)  # a live location clocks in from this long before the shift


@skill.command("in", help=_("Clock in, with a note if you like: /in"), aliases=("clockin",))
async def clock_in(ctx: Context, note: Note = "") -> None:
    await punch.clock_in(ctx, punch.Where(), note)


@skill.command(
    "in field",
    help=_("Clock in away from the office: /in field Client HQ, Pudong"),
    aliases=("clockin field",),
)
async def clock_in_field(ctx: Context, place: Annotated[Rest, Label(_("place"))] = "") -> None:
    if not place:
        raise UsageError(_("Say where you are, e.g. /in field Client HQ, Pudong"))
    await punch.clock_in(ctx, punch.Where(FIELD, place[:200]))


@skill.command(
    "in remote", help=_("Clock in working from home: /in remote"), aliases=("clockin remote",)
)
async def clock_in_remote(ctx: Context, note: Note = "") -> None:
    await punch.clock_in(ctx, punch.Where(REMOTE), note)


@skill.command("out", help=_("Clock out, with a note if you like: /out"), aliases=("clockout",))
async def clock_out(ctx: Context, note: Note = "") -> None:
    await punch.clock_out(ctx, note)


@skill.location
async def on_location(ctx: Context, latitude: float, longitude: float, live: bool) -> None:
    """A location shared in the DM clocks in: at an office inside its geofence, else in the
    field. A live location clocks in once; its later updates change nothing."""
    if not (_valid(latitude, -90, 90) and _valid(longitude, -180, 180)):
        raise UserError(
            _(
                "{lat}, {lon} is not a place on Earth — latitude goes from -90 to 90 and "
                "longitude from -180 to 180. Share your location again, e.g. 31.23, 121.47",
                lat=latitude,
                lon=longitude,
            )
        )
    if ctx.chat.kind != "dm":
        raise UserError(_("Share your location with me in a private chat to clock in."))
    if live and await _live_update(ctx):
        return
    await punch.clock_in(ctx, punch.geofenced(ctx, latitude, longitude), source="location")


def _valid(value: float, low: float, high: float) -> bool:
    return math.isfinite(value) and low <= value <= high


async def _live_update(ctx: Context) -> bool:
    """A live location keeps sending updates: only the first, near a shift, clocks in."""
    w = punch.who_is(ctx, ctx.person)
    now = ctx.now()
    day = w.plan.work_day(now)
    if await store.events_of(ctx.session, ctx.person.id, day):
        return True
    shift = w.plan.shift(day)
    return w.scheduled and not (shift.start - EARLY_LIVE <= now <= shift.end)


# --- reports ----------------------------------------------------------------------------------


@skill.command("attendance", help=_("Your week, a line a day: /attendance (or @person)"))
async def attendance(ctx: Context, person: Person = None) -> None:
    if person is not None and person.id != ctx.person.id:
        await scope.resolve(ctx, person, None)  # may they see it?
        await ctx.reply(await report.week(ctx, person), private=True)
        return
    await ctx.reply(await report.week(ctx, ctx.person), private=True)


@skill.command(
    "attendance month", help=_("A month's totals and chart: /attendance month 2026-11 team:eng")
)
async def month(
    ctx: Context, person: Person = None, month: Month = None, team: Team = None
) -> None:
    first, last = scope.parse_month(month, ctx.today())
    shown = await scope.resolve(ctx, person, team)
    await ctx.reply(await report.month(ctx, shown, first, last, text=True), private=True)


@skill.command("attendance chart", help=_("A month as a picture: /attendance chart 2026-11 @bob"))
async def month_chart(
    ctx: Context, person: Person = None, month: Month = None, team: Team = None
) -> None:
    first, last = scope.parse_month(month, ctx.today())
    shown = await scope.resolve(ctx, person, team)
    await ctx.reply(await report.month(ctx, shown, first, last, text=False), private=True)


@skill.command(
    "attendance today", help=_("Who is in, late, out or away today: /attendance today team:eng")
)
async def today(ctx: Context, team: Team = None) -> None:
    await ctx.reply(
        await report.today(ctx, await scope.resolve(ctx, None, team, "mine")), private=True
    )


@skill.command(
    "attendance export", help=_("A month as a CSV file: /attendance export 2026-11 team:eng")
)
async def export(
    ctx: Context, month: Month = None, person: Person = None, team: Team = None
) -> None:
    first, last = scope.parse_month(month, ctx.today())
    shown = await scope.resolve(ctx, person, team, "mine")
    await ctx.reply(await report.export(ctx, shown, first, last), private=True)


# --- buttons ----------------------------------------------------------------------------------


@skill.action("in_now")
async def in_button(ctx: Context) -> None:
    await punch.clock_in(ctx, punch.Where(), source="button")


@skill.action("out_now")
async def out_button(ctx: Context) -> None:
    await punch.clock_out(ctx)


@skill.action("out_anyway")
async def out_anyway_button(ctx: Context, asked: punch.OutAsked) -> None:
    await punch.out_anyway(ctx, asked)


# --- reminders, summaries and the end of each day -------------------------------------------


@skill.job(cron=jobs.EVERY)
async def arm(ctx: JobContext) -> None:
    await jobs.arm(ctx)


@skill.timer("moment")
async def moment(ctx: JobContext, key: str, payload: dict[str, str]) -> None:
    await jobs.moment(ctx, key, payload)


@skill.timer("summary")
async def summary(ctx: JobContext, key: str, payload: dict[str, int]) -> None:
    await jobs.summary(ctx, key, payload)


# --- approvals: leave and make-up clock-ins (补卡) --------------------------------------------


@skill.on("approvals.approved")
async def on_approved(ctx: JobContext, payload: dict[str, Any]) -> None:
    await hooks.approved(ctx, payload)


@skill.on("approvals.rejected")
async def on_rejected(ctx: JobContext, payload: dict[str, Any]) -> None:
    await hooks.rejected(ctx, payload)


@skill.on("approvals.withdrawn")  # an approved request taken back: as if rejected
async def on_withdrawn(ctx: JobContext, payload: dict[str, Any]) -> None:
    await hooks.rejected(ctx, payload)


@skill.on("clockin.worked")  # the time clocked on a day, asked by other skills (overtime)
async def on_worked(ctx: JobContext, payload: dict[str, Any]) -> None:
    await hooks.worked(ctx, payload)


@skill.on("clockin.day_kinds")  # the work calendar, asked by other skills (leave counts days)
async def on_day_kinds(ctx: JobContext, payload: dict[str, Any]) -> None:
    await hooks.day_kinds(ctx, payload)
