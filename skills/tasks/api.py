"""The tasks of the open API: create a task in a chat on someone's behalf (its card is posted
there, the assignees are told), read one, list them, and move one along (start, done, close,
cancel, reopen) as a person would with the buttons."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, Field
from sqlmodel import col, select

from bot import ApiContext, ChatTarget, NotFound, PermissionDenied, PersonRef, Skill, _
from skills.tasks import flow, store
from skills.tasks.models import FINISHED, Task, TaskAssignee

MAX_LISTED = 100


class ChatIn(BaseModel):
    """A chat as its platform names it (a Slack channel id, a Telegram chat id)."""

    platform: str = Field(examples=["slack"])
    id: str = Field(examples=["C024BE91L"])


class NewTask(BaseModel):
    """A task to create in ``chat``; the creator is the person of ``On-Behalf-Of``."""

    chat: ChatIn
    title: Annotated[str, Field(min_length=1, max_length=500, examples=["Ship the Q3 report"])]
    assignees: list[str] = Field(default_factory=list, examples=[["alice", "bob"]])
    followers: list[str] = Field(default_factory=list)
    due: AwareDatetime | None = Field(default=None, examples=["2026-11-27T18:00:00+08:00"])
    priority: Literal["normal", "high", "urgent"] = "normal"


class Note(BaseModel):
    note: Annotated[str, Field(max_length=flow.MAX_NOTE)] = ""


class AssigneeOut(BaseModel):
    handle: str
    status: str
    done_at: datetime | None


class TaskOut(BaseModel):
    id: int
    title: str
    status: Literal["open", "in_progress", "done", "cancelled"]
    priority: str
    due: datetime | None
    created_at: datetime
    done_at: datetime | None
    creator: str
    assignees: list[AssigneeOut]
    followers: list[str]
    note: str | None


def task_out(shown: store.TaskView) -> TaskOut:
    task = shown.task
    return TaskOut(
        id=shown.id,
        title=task.title,
        status=task.status,
        priority=task.priority,
        due=task.due_at,
        created_at=task.created_at,
        done_at=task.done_at,
        creator=shown.creator.handle,
        assignees=[
            AssigneeOut(handle=p.handle, status=r.status, done_at=r.done_at)
            for p, r in shown.assignees
        ],
        followers=[p.handle for p in shown.followers],
        note=task.note,
    )


async def create_task(ctx: ApiContext, body: NewTask) -> TaskOut:
    """Create a task as the person of ``On-Behalf-Of``, in a chat the bot knows: the task card
    is posted in the chat and each assignee is told, as with ``/task add``. A client limited to
    some people may not: the card is read by everyone in the chat (403, as for a message or a
    notice)."""
    creator = ctx.acting()
    ctx.check_chat()
    chat = await ctx.known_chat(body.chat.platform, body.chat.id)
    assignees = [await ctx.person_named(h) for h in body.assignees] or [creator]
    followers = [await ctx.person_named(h) for h in body.followers]
    flow.check_title(ctx, body.title)
    flow.check_due(body.due, ctx.now())
    in_chat = await ctx.in_chat(chat, creator)
    new = store.NewTask(body.title, assignees, followers, body.priority, body.due)
    shown = await store.create(in_chat, new)
    await flow.created(in_chat, shown)
    return task_out(await store.load(ctx, shown.task))


async def read_task(ctx: ApiContext, task_id: int) -> TaskOut:
    """A task, with its assignees' own states."""
    return task_out(await _visible(ctx, task_id))


async def list_tasks(
    ctx: ApiContext,
    assignee: str | None = None,
    creator: str | None = None,
    state: Literal["open", "done", "all"] = "open",
) -> list[TaskOut]:
    """Tasks by assignee and/or creator (handles), newest first, at most 100."""
    query = select(Task).order_by(col(Task.id).desc()).limit(MAX_LISTED)
    if assignee is not None:
        person = await ctx.person_named(assignee)
        mine = select(TaskAssignee.task_id).where(TaskAssignee.person_id == person.id)
        query = query.where(col(Task.id).in_(mine))
    if creator is not None:
        query = query.where(Task.creator_id == (await ctx.person_named(creator)).id)
    if state == "open":
        query = query.where(col(Task.status).not_in(FINISHED))
    elif state == "done":
        query = query.where(Task.status == "done")
    tasks = list((await ctx.session.exec(query)).all())
    shown = await store.load_many(ctx, tasks)
    return [task_out(s) for s in shown if _may_see(ctx, s)]


Transition = Literal["start", "done", "close", "cancel", "reopen"]


async def change_task(ctx: ApiContext, task_id: int, transition: Transition, body: Note) -> TaskOut:
    """Move a task along as the person of ``On-Behalf-Of`` would, with the same checks
    (``done`` by an assignee finishes their part; by the creator it closes the task). The card
    is updated in the chat and the people it concerns are told."""
    person = ctx.acting()
    shown = await _visible(ctx, task_id)
    in_chat = await ctx.in_chat(ChatTarget(shown.task.chat_id), person)
    if transition == "start":
        await flow.start(in_chat, shown)
    elif transition == "done":
        await flow.finish(in_chat, shown, body.note)
    elif transition == "close":
        await flow.close(in_chat, shown, body.note)
    elif transition == "cancel":
        await flow.cancel(in_chat, shown)
    else:
        await flow.reopen(in_chat, shown)
    return task_out(await store.load(ctx, shown.task))


async def _visible(ctx: ApiContext, task_id: int) -> store.TaskView:
    task = await ctx.session.get(Task, task_id)
    if task is None:
        raise NotFound(_("There is no task #{id}.", id=task_id))
    shown = await store.load(ctx, task)
    if not _may_see(ctx, shown):
        raise PermissionDenied(_("This client may not see task #{id}.", id=task_id))
    return shown


def _may_see(ctx: ApiContext, shown: store.TaskView) -> bool:
    people: list[PersonRef] = [shown.creator, *(p for p, _r in shown.assignees)]
    return any(ctx.caller.may_act_for(p) for p in people)


def serve(skill: Skill) -> None:
    """Add the operations above to the skill."""
    skill.register_api(
        "POST", "/tasks", create_task, scope="tasks:write", summary="Create a task", status=201
    )
    skill.register_api(
        "GET", "/tasks/{task_id}", read_task, scope="tasks:read", summary="Read a task"
    )
    skill.register_api("GET", "/tasks", list_tasks, scope="tasks:read", summary="List tasks")
    skill.register_api(
        "POST",
        "/tasks/{task_id}/{transition}",
        change_task,
        scope="tasks:write",
        summary="Start, finish, close, cancel or reopen",
    )
