"""The CSV export (``/approvals export month``): one table that a spreadsheet opens as it is.

A period may mix flows (leave, expense, make-up clock-in…), so the file has a row per request:
first the columns every request has (its number, flow, requester, status, when filed and decided,
by whom), then the fields of the flows in the file, each in its own column headed by its label
in the reader's language. A column is a label as its reader reads it: two flows whose fields read
the same (leave's and punch's Reason) share it; a request leaves the others' columns empty.

Values are written as people read them and as a spreadsheet computes with them: a date as
``2026-12-01``, a date range as three columns (from, to, days), money as its amount (a number)
beside its currency, a time as ``18:30``, a choice by its label, a person by their handle, numbers
as numbers. Every cell goes through :func:`bot.csvfile.csv_bytes`, so nothing typed runs as a
formula.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from bot import Context, DateRange, File, Message, Money, Text, _, csv_bytes
from skills.approvals import labels, report, store, view
from skills.approvals.config import FieldSpec
from skills.approvals.store import RequestView

Cells = dict[str, Any]  # a header as the reader reads it -> the cell under it

# the columns every request has, before its flow's fields
COLUMNS: list[Text] = [
    _("Request"),
    _("Flow"),
    _("Requester"),
    _("Status"),
    _("Filed"),
    _("Closed"),
    _("Decided by"),
]


async def export(ctx: Context, period: DateRange | None) -> Message:
    """Requests filed in the period (this month by default): everyone's for admins and the
    export roles, one's own otherwise; a three-line summary and the CSV file."""
    span = period or _this_month(ctx)
    tz = ctx.person.tz
    start = datetime.combine(span.start, time(0), tzinfo=tz)
    end = datetime.combine(span.end + timedelta(days=1), time(0), tzinfo=tz)
    everyone = report.exports_all(ctx)
    rows = await store.in_period(ctx.session, start, end, None if everyone else ctx.person.id)
    shown = [await store.load(ctx, r) for r in rows]
    header, lines = table(ctx, shown)
    content = await report.blocking(csv_bytes, header, lines)
    states = {k: sum(1 for s in shown if s.request.state == k) for k in view.STATES}
    summary = _(
        "📊 Requests from {start} to {end}{whose}: {n} — {approved} approved, {rejected} "
        "rejected, {pending} pending, {withdrawn} withdrawn.",
        start=span.start,
        end=span.end,
        whose="" if everyone else f" ({ctx.person.mention})",
        n=len(shown),
        approved=states["approved"],
        rejected=states["rejected"],
        pending=states["pending"],
        withdrawn=states["withdrawn"],
    )
    name = ctx.t(_("approvals-{start}-{end}.csv", start=str(span.start), end=str(span.end)))
    return Message(summary, files=[File(name, content, "text/csv")])


def _this_month(ctx: Context) -> DateRange:
    today = ctx.today()
    first = today.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return DateRange(first, following - timedelta(days=1))


def table(ctx: Context, shown: list[RequestView]) -> tuple[list[str], list[list[Any]]]:
    """The header and the rows: the common columns, then the union of the flows' fields in the
    order they first come (flow by flow, each in its fields' order)."""
    common = [ctx.t(c) for c in COLUMNS]
    columns: dict[str, None] = {}
    rows = []
    for request in shown:
        cells = fields(ctx, request, set(common))
        columns.update(dict.fromkeys(cells))
        rows.append((_common(ctx, request), cells))
    return common + list(columns), [[*first, *(c.get(h, "") for h in columns)] for first, c in rows]


def _common(ctx: Context, shown: RequestView) -> list[Any]:
    request = shown.request
    tz = ctx.person.tz

    def local(at: datetime | None) -> str:
        return at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if at else ""

    decider = shown.people.get(request.decided_by) if request.decided_by else None
    return [
        shown.id,
        ctx.t(shown.spec.title.text()),
        ctx.t(shown.requester.listed(shown.requester.handle)),  # "bob (left)" once they left
        ctx.t(view.STATES[request.state]),
        local(request.created_at),
        local(request.decided_at),
        ctx.t(decider.listed(decider.handle)) if decider else "",
    ]


def fields(ctx: Context, shown: RequestView, taken: set[str]) -> Cells:
    """Every field of the request's flow (as filed), empty where it was left out. Should two of
    its fields, or a field and a common column, read the same, the field's name tells them
    apart (``Date (day)``)."""
    out: Cells = {}
    for name, spec in shown.spec.fields.items():
        label = ctx.t(labels.field(shown.spec, name))
        value = shown.values.get(name)
        cells = _cells(ctx, shown, spec, label, value)
        if any(h in taken or h in out for h in cells):
            named = ctx.t(_("{field} ({name})", field=label, name=name))
            cells = _cells(ctx, shown, spec, named, value)
        out |= cells
    return out


def _cells(ctx: Context, shown: RequestView, spec: FieldSpec, label: str, value: Any) -> Cells:
    """One field's cells: a date range as from, to and days; money as amount and currency."""
    if spec.type == "date_range":
        period = value if isinstance(value, DateRange) else None
        return {
            ctx.t(_("{field} (from)", field=label)): period.start.isoformat() if period else "",
            ctx.t(_("{field} (to)", field=label)): period.end.isoformat() if period else "",
            ctx.t(_("{field} (days)", field=label)): (
                (period.end - period.start).days + 1 if period else ""
            ),
        }
    if spec.type == "money":
        money = value if isinstance(value, Money) else None
        return {
            label: money.amount if money else "",
            ctx.t(_("{field} (currency)", field=label)): money.currency if money else "",
        }
    return {label: _cell(ctx, shown, spec, value)}


def _cell(ctx: Context, shown: RequestView, spec: FieldSpec, value: Any) -> Any:
    if value is None:
        return ""
    if spec.type == "choice":
        return ctx.t(labels.choice(spec, str(value)))
    if spec.type == "person":
        person = shown.people.get(value)
        return person.handle if person is not None else ""
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return value  # a number, a text
