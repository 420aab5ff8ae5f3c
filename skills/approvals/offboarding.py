"""When someone leaves: the steps waiting on them go to their successor (else the admins), their
own pending requests are withdrawn (the approvers told), and delegations to or from them end."""

from __future__ import annotations

from sqlmodel import col, select

from bot import Handover, JobContext, PersonRef, _
from skills.approvals import flow, store, view
from skills.approvals.models import (
    CLOSED,
    PENDING,
    WITHDRAWN,
    ApprovalDelegation,
    ApprovalRequest,
    ApprovalTask,
)


async def hand_over(ctx: JobContext, handover: Handover) -> None:
    withdrawn = await _withdraw_theirs(ctx, handover)
    moved = await _their_steps(ctx, handover)
    ended = await _delegations(ctx, handover)
    if withdrawn or moved or ended:
        handover.report(
            _(
                "📝 Approvals: {moved} waiting steps handed over, {withdrawn} of their requests "
                "withdrawn, {ended} delegations ended",
                moved=moved,
                withdrawn=withdrawn,
                ended=ended,
            )
        )


async def _withdraw_theirs(ctx: JobContext, handover: Handover) -> int:
    leaver = handover.person
    ids = await ctx.session.exec(
        select(ApprovalRequest.id).where(
            col(ApprovalRequest.requester_id) == leaver.id, col(ApprovalRequest.state) == PENDING
        )
    )
    count = 0
    for request_id in ids.all():
        request = await store.lock(ctx, request_id or 0)
        if request is None or request.state != PENDING:
            continue
        shown = await store.load(ctx, request)
        waiting = {p.id: p for p in (shown.people.get(i) for i in _deciders(shown)) if p}
        request.state, request.decided_at, request.updated_at = WITHDRAWN, ctx.now(), ctx.now()
        await store.close_pending(ctx, shown.id, None, CLOSED)
        await flow.cancel_timers(ctx, shown.id, request.step)
        store.add_event(ctx, request, "withdrawn", None, detail=f"@{leaver.handle} left")
        text = _(
            "↩️ #{id} {title} from {who} was withdrawn: {who} has left",
            id=shown.id,
            title=shown.spec.title,
            who=leaver.mention,
        )
        for person in waiting.values():
            await ctx.notify(person, text, group="decided")
        await flow.refresh(ctx, shown)
        count += 1
    return count


def _deciders(shown: store.RequestView) -> list[int]:
    return [p for t in shown.pending() for p in (t.person_id, t.delegate_id) if p is not None]


async def _their_steps(ctx: JobContext, handover: Handover) -> int:
    """Each pending step task of theirs goes to the successor — or, when there is none (or it
    is the requester), to the admins, as a step nobody can decide does."""
    leaver = handover.person
    moved = 0
    for task in await store.pending_tasks_of(ctx.session, leaver.id):
        request = await store.lock(ctx, task.request_id)
        if request is None or request.state != PENDING or request.step != task.step:
            continue
        shown = await store.load(ctx, request)
        in_step = {t.person_id for t in shown.pending()}
        to = await _takers(ctx, handover, shown.requester)
        fresh = [p for p in to if p.id not in in_step]
        task.state = CLOSED  # their part is over; the takers get parts of their own
        for person in fresh:
            delegate = await store.delegate_of(ctx, person.id)
            ctx.session.add(
                ApprovalTask(
                    request_id=task.request_id,
                    step=task.step,
                    person_id=person.id,
                    delegate_id=None if delegate == request.requester_id else delegate,
                )
            )
        names = ", ".join(f"@{p.handle}" for p in to)
        store.add_event(ctx, request, "sent", None, detail=f"{names} (@{leaver.handle} left)")
        await ctx.session.flush()
        shown = await flow.refresh(ctx, shown)
        for person in fresh:
            await ctx.notify(
                person,
                view.card(shown, for_step=task.step),
                group="request",
                card=view.step_key(shown.id, task.step),
            )
        moved += 1
    return moved


async def _takers(ctx: JobContext, handover: Handover, requester: PersonRef) -> list[PersonRef]:
    successor = handover.successor
    if successor is not None and successor.id != requester.id:
        return [successor]
    admins = await ctx.people_with_role("admin")
    return [p for p in admins if p.id not in (requester.id, handover.person.id)]


async def _delegations(ctx: JobContext, handover: Handover) -> int:
    leaver = handover.person
    rows = await ctx.session.exec(
        select(ApprovalDelegation).where(
            (col(ApprovalDelegation.person_id) == leaver.id)
            | (col(ApprovalDelegation.delegate_id) == leaver.id)
        )
    )
    ended = 0
    for row in rows.all():
        if row.ends_at > ctx.now():
            ended += 1
        await ctx.timers.cancel(f"delegation-{row.person_id}")
        if row.delegate_id == leaver.id:
            delegator = await ctx.person_by_id(row.person_id)
            if delegator is not None and row.ends_at > ctx.now():
                text = _(
                    "🤝 Your delegation to {who} ended: {who} has left. Requests come to you "
                    "alone again.",
                    who=leaver.mention,
                )
                await ctx.notify(delegator, text, group="delegation")
        await ctx.session.delete(row)
    delegated = await ctx.session.exec(
        select(ApprovalTask).where(
            col(ApprovalTask.delegate_id) == leaver.id, col(ApprovalTask.state) == PENDING
        )
    )
    for task in delegated.all():
        task.delegate_id = None
    return ended
