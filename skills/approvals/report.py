"""Lists (``/approvals``, ``/approvals mine``), one request's card with its trail, and the CSV
export (``/approvals export month``)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import Any, TypeVar

from bot import Context, DateRange, File, Message, NotFound, _
from bot.csvfile import csv_bytes
from bot.i18n import Text
from bot.markup import Lines
from skills.approvals import labels, store, view
from skills.approvals.models import ApprovalRequest
from skills.approvals.store import RequestView

SHOWN = 10
T = TypeVar("T")


async def waiting(ctx: Context) -> Message:
    rows, total = await store.waiting_for(ctx.session, ctx.person.id, SHOWN)
    if not rows:
        return Message(_("📝 Nothing waits for your decision."))
    head = _("📝 Waiting for your decision: {n}", n=total)
    note = _("Decide with the buttons, or /approve {id} · /reject {id} <reason>", id=rows[0].id)
    return await _listing(ctx, rows, total, head, note)


async def mine(ctx: Context) -> Message:
    rows, total = await store.filed_by(ctx.session, ctx.person.id, SHOWN)
    if not rows:
        return Message(_("📝 You have filed no requests — /request lists what you can ask for."))
    head = _("📝 Your requests: {n}", n=total)
    note = _("/request show {id} shows one with its trail", id=rows[0].id)
    return await _listing(ctx, rows, total, head, note)


async def _listing(
    ctx: Context, rows: list[ApprovalRequest], total: int, head: Any, note: Any
) -> Message:
    lines = [view.list_line(await store.load(ctx, r)) for r in rows]
    if total > len(rows):
        lines.append(_("…and {n} more", n=total - len(rows)))
    return Message(_("{head}\n{lines}", head=head, lines=Lines(lines)), context=note)


def may_see(ctx: Context, shown: RequestView) -> bool:
    person = ctx.person
    involved = {shown.requester.id, *(p for t in shown.tasks for p in (t.person_id, t.delegate_id))}
    return person.id in involved or person.is_admin or _exports_all(ctx)


async def show(ctx: Context, request_id: int) -> None:
    request = await ctx.session.get(ApprovalRequest, request_id)
    shown = await store.load(ctx, request) if request is not None else None
    if shown is None or not may_see(ctx, shown):
        raise NotFound(
            _("There is no request #{id} you can see — /approvals mine lists yours.", id=request_id)
        )
    events = await store.trail(ctx.session, shown.id)
    step = shown.request.step if shown.mine(ctx.person) else None
    card = view.card(shown, for_step=step)
    context = view.trail(events, shown)
    outcome = view.outcome(shown)
    if outcome is not None:
        context = _("{outcome}\n{trail}", outcome=outcome, trail=context)
    await ctx.reply(
        replace(card, buttons=card.buttons if _holds(ctx, shown, step) else [], context=context),
        private=True,
    )


def _holds(ctx: Context, shown: RequestView, step: int | None) -> bool:
    """Show the card's buttons only to who may press them."""
    return step is not None or ctx.person.id == shown.requester.id


# --- the CSV export ------------------------------------------------------------------------------


def _exports_all(ctx: Context) -> bool:
    return any(ctx.person.has_role(r) for r in ctx.config.export_roles)


async def export(ctx: Context, period: DateRange | None) -> Message:
    """Requests filed in the period (this month by default): everyone's for admins and the
    export roles, one's own otherwise; a three-line summary and the CSV file."""
    span = period or _this_month(ctx)
    tz = ctx.person.tz
    start = datetime.combine(span.start, time(0), tzinfo=tz)
    end = datetime.combine(span.end + timedelta(days=1), time(0), tzinfo=tz)
    everyone = _exports_all(ctx)
    rows = await store.in_period(ctx.session, start, end, None if everyone else ctx.person.id)
    shown = [await store.load(ctx, r) for r in rows]
    table = [_row(ctx, s, tz) for s in shown]
    content = await blocking(csv_bytes, [ctx.t(c) for c in HEADER], table)
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


# the export is in its reader's language, as the chat is: its columns, the states and each
# request's fields as its card shows them (labels, values); times, ids and handles stay as a
# spreadsheet reads them. Its reader is the sender alone (a private reply): its words are
# rendered with ctx.t here, the file written in the worker thread.
HEADER = [
    _("id"), _("flow"), _("requester"), _("state"), _("filed"), _("decided"), _("decided_by"),
    _("fields"),
]  # fmt: skip


def _row(ctx: Context, shown: RequestView, tz: Any) -> list[str]:
    request = shown.request

    def local(at: datetime | None) -> str:
        return at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if at else ""

    decider = shown.people.get(request.decided_by) if request.decided_by else None
    fields = [
        _(
            "{label}: {value}",
            label=labels.field(shown.spec, name),
            value=view.value_of(shown, name, value),
        )
        for name, value in shown.values.items()
    ]
    return [
        str(shown.id),
        request.flow,
        shown.requester.handle,
        ctx.t(view.STATES[request.state]),
        local(request.created_at),
        local(request.decided_at),
        decider.handle if decider else "",
        ctx.t(Text("{fields}", {"fields": fields})),  # joined as the reader's language joins
    ]


async def blocking(func: Callable[..., T], *args: Any) -> T:
    """The one way this skill runs blocking work (building files): off the event loop."""
    return await asyncio.to_thread(func, *args)
