"""Creating a task: from ``/task add`` in a chat, or from the open API on someone's behalf."""

from __future__ import annotations

from datetime import datetime

from bot import Context, PersonRef
from skills.tasks import flow, store, view
from skills.tasks.models import Task, TaskAssignee, TaskFollower


async def create(
    ctx: Context,
    title: str,
    people: list[PersonRef],
    due: datetime | None,
    cc: list[PersonRef],
    priority: str,
) -> Task:
    """A task in ``ctx``'s chat by ``ctx.person`` for ``people``: its card answers in the chat,
    each assignee but the creator is told, and ``tasks.created`` is emitted."""
    task = Task(
        chat_id=ctx.chat_id,
        creator_id=ctx.person.id,
        title=title,
        priority=priority,
        due_at=due,
        created_at=ctx.now(),
        updated_at=ctx.now(),
    )
    ctx.session.add(task)
    await ctx.session.flush()
    assert task.id is not None
    for person in people:
        ctx.session.add(TaskAssignee(task_id=task.id, person_id=person.id))
    for person in {p.id: p for p in cc if p.id not in {q.id for q in people}}.values():
        ctx.session.add(TaskFollower(task_id=task.id, person_id=person.id))
    await store.add_event(ctx, task, ctx.person, "created")
    shown = await store.load(ctx, task)
    await flow.set_timers(ctx, task)
    for person in people:
        if person.id != ctx.person.id:
            await ctx.notify(
                person,
                view.assigned(shown, ctx.person.mention),
                group="assigned",
                card=str(task.id),
            )
    await ctx.reply(view.card(shown, ctx.now()), card=str(task.id))
    await ctx.emit("created", **flow.event_payload(shown))
    return task
