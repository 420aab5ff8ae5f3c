"""Tasks (任务): a manager assigns work in a group chat; assignees start and finish it; everyone
sees what is open, done and late; the late ones get nudged (催办).

    /task add @alice @bob Ship the Q3 report due:fri !high cc:@carol
    /task start 12 · /task done 12 shipped, see drive · /task cancel 12 · /task reopen 12
    /task list [mine|assigned|created|chat|@person] [open|done|late|all] [today|week|month|dates]
    /task show 12 · /task nudge 12 · /task edit 12 due:mon title:"New title" +@carol -@bob
    /task report [week|month|dates] [@person] [team:eng]
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal

from bot import (
    Context,
    DateRange,
    Flag,
    JobContext,
    Label,
    NotFound,
    Opt,
    PersonRef,
    Rest,
    Skill,
    _,
)
from skills.tasks import api, flow, mentions, offboarding, report, store, view
from skills.tasks.config import TasksConfig
from skills.tasks.models import Task

HERE = Path(__file__).parent
skill = Skill(
    "tasks",
    description=_("Tasks: assign, track, nudge and report work"),
    config=TasksConfig,
    migrations=HERE / "migrations",
    translations=HERE / "locales",
)
skill.on_offboard(offboarding.hand_over)
skill.digest_label("assigned", _("{n} task assigned"), _("{n} tasks assigned"))
skill.digest_label("nudge", _("{n} nudge"), _("{n} nudges"))
skill.digest_label("reminder", _("{n} reminder"), _("{n} reminders"))
skill.digest_label("update", _("{n} task update"), _("{n} task updates"))
api.serve(skill)  # the open API's /v1/tasks (see docs/api.md)

Priority = Annotated[Literal["high", "urgent"] | None, Flag("!")]
People = Annotated[list[PersonRef] | None, Opt("cc"), Label(_("followers"))]
Due = Annotated[datetime | None, Opt("due"), Label(_("due"))]
Team = Annotated[str | None, Opt("team"), Label(_("team"))]
# parameters as errors name them ("task number: 'one' is not a whole number")
TaskNumber = Annotated[int, Label(_("task number"))]
Note = Annotated[Rest, Label(_("note"))]


@skill.command("task add", help=_("Assign a task: /task add @bob Ship the report due:fri"))
async def add(
    ctx: Context,
    assignees: Annotated[list[PersonRef] | None, Label(_("assignees"))] = None,
    title: Annotated[Rest, Label(_("title"))] = "",
    due: Due = None,
    cc: People = None,
    priority: Priority = None,
) -> None:
    """Create a task in this chat for the people mentioned (or the sender), due when given."""
    flow.check_title(ctx, title)
    flow.check_due(due, ctx.now())
    if not assignees:  # "写周报 @bob": people named after the title are the assignees
        title, assignees = await mentions.people_after_title(ctx, title)
    task = store.NewTask(title, assignees or [ctx.person], cc or [], priority or "normal", due)
    await flow.created(ctx, await store.create(ctx, task))


@skill.command("task start", help=_("Start a task assigned to you: /task start 12"))
async def start(ctx: Context, task_id: TaskNumber) -> None:
    await flow.start(ctx, await _task(ctx, task_id))


@skill.command("task done", help=_("Finish a task, with a note if you like: /task done 12 sent"))
async def done(ctx: Context, task_id: TaskNumber, note: Note = "") -> None:
    await flow.finish(ctx, await _task(ctx, task_id), note)


@skill.command("task close", help=_("Declare a whole task done (creator or admin): /task close 12"))
async def close(ctx: Context, task_id: TaskNumber, note: Note = "") -> None:
    await flow.close(ctx, await _task(ctx, task_id), note)


@skill.command("task cancel", help=_("Cancel a task you created: /task cancel 12"))
async def cancel(ctx: Context, task_id: TaskNumber) -> None:
    await flow.cancel(ctx, await _task(ctx, task_id))


@skill.command("task reopen", help=_("Reopen a finished or cancelled task: /task reopen 12"))
async def reopen(ctx: Context, task_id: TaskNumber) -> None:
    await flow.reopen(ctx, await _task(ctx, task_id))


@skill.command("task nudge", help=_("Remind the assignees who are not done (催办): /task nudge 12"))
async def nudge(ctx: Context, task_id: TaskNumber) -> None:
    await flow.nudge(ctx, await _task(ctx, task_id))


@skill.command("task show", help=_("A task's card and history: /task show 12"))
async def show(ctx: Context, task_id: TaskNumber) -> None:
    shown = await _task(ctx, task_id)
    events = await store.history(ctx.session, shown.id)
    names = {p.id: p.mention for p in await ctx.people(view.people_in(events))}
    card = view.card(shown, ctx.now())
    await ctx.reply(replace(card, context=view.history(events, names)))


@skill.command("task edit", help=_('Change a task: /task edit 12 due:mon title:"…" +@carol -@bob'))
async def edit(
    ctx: Context,
    task_id: TaskNumber,
    due: Due = None,
    title: Annotated[str | None, Opt("title"), Label(_("title"))] = None,
    add: Annotated[list[PersonRef] | None, Flag("+"), Label(_("assignees to add"))] = None,
    remove: Annotated[list[PersonRef] | None, Flag("-"), Label(_("assignees to remove"))] = None,
    priority: Annotated[Literal["normal", "high", "urgent"] | None, Flag("!")] = None,
) -> None:
    shown = await _task(ctx, task_id)
    changes = flow.Changes(due, title, add or [], remove or [], priority)
    await flow.edit(ctx, shown, changes)


@skill.command("task list", help=_("Tasks of this chat: /task list mine open week"))
async def list_(
    ctx: Context,
    scope: Annotated[
        Literal["mine", "assigned", "created", "chat"], Label(_("whose tasks"))
    ] = "mine",
    person: Annotated[PersonRef | None, Label(_("person"))] = None,
    state: Annotated[Literal["open", "done", "late", "all"], Label(_("status"))] = "open",
    period: Annotated[DateRange | None, Label(_("dates"))] = None,
) -> None:
    await ctx.reply(await report.listing(ctx, scope, person, state, period))


@skill.command("task report", help=_("Who did what: /task report month (with a CSV)"))
async def report_(
    ctx: Context,
    period: Annotated[DateRange | None, Label(_("dates"))] = None,
    person: Annotated[PersonRef | None, Label(_("person"))] = None,
    team: Team = None,
) -> None:
    await ctx.reply(await report.figures(ctx, period, person, team))


# --- buttons on the cards -----------------------------------------------------------------------


@skill.action("start")
async def start_button(ctx: Context, task_id: TaskNumber) -> None:
    await flow.start(ctx, await _task(ctx, task_id))


@skill.action("done")
async def done_button(ctx: Context, task_id: TaskNumber) -> None:
    await flow.finish(ctx, await _task(ctx, task_id), "")


@skill.action("nudge")
async def nudge_button(ctx: Context, task_id: TaskNumber) -> None:
    await flow.nudge(ctx, await _task(ctx, task_id))


# --- reminders before and after the due time -----------------------------------------------------


@skill.timer("before")
async def remind_before(ctx: JobContext, key: str, payload: dict[str, int]) -> None:
    await flow.due_soon(ctx, payload["task"])


@skill.timer("overdue")
async def remind_overdue(ctx: JobContext, key: str, payload: dict[str, int]) -> None:
    await flow.overdue(ctx, payload["task"])


async def _task(ctx: Context, task_id: TaskNumber) -> store.TaskView:
    """A task seen from here: its own chat, or a DM of someone it involves. Other chats' tasks
    are never shown."""
    task = await ctx.session.get(Task, task_id)
    if task is not None:
        shown = await store.load(ctx, task)
        if task.chat_id == ctx.chat_id or (ctx.chat.kind == "dm" and shown.involves(ctx.person)):
            return shown
    raise NotFound(_("There is no task #{id} in this chat — /task list shows them.", id=task_id))
