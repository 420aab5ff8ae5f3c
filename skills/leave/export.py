"""``/balance export 2026``: the year for payroll, as two CSV files — per person and type the
opening balance, what was granted, used, expired, adjusted and given back, and the closing
balance; and per person the overtime by kind of day, with how it was settled (comp time or pay,
and the ratio). Sums in SQL: one query per file, whatever the size of the ledger."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, select
from sqlmodel import col

from bot import JobContext, Message, Table, Text, _
from skills.leave.config import LeaveConfig
from skills.leave.models import ADJUST, EXPIRE, GRANT, REVERSAL, SETTLED, USE, LedgerEntry, Overtime

KINDS = (GRANT, USE, EXPIRE, ADJUST, REVERSAL)
DAY_KINDS = {"workday": _("workday"), "rest_day": _("rest day"), "holiday": _("holiday")}
SETTLED_AS = {"comp": _("comp time"), "pay": _("pay")}
UNITS = {"day": _("in days"), "hour": _("in hours")}


def _n(hundredths: Any) -> Decimal:
    return (Decimal(int(hundredths or 0)) / 100).normalize() + 0


async def export(ctx: JobContext[LeaveConfig], year: int) -> Message:
    first, after = date(year, 1, 1), date(year + 1, 1, 1)
    people = {p.id: p for p in await ctx.everyone()}
    balances = await _balances(ctx, first, after)
    overtime = await _overtime(ctx, first, after)
    types = ctx.config.types
    rows = []
    for person_id, type_, opening, *moves in balances:
        person = people.get(person_id)
        spec = types.get(type_)
        unit = UNITS["hour" if spec and spec.unit == "hour" else "day"]
        closing = opening + sum(moves)
        handle = person.listed(person.handle) if person else str(person_id)  # "bob (left)"
        rows.append([handle, spec.label.text() if spec else type_, unit,
                     *(_n(v) for v in (opening, *moves, closing))])  # fmt: skip
    balance_table = Table(
        _("leave-{year}.csv", year=str(year)),
        [_("person"), _("leave type"), _("unit"), _("opening"), _("granted"), _("used"),
         _("expired"), _("adjusted"), _("given back"), _("closing")],
        rows,
    )  # fmt: skip
    overtime_table = Table(
        _("overtime-{year}.csv", year=str(year)),
        [_("person"), _("kind of day"), _("settled as"), _("ratio"), _("requests"), _("hours")],
        [
            [people[p].listed(people[p].handle) if p in people else str(p), DAY_KINDS.get(k, k),
             SETTLED_AS.get(s, s), _n(r), n, (Decimal(m) / 60).quantize(Decimal("0.01"))]
            for p, k, s, r, n, m in overtime
        ],
    )  # fmt: skip
    summary: Text = _(
        "📎 Leave and overtime of {year}: {rows} balances, {overtime} overtime lines.",
        year=str(year),
        rows=len(rows),
        overtime=len(overtime_table.rows),
    )
    return Message(summary, files=[balance_table, overtime_table])


async def _balances(ctx: JobContext, first: date, after: date) -> Sequence[Any]:
    e = LedgerEntry
    before = func.sum(case((col(e.on) < first, e.hundredths), else_=0))
    within = [
        func.sum(
            case(((col(e.on) >= first) & (col(e.on) < after) & (col(e.kind) == k), e.hundredths),
                 else_=0)
        )
        for k in KINDS
    ]  # fmt: skip
    query = (
        select(col(e.person_id), col(e.type), before, *within)
        .where(col(e.on) < after)
        .group_by(col(e.person_id), col(e.type))
        .order_by(col(e.person_id), col(e.type))
    )
    return list((await ctx.session.exec(query)).all())  # type: ignore[call-overload]


async def _overtime(ctx: JobContext, first: date, after: date) -> Sequence[Any]:
    o = Overtime
    query = (
        select(
            col(o.person_id),
            col(o.kind),
            col(o.settle),
            col(o.ratio_x100),
            func.count(),
            func.sum(col(o.minutes)),
        )
        .where(col(o.state) == SETTLED, col(o.day) >= first, col(o.day) < after)
        .group_by(col(o.person_id), col(o.kind), col(o.settle), col(o.ratio_x100))
        .order_by(col(o.person_id), col(o.kind))
    )
    return list((await ctx.session.exec(query)).all())  # type: ignore[call-overload]
