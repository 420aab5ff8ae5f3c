"""/task list and /task report: short lists in the chat, figures with a CSV file."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot import Context, DateRange, Lines, Message, NotFound, PersonRef, Table, Text, _, excerpt
from skills.tasks import store, view

SHOWN = 10
CSV_ROWS = 1_000  # a list's CSV holds this many; reports cover more


async def listing(
    ctx: Context, scope: str, person: PersonRef | None, state: str, period: DateRange | None
) -> Message:
    """The first ten matching tasks of this chat, and how many more there are — all of them
    in a CSV file when there are more."""
    span = store.Period.of(period.start, period.end, ctx.person.tz) if period else None
    # in a DM, the sender's own tasks are one list whatever chat (or platform) they are in
    everywhere = ctx.chat.kind == "dm" and scope != "chat" and person is None
    chat_id = None if everywhere else ctx.chat_id
    query = store.ListQuery(chat_id, scope, state, ctx.person, person, span, ctx.now())
    tasks, total = await store.list_tasks(ctx.session, query, limit=SHOWN)
    who = person.mention if person else SCOPES[scope]
    if not tasks and scope == "mine" and person is None:
        return await _none_of_mine(ctx, query)
    if not tasks:
        return Message(_("No {state} tasks for {who} here.", state=STATE_NAMES[state], who=who))
    lines = [
        view.list_line(shown.task, shown, ctx.now()) for shown in await store.load_many(ctx, tasks)
    ]
    head = _("📋 Tasks for {who} ({state}): {n}", n=total, state=STATE_NAMES[state], who=who)
    more = total - len(tasks)
    text = _("{head}\n{lines}", head=head, lines=Lines(lines))
    if not more:
        return Message(text)
    everything, _total = await store.list_tasks(ctx.session, query, limit=CSV_ROWS)
    views = await store.load_many(ctx, everything)
    if total <= CSV_ROWS:
        note = _("…and {n} more: all of them are in the CSV file", n=more)
    else:
        note = _(
            "…and {n} more: the first {rows} are in the CSV file — narrow the list "
            "(done, late, week, @person) for the rest",
            n=more,
            rows=CSV_ROWS,
        )
    return Message(text, context=note, files=[_tasks_table(views, ctx)])


async def _none_of_mine(ctx: Context, query: store.ListQuery) -> Message:
    """Nothing is assigned to the sender: say what "mine" covers, and how to see the tasks of
    this chat and the ones they created (a creator's tasks are assigned to others)."""
    state = STATE_NAMES[query.state]
    here = replace(query, scope="chat", chat_id=ctx.chat_id)
    _none, in_chat = await store.list_tasks(ctx.session, here, limit=0)
    if not in_chat:
        return Message(_("No {state} tasks in this chat.", state=state))
    _none, created = await store.list_tasks(ctx.session, replace(here, scope="created"), limit=0)
    return Message(
        _(
            "No {state} tasks assigned to you here (“mine” is what you are assigned).\n"
            "This chat has {n}: /task list chat {word} — {created} of them created by you: "
            "/task list created {word}",
            state=state,
            n=in_chat,
            created=created,
            word=query.state,
        )
    )


SCOPES: dict[str, Text] = {
    "mine": _("you"),
    "assigned": _("others, from you"),
    "created": _("what you created"),
    "chat": _("this chat"),
}
STATE_NAMES: dict[str, Text] = {
    "open": _("open"),
    "done": _("done"),
    "late": _("overdue"),  # "late" is how attendance says 迟到
    "all": _("all"),
}


async def figures(
    ctx: Context, period: DateRange | None, person: PersonRef | None, team: str | None
) -> Message:
    """Per person: assigned, done, done late, open late and the completion rate; the chat gets
    a three-line summary and the whole table as a CSV file."""
    span = period or _this_week(ctx)
    people = await _people(ctx, person, team)
    tz = ZoneInfo(ctx.person.timezone)
    rows = await store.report(
        ctx.session,
        ctx.chat_id,
        store.Period.of(span.start, span.end, tz),
        ctx.now(),
        [p.id for p in people] if people is not None else None,
    )
    names = {p.id: p for p in await ctx.people([r.person_id for r in rows])}
    assigned = sum(r.assigned for r in rows)
    done = sum(r.done for r in rows)
    summary = _(
        "📊 Tasks from {start} to {end}: {assigned} assignments, {done} done ({rate}), "
        "{late} done late, {open_late} open and late.",
        start=span.start,
        end=span.end,
        assigned=assigned,
        done=done,
        rate=f"{done / assigned:.0%}" if assigned else "–",
        late=sum(r.done_late for r in rows),
        open_late=sum(r.open_late for r in rows),
    )
    lines = [
        _(
            "{who}: {done}/{assigned} done, {late} late, {open_late} open and late",
            who=names[r.person_id].mention if r.person_id in names else "?",
            done=r.done,
            assigned=r.assigned,
            late=r.done_late,
            open_late=r.open_late,
        )
        for r in rows[:SHOWN]
    ]
    if len(rows) > SHOWN:
        lines.append(_("…and {n} more people: see the CSV file", n=len(rows) - SHOWN))
    name = _("tasks-{start}-{end}.csv", start=str(span.start), end=str(span.end))
    csv_file = Table(name, FIGURE_COLUMNS, _figures(rows, names))
    text = _("{summary}\n{lines}", summary=summary, lines=Lines(lines)) if lines else summary
    return Message(text, files=[csv_file])


def _this_week(ctx: Context) -> DateRange:
    today = ctx.today()
    monday = today - timedelta(days=today.weekday())
    return DateRange(monday, monday + timedelta(days=6))


async def _people(
    ctx: Context, person: PersonRef | None, team: str | None
) -> list[PersonRef] | None:
    if person is not None:
        return [person]
    if team is None:
        return None
    members = await ctx.team(team)
    if not members:
        raise NotFound(
            _(
                "There is no team {team} — teams come from people's team: in the config.",
                team=excerpt(team),
            )
        )
    return members


# a CSV file is a Table: written in the language of whoever reads it (the group's, for a list
# or a report posted there), its columns and the bot's words (states, priorities) too; dates,
# times and numbers stay as a spreadsheet reads them
TASK_COLUMNS = [
    _("id"), _("title"), _("status"), _("priority"), _("due"), _("assignees"), _("created"),
]  # fmt: skip
PRIORITIES = {"normal": _("normal"), "high": _("high"), "urgent": _("urgent")}
FIGURE_COLUMNS = [
    _("person"), _("name"), _("assigned"), _("done"), _("done_late"), _("open_late"),
    _("completion_rate"),
]  # fmt: skip


def _tasks_table(views: list[store.TaskView], ctx: Context) -> Table:
    tz = ctx.person.tz
    rows = []
    for v in views:
        t = v.task
        parts = [
            _("{who}: {state}", who=p.handle, state=view.STATES[s.status]) for p, s in v.assignees
        ]
        rows.append(
            [
                t.id,
                t.title,
                view.STATES[t.status],
                PRIORITIES.get(t.priority, t.priority),
                t.due_at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if t.due_at else "",
                Text("{parts}", {"parts": parts}),  # joined as the reader's language joins lists
                t.created_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
            ]
        )
    return Table(_("tasks.csv"), TASK_COLUMNS, rows)


def _figures(rows: list[store.PersonFigures], names: dict[int, PersonRef]) -> list[list[Any]]:
    lines = []
    for r in rows:
        p = names.get(r.person_id)
        lines.append(
            [
                p.handle if p else r.person_id,
                p.listed() if p else "",  # "Bob (left)" once they left
                r.assigned,
                r.done,
                r.done_late,
                r.open_late,
                f"{r.rate:.2f}",
            ]
        )
    return lines
