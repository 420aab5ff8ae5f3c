"""Reminders, summaries and the end of each day. A job every 30 minutes sets a timer at each
exact moment coming up, for each schedule in its own time zone: at start + grace remind who is not
in (and not on leave), at end + N minutes who did not clock out; at the end settle absences, later
missing clock-outs; and post the daily summaries. Each moment is marked once acted on, so a late
or repeated run never sends anything twice."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from bot import Button, JobContext, Message, _
from skills.clockin import report, store, view
from skills.clockin.config import ClockinConfig
from skills.clockin.models import IN, ClockEvent, SentNotice
from skills.clockin.punch import local_time
from skills.clockin.schedule import Plan, Plans, at
from skills.clockin.store import Who

EVERY = "*/30 * * * *"
LOOK_BACK = timedelta(minutes=35)  # a moment missed (a restart) still counts this late
LOOK_AHEAD = timedelta(minutes=31)  # the next run arms what comes after this


def _moments(
    config: ClockinConfig, plan: Plan, now: datetime
) -> Iterator[tuple[str, date, datetime]]:
    """What falls due for ``plan`` around ``now``: ``(kind, work day, when)``."""
    today = now.astimezone(plan.tz).date()
    for day in (today - timedelta(days=1), today, today + timedelta(days=1)):
        if plan.day_kind(day) != "work":
            continue
        shift = plan.shift(day)
        moments = [("close", shift.end), ("final", shift.end + config.close_after)]
        if config.remind_in:
            moments.append(("in", shift.late_from + plan.grace))
        if config.remind_out_after is not None:
            moments.append(("out", shift.end + config.remind_out_after))
        for kind, moment in moments:
            if now - LOOK_BACK < moment <= now + LOOK_AHEAD:
                yield kind, day, moment


async def arm(ctx: JobContext) -> None:
    """Set a timer at each exact moment coming up (or just missed) that was not acted on yet."""
    config: ClockinConfig = ctx.config
    now = ctx.now()
    for plan in Plans(config, ctx.org).by_name.values():
        for kind, day, when in _moments(config, plan, now):
            payload = {"kind": kind, "plan": plan.name, "day": day.isoformat()}
            await _arm(ctx, f"{kind}:{plan.name}:{day}", when, "moment", payload)
    for i, wanted in enumerate(config.summaries):
        tz = ZoneInfo(wanted.timezone or ctx.org.timezone)
        today = now.astimezone(tz).date()
        for day in (today, today + timedelta(days=1)):
            when = at(day, wanted.at, tz)
            if now - LOOK_BACK < when <= now + LOOK_AHEAD:
                await _arm(ctx, f"summary:{i}:{day}", when, "summary", {"index": i})


async def _arm(
    ctx: JobContext, key: str, when: datetime, kind: str, payload: dict[str, Any]
) -> None:
    if await ctx.session.get(SentNotice, key) is None:
        await ctx.timers.set(key, when, kind=kind, payload=payload)


async def _scheduled(ctx: JobContext, plans: Plans) -> list[Who]:
    return [w for w in store.who(plans, await store.everyone(ctx)) if w.scheduled]


async def moment(ctx: JobContext, key: str, payload: dict[str, str]) -> None:
    """A reminder, or the settling of a day, for everyone working one schedule."""
    if not await store.first_time(ctx.session, key, ctx.now()):
        return
    plans = Plans(ctx.config, ctx.org)
    group = [w for w in await _scheduled(ctx, plans) if w.plan.name == payload["plan"]]
    if group:
        await _ACTIONS[payload["kind"]](ctx, group, date.fromisoformat(payload["day"]))


async def summary(ctx: JobContext, key: str, payload: dict[str, int]) -> None:
    """The daily summary to its chat: who is in, late, in the field, on leave, absent."""
    config: ClockinConfig = ctx.config
    if payload["index"] >= len(config.summaries):
        return  # the config changed since
    wanted = config.summaries[payload["index"]]
    teams = set(wanted.teams) if wanted.teams is not None else None
    people = await _scheduled(ctx, Plans(config, ctx.org))
    group = [w for w in people if teams is None or w.person.team in teams]
    pairs = await report.today_rows(ctx, group)
    if not any(r.scheduled for _w, r in pairs):
        return  # nobody works today
    if not await store.first_time(ctx.session, key, ctx.now()):
        return
    counts = view.TodayCounts.of([(w.person, w.plan, r) for w, r in pairs], ctx.now())
    platform, _sep, chat_id = wanted.chat.partition(":")
    target = await ctx.chat_target(platform, chat_id)
    await ctx.notify(target, counts.text(wanted.at))


async def _remind_in(ctx: JobContext, group: list[Who], day: date) -> None:
    ids = [w.person.id for w in group]
    done = await store.clocked_in(ctx.session, ids, day)
    leave = await store.leave_types(ctx.session, ids, day, day)
    for w in group:
        if w.person.id in done or (w.person.id, day) in leave:
            continue
        start = local_time(w, w.plan.shift(day).late_from)
        await ctx.notify(
            w.person,
            Message(
                _(
                    "🕘 Your day started at {start} and you haven't clocked in — /in when you "
                    "arrive, or share your location.",
                    start=start,
                ),
                buttons=[Button(_("Clock in"), "clockin.in_now", style="primary")],
            ),
            group="reminder",
        )


async def _remind_out(ctx: JobContext, group: list[Who], day: date) -> None:
    ids = [w.person.id for w in group]
    rows = await ctx.session.exec(
        select(ClockEvent)
        .where(col(ClockEvent.person_id).in_(ids), ClockEvent.work_day == day)
        .order_by(col(ClockEvent.at), col(ClockEvent.id))
    )
    last: dict[int, ClockEvent] = {}
    for e in rows.all():
        last[e.person_id] = e
    for w in group:
        event = last.get(w.person.id)
        if event is None or event.kind != IN:
            continue
        end = local_time(w, w.plan.shift(day).end)
        await ctx.notify(
            w.person,
            Message(
                _(
                    "🕘 Your day ended at {end} and you haven't clocked out — /out when you leave.",
                    end=end,
                ),
                buttons=[Button(_("Clock out"), "clockin.out_now", style="primary")],
            ),
            group="reminder",
        )


async def _settle(ctx: JobContext, group: list[Who], day: date) -> None:
    """Store the day for everyone of the schedule: absences now, missing clock-outs later."""
    await store.ensure_days(ctx, group, day, day)


_ACTIONS = {"in": _remind_in, "out": _remind_out, "close": _settle, "final": _settle}
