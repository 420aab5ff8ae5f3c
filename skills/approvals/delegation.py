"""``/approvals delegate @bob until:12-10``: while away, someone else decides for you. Pending
requests move along at once; new ones go to both; the trail shows who decided for whom."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from bot import Context, JobContext, PersonRef, UsageError, _
from skills.approvals import flow, store, view
from skills.approvals.models import ApprovalDelegation, ApprovalRequest

MAX_DAYS = 90


async def start(ctx: Context, to: PersonRef, until: date) -> None:
    today = ctx.today()
    if to.id == ctx.person.id:
        raise UsageError(_("Delegate to someone else, e.g. /approvals delegate @bob until:12-10"))
    if until < today or until > today + timedelta(days=MAX_DAYS):
        raise UsageError(
            _(
                "until:{until} must be from today to {max} days ahead — e.g. until:12-10",
                until=until,
                max=MAX_DAYS,
            )
        )
    ends = datetime.combine(until + timedelta(days=1), time(0), tzinfo=ctx.person.tz)
    row = await ctx.session.get(ApprovalDelegation, ctx.person.id)
    if row is None:
        row = ApprovalDelegation(
            person_id=ctx.person.id, delegate_id=to.id, ends_at=ends, created_at=ctx.now()
        )
        ctx.session.add(row)
    row.delegate_id, row.ends_at, row.created_at = to.id, ends, ctx.now()
    key = f"delegation-{ctx.person.id}"
    await ctx.timers.set(key, ends, kind="delegation_end", payload={"person": ctx.person.id})
    await ctx.notify(
        to,
        _(
            "🤝 {who} asked you to decide their approvals until {until} — /approvals lists them.",
            who=ctx.person.mention,
            until=until,
        ),
        group="delegation",
    )
    moved = await _move_pending(ctx, to.id)
    await ctx.reply(
        _(
            "🤝 Until {until}, {to} decides the requests sent to you ({n} pending now). "
            "/approvals delegate off ends it.",
            until=until,
            to=to.mention,
            n=moved,
        ),
        private=True,
    )


async def stop(ctx: Context) -> None:
    row = await ctx.session.get(ApprovalDelegation, ctx.person.id)
    if row is None or row.ends_at <= ctx.now():
        raise UsageError(
            _("You have no delegation — start one with /approvals delegate @bob until:12-10")
        )
    await ctx.session.delete(row)
    await ctx.timers.cancel(f"delegation-{ctx.person.id}")
    await _take_back(ctx, ctx.person.id)
    await ctx.reply(_("🤝 Delegation ended: requests come to you alone again."), private=True)


async def expire(ctx: JobContext, person_id: int) -> None:
    """The delegation's last day is over: what still waits is the person's alone again."""
    row = await ctx.session.get(ApprovalDelegation, person_id)
    if row is not None and row.ends_at <= ctx.now():
        await ctx.session.delete(row)
        await _take_back(ctx, person_id)


async def _take_back(ctx: JobContext, person_id: int) -> None:
    for task in await store.pending_tasks_of(ctx.session, person_id):
        if not task.escalated:
            task.delegate_id = None


async def _move_pending(ctx: Context, delegate_id: int) -> int:
    """The delegate also decides what already waits; they get those cards now."""
    tasks = [t for t in await store.pending_tasks_of(ctx.session, ctx.person.id) if not t.escalated]
    requests = set()
    for task in tasks:
        request = await ctx.session.get(ApprovalRequest, task.request_id)
        if request is None or request.step != task.step or request.requester_id == delegate_id:
            continue  # nobody decides their own request, not even as someone's delegate
        task.delegate_id = delegate_id
        requests.add(request.id)
    await ctx.session.flush()
    delegate = await ctx.person_by_id(delegate_id)
    for request_id in sorted(r for r in requests if r is not None):
        shown = await flow.refresh(ctx, await store.load(ctx, await _get(ctx, request_id)))
        if delegate is not None:
            step = shown.request.step
            await ctx.notify(
                delegate,
                view.card(shown, for_step=step),
                group="request",
                card=view.step_key(shown.id, step),
            )
    return len(requests)


async def _get(ctx: Context, request_id: int) -> ApprovalRequest:
    request = await ctx.session.get(ApprovalRequest, request_id)
    assert request is not None
    return request
