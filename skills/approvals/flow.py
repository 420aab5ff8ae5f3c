"""A request's journey: filed, sent step by step to its approvers (skipping steps whose condition
is false), and finished — approved or rejected — with the requester and CC'd people told, the
cards updated everywhere they stand, and an event other skills hook."""

from __future__ import annotations

import json

from bot import Context, JobContext, PersonRef, Text, UsageError, _
from skills.approvals import conditions, form, people, store, view
from skills.approvals.config import FlowSpec, StepSpec
from skills.approvals.models import (
    APPROVED,
    CLOSED,
    PENDING,
    REJECTED,
    ApprovalRequest,
    ApprovalTask,
)
from skills.approvals.store import RequestView

TIMER_FIELDS = {"remind_after", "escalate_after"}  # read from the live config, not the snapshot


async def file(ctx: Context, name: str, spec: FlowSpec, values: form.Values) -> None:
    """Record the request, send it to its first step (or approve it when no step applies), and
    answer with the requester's card."""
    now = ctx.now()
    request = ApprovalRequest(
        flow=name,
        spec=spec.model_dump_json(exclude=TIMER_FIELDS),
        requester_id=ctx.person.id,
        chat_id=ctx.chat_id,
        fields=json.dumps(form.encode(values), ensure_ascii=False),
        created_at=now,
        updated_at=now,
    )
    ctx.session.add(request)
    await ctx.session.flush()
    # other skills may check the request before it is filed: a hook that raises UsageError
    # refuses it with its text, and nothing is kept (leave: a request over the balance)
    await ctx.emit(
        "filing", request=request.id, flow=name, requester=ctx.person.id, fields=dict(values)
    )
    store.add_event(ctx, request, "filed", ctx.person)
    shown = await store.load(ctx, request)
    if not await advance(ctx, shown, 0):
        await finish(ctx, shown, APPROVED, None)
    shown = await store.load(ctx, request)
    await ctx.reply(view.card(shown), card=view.requester_key(shown.id), private=True)


async def advance(ctx: JobContext, shown: RequestView, start: int) -> bool:
    """Make the first step from ``start`` whose condition holds the current one: a task per
    approver, each told with the step's card. ``False`` when no step is left."""
    request = shown.request
    facts = form.facts(shown.spec, shown.values)
    for index in range(start, len(shown.spec.steps)):
        step = shown.spec.steps[index]
        request.step = index
        if step.when and not conditions.evaluate(conditions.parse(step.when), facts):
            store.add_event(ctx, request, "skipped", None, detail=str(step.name or ""))
            continue
        approvers = await _approvers(ctx, shown, step, index)
        await _send(ctx, shown, index, approvers)
        return True
    return False


async def _approvers(
    ctx: JobContext, shown: RequestView, step: StepSpec, index: int
) -> list[PersonRef]:
    """The step's approvers for this requester, never the requester; when the flow names nobody
    (no manager declared, nobody with the role), the admins decide."""
    requester = shown.requester
    found = [p for p in await people.resolve_all(ctx, step.approvers, requester)]
    found = [p for p in found if p.id != requester.id]
    if not found:
        found = [p for p in await people.with_role(ctx, "admin") if p.id != requester.id]
    if not found:
        raise UsageError(
            _(
                "Nobody can decide step {n} of {flow} for {who} ({approvers}) — ask an admin to "
                "fix the directory or the flow.",
                n=index + 1,
                flow=shown.spec.title,
                who=requester.mention,
                approvers=", ".join(step.approvers),
            )
        )
    return found


async def _send(
    ctx: JobContext, shown: RequestView, index: int, approvers: list[PersonRef]
) -> None:
    request = shown.request
    assert request.id is not None
    for person in approvers:
        delegate = await store.delegate_of(ctx, person.id)
        task = ApprovalTask(
            request_id=request.id,
            step=index,
            person_id=person.id,
            # nobody decides their own request, not even as someone's delegate
            delegate_id=None if delegate == request.requester_id else delegate,
        )
        ctx.session.add(task)
        shown.tasks.append(task)
    await ctx.session.flush()
    store.add_event(ctx, request, "sent", None, detail=", ".join(f"@{p.handle}" for p in approvers))
    shown = await refresh(ctx, shown, edit=False)
    message = view.card(shown, for_step=index)
    for task in shown.pending():
        for person_id in {task.person_id, task.delegate_id} - {None}:
            assert person_id is not None
            await ctx.notify(
                shown.people[person_id],
                message,
                group="request",
                card=view.step_key(shown.id, index),
            )
    await set_timers(ctx, shown)


async def decided_step(ctx: Context, shown: RequestView) -> None:
    """The current step is approved: close what is left of it and go on, or finish."""
    request = shown.request
    await store.close_pending(ctx, shown.id, request.step, CLOSED)
    await cancel_timers(ctx, shown.id, request.step)
    if await advance(ctx, shown, request.step + 1):
        shown = await refresh(ctx, shown)
        await ctx.reply(
            _(
                "✅ You approved #{id} — it goes on to {people}.",
                id=shown.id,
                people=shown.waiting_on(),
            ),
            private=True,
        )
        return
    await finish(ctx, shown, APPROVED, ctx.person)
    await ctx.reply(
        _("✅ You approved #{id} {title}.", id=shown.id, title=shown.spec.title), private=True
    )


async def finish(
    ctx: JobContext, shown: RequestView, state: str, by: PersonRef | None, reason: str = ""
) -> None:
    """Approved or rejected: record it, tell other skills, the requester and the CC list."""
    request = shown.request
    request.state, request.decided_at, request.updated_at = state, ctx.now(), ctx.now()
    request.decided_by = by.id if by else None
    await store.close_pending(ctx, shown.id, None, CLOSED)
    await cancel_timers(ctx, shown.id, request.step)
    await ctx.emit(
        state,
        request=shown.id,
        flow=request.flow,
        requester=request.requester_id,
        fields=dict(shown.values),
        decided_by=request.decided_by,
        decided_at=request.decided_at,
    )
    shown = await refresh(ctx, shown)
    text = _outcome_text(shown, state, by, reason)
    told = {by.id if by else 0}
    for person in [shown.requester, *await people.resolve_all(ctx, shown.spec.cc, shown.requester)]:
        if person.id not in told:
            told.add(person.id)
            await ctx.notify(person, text, group="decided")


def _outcome_text(shown: RequestView, state: str, by: PersonRef | None, reason: str) -> Text:
    who = by.mention if by else "🤖"
    if state == REJECTED:
        return _(
            "❌ {by} rejected #{id} {title} from {requester}: {reason}",
            by=who,
            id=shown.id,
            title=shown.spec.title,
            requester=shown.requester.mention,
            reason=reason,
        )
    return _(
        "✅ {by} approved #{id} {title} from {requester}",
        by=who,
        id=shown.id,
        title=shown.spec.title,
        requester=shown.requester.mention,
    )


async def refresh(ctx: JobContext, shown: RequestView, *, edit: bool = True) -> RequestView:
    """Re-read the request's tasks and people; update every copy of its cards."""
    shown = await store.load(ctx, shown.request)
    if edit:
        ctx.update_card(view.requester_key(shown.id), view.card(shown))
        for step in sorted({t.step for t in shown.tasks}):
            ctx.update_card(view.step_key(shown.id, step), view.card(shown, for_step=step))
    return shown


# --- reminder and escalation timers -------------------------------------------------------------


def live_flow(ctx: JobContext, shown: RequestView) -> FlowSpec | None:
    """The flow as configured now (for its timers), if it still exists."""
    flows: dict[str, FlowSpec] = ctx.config.flows
    return flows.get(shown.request.flow)


async def set_timers(ctx: JobContext, shown: RequestView) -> None:
    flow = live_flow(ctx, shown)
    if flow is None or shown.request.state != PENDING:
        return
    payload = {"request": shown.id, "step": shown.request.step}
    key = f"{shown.id}-{shown.request.step}"
    if flow.remind_after is not None and ctx.config.max_reminders > 0:
        await ctx.timers.set(
            f"{key}-remind", ctx.now() + flow.remind_after, kind="remind", payload=payload
        )
    if flow.escalate_after is not None:
        await ctx.timers.set(
            f"{key}-escalate", ctx.now() + flow.escalate_after, kind="escalate", payload=payload
        )


async def cancel_timers(ctx: JobContext, request_id: int, step: int) -> None:
    await ctx.timers.cancel(f"{request_id}-{step}-remind")
    await ctx.timers.cancel(f"{request_id}-{step}-escalate")
