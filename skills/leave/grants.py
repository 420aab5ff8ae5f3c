"""The daily grant job: each type's grant for the current period (the year from 1 January or
from the hire anniversary, or the month), by seniority tier, written once per person, type and
period (the row's key), so a second run or a second instance grants nothing; then the credits
that ran out are expired, and people are told a while before theirs do."""

from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta
from decimal import Decimal

from sqlmodel import col, select

from bot import JobContext, PersonRef, _
from skills.leave import amounts, carry, ledger
from skills.leave.config import LeaveConfig, LeaveType
from skills.leave.models import EXPIRE, GRANT, LedgerEntry

LOOK_BACK = timedelta(days=366)  # credits expired longer ago than this are settled
CATCH_UP = timedelta(days=31)  # a grant day missed (the bot was down) is made up this long


def seniority(hired_on: date | None, on: date) -> int:
    """Full years from ``hired_on`` to ``on`` (0 when the directory has no hire date)."""
    if hired_on is None or on < hired_on:
        return 0
    years = on.year - hired_on.year
    return years - 1 if (on.month, on.day) < (hired_on.month, hired_on.day) else years


def _anniversary(hired_on: date, year: int) -> date:
    try:
        return hired_on.replace(year=year)
    except ValueError:  # 29 February
        return date(year, 2, 28)


def due(spec: LeaveType, person: PersonRef, today: date) -> tuple[date, str] | None:
    """The current period's grant day and its name, if this person gets one."""
    rule, hired = spec.grant, person.hired_on
    first_share = False  # the pro-rated share of someone hired this year
    if rule.every == "month":
        on, period = today.replace(day=1), f"{today:%Y-%m}"
    elif rule.every == "year" and rule.at == "jan1":
        on, period = date(today.year, 1, 1), str(today.year)
        if rule.prorate and hired is not None and on < hired <= today and hired.year == on.year:
            on = hired  # hired during the year: their share of it, from their first day
            first_share = True
    elif rule.every == "year" and hired is not None:
        on = _anniversary(hired, today.year)
        if on > today:
            on = _anniversary(hired, today.year - 1)
        period = on.isoformat()
    else:
        return None
    if hired is not None and on < hired:
        return None  # not employed yet on the grant day: the next period is their first
    if person.left_on is not None and person.left_on <= on:
        return None  # gone by the grant day (offboarded): nothing more is granted
    if today - on > CATCH_UP and not first_share:
        return None  # a period that began long before the bot did: HR enters opening balances
    return on, period


def amount(spec: LeaveType, person: PersonRef, on: date) -> Decimal:
    rule = spec.grant
    if rule.amount is not None:
        return rule.amount
    years = seniority(person.hired_on, on)
    return [t.amount for t in rule.tiers if t.years <= years][-1]


def share(spec: LeaveType, given: Decimal, on: date) -> tuple[int, str]:
    """Hundredths of a grant made on ``on``, and its ``reason``: a yearly grant on 1 January in
    full; made later in the year (someone's first day), pro-rated by the days left in the year
    (``on`` and 31 December included), rounded down to the type's unit."""
    if spec.grant.every != "year" or spec.grant.at != "jan1" or (on.month, on.day) == (1, 1):
        return int(given * 100), ""
    left = (date(on.year, 12, 31) - on).days + 1
    total = (date(on.year, 12, 31) - date(on.year, 1, 1)).days + 1
    step = 50 if spec.unit == "half_day" else 100
    hundredths = int(given * 100 * left / total)
    return hundredths - hundredths % step, f"prorated {left}/{total}"


def expires(spec: LeaveType, on: date) -> date | None:
    """The first day a credit made on ``on`` no longer counts."""
    if spec.expiry.carry_until is not None:
        month, day = (int(p) for p in spec.expiry.carry_until.split("-"))
        return date(on.year + 1, month, day) + timedelta(days=1)
    if spec.expiry.months is not None:
        return months_after(on, spec.expiry.months)
    return None


def months_after(on: date, months: int) -> date:
    """The same day ``months`` later (the month's last day where it is shorter)."""
    total = on.month - 1 + months
    year, month = on.year + total // 12, total % 12 + 1
    return date(year, month, min(on.day, monthrange(year, month)[1]))


async def run(ctx: JobContext[LeaveConfig], today: date) -> int:
    """Grant what is due today (once ever per person, type and period); return rows written."""
    written = 0
    people = await ctx.everyone()
    for name, spec in ctx.config.types.items():
        for person in people:
            found = due(spec, person, today)
            if found is None:
                continue
            on, period = found
            given, prorated = share(spec, amount(spec, person, on), on)
            if given <= 0:
                continue
            reason = " ".join(filter(None, (spec.grant.every, prorated, period)))
            entry = LedgerEntry(
                person_id=person.id, type=name, kind=GRANT, hundredths=given, on=on,
                expires_on=expires(spec, on), reason=reason,
                key=f"grant:{name}:{person.id}:{period}", created_at=ctx.now(),
            )  # fmt: skip
            written += await ledger.post(ctx, entry)
    written += await carry.cap(ctx, today)
    return written + await expire(ctx, today)


async def expire(ctx: JobContext[LeaveConfig], today: date) -> int:
    """Expire what is left of credits whose last day has passed (once each: the row's key)."""
    pairs = (
        await ctx.session.exec(
            select(LedgerEntry.person_id, LedgerEntry.type)
            .distinct()
            .where(
                col(LedgerEntry.expires_on) <= today,
                col(LedgerEntry.expires_on) > today - LOOK_BACK,
                col(LedgerEntry.hundredths) > 0,
            )
        )
    ).all()
    written = 0
    for person_id, type_ in pairs:
        for lot in await ledger.open_lots(ctx, person_id, type_, today):
            ends = lot.entry.expires_on
            if ends is None or ends > today:
                continue
            entry = LedgerEntry(
                person_id=person_id, type=type_, kind=EXPIRE, hundredths=-lot.left, on=ends,
                lot_id=lot.entry.id, reason="expired", key=f"expire:{lot.entry.id}",
                created_at=ctx.now(),
            )  # fmt: skip
            written += await ledger.post(ctx, entry)
    return written


async def remind(ctx: JobContext[LeaveConfig], today: date) -> None:
    """Tell people whose credits end in ``remind_before_days`` days (once: on that day)."""
    days = ctx.config.remind_before_days
    if days == 0:
        return
    ends = today + timedelta(days=days)
    pairs = (
        await ctx.session.exec(
            select(LedgerEntry.person_id, LedgerEntry.type)
            .distinct()
            .where(col(LedgerEntry.expires_on) == ends, col(LedgerEntry.hundredths) > 0)
        )
    ).all()
    for person_id, type_ in pairs:
        spec = ctx.config.types.get(type_)
        person = await ctx.person_by_id(person_id)
        if spec is None or person is None:
            continue
        left = sum(
            lot.left
            for lot in await ledger.open_lots(ctx, person_id, type_, today)
            if lot.entry.expires_on == ends
        )
        if left > 0:
            await ctx.notify(
                person,
                _(
                    "⏳ {amount} of {type} expire on {day} — take them before then (/balance).",
                    amount=amounts.show(left, spec),
                    type=spec.label,
                    day=ends - timedelta(days=1),
                ),
                group="expiry",
            )
