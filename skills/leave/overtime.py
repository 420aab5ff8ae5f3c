"""Overtime (加班): a request of an overtime flow (``date``, and ``hours`` or ``from``–``to``) is
checked against the rule of its kind of day when filed (allowed or not), and once approved and
its day is over it is measured (the approved time, the clock-ins, or the clock-ins within the
approved window — asked of attendance with the ``clockin.worked`` query), rounded down to the
rule's unit, and settled: credited as comp time (调休假, with its own expiry) or recorded as pay
with the day's ratio."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlmodel import col, select

from bot import JobContext, PersonRef, UsageError, _
from skills.leave import amounts, grants, ledger
from skills.leave.config import DayRule, LeaveConfig
from skills.leave.models import (
    APPROVED,
    CANCELLED,
    GRANT,
    PENDING,
    REVERSAL,
    SETTLED,
    LedgerEntry,
    Overtime,
)

TAKEN_BACK = "overtime_withdrawn"  # the reason of a reversal row this writes (history explains it)
KINDS = {"work": "workday", "off": "rest_day", "holiday": "holiday"}


async def kind_of(ctx: JobContext[LeaveConfig], person: PersonRef, day: date) -> str:
    """``workday``, ``rest_day`` or ``holiday`` for this person (the attendance calendar, else
    the org's workdays and holidays)."""
    answer: dict[date, str] = {}
    await ctx.emit("clockin.day_kinds", person=person.id, first=day, last=day, answer=answer)
    if day in answer:
        return KINDS[answer[day]]
    if day in ctx.org.holidays:
        return "holiday"
    weekdays = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    return "workday" if weekdays[day.weekday()] in ctx.org.workdays else "rest_day"


def rule_of(config: LeaveConfig, kind: str) -> DayRule:
    rule: DayRule = getattr(config.overtime, kind)
    return rule


KIND_TEXT = {"workday": _("a workday"), "rest_day": _("a rest day"), "holiday": _("a holiday")}


def _window(person: PersonRef, day: date, start: time, end: time) -> tuple[datetime, datetime]:
    first = datetime.combine(day, start, tzinfo=person.tz)
    last = datetime.combine(day + timedelta(days=1) if end <= start else day, end, person.tz)
    return first, last


async def filing(ctx: JobContext[LeaveConfig], payload: dict[str, Any]) -> None:
    person = await ctx.person_by_id(int(payload.get("requester") or 0))
    fields = payload.get("fields") or {}
    day = fields.get("date")
    if person is None or not isinstance(day, date):
        return
    kind = await kind_of(ctx, person, day)
    if not rule_of(ctx.config, kind).allowed:
        raise UsageError(
            _("Overtime on {day} is not allowed: it is {kind}.", day=day, kind=KIND_TEXT[kind])
        )
    start = end = None
    since, until = fields.get("from"), fields.get("to")
    if isinstance(since, time) and isinstance(until, time):
        start, end = _window(person, day, since, until)
        minutes = int((end - start).total_seconds() // 60)
    elif fields.get("hours") is not None:
        minutes = int(Decimal(str(fields["hours"])) * 60)
    else:
        minutes = 0
    if minutes <= 0:
        raise UsageError(_("Say how long: hours:3, or from:18:00 to:21:00"))
    ctx.session.add(
        Overtime(
            request_id=int(payload["request"]), person_id=person.id, day=day, kind=kind,
            approved_minutes=minutes, start=start, end=end,
        )
    )  # fmt: skip
    await ctx.session.flush()


async def _row(ctx: JobContext, payload: dict[str, Any]) -> Overtime | None:
    found = await ctx.session.exec(
        select(Overtime).where(col(Overtime.request_id) == int(payload.get("request") or 0))
    )
    return found.first()


async def approved(ctx: JobContext[LeaveConfig], payload: dict[str, Any]) -> None:
    row = await _row(ctx, payload)
    if row is None or row.state != PENDING:
        return
    row.state = APPROVED
    person = await ctx.person_by_id(row.person_id)
    if person is not None and row.day < ctx.now().astimezone(person.tz).date():
        await settle(ctx, row, person)  # a day gone by: measured at once


async def released(ctx: JobContext[LeaveConfig], payload: dict[str, Any]) -> None:
    """Rejected or withdrawn: nothing to settle; comp time already credited is taken back."""
    row = await _row(ctx, payload)
    if row is None or row.state == CANCELLED:
        return
    if row.state == SETTLED and row.settle == "comp":
        await _take_back(ctx, row)
    row.state = CANCELLED


async def _take_back(ctx: JobContext[LeaveConfig], row: Overtime) -> None:
    """Take back what is left of this overtime's own credit (``overtime:<request>``), never
    another one; the ledger line says how much of it had been spent already."""
    type_ = ctx.config.overtime.comp_type
    await ledger.lock(ctx, row.person_id, type_)
    credited = await ctx.session.exec(
        select(LedgerEntry).where(col(LedgerEntry.key) == f"overtime:{row.request_id}")
    )
    entry = credited.first()
    if entry is None:
        return
    lots = await ledger.open_lots(ctx, row.person_id, type_, ctx.today())
    left = next((lot.left for lot in lots if lot.entry.id == entry.id), 0)
    await ledger.post(
        ctx,
        LedgerEntry(
            person_id=row.person_id, type=type_, kind=REVERSAL, hundredths=-left,
            on=ctx.now().date(), lot_id=entry.id, request_id=row.request_id,
            by_id=row.person_id, created_at=ctx.now(),
            reason=f"{TAKEN_BACK} #{row.request_id} spent {entry.hundredths - left}",
        ),
    )  # fmt: skip


async def settle_due(ctx: JobContext[LeaveConfig], today: date) -> None:
    """The daily job: settle approved overtime whose day is over."""
    rows = (
        await ctx.session.exec(
            select(Overtime).where(col(Overtime.state) == APPROVED, col(Overtime.day) < today)
        )
    ).all()
    for row in rows:
        person = await ctx.person_by_id(row.person_id)
        if person is not None:
            await settle(ctx, row, person)


async def measure(ctx: JobContext[LeaveConfig], row: Overtime, rule: DayRule) -> int:
    """Minutes of overtime, by the rule's measure, rounded down to its unit."""
    minutes = row.approved_minutes
    if rule.measure != "approved":
        answer: dict[str, Any] = {}
        await ctx.emit("clockin.worked", person=row.person_id, day=row.day, answer=answer)
        spans: list[tuple[datetime, datetime]] = answer.get("spans", [])
        if rule.measure == "clockins_within" and row.start and row.end:
            spans = [(max(a, row.start), min(b, row.end)) for a, b in spans]
        else:
            spans = outside_shift(answer)
        clocked = minutes_of(spans)
        within = rule.measure == "clockins_within" and not (row.start and row.end)
        minutes = min(clocked, row.approved_minutes) if within else clocked
    return minutes - minutes % rule.min_unit_minutes


def outside_shift(answer: dict[str, Any]) -> list[tuple[datetime, datetime]]:
    """The spans clocked (a ``clockin.worked`` answer) outside the shift on a workday; on a day
    off, all of them."""
    spans: list[tuple[datetime, datetime]] = answer.get("spans", [])
    if "shift" in answer:
        start, end = answer["shift"]
        spans = [p for a, b in spans for p in ((a, min(b, start)), (max(a, end), b))]
    return spans


def minutes_of(spans: list[tuple[datetime, datetime]]) -> int:
    return sum(max(0, int((b - a).total_seconds() // 60)) for a, b in spans)


async def settle(ctx: JobContext[LeaveConfig], row: Overtime, person: PersonRef) -> None:
    rule = rule_of(ctx.config, row.kind)
    row.minutes = await measure(ctx, row, rule)
    row.settle, row.ratio_x100, row.state = rule.settle, int(rule.ratio * 100), SETTLED
    hours = amounts.hours(row.minutes * 100 // 60)
    if rule.settle == "pay" or row.minutes == 0:
        await ctx.notify(
            person,
            _(
                "🕘 Overtime #{id} on {day}: {hours} counted, paid at {ratio}× (payroll).",
                id=row.request_id,
                day=row.day,
                hours=hours,
                ratio=str(rule.ratio.normalize()),
            ),
            group="overtime",
        )
        return
    await _credit(ctx, row, rule, person, hours)


async def _credit(
    ctx: JobContext[LeaveConfig], row: Overtime, rule: DayRule, person: PersonRef, hours: object
) -> None:
    config = ctx.config.overtime
    spec = ctx.config.types[config.comp_type]
    credit = Decimal(row.minutes) / 60 * rule.ratio
    if spec.unit != "hour":
        credit /= spec.hours_per_day
    months = config.comp_months
    on = row.day
    expires = grants.expires(spec, on) if months is None else grants.months_after(on, months)
    await ledger.lock(ctx, row.person_id, config.comp_type)
    await ledger.post(
        ctx,
        LedgerEntry(
            person_id=row.person_id, type=config.comp_type, kind=GRANT,
            hundredths=int(credit * 100), on=on, expires_on=expires,
            request_id=row.request_id, reason=f"overtime #{row.request_id}",
            key=f"overtime:{row.request_id}", created_at=ctx.now(),
        ),
    )  # fmt: skip
    await ctx.notify(
        person,
        _(
            "🕘 Overtime #{id} on {day}: {hours} counted — {amount} of {type} credited.",
            id=row.request_id,
            day=row.day,
            hours=hours,
            amount=amounts.show(int(credit * 100), spec),
            type=spec.label,
        ),
        group="overtime",
    )
