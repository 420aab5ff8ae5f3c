"""When someone leaves: their open tasks go to their successor (each card and creator told), and
the open tasks they created get the successor as creator (assignees kept)."""

from __future__ import annotations

from sqlmodel import col, delete, select, update

from bot import Handover, JobContext, Message, _
from skills.tasks import store, view
from skills.tasks.models import DONE, FINISHED, Task, TaskAssignee


async def hand_over(ctx: JobContext, handover: Handover) -> None:
    """Without a successor (no one named, no manager) their part goes back to each task's
    creator, who decides what to do with it."""
    reassigned = await _their_parts(ctx, handover)
    created = await _their_tasks(ctx, handover)
    if reassigned or created:
        handover.report(
            _(
                "📋 Tasks: {assigned} reassigned, {created} created by them now led by {to}",
                assigned=reassigned,
                created=created,
                to=handover.successor.mention if handover.successor else _("each creator"),
            )
        )


async def _their_parts(ctx: JobContext, handover: Handover) -> int:
    leaver = handover.person
    rows = await ctx.session.exec(
        select(Task)
        .join(TaskAssignee, col(TaskAssignee.task_id) == col(Task.id))
        .where(
            col(TaskAssignee.person_id) == leaver.id,
            col(TaskAssignee.status) != DONE,
            col(Task.status).not_in(FINISHED),
        )
        .order_by(col(Task.id))
    )
    tasks = list(rows.all())
    for task in tasks:
        shown = await store.load(ctx, task)
        to = handover.successor or (shown.creator if shown.creator.id != leaver.id else None)
        already = to is not None and shown.assignee(to) is not None
        if to is None or already:  # already theirs: one part is enough
            await ctx.session.exec(
                delete(TaskAssignee).where(
                    col(TaskAssignee.task_id) == task.id, col(TaskAssignee.person_id) == leaver.id
                )
            )
        else:
            await ctx.session.exec(
                update(TaskAssignee)
                .where(
                    col(TaskAssignee.task_id) == task.id, col(TaskAssignee.person_id) == leaver.id
                )
                .values(person_id=to.id, nudged_at=None)
            )
        await store.add_event(ctx, task, leaver, "handed_over", view.handed_to(to))
        task.updated_at = ctx.now()
        await ctx.session.flush()
        shown = await store.load(ctx, task)
        ctx.update_card(str(shown.id), view.card(shown, ctx.now()))
        said = _(
            "👋 {who} has left: #{id} {title} now goes to {to}",
            who=leaver.mention,
            id=shown.id,
            title=task.title,
            to=to.mention if to else _("the other assignees"),
        )
        if to is not None and not already and to.id != shown.creator.id:
            text = _(
                "📋 #{id} {title} is yours now: {who} has left",
                id=shown.id,
                title=task.title,
                who=leaver.mention,
            )
            message = Message(text, buttons=view.assignee_buttons(shown))
            await ctx.notify(to, message, group="assigned", card=str(shown.id))
        if shown.creator.id != leaver.id:
            await ctx.notify(shown.creator, said, group="update")
    return len(tasks)


async def _their_tasks(ctx: JobContext, handover: Handover) -> int:
    successor = handover.successor
    if successor is None:
        return 0
    rows = await ctx.session.exec(
        select(Task).where(
            col(Task.creator_id) == handover.person.id, col(Task.status).not_in(FINISHED)
        )
    )
    tasks = list(rows.all())
    for task in tasks:
        task.creator_id, task.updated_at = successor.id, ctx.now()
        detail = view.handed_to(successor, creator=True)
        await store.add_event(ctx, task, handover.person, "handed_over", detail)
        await ctx.session.flush()
        ctx.update_card(str(task.id), view.card(await store.load(ctx, task), ctx.now()))
    return len(tasks)
