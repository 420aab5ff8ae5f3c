"""Overtime clocked without a request: each night the daily job reads yesterday's attendance
(the ``clockin.worked`` query) of everyone who filed no overtime request for that day; whoever
clocked at least ``overtime.flag_after_minutes`` past their shift (or worked on a day off, where
overtime is allowed) is told, with the request to file, and so is their manager — once (a row per
person and day, so a second run or a second instance tells nobody twice)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlmodel import col, select

from bot import JobContext, PersonRef, Text, _
from skills.leave import amounts, ledger, overtime
from skills.leave.config import LeaveConfig
from skills.leave.models import Overtime, OvertimeFlag


async def flag(ctx: JobContext[LeaveConfig], today: date) -> int:
    """Flag yesterday's unrequested overtime; return how many people were told."""
    after = ctx.config.overtime.flag_after_minutes
    if after is None or not ctx.config.overtime.flows:
        return 0
    day = today - timedelta(days=1)
    asked = set(
        (await ctx.session.exec(select(Overtime.person_id).where(col(Overtime.day) == day))).all()
    )
    told = 0
    for person in await ctx.everyone():
        if person.id in asked:
            continue
        answer: dict[str, Any] = {}
        await ctx.emit("clockin.worked", person=person.id, day=day, answer=answer)
        if "spans" not in answer:
            return told  # no attendance here: nothing to compare with
        minutes = await _unrequested(ctx, person, day, answer, after)
        if minutes and await _first_time(ctx, person, day, minutes):
            await _tell(ctx, person, day, minutes)
            told += 1
    return told


async def _unrequested(
    ctx: JobContext[LeaveConfig], person: PersonRef, day: date, answer: dict[str, Any], after: int
) -> int:
    """The overtime minutes to point out (rounded down to the day's unit), or 0."""
    minutes = overtime.minutes_of(overtime.outside_shift(answer))
    if minutes < after:
        return 0  # most people, most days: no need to ask what kind of day it was
    kind = await overtime.kind_of(ctx, person, day)
    rule = overtime.rule_of(ctx.config, kind)
    if not rule.allowed or (kind == "workday" and "shift" not in answer):
        return 0  # not allowed that day, or no shift to be past
    return minutes - minutes % rule.min_unit_minutes


async def _first_time(ctx: JobContext, person: PersonRef, day: date, minutes: int) -> bool:
    stmt = ledger.insert(ctx, OvertimeFlag).values(
        person_id=person.id, day=day, minutes=minutes, created_at=ctx.now()
    )
    return bool((await ctx.session.exec(stmt.on_conflict_do_nothing())).rowcount)


async def _tell(ctx: JobContext[LeaveConfig], person: PersonRef, day: date, minutes: int) -> None:
    hours = Decimal(minutes) / 60
    shown = amounts.hours(int(hours * 100))
    number = format(hours.normalize(), "f")
    flow = ctx.config.overtime.flows[0]
    command = Text("`/request {flow} date:{day} hours:{n}`",
                   {"flow": flow, "day": f"{day:%m-%d}", "n": number})  # fmt: skip  # as typed
    await ctx.notify(
        person,
        _("🕘 You clocked {hours} of overtime on {day} but asked for none — if it was overtime, "
          "ask for it: {command}", hours=shown, day=day, command=command),
        group="overtime_flag",
    )  # fmt: skip
    manager = await ctx.person_by_id(person.manager_id) if person.manager_id else None
    if manager is not None:
        await ctx.notify(
            manager,
            _("🕘 {who} clocked {hours} of overtime on {day} without an overtime request (told "
              "to file one).", who=person.mention, hours=shown, day=day),
            group="overtime_flag",
        )  # fmt: skip
