"""What happens to a task: each transition checks who may, records who and when, updates the
card everywhere it stands, re-sets the due reminders, and tells the people it concerns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, delete

from bot import (
    Context,
    JobContext,
    Message,
    PermissionDenied,
    PersonRef,
    Relative,
    Text,
    UsageError,
    _,
)
from skills.tasks import store, view
from skills.tasks.models import (
    CANCELLED,
    DONE,
    FINISHED,
    IN_PROGRESS,
    OPEN,
    Task,
    TaskAssignee,
)
from skills.tasks.store import TaskView

# --- checks -------------------------------------------------------------------------------------


def check_title(ctx: JobContext, title: str) -> None:
    if not title.strip():
        raise UsageError(_("Give the task a title, e.g. /task add @bob Ship the report due:fri"))
    limit = ctx.config.max_title
    if len(title) > limit:
        raise UsageError(
            _(
                "The title is {n} characters long — keep it under {max}, and put details in a note",
                n=len(title),
                max=limit,
            )
        )


MAX_NOTE = 1000


def check_note(note: str) -> None:
    if len(note) > MAX_NOTE:
        raise UsageError(
            _("The note is {n} characters long — keep it under {max}", n=len(note), max=MAX_NOTE)
        )


def check_due(due: datetime | None, now: datetime) -> None:
    if due is not None and due <= now:
        raise UsageError(
            _(
                "due: {due} is in the past — give a future date, e.g. due:fri or due:2026-12-01",
                due=due,
            )
        )


def _may_change(ctx: Context, shown: TaskView) -> None:
    if ctx.person.has_role("admin") or ctx.person.id == shown.creator.id:
        return
    if shown.assignee(ctx.person) is None:
        raise PermissionDenied(
            _("Only the assignees or the creator can change task #{id}.", id=shown.id)
        )


def _may_manage(ctx: Context, shown: TaskView, what: Text) -> None:
    if not (ctx.person.has_role("admin") or ctx.person.id == shown.creator.id):
        raise PermissionDenied(
            _(
                "Only the creator ({creator}) or an admin can {what} task #{id}.",
                creator=shown.creator.mention,
                what=what,
                id=shown.id,
            )
        )


def _open(shown: TaskView) -> None:
    if shown.task.status in FINISHED:
        raise UsageError(
            _(
                "Task #{id} is {state} — /task reopen {id} first.",
                id=shown.id,
                state=view.STATES[shown.task.status],
            )
        )


# --- transitions --------------------------------------------------------------------------------


async def created(ctx: Context, shown: TaskView) -> None:
    """A new task: its due reminders set, its assignees told (but the sender), its card shown,
    ``tasks.created`` emitted."""
    await set_timers(ctx, shown.task)
    for person, _row in shown.assignees:
        if person.id != ctx.person.id:
            await ctx.notify(
                person,
                view.assigned(shown, ctx.person.mention),
                group="assigned",
                card=str(shown.id),
            )
    await ctx.reply(view.card(shown, ctx.now()), card=str(shown.id))
    await ctx.emit("created", **event_payload(shown))


async def start(ctx: Context, shown: TaskView) -> None:
    _may_change(ctx, shown)
    _open(shown)
    row = shown.assignee(ctx.person)
    if row is None:
        raise PermissionDenied(
            _(
                "Only the assignees can start task #{id}: {people}.",
                id=shown.id,
                people=[p.mention for p, _r in shown.assignees],
            )
        )
    if row.status == DONE:
        raise UsageError(_("You already finished your part of #{id}.", id=shown.id))
    if row.status != OPEN:
        raise UsageError(_("You already started task #{id}.", id=shown.id))
    row.status = IN_PROGRESS
    await _changed(
        ctx, shown, "started", _("▶️ {who} started #{id}", who=ctx.person.mention, id=shown.id)
    )


async def finish(ctx: Context, shown: TaskView, note: str) -> None:
    """An assignee finishes their part. Someone who is not an assignee (the creator, an admin)
    closes the whole task instead."""
    _may_change(ctx, shown)
    _open(shown)
    check_note(note)
    row = shown.assignee(ctx.person)
    if row is None:
        await close(ctx, shown, note)
        return
    if row.status == DONE:
        raise UsageError(
            _(
                "You already finished your part of #{id} — /task close {id} closes the whole task.",
                id=shown.id,
            )
        )
    row.status, row.done_at = DONE, ctx.now()
    if store.all_done(shown):
        shown.task.closed_by = ctx.person.id
    shown.task.note = note or shown.task.note
    text = _(
        "✅ {who} finished #{id} {title}",
        who=ctx.person.mention,
        id=shown.id,
        title=shown.task.title,
    )
    await _changed(ctx, shown, "done", text, detail=note, tell_creator=True)


async def close(ctx: Context, shown: TaskView, note: str = "") -> None:
    """The creator or an admin declares the whole task done; the assignees' own parts stay as
    they were (reports count only what each did), and they are told."""
    _may_manage(ctx, shown, _("close"))
    _open(shown)
    check_note(note)
    task = shown.task
    task.status, task.done_at, task.closed_by = DONE, ctx.now(), ctx.person.id
    task.note = note or task.note
    text = _("✅ {who} closed #{id} {title}", who=ctx.person.mention, id=shown.id, title=task.title)
    await _changed(ctx, shown, "closed", text, detail=note, tell_assignees=True)


async def cancel(ctx: Context, shown: TaskView) -> None:
    _may_manage(ctx, shown, _("cancel"))
    _open(shown)
    shown.task.status, shown.task.updated_at = CANCELLED, ctx.now()
    shown.task.closed_by = ctx.person.id
    await _changed(
        ctx,
        shown,
        "cancelled",
        _(
            "🚫 {who} cancelled #{id} {title}",
            who=ctx.person.mention,
            id=shown.id,
            title=shown.task.title,
        ),
        tell_assignees=True,
    )


async def reopen(ctx: Context, shown: TaskView) -> None:
    _may_manage(ctx, shown, _("reopen"))
    if shown.task.status not in FINISHED:
        raise UsageError(
            _("Task #{id} is still {state}.", id=shown.id, state=view.STATES[shown.task.status])
        )
    for _p, row in shown.assignees:
        row.status, row.done_at = OPEN, None
    shown.task.status, shown.task.done_at, shown.task.closed_by = OPEN, None, None
    await _changed(
        ctx,
        shown,
        "reopened",
        _(
            "↩️ {who} reopened #{id} {title}",
            who=ctx.person.mention,
            id=shown.id,
            title=shown.task.title,
        ),
        tell_assignees=True,
    )


async def _changed(
    ctx: Context,
    shown: TaskView,
    action: str,
    text: Text,
    *,
    detail: str = "",
    tell_creator: bool = False,
    tell_assignees: bool = False,
    already: frozenset[int] = frozenset(),
) -> None:
    """Record, recompute, re-time, update the card, tell who it concerns (but the actor and
    those ``already`` told), answer."""
    store.refresh_status(shown, ctx.now())
    if shown.task.closed_by == ctx.person.id:
        shown.closer = ctx.person
    await store.add_event(ctx, shown.task, ctx.person, action, detail)
    await set_timers(ctx, shown.task)
    told = {ctx.person.id, *already}
    audience = [p for p in shown.followers]
    if tell_creator:
        audience.append(shown.creator)
    if tell_assignees:
        audience += [p for p, _r in shown.assignees]
    for person in audience:
        if person.id not in told:
            told.add(person.id)
            await ctx.notify(person, text, group="update")
    ctx.update_card(str(shown.id), view.card(shown, ctx.now()))
    await ctx.reply(text)
    if action in ("done", "closed") and shown.task.status == DONE:
        await ctx.emit("done", **event_payload(shown), by=ctx.person.handle)


def event_payload(shown: TaskView) -> dict[str, object]:
    """What ``tasks.created`` and ``tasks.done`` carry (to hooks and webhooks)."""
    task = shown.task
    return {
        "task": shown.id,
        "title": task.title,
        "status": task.status,
        "priority": task.priority,
        "due_at": task.due_at.isoformat() if task.due_at else None,
        "creator": shown.creator.handle,
        "assignees": [p.handle for p, _r in shown.assignees],
    }


# --- nudges and reminders -----------------------------------------------------------------------


async def nudge(ctx: Context, shown: TaskView) -> None:
    """催办: remind the assignees not done yet, at most once per interval each."""
    if not (
        ctx.person.has_role("admin")
        or ctx.person.id == shown.creator.id
        or any(p.id == ctx.person.id for p in shown.followers)
    ):
        raise PermissionDenied(
            _(
                "Only the creator ({creator}), followers or an admin can nudge task #{id}.",
                creator=shown.creator.mention,
                id=shown.id,
            )
        )
    _open(shown)
    waiting = shown.waiting_on()
    if not waiting:
        raise UsageError(_("Everyone on #{id} is done.", id=shown.id))
    now, every = ctx.now(), ctx.config.nudge_interval
    sent, later = [], []
    for person, row in waiting:
        if row.nudged_at is not None and row.nudged_at + every > now:
            later.append(
                _(
                    "{who} was nudged at {at}; again from {next}",
                    who=person.mention,
                    at=row.nudged_at,
                    next=row.nudged_at + every,
                )
            )
            continue
        row.nudged_at = now
        await ctx.notify(person, _nudge_message(shown, ctx.person, now), group="nudge")
        sent.append(person.mention)
    if sent:
        await store.add_event(ctx, shown.task, ctx.person, "nudged")
    lines = [_("👉 Nudged {people} about #{id}.", people=sent, id=shown.id)] if sent else []
    await ctx.reply(Message(_lines([*lines, *later])))


def _nudge_message(shown: TaskView, by: PersonRef, now: datetime) -> Message:
    task = shown.task
    if task.due_at is not None and task.due_at < now:
        text = _(
            "⏰ #{id} {title} is {late} overdue — {by} asked you to look at it",
            id=shown.id,
            title=task.title,
            late=now - task.due_at,
            by=by.mention,
        )
    else:
        text = _(
            "👉 {by} asks how #{id} {title} is going", by=by.mention, id=shown.id, title=task.title
        )
    buttons = view.assignee_buttons(shown)
    return Message(text, buttons=buttons)


def _lines(texts: list[Text]) -> Text:
    return Text(
        "\n".join(f"{{l{i}}}" for i in range(len(texts))), {f"l{i}": t for i, t in enumerate(texts)}
    )


async def set_timers(ctx: JobContext, task: Task) -> None:
    """A reminder before the due time and a notice when it passes; none once finished."""
    before, overdue = f"{task.id}-before", f"{task.id}-overdue"
    if task.status in FINISHED or task.due_at is None:
        await ctx.timers.cancel(before)
        await ctx.timers.cancel(overdue)
        return
    payload = {"task": task.id or 0}
    for key, at, kind in (
        (before, task.due_at - ctx.config.reminder_before, "before"),
        (overdue, task.due_at, "overdue"),
    ):
        if at > ctx.now():
            await ctx.timers.set(key, at, kind=kind, payload=payload)
        else:  # its moment has passed: it fired already, it must not fire again
            await ctx.timers.cancel(key)


async def _still_due(ctx: JobContext, task_id: int) -> TaskView | None:
    """The task a timer is about, if it is still waiting for its due time."""
    task = await ctx.session.get(Task, task_id)
    if task is None or task.status in FINISHED or task.due_at is None:
        return None
    return await store.load(ctx, task)


async def due_soon(ctx: JobContext, task_id: int) -> None:
    shown = await _still_due(ctx, task_id)
    if shown is None:
        return
    task = shown.task
    assert task.due_at is not None
    text = _(
        "⏰ #{id} {title} is due at {due} ({relative})",
        id=task.id,
        title=task.title,
        due=task.due_at,
        relative=Relative(task.due_at),
    )
    for person, _row in shown.waiting_on():
        await ctx.notify(
            person, Message(text, buttons=view.assignee_buttons(shown)), group="reminder"
        )


async def overdue(ctx: JobContext, task_id: int) -> None:
    shown = await _still_due(ctx, task_id)
    if shown is None:
        return
    task = shown.task
    text = _(
        "⏰ #{id} {title} is overdue — it was due at {due}",
        id=task.id,
        title=task.title,
        due=task.due_at,
    )
    people = {p.id: p for p, _row in shown.waiting_on()} | {shown.creator.id: shown.creator}
    for person in people.values():
        await ctx.notify(person, text, group="reminder")
    ctx.update_card(str(task.id), view.card(shown, ctx.now()))


# --- editing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Changes:
    due: datetime | None
    title: str | None
    add: list[PersonRef]
    remove: list[PersonRef]
    priority: str | None


async def edit(ctx: Context, shown: TaskView, changes: Changes) -> None:
    _may_manage(ctx, shown, _("edit"))
    _open(shown)
    if not any([changes.due, changes.title, changes.add, changes.remove, changes.priority]):
        raise UsageError(
            _(
                'Say what to change, e.g. /task edit {id} due:mon title:"New title" '
                "+@carol -@bob !high",
                id=shown.id,
            )
        )
    task = shown.task
    if changes.title is not None:
        check_title(ctx, changes.title)
        task.title = changes.title
    if changes.due is not None:
        check_due(changes.due, ctx.now())
        task.due_at = changes.due
    task.priority = changes.priority or task.priority
    added = await _reassign(ctx, shown, changes)
    task.updated_at = ctx.now()
    shown = await store.load(ctx, task)
    await _changed(
        ctx,
        shown,
        "edited",
        _("✏️ {who} edited #{id} {title}", who=ctx.person.mention, id=shown.id, title=task.title),
        tell_assignees=True,
        already=frozenset(p.id for p in added),
    )


async def _reassign(ctx: Context, shown: TaskView, changes: Changes) -> list[PersonRef]:
    """Apply ``+@``/``-@``; the people added are told they have a new task, the people removed
    that it is no longer theirs."""
    current = {p.id for p, _row in shown.assignees}
    removed = {p.id for p in changes.remove} & current
    added = list({p.id: p for p in changes.add if p.id not in current}.values())
    if current - removed == set() and not added:
        raise UsageError(_("A task needs at least one assignee — add someone with +@name."))
    for person, _row in shown.assignees:
        if person.id not in removed:
            continue
        await ctx.session.exec(
            delete(TaskAssignee).where(
                col(TaskAssignee.task_id) == shown.id, col(TaskAssignee.person_id) == person.id
            )
        )
        await ctx.notify(
            person,
            _(
                "{who} took you off #{id} {title}",
                who=ctx.person.mention,
                id=shown.id,
                title=shown.task.title,
            ),
            group="update",
        )
    for person in added:
        ctx.session.add(TaskAssignee(task_id=shown.id, person_id=person.id))
        await ctx.notify(
            person, view.assigned(shown, ctx.person.mention), group="assigned", card=str(shown.id)
        )
    await ctx.session.flush()
    return added
