"""Deciding and withdrawing: who may, exactly once, with a clear answer to everyone else.

Every decision starts by locking the request row (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite
serialises writers), then re-reads its tasks: of two approvers pressing [Approve] at once on an
``any`` step, the second one waits, sees the step decided, and is told so; nothing changes twice.
"""

from __future__ import annotations

from bot import Context, NotFound, PermissionDenied, Text, UsageError, _
from skills.approvals import flow, store, view
from skills.approvals.models import APPROVED, CLOSED, PENDING, REJECTED, WITHDRAWN, ApprovalTask
from skills.approvals.store import RequestView

MAX_COMMENT = 1000


async def locked(ctx: Context, request_id: int) -> RequestView:
    request = await store.lock(ctx, request_id)
    if request is None:
        raise NotFound(_("There is no request #{id} — /approvals mine lists yours.", id=request_id))
    return await store.load(ctx, request)


async def decide(ctx: Context, request_id: int, approve: bool, comment: str) -> None:
    """``ctx.person`` approves or rejects the current step of a request."""
    if len(comment) > MAX_COMMENT:
        raise UsageError(
            _(
                "The comment is {n} characters long — keep it under {max}",
                n=len(comment),
                max=MAX_COMMENT,
            )
        )
    shown = await locked(ctx, request_id)
    tasks = may_decide(ctx, shown)
    state = APPROVED if approve else REJECTED
    for task in tasks:
        if not await store.decide_task(ctx, task, state, ctx.person, comment):
            raise UsageError(_already(shown))
        on_behalf = task.person_id if task.person_id != ctx.person.id else None
        store.add_event(
            ctx, shown.request, state, ctx.person, on_behalf_of=on_behalf, detail=comment
        )
    await ctx.audit(state, {"request": shown.id, "step": shown.request.step})
    if not approve:
        await flow.finish(ctx, shown, REJECTED, ctx.person, comment)
        await ctx.reply(
            _("❌ You rejected #{id} {title}.", id=shown.id, title=shown.spec.title), private=True
        )
        return
    if shown.step.mode == "any" or not shown.pending():
        await flow.decided_step(ctx, shown)
        return
    shown = await flow.refresh(ctx, shown)
    await ctx.reply(
        _(
            "✅ You approved #{id} — it still waits for {people}.",
            id=shown.id,
            people=shown.waiting_on(),
        ),
        private=True,
    )


async def reason_needed(ctx: Context, request_id: int) -> Text:
    """What ``/reject 12`` without a reason, and the [Reject] button, answer: how to reject with
    the reason, once the request exists and ``ctx.person`` may decide it (else why they can't)."""
    shown = await locked(ctx, request_id)
    may_decide(ctx, shown)
    return _(
        "To reject #{id}, type /reject {id} <reason> — a reason is required, e.g. /reject {id} "
        "the team is short that week",
        id=shown.id,
    )


def may_decide(ctx: Context, shown: RequestView) -> list[ApprovalTask]:
    """The pending tasks ``ctx.person`` decides now, or the reason they can't."""
    person = ctx.person
    if shown.request.state != PENDING:
        raise UsageError(_already(shown))
    if person.id == shown.requester.id:
        raise PermissionDenied(
            _(
                "You can't decide your own request #{id} — it waits for {people}.",
                id=shown.id,
                people=_waiting(shown),
            )
        )
    mine = shown.mine(person)
    if mine:
        return mine
    if any(person.id in (t.person_id, t.delegate_id, t.acted_by) for t in shown.current()):
        raise UsageError(_already_step(shown, person.id))
    if person.is_admin and ctx.config.admins_decide:
        return shown.pending()
    raise PermissionDenied(
        _("Only {people} can decide #{id} now.", people=_waiting(shown), id=shown.id)
    )


def _waiting(shown: RequestView) -> list[object]:
    return shown.waiting_on()


def _already(shown: RequestView) -> Text:
    request = shown.request
    if request.state == WITHDRAWN:
        return _(
            "#{id} was withdrawn by {who} — there is nothing to decide.",
            id=shown.id,
            who=shown.requester.mention,
        )
    if request.state == APPROVED and request.decided_by is None:
        return _("#{id} was already approved: no step applied.", id=shown.id)
    return _(
        "#{id} was already {state} by {who}.",
        id=shown.id,
        state=view.STATES[request.state],
        who=shown.who(request.decided_by),
    )


def _already_step(shown: RequestView, person_id: int) -> Text:
    """They hold a task of this step that is no longer pending: decided by them, or made moot by
    someone else's decision (或签)."""
    for task in shown.current():
        mine = person_id in (task.person_id, task.delegate_id)
        if mine and task.state == APPROVED and task.acted_by == person_id:
            return _(
                "You already approved #{id} — it waits for {people}.",
                id=shown.id,
                people=_waiting(shown),
            )
    deciders = shown.whos([t.acted_by for t in shown.current() if t.state not in (PENDING, CLOSED)])
    return _(
        "Step {n} of #{id} was already decided by {who}.",
        n=shown.request.step + 1,
        id=shown.id,
        who=deciders or "?",
    )


async def withdraw(ctx: Context, request_id: int) -> None:
    """The requester takes back a pending request; its approvers are told."""
    shown = await locked(ctx, request_id)
    if ctx.person.id != shown.requester.id:
        raise PermissionDenied(
            _("Only {who} can withdraw #{id}.", who=shown.requester.mention, id=shown.id)
        )
    was = shown.request.state
    if was != PENDING and not (was == APPROVED and shown.spec.withdraw_approved):
        raise UsageError(
            _(
                "#{id} is already {state} — only pending requests can be withdrawn.",
                id=shown.id,
                state=view.STATES[shown.request.state],
            )
        )
    waiting = [shown.people[p] for t in shown.pending() for p in (t.person_id, t.delegate_id) if p]
    if was == APPROVED:  # those who approved it are told it was taken back
        waiting = [shown.people[t.acted_by] for t in shown.tasks if t.acted_by in shown.people]
    request = shown.request
    request.state, request.decided_at, request.updated_at = WITHDRAWN, ctx.now(), ctx.now()
    await store.close_pending(ctx, shown.id, None, CLOSED)
    await flow.cancel_timers(ctx, shown.id, request.step)
    store.add_event(ctx, request, "withdrawn", ctx.person)
    await ctx.emit(
        "withdrawn", request=shown.id, flow=request.flow, requester=request.requester_id,
        fields=dict(shown.values), was=was,
    )  # fmt: skip
    text = _(
        "↩️ {who} withdrew #{id} {title}",
        who=ctx.person.mention,
        id=shown.id,
        title=shown.spec.title,
    )
    for person in {p.id: p for p in waiting}.values():
        await ctx.notify(person, text, group="decided")
    await flow.refresh(ctx, shown)
    await ctx.reply(text, private=True)
