"""Lists (``/approvals``, ``/approvals mine``) and one request's card with its trail; who sees
what (the export too: :mod:`skills.approvals.export`)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

from bot import Context, Lines, Message, NotFound, _
from skills.approvals import people, store, view
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


async def may_see(ctx: Context, shown: RequestView) -> bool:
    """The requester, whoever had a step (or decided for someone), the flow's CC (told the
    outcome, so they may read it), admins and the export roles."""
    person = ctx.person
    involved = {shown.requester.id, *(p for t in shown.tasks for p in (t.person_id, t.delegate_id))}
    if person.id in involved or person.is_admin or exports_all(ctx):
        return True
    cc = await people.resolve_all(ctx, shown.spec.cc, shown.requester) if shown.spec.cc else []
    return any(p.id == person.id for p in cc)


async def show(ctx: Context, request_id: int) -> None:
    request = await ctx.session.get(ApprovalRequest, request_id)
    shown = await store.load(ctx, request) if request is not None else None
    if shown is None or not await may_see(ctx, shown):
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


# --- who sees everyone's ------------------------------------------------------------------------


def exports_all(ctx: Context) -> bool:
    """Whether ``ctx.person`` sees (and exports) everyone's requests: a role in export_roles."""
    return any(ctx.person.has_role(r) for r in ctx.config.export_roles)


async def blocking(func: Callable[..., T], *args: Any) -> T:
    """The one way this skill runs blocking work (building files): off the event loop."""
    return await asyncio.to_thread(func, *args)
