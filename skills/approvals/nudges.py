"""Timers of a pending step: remind its approvers after ``remind_after`` (again each interval, at
most ``max_reminders`` times), and after ``escalate_after`` add each silent approver's manager."""

from __future__ import annotations

from typing import Any

from bot import Button, JobContext, Message, _, pack
from skills.approvals import flow, store, view
from skills.approvals.models import PENDING
from skills.approvals.store import RequestView


async def _still_waiting(ctx: JobContext, payload: dict[str, Any]) -> RequestView | None:
    request = await store.lock(ctx, int(payload["request"]))
    if request is None or request.state != PENDING or request.step != payload["step"]:
        return None
    return await store.load(ctx, request)


async def remind(ctx: JobContext, payload: dict[str, Any]) -> None:
    shown = await _still_waiting(ctx, payload)
    spec = flow.live_flow(ctx, shown) if shown else None
    if shown is None or spec is None or spec.remind_after is None:
        return
    limit = ctx.config.max_reminders
    value = pack(shown.id)
    buttons = [
        Button(_("Approve"), "approvals.approve", value, style="primary"),
        Button(_("Reject"), "approvals.reject", value, style="danger"),
    ]
    text = _(
        "⏰ #{id} {title} from {who} has waited {waited} for your decision",
        id=shown.id,
        title=shown.spec.title,
        who=shown.requester.mention,
        waited=ctx.now() - shown.request.updated_at,
    )
    again = False
    for task in shown.pending():
        if task.reminders >= limit:
            continue
        task.reminders += 1
        again = again or task.reminders < limit
        for person_id in {task.person_id, task.delegate_id} - {None}:
            assert person_id is not None
            await ctx.notify(
                shown.people[person_id], Message(text, buttons=buttons), group="reminder"
            )
    if again:
        key = f"{shown.id}-{shown.request.step}-remind"
        await ctx.timers.set(key, ctx.now() + spec.remind_after, kind="remind", payload=payload)


async def escalate(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Each approver who has not decided gets their manager as a second decider on their part."""
    shown = await _still_waiting(ctx, payload)
    if shown is None:
        return
    added = []
    for task in shown.pending():
        if task.escalated:
            continue
        approver = shown.people.get(task.person_id)
        boss = (
            await ctx.person_by_id(approver.manager_id)
            if approver and approver.manager_id
            else None
        )
        if boss is None or boss.id in (shown.requester.id, task.delegate_id):
            continue
        task.delegate_id, task.escalated = boss.id, True
        added.append(boss)
        detail = f"@{approver.handle if approver else '?'} → @{boss.handle}"
        store.add_event(ctx, shown.request, "escalated", None, detail=detail)
    if not added:
        return
    await ctx.session.flush()
    shown = await flow.refresh(ctx, shown)
    step = shown.request.step
    for boss in {p.id: p for p in added}.values():
        await ctx.notify(
            boss,
            view.card(shown, for_step=step),
            group="request",
            card=view.step_key(shown.id, step),
        )
