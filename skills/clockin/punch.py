"""Clocking in and out (打卡): from a command, a button, a shared location or an approved
make-up request (补卡). Each writes one event, files it under its work day, recomputes that day
and says what it means (on time, late by 5 min, left early, hours worked)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from bot import (
    BadValue,
    Button,
    Context,
    JobContext,
    Message,
    ParseEnv,
    PersonRef,
    Text,
    UsageError,
    UserError,
    _,
    excerpt,
    pack,
    register_converter,
)
from skills.clockin import store
from skills.clockin.config import distance_m
from skills.clockin.models import FIELD, IN, OFFICE, OUT, REMOTE, Day, Punch
from skills.clockin.schedule import Plans
from skills.clockin.store import Who

OPEN_FOR = timedelta(hours=20)  # a clock-out within this of a clock-in closes that work day
ANYWAY_FOR = timedelta(hours=12)  # how long [Record out anyway] works


@dataclass(frozen=True)
class Where:
    """Where a clock-in happened."""

    mode: str = OFFICE  # office | field | remote
    place: str = ""
    latitude: float | None = None
    longitude: float | None = None


def who_is(ctx: JobContext, person: PersonRef) -> Who:
    plans = Plans(ctx.config, ctx.org)
    plan = plans.of(person)
    return Who(person, plan or plans.or_free(person), plan is not None)


def check_note(ctx: Context, note: str) -> None:
    limit = ctx.config.max_note
    if len(note) > limit:
        raise UsageError(
            _("The note is {n} characters long — keep it under {max}.", n=len(note), max=limit)
        )


def local_time(w: Who, at: datetime) -> time:
    """A moment as the wall-clock time of the person's schedule."""
    return at.astimezone(w.plan.tz).time().replace(second=0, microsecond=0)


async def clock_in(ctx: Context, where: Where, note: str = "", source: str = "command") -> None:
    """Record a clock-in now, unless this work day already has an open one."""
    check_note(ctx, note)
    w, now = who_is(ctx, ctx.person), ctx.now()
    day = w.plan.work_day(now)
    events, leave = await store.so_far(ctx.session, w.person.id, day)
    if events and events[-1].kind == IN:
        raise UserError(
            _(
                "You clocked in at {at} already — /out when you leave.",
                at=local_time(w, events[-1].at),
            )
        )
    punched = await add(ctx, w, IN, now, where, day, note=note, source=source)
    row = await store.recompute(ctx, w, day, store.SoFar([*events, punched], leave))
    await ctx.emit("in", person=w.person.handle, at=now, day=day, source=source)
    if events:  # back after a clock-out (lunch, a visit): the day's judgement stands
        worked = timedelta(minutes=row.worked_minutes)
        back = _(
            "🕘 Back in at {at} — {worked} worked today so far.",
            at=local_time(w, now),
            worked=worked,
        )
        await ctx.reply(back)
        return
    await ctx.reply(in_text(w, row, where))


async def clock_out(ctx: Context, note: str = "", at: datetime | None = None) -> None:
    """Record a clock-out; without a clock-in for the day, ask first (nothing is stored)."""
    check_note(ctx, note)
    w, when = who_is(ctx, ctx.person), at or ctx.now()
    day = await _out_day(ctx, w, when)
    events, leave = await store.so_far(ctx.session, w.person.id, day)
    if at is None and not any(e.kind == IN for e in events):
        await ctx.reply(_ask_anyway(w, when))  # a question, not an error: nothing is refused
        return
    before = events[-1] if events and events[-1].kind == OUT else None
    if before is not None and local_time(w, before.at) == local_time(w, when):
        await ctx.reply(_("🕘 Your clock-out at {at} is recorded already.", at=local_time(w, when)))
        return
    source = "command" if at is None else "button"
    punched = await add(ctx, w, OUT, when, Where(), day, note=note, source=source)
    row = await store.recompute(ctx, w, day, store.SoFar([*events, punched], leave))
    await ctx.emit("out", person=w.person.handle, at=when, day=day, source=source)
    if before is not None:
        text = _(
            "🕘 Clock-out moved to {at} (was {was}).",
            at=local_time(w, when),
            was=local_time(w, before.at),
        )
        await ctx.reply(text)
        return
    await ctx.reply(out_text(w, row, when))


async def _out_day(ctx: JobContext, w: Who, when: datetime) -> date:
    """The work day a clock-out closes: that of an open clock-in not long ago, else the
    nearest shift's."""
    last = await store.last_event(ctx.session, w.person.id)
    if last is not None:
        kind, at, work_day = last
        if kind == IN and timedelta(0) <= when - at <= OPEN_FOR:
            return work_day
    return w.plan.work_day(when)


def _ask_anyway(w: Who, when: datetime) -> Message:
    return Message(
        _(
            "You haven't clocked in today — record a clock-out at {at} anyway?",
            at=local_time(w, when),
        ),
        buttons=[
            Button(
                _("Record out anyway"),
                "clockin.out_anyway",
                pack(OutAsked(w.person.id, when)),
                style="primary",
            )
        ],
    )


@dataclass(frozen=True)
class OutAsked:
    """What the [Record out anyway] button carries: who was asked, and the clock-out's time."""

    person_id: int
    at: datetime


def _read_out_asked(text: str, env: ParseEnv) -> OutAsked:
    if not re.fullmatch(r"[0-9]{1,12}:[0-9]{1,11}", text):  # a person's id : a Unix time
        raise BadValue(_("'{value}' is no clock-out to record", value=excerpt(text)))
    person_id, _sep, stamp = text.partition(":")
    return OutAsked(int(person_id), datetime.fromtimestamp(int(stamp), UTC))


def _write_out_asked(asked: OutAsked) -> str:
    return f"{asked.person_id}:{int(asked.at.timestamp())}"


# a button's payload, read like a parameter (a value that does not read: the core's answer)
register_converter(OutAsked, _read_out_asked, _("<clock-out>"), format=_write_out_asked)


async def out_anyway(ctx: Context, asked: OutAsked) -> None:
    """The [Record out anyway] button: the clock-out at the time it was asked for."""
    person_id, when = asked.person_id, asked.at
    if person_id != ctx.person.id:
        raise UserError(_("This button is for someone else — type /out to clock yourself out."))
    if ctx.now() - when > ANYWAY_FOR:
        raise UserError(_("This button has expired — type /out again."))
    events = await store.events_of(
        ctx.session, ctx.person.id, who_is(ctx, ctx.person).plan.work_day(when)
    )
    if any(e.kind == OUT and e.at == when for e in events):
        raise UserError(_("That clock-out is recorded already."))
    await clock_out(ctx, at=when)


async def add(
    ctx: JobContext,
    w: Who,
    kind: str,
    at: datetime,
    where: Where,
    day: date,
    *,
    note: str = "",
    source: str = "command",
    request_id: int | None = None,
    approved_by: int | None = None,
) -> Punch:
    """Write one clock event, filed under the work day ``day``; returns it as a day is judged
    from it (no ORM object is made)."""
    await store.add_event(
        ctx.session,
        {
            "person_id": w.person.id,
            "kind": kind,
            "at": at,
            "work_day": day,
            "mode": where.mode,
            "place": where.place,
            "latitude": where.latitude,
            "longitude": where.longitude,
            "note": note,
            "source": source,
            "request_id": request_id,
            "approved_by": approved_by,
            "created_at": ctx.now(),
        },
    )
    await ctx.audit(f"clock_{kind}", {"person": w.person.id, "at": at, "mode": where.mode})
    return Punch(kind, at, where.mode, where.place)


def geofenced(ctx: JobContext, latitude: float, longitude: float) -> Where:
    """Inside an office's geofence: an office clock-in there; elsewhere: the field."""
    for fence in ctx.config.geofences:
        if distance_m(latitude, longitude, fence.lat, fence.lon) <= fence.radius_m:
            return Where(OFFICE, fence.name, latitude, longitude)
    return Where(FIELD, f"{latitude:.5f},{longitude:.5f}", latitude, longitude)


# --- what the person is told ------------------------------------------------------------------


def _judgement(w: Who, row: Day) -> Text:
    if not w.scheduled:
        return _("no schedule to keep")
    if not row.scheduled:
        return _("not a workday")
    if row.late_minutes:
        return _("late by {late}", late=timedelta(minutes=row.late_minutes))
    return _("on time")


def in_text(w: Who, row: Day, where: Where) -> Text:
    assert row.first_in is not None
    at, how = local_time(w, row.first_in), _judgement(w, row)
    if where.mode == FIELD:
        return _("🕘 In at {at} in the field ({place}) — {how}.", at=at, place=where.place, how=how)
    if where.mode == REMOTE:
        return _("🕘 In at {at}, working remotely — {how}.", at=at, how=how)
    if where.place:
        return _("🕘 In at {at} at {place} — {how}.", at=at, place=where.place, how=how)
    return _("🕘 In at {at} — {how}.", at=at, how=how)


def out_text(w: Who, row: Day, when: datetime) -> Text:
    at, worked = local_time(w, when), timedelta(minutes=row.worked_minutes)
    if row.early_minutes and row.scheduled:
        return _(
            "🕘 Out at {at} — worked {worked}, left {early} early.",
            at=at,
            worked=worked,
            early=timedelta(minutes=row.early_minutes),
        )
    return _("🕘 Out at {at} — worked {worked}.", at=at, worked=worked)
