"""Attendance of the open API: each person's days (clock-in/out, lateness, leave) and month
summaries, for payroll and HR systems. Read only; clocking in stays a person's own act."""

from __future__ import annotations

import calendar
import re
from dataclasses import asdict
from datetime import date, datetime, timedelta

from pydantic import BaseModel

from bot import ApiContext, PersonRef, Skill, UsageError, _
from skills.clockin import store, view
from skills.clockin.schedule import Plans

MAX_DAYS = 93
MAX_PEOPLE = 500
MONTH = re.compile(r"^\d{4}-\d{2}$")


class DayOut(BaseModel):
    person: str
    day: date
    status: str
    scheduled: bool
    first_in: datetime | None
    last_out: datetime | None
    late_minutes: int
    early_minutes: int
    worked_minutes: int
    mode: str
    place: str
    leave_type: str
    final: bool


class MonthOut(BaseModel):
    """One person's month: days present, late, absent, on leave, minutes worked, ..."""

    person: str
    month: str
    present: int
    late: int
    late_minutes: int
    early: int
    absent: int
    leave: int
    field: int
    missing_out: int
    worked_minutes: int


async def _people(ctx: ApiContext, person: str | None, team: str | None) -> list[PersonRef]:
    if (person is None) == (team is None):
        raise UsageError(
            _(
                "Give either {person} or {team}, e.g. {example}",
                person="person",
                team="team",
                example="?person=alice",
            )
        )
    if person is not None:
        return [await ctx.person_named(person)]
    assert team is not None
    if not ctx.team_exists(team):
        raise UsageError(_("There is no team {team}.", team=team))
    members = await ctx.team(team)
    for member in members:
        ctx.check_person(member)
    return members[:MAX_PEOPLE]


async def days(
    ctx: ApiContext,
    start: date,
    end: date,
    person: str | None = None,
    team: str | None = None,
) -> list[DayOut]:
    """Each day from ``start`` to ``end`` (at most 93 days) of a person or a team, as judged
    against their schedule, holidays and approved leave; none after today."""
    if end < start or end - start > timedelta(days=MAX_DAYS - 1):
        raise UsageError(_("end: on or after start, at most {n} days later", n=MAX_DAYS - 1))
    people = await _people(ctx, person, team)
    who = store.who(Plans(ctx.config, ctx.org), people)
    handles = {p.id: p.handle for p in people}
    rows = await store.ensure_days(ctx, who, start, end)
    return [DayOut(person=handles[r.person_id], **r._asdict()) for r in rows]


async def month(
    ctx: ApiContext,
    month: str,
    person: str | None = None,
    team: str | None = None,
) -> list[MonthOut]:
    """Each person's totals for ``month`` (``2026-11``), of a person or a team."""
    year, number = map(int, month.split("-")) if MONTH.match(month) else (0, 0)
    if not 1 <= number <= 12:
        raise UsageError(_("month: {format}, e.g. 2026-11", format="YYYY-MM"))
    first = date(year, number, 1)
    last = date(year, number, calendar.monthrange(year, number)[1])
    people = await _people(ctx, person, team)
    rows = await store.ensure_days(ctx, store.who(Plans(ctx.config, ctx.org), people), first, last)
    out = []
    for p in people:
        totals = view.Totals.of([r for r in rows if r.person_id == p.id])
        out.append(MonthOut(person=p.handle, month=month, **asdict(totals)))
    return out


def serve(skill: Skill) -> None:
    """Add the operations above to the skill."""
    skill.register_api(
        "GET", "/attendance/days", days, scope="attendance:read", summary="Attendance days"
    )
    skill.register_api(
        "GET",
        "/attendance/months/{month}",
        month,
        scope="attendance:read",
        summary="Attendance month summaries",
    )
