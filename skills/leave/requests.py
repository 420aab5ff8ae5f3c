"""Leave requests spend balances, through the approvals skill's events: a request of a leave
flow is measured (working days from the work calendar, half days, hours) and checked against the
balance when it is filed (``approvals.filing``: refused over the balance, with the figures, else
held); approval debits it (``approvals.approved``, under the balance's lock, so two approvals at
once cannot both spend the last day); rejection frees it; withdrawal of an approved request
credits it back (``approvals.withdrawn``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import col, select

from bot import DateRange, JobContext, PersonRef, UsageError, _
from skills.leave import amounts, carry, grants, ledger
from skills.leave.config import LeaveConfig, LeaveType
from skills.leave.models import (
    APPROVED,
    CANCELLED,
    EXPIRE,
    PENDING,
    REVERSAL,
    USE,
    LeaveRequest,
    LedgerEntry,
)


@dataclass(frozen=True)
class Measured:
    type: str
    spec: LeaveType
    first: date
    last: date
    hundredths: int


async def counted_days(ctx: JobContext, person: PersonRef, first: date, last: date) -> int:
    """The working days from ``first`` to ``last`` for this person: the attendance calendar
    (asked with the ``clockin.day_kinds`` query: weekends, holidays, make-up workdays) when
    clockin gives them a schedule, else the org's workdays and holidays."""
    answer: dict[date, str] = {}
    await ctx.emit("clockin.day_kinds", person=person.id, first=first, last=last, answer=answer)
    days = amounts.days_of(first, last)
    if answer:
        return sum(1 for d in days if answer.get(d) == "work")
    org = ctx.org
    weekdays = {("mon", "tue", "wed", "thu", "fri", "sat", "sun").index(w) for w in org.workdays}
    return sum(1 for d in days if d.weekday() in weekdays and d not in org.holidays)


async def measure(
    ctx: JobContext[LeaveConfig], person: PersonRef, fields: dict[str, Any]
) -> Measured | None:
    """What a leave request asks for, or ``None`` when its type keeps no balance here."""
    name = str(fields.get("type") or "")
    spec = ctx.config.types.get(name)
    dates = fields.get("dates")
    if spec is None or not isinstance(dates, DateRange):
        return None
    first, last = dates.start, dates.end
    half, hours = fields.get("half"), fields.get("hours")
    per_day = int(spec.hours_per_day * 100) if spec.unit == "hour" else 100
    if (half or hours is not None) and first != last:
        raise UsageError(_("A half day or hours are for one day — e.g. dates:12-01 half:am"))
    if hours is not None:
        amount = amounts.read(f"{hours}h", spec, name)
    elif half:
        if spec.unit == "day":
            raise UsageError(_("{type} is taken in whole days — e.g. 1d or 2d", type=spec.label))
        amount = per_day // 2
    elif spec.count == "calendar":
        amount = len(amounts.days_of(first, last)) * per_day
    else:
        amount = await counted_days(ctx, person, first, last) * per_day
    if amount <= 0:
        raise UsageError(
            _("{first}..{last} has no working day — nothing to take.", first=first, last=last)
        )
    _check_tenure(spec, person, first)
    return Measured(name, spec, first, last, amount)


def _check_tenure(spec: LeaveType, person: PersonRef, first: date) -> None:
    hired = person.hired_on
    if hired is None:
        return
    if first < hired:
        raise UsageError(
            _("{day} is before your first day of work ({hired}).", day=first, hired=hired)
        )
    months = spec.min_tenure_months
    allowed = grants.months_after(hired, months)
    if months and first < allowed:
        raise UsageError(
            _(
                "{type} can be taken from {day}, after {n} months of work.",
                type=spec.label,
                day=allowed,
                n=months,
            )
        )


async def filing(ctx: JobContext[LeaveConfig], payload: dict[str, Any]) -> None:
    if payload.get("flow") not in ctx.config.flows:
        return
    person = await ctx.person_by_id(int(payload.get("requester") or 0))
    if person is None:
        return
    asked = await measure(ctx, person, payload.get("fields") or {})
    if asked is None:
        return
    await ledger.lock(ctx, person.id, asked.type)
    if asked.spec.limited:
        have = await ledger.balance(ctx, person.id, asked.type)
        held = await ledger.held(ctx, person.id, asked.type)
        free = have - held + int(asked.spec.overdraft * 100)
        if asked.hundredths > free:
            show = amounts.show
            raise UsageError(
                _(
                    "Not enough {type}: this request needs {need}; you have {have}, {held} held "
                    "by pending requests, so {free} can be taken. /balance shows the details.",
                    type=asked.spec.label,
                    need=show(asked.hundredths, asked.spec),
                    have=show(have, asked.spec),
                    held=show(held, asked.spec),
                    free=show(max(free, 0), asked.spec),
                )
            )
    ctx.session.add(
        LeaveRequest(
            request_id=int(payload["request"]), person_id=person.id, type=asked.type,
            hundredths=asked.hundredths, first=asked.first, last=asked.last,
        )
    )  # fmt: skip
    await ctx.session.flush()


async def approved(ctx: JobContext[LeaveConfig], payload: dict[str, Any]) -> None:
    """Debit the balance, once, if it still covers the request (else the approval is refused)."""
    row = await ledger.request_of(ctx, int(payload.get("request") or 0))
    if row is None or row.state != PENDING:
        return
    await ledger.lock(ctx, row.person_id, row.type)
    spec = ctx.config.types.get(row.type)
    if spec is not None and spec.limited:
        have = await ledger.balance(ctx, row.person_id, row.type)
        if have - row.hundredths < -int(spec.overdraft * 100):
            person = await ctx.person_by_id(row.person_id)
            raise UsageError(
                _(
                    "#{id} needs {need} of {type}, but {who} has {have} left — nothing was "
                    "approved.",
                    id=row.request_id,
                    need=amounts.show(row.hundredths, spec),
                    type=spec.label,
                    who=person.mention if person else "?",
                    have=amounts.show(have, spec),
                )
            )
    row.state = APPROVED
    decided_by = payload.get("decided_by")
    await ledger.post(
        ctx,
        LedgerEntry(
            person_id=row.person_id, type=row.type, kind=USE, hundredths=-row.hundredths,
            on=row.first, request_id=row.request_id,
            by_id=int(decided_by) if decided_by else None,
            reason=f"#{row.request_id} {row.first}..{row.last}", created_at=ctx.now(),
        ),
    )  # fmt: skip
    await carry.changed(ctx, row.person_id, row.type, row.first)  # a December leave in January


async def released(ctx: JobContext[LeaveConfig], payload: dict[str, Any]) -> None:
    """Rejected or withdrawn: a held amount is freed; a spent one is credited back."""
    row = await ledger.request_of(ctx, int(payload.get("request") or 0))
    if row is None or row.state == CANCELLED:
        return
    await ledger.lock(ctx, row.person_id, row.type)
    if row.state == APPROVED:
        await _give_back(ctx, row)
        await carry.changed(ctx, row.person_id, row.type, row.first)
    row.state = CANCELLED


async def _give_back(ctx: JobContext[LeaveConfig], row: LeaveRequest) -> None:
    """Credit an approved request back: a reversal row per expiry day of the credits its use
    spent, expiring when they did (what had expired meanwhile expires at once, in an expiry row
    of its own)."""
    found = await ctx.session.exec(
        select(LedgerEntry).where(
            col(LedgerEntry.request_id) == row.request_id, col(LedgerEntry.kind) == USE
        )
    )
    use = found.first()
    taken = await ledger.taken_by(ctx, use) if use is not None else {None: row.hundredths}
    for expires_on, amount in sorted(taken.items(), key=lambda t: t[0] or date.max):
        back = LedgerEntry(
            person_id=row.person_id, type=row.type, kind=REVERSAL, hundredths=amount,
            on=row.first, expires_on=expires_on, request_id=row.request_id,
            by_id=row.person_id, reason=f"#{row.request_id} withdrawn", created_at=ctx.now(),
        )  # fmt: skip
        await ledger.post(ctx, back)
        if expires_on is not None and expires_on <= ctx.today():  # it had run out meanwhile
            await ledger.post(
                ctx,
                LedgerEntry(
                    person_id=row.person_id, type=row.type, kind=EXPIRE, hundredths=-amount,
                    on=expires_on, lot_id=back.id, reason="expired", key=f"expire:{back.id}",
                    created_at=ctx.now(),
                ),
            )  # fmt: skip
