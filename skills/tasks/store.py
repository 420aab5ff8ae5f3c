"""Reading and writing tasks: narrow, typed functions over the tasks tables."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import Context, JobContext, PersonRef
from skills.tasks.models import (
    DONE,
    FINISHED,
    IN_PROGRESS,
    OPEN,
    Task,
    TaskAssignee,
    TaskEvent,
    TaskFollower,
)


@dataclass
class TaskView:
    """A task with the people around it, as cards and checks need it."""

    task: Task
    creator: PersonRef
    assignees: list[tuple[PersonRef, TaskAssignee]]
    followers: list[PersonRef]
    closer: PersonRef | None = None  # who finished, closed or cancelled it

    @property
    def id(self) -> int:
        assert self.task.id is not None
        return self.task.id

    def assignee(self, person: PersonRef) -> TaskAssignee | None:
        return next((row for p, row in self.assignees if p.id == person.id), None)

    def waiting_on(self) -> list[tuple[PersonRef, TaskAssignee]]:
        return [(p, row) for p, row in self.assignees if row.status != DONE]

    def involves(self, person: PersonRef) -> bool:
        ids = {
            self.creator.id,
            *(p.id for p, _r in self.assignees),
            *(p.id for p in self.followers),
        }
        return person.id in ids


async def load_many(ctx: JobContext, tasks: list[Task]) -> list[TaskView]:
    """Several tasks with their people, in a few queries (for lists)."""
    ids = [t.id for t in tasks]
    rows = (
        await ctx.session.exec(
            select(TaskAssignee)
            .where(col(TaskAssignee.task_id).in_(ids))
            .order_by(col(TaskAssignee.person_id))
        )
    ).all()
    people = {
        p.id: p
        for p in await ctx.people([*(t.creator_id for t in tasks), *(r.person_id for r in rows)])
    }
    by_task: dict[int, list[tuple[PersonRef, TaskAssignee]]] = {}
    for r in rows:
        by_task.setdefault(r.task_id, []).append((people[r.person_id], r))
    return [TaskView(t, people[t.creator_id], by_task.get(t.id or 0, []), []) for t in tasks]


async def load(ctx: JobContext, task: Task) -> TaskView:
    rows = (
        await ctx.session.exec(
            select(TaskAssignee)
            .where(TaskAssignee.task_id == task.id)
            .order_by(col(TaskAssignee.person_id))
        )
    ).all()
    follower_ids = (
        await ctx.session.exec(
            select(TaskFollower.person_id).where(TaskFollower.task_id == task.id)
        )
    ).all()
    ids = [task.creator_id, *(r.person_id for r in rows), *follower_ids]
    people = {
        p.id: p for p in await ctx.people([*ids, *([task.closed_by] if task.closed_by else [])])
    }
    return TaskView(
        task,
        people[task.creator_id],
        [(people[r.person_id], r) for r in rows if r.person_id in people],
        [people[i] for i in follower_ids if i in people],
        people.get(task.closed_by) if task.closed_by else None,
    )


@dataclass(frozen=True)
class NewTask:
    """A task as ``/task add`` asks for it."""

    title: str
    assignees: list[PersonRef]
    followers: list[PersonRef]  # cc: told of every change (but the assignees, already told)
    priority: str
    due_at: datetime | None


async def create(ctx: Context, new: NewTask) -> TaskView:
    """Write a task of this chat, created by the sender, with its people and its first event."""
    task = Task(
        chat_id=ctx.chat_id,
        creator_id=ctx.person.id,
        title=new.title,
        priority=new.priority,
        due_at=new.due_at,
        created_at=ctx.now(),
        updated_at=ctx.now(),
    )
    ctx.session.add(task)
    await ctx.session.flush()
    assert task.id is not None
    assignees = {p.id: p for p in new.assignees}
    for person_id in assignees:
        ctx.session.add(TaskAssignee(task_id=task.id, person_id=person_id))
    for person_id in dict.fromkeys(p.id for p in new.followers if p.id not in assignees):
        ctx.session.add(TaskFollower(task_id=task.id, person_id=person_id))
    await add_event(ctx, task, ctx.person, "created")
    return await load(ctx, task)


async def add_event(
    ctx: JobContext, task: Task, person: PersonRef, action: str, detail: str = ""
) -> None:
    assert task.id is not None
    ctx.session.add(
        TaskEvent(task_id=task.id, at=ctx.now(), person_id=person.id, action=action, detail=detail)
    )


async def history(session: AsyncSession, task_id: int) -> list[TaskEvent]:
    rows = await session.exec(
        select(TaskEvent)
        .where(TaskEvent.task_id == task_id)
        .order_by(col(TaskEvent.at), col(TaskEvent.id))
    )
    return list(rows.all())


def all_done(view: TaskView) -> bool:
    return all(row.status == DONE for _p, row in view.assignees)


def refresh_status(view: TaskView, now: datetime) -> None:
    """The task's state follows its assignees: done when all are, in progress once one starts."""
    task = view.task
    if task.status in FINISHED:
        return
    states = {row.status for _p, row in view.assignees}
    if states == {DONE}:
        task.status, task.done_at = DONE, now
    elif states & {IN_PROGRESS, DONE}:
        task.status = IN_PROGRESS
    else:
        task.status = OPEN
    task.updated_at = now


# --- lists and reports --------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: datetime  # inclusive, UTC
    end: datetime  # exclusive, UTC

    @classmethod
    def of(cls, first: date, last: date, tz: ZoneInfo) -> Period:
        start = datetime.combine(first, time(0), tzinfo=tz)
        end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz)
        return cls(start, end)


def _state(state: str, now: datetime) -> sa.ColumnElement[bool]:
    unfinished = col(Task.status).not_in(FINISHED)
    return {
        "open": unfinished,
        "done": col(Task.status) == DONE,
        "late": unfinished & (col(Task.due_at) < now),
        "all": sa.true(),
    }[state]


def _part(person_id: int, state: str, now: datetime) -> list[sa.ColumnElement[bool]]:
    """Tasks assigned to a person, by the state of *their* part: done once they did it. Driven
    from the person's assignee rows (indexed), not from the chat's tasks."""
    rows = select(TaskAssignee.task_id).where(col(TaskAssignee.person_id) == person_id)
    unfinished = col(Task.status).not_in(FINISHED)
    if state == "all":
        return [col(Task.id).in_(rows)]
    if state == "done":
        done_rows = rows.where(col(TaskAssignee.status) == DONE)
        return [col(Task.id).in_(done_rows) | (col(Task.id).in_(rows) & (col(Task.status) == DONE))]
    open_rows = rows.where(col(TaskAssignee.status) != DONE)
    late = [col(Task.due_at) < now] if state == "late" else []
    return [col(Task.id).in_(open_rows), unfinished, *late]


def _who(
    scope: str, state: str, person: PersonRef, other: PersonRef | None, now: datetime
) -> list[sa.ColumnElement[bool]]:
    if other is not None or scope == "mine":
        return _part((other or person).id, state, now)
    mine = select(TaskAssignee.task_id).where(TaskAssignee.person_id == person.id)
    by_me = col(Task.creator_id) == person.id
    where = {"created": by_me, "assigned": by_me & col(Task.id).not_in(mine), "chat": sa.true()}[
        scope
    ]
    return [where, _state(state, now)]


@dataclass(frozen=True)
class ListQuery:
    """Which tasks of a chat a list shows (``chat_id`` None: the asker's own, in every chat)."""

    chat_id: int | None
    scope: str  # mine | assigned | created | chat
    state: str  # open | done | late | all
    person: PersonRef  # who asks
    other: PersonRef | None  # @person: their tasks
    period: Period | None
    now: datetime


async def list_tasks(
    session: AsyncSession, q: ListQuery, limit: int = 10
) -> tuple[list[Task], int]:
    """Tasks of one chat (every chat: ``chat_id`` None) by who, state and period (due, else
    created; done: when done)."""
    where = _who(q.scope, q.state, q.person, q.other, q.now)
    if q.chat_id is not None:
        where.append(col(Task.chat_id) == q.chat_id)
    if q.period is not None:
        when = (
            col(Task.done_at)
            if q.state == "done"
            else func.coalesce(col(Task.due_at), col(Task.created_at))
        )
        where += [when >= q.period.start, when < q.period.end]
    total = (await session.exec(select(func.count()).select_from(Task).where(*where))).one()
    rows = await session.exec(
        select(Task)
        .where(*where)
        .order_by(col(Task.due_at).is_(None), col(Task.due_at), col(Task.id))
        .limit(limit)
    )
    return list(rows.all()), int(total)


@dataclass(frozen=True)
class PersonFigures:
    person_id: int
    assigned: int
    done: int
    done_late: int
    open_late: int

    @property
    def rate(self) -> float:
        return self.done / self.assigned if self.assigned else 0.0


async def report(
    session: AsyncSession,
    chat_id: int,
    period: Period,
    now: datetime,
    people: list[int] | None = None,
) -> list[PersonFigures]:
    """Per assignee: tasks of the period (due, else created, in it) assigned, done, done late,
    and still open past their due time. One aggregate query."""
    a, t = TaskAssignee, Task
    when = func.coalesce(col(t.due_at), col(t.created_at))
    done = col(a.status) == DONE
    late_done = done & (col(a.done_at) > col(t.due_at))
    open_late = (col(a.status) != DONE) & (col(t.status) != "cancelled") & (col(t.due_at) < now)
    query = (
        select(  # type: ignore[call-overload]
            col(a.person_id),
            func.count(),
            func.sum(sa.case((done, 1), else_=0)),
            func.sum(sa.case((late_done, 1), else_=0)),
            func.sum(sa.case((open_late, 1), else_=0)),
        )
        .join(t, col(t.id) == col(a.task_id))
        .where(
            col(t.chat_id) == chat_id,
            when >= period.start,
            when < period.end,
            col(t.status) != "cancelled",
        )
        .group_by(col(a.person_id))
        .order_by(col(a.person_id))
    )
    if people is not None:
        query = query.where(col(a.person_id).in_(people))
    rows = (await session.exec(query)).all()
    return [
        PersonFigures(pid, n, int(d or 0), int(dl or 0), int(ol or 0)) for pid, n, d, dl, ol in rows
    ]
