"""What approvals mean for attendance. ``approvals.approved`` of a leave flow marks its days as
leave; of a punch flow (补卡) adds the missing clock event with a note of who approved; a
rejection takes back whatever that request had put here. The config names the flows."""

from __future__ import annotations

import logging
from datetime import date, time
from typing import Any

from bot import DateRange, JobContext, PersonRef, _
from skills.clockin import store
from skills.clockin.models import IN, OUT, Leave
from skills.clockin.punch import Where, add, who_is
from skills.clockin.schedule import Plans, at
from skills.clockin.store import Who

log = logging.getLogger(__name__)


async def approved(ctx: JobContext, payload: dict[str, Any]) -> None:
    flow = payload.get("flow")
    if flow not in (*ctx.config.leave_flows, *ctx.config.punch_flows):
        return
    requester = await ctx.person_by_id(int(payload.get("requester") or 0))
    request_id = payload.get("request")
    if requester is None or not isinstance(request_id, int):
        log.warning("approvals.approved without a known requester or request id: %s", payload)
        return
    leave, events = await store.request_rows(ctx.session, request_id)
    if leave or events:
        return  # told twice
    fields = payload.get("fields") or {}
    approver = await ctx.person_by_id(int(payload.get("decided_by") or 0))
    if flow in ctx.config.leave_flows:
        await _leave(ctx, who_is(ctx, requester), request_id, fields, approver)
    else:
        await _punch(ctx, who_is(ctx, requester), request_id, fields, approver)


async def _leave(
    ctx: JobContext, w: Who, request_id: int, fields: dict[str, Any], approver: PersonRef | None
) -> None:
    dates = fields.get("dates")
    if not isinstance(dates, DateRange):
        log.warning("leave request %s has no 'dates' range: %s", request_id, fields)
        return
    ctx.session.add(
        Leave(
            person_id=w.person.id,
            start=dates.start,
            end=dates.end,
            type=str(fields.get("type") or "")[:32],
            request_id=request_id,
            approved_by=approver.id if approver else None,
            created_at=ctx.now(),
        )
    )
    await ctx.session.flush()
    await _recompute(ctx, w, dates.start, dates.end)
    await ctx.audit("leave", {"person": w.person.id, "request": request_id})


async def _punch(
    ctx: JobContext, w: Who, request_id: int, fields: dict[str, Any], approver: PersonRef | None
) -> None:
    day, clock, kind = fields.get("date"), fields.get("time"), fields.get("kind")
    if not isinstance(day, date) or not isinstance(clock, time) or kind not in (IN, OUT):
        log.warning("punch request %s needs date, time and kind in|out: %s", request_id, fields)
        return
    when = at(day, clock, w.plan.tz)
    if when > ctx.now():  # a make-up clock-in is for a time gone by: say so, record nothing
        text = _(
            "🕘 Make-up clock-in #{id} was approved, but {at} is still to come, so nothing was "
            "recorded — clock in and out as usual then.",
            id=request_id,
            at=when,
        )
        for person in {p.id: p for p in [w.person, approver] if p is not None}.values():
            await ctx.notify(person, text, group="reminder")
        return
    reason = str(fields.get("reason") or "")
    handle = f"@{approver.handle}" if approver else "?"
    note = f"approved by {handle}: {reason}" if reason else f"approved by {handle}"
    by = approver.mention if approver else handle
    day = w.plan.work_day(when)  # the shift nearest to it
    await add(
        ctx, w, kind, when, Where(), day, note=note[:500], source="approval",
        request_id=request_id, approved_by=approver.id if approver else None,
    )  # fmt: skip
    await store.recompute(ctx, w, day)
    text = (
        _("🕘 Your make-up clock-in at {at} is recorded (approved by {by}).", at=when, by=by)
        if kind == IN
        else _("🕘 Your make-up clock-out at {at} is recorded (approved by {by}).", at=when, by=by)
    )
    await ctx.notify(w.person, text, group="reminder")


async def rejected(ctx: JobContext, payload: dict[str, Any]) -> None:
    """A request turned down (or taken back after approval): remove what it had added."""
    request_id = payload.get("request")
    if not isinstance(request_id, int):
        return
    leave, events = await store.request_rows(ctx.session, request_id)
    if not leave and not events:
        return
    await store.forget_request(ctx.session, request_id)
    for row in leave:
        person = await ctx.person_by_id(row.person_id)
        if person is not None:
            await _recompute(ctx, who_is(ctx, person), row.start, row.end)
    for e in events:
        person = await ctx.person_by_id(e.person_id)
        if person is not None:
            await _recompute(ctx, who_is(ctx, person), e.work_day, e.work_day)


async def day_kinds(ctx: JobContext, payload: dict[str, Any]) -> None:
    """A query other skills ask with ``ctx.emit("clockin.day_kinds", person=<id>, first=<date>,
    last=<date>, answer={})``: ``answer`` is filled with each day's kind for that person's
    schedule (``work``, ``off`` or ``holiday``: weekends, the calendar's holidays and make-up
    workdays). Nothing is filled for someone without a schedule."""
    person = await ctx.person_by_id(int(payload.get("person") or 0))
    first, last, answer = payload.get("first"), payload.get("last"), payload.get("answer")
    if person is None or not isinstance(answer, dict):
        return
    if not isinstance(first, date) or not isinstance(last, date):
        return
    plan = Plans(ctx.config, ctx.org).of(person)
    if plan is not None:
        for day in store.days_between(first, last):
            answer[day] = plan.day_kind(day)


async def worked(ctx: JobContext, payload: dict[str, Any]) -> None:
    """A query: ``ctx.emit("clockin.worked", person=<id>, day=<date>, answer={})`` fills
    ``answer["spans"]`` with the (in, out) instants clocked on that work day and, on a workday of
    their schedule, ``answer["shift"]`` with its (start, end)."""
    person = await ctx.person_by_id(int(payload.get("person") or 0))
    day, answer = payload.get("day"), payload.get("answer")
    if person is None or not isinstance(day, date) or not isinstance(answer, dict):
        return
    spans, start = [], None
    for punch in await store.events_of(ctx.session, person.id, day):
        if punch.kind == IN and start is None:
            start = punch.at
        elif punch.kind == OUT and start is not None:
            spans.append((start, punch.at))
            start = None
    answer["spans"] = spans
    plan = Plans(ctx.config, ctx.org).of(person)
    if plan is not None and plan.day_kind(day) == "work":
        shift = plan.shift(day)
        answer["shift"] = (shift.start, shift.end)


async def _recompute(ctx: JobContext, w: Who, first: date, last: date) -> None:
    today = ctx.now().astimezone(w.plan.tz).date()
    for day in store.days_between(first, min(last, today)):
        await store.recompute(ctx, w, day)
