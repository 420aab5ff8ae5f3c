"""How tasks look: the live card, notification texts, list lines and history lines."""

from __future__ import annotations

import json
from datetime import datetime

from bot import Button, Field, Lines, Mention, Message, PersonRef, Relative, Text, _, pack
from skills.tasks.models import CANCELLED, DONE, FINISHED, Task, TaskEvent
from skills.tasks.store import TaskView

PRIORITY = {"high": "❗", "urgent": "‼️"}
STATES: dict[str, Text] = {
    "open": _("open"),
    "in_progress": _("in progress"),
    "done": _("done"),
    "cancelled": _("cancelled"),
}
MARKS = {"open": "", "in_progress": " ⏳", "done": " ✅"}


def title_line(task: Task) -> Text:
    mark = PRIORITY.get(task.priority, "")
    return _(
        "📋 #{id} {title}{mark}", id=task.id, title=task.title, mark=f" {mark}" if mark else ""
    )


def due_text(task: Task, now: datetime) -> Text | None:
    if task.due_at is None:
        return None
    if task.status not in FINISHED and task.due_at <= now:
        late = now - task.due_at
        if late.total_seconds() < 60:
            return _("{due} — overdue", due=task.due_at)
        return _("{due} — late by {late}", due=task.due_at, late=late)
    return _("{due} ({relative})", due=task.due_at, relative=Relative(task.due_at))


def card(view: TaskView, now: datetime) -> Message:
    """The live view of a task: title, who does it, due, state, and the next actions."""
    task = view.task
    people = [
        _("{who}{mark}", who=p.mention, mark=MARKS.get(row.status, "")) for p, row in view.assignees
    ]
    fields = [Field(_("Assignees"), people), Field(_("Status"), STATES[task.status])]
    due = due_text(task, now)
    if due is not None:
        fields.insert(1, Field(_("Due"), due))
    if view.followers:
        fields.append(Field(_("Followers"), [p.mention for p in view.followers]))
    return Message(
        title_line(task),
        fields=fields,
        buttons=_buttons(view),
        context=_outcome(view) or _("by {creator}", creator=view.creator.mention),
    )


def _buttons(view: TaskView) -> list[Button]:
    if view.task.status in FINISHED:
        return []  # the outcome replaces the buttons
    value = pack(view.id)
    buttons = []
    if any(row.status == "open" for _p, row in view.assignees):
        buttons.append(Button(_("Start"), "tasks.start", value))
    buttons.append(Button(_("Done"), "tasks.done", value, style="primary"))
    buttons.append(Button(_("Nudge"), "tasks.nudge", value))
    return buttons


def assignee_buttons(view: TaskView) -> list[Button]:
    """The card's buttons for someone who does the work (they don't nudge themselves)."""
    return [b for b in _buttons(view) if b.action != "tasks.nudge"]


def _outcome(view: TaskView) -> Text | None:
    """Once decided, the outcome replaces the buttons: ``✅ Done by @mike · 10:42``."""
    task = view.task
    by = view.closer.mention if view.closer else None
    if task.status == DONE and task.done_at is not None:
        if by is None:
            return _("✅ Done · {at}", at=task.done_at)
        return _("✅ Done by {who} · {at}", who=by, at=task.done_at)
    if task.status == CANCELLED:
        if by is None:
            return _("🚫 Cancelled · {at}", at=task.updated_at)
        return _("🚫 Cancelled by {who} · {at}", who=by, at=task.updated_at)
    return None


def assigned(view: TaskView, by: Mention) -> Message:
    """What an assignee gets: who gave them what, and until when, with the buttons."""
    task = view.task
    buttons = assignee_buttons(view)
    if task.due_at is None:
        text = _("📋 {by} assigned you #{id} {title}", by=by, id=task.id, title=task.title)
    else:
        text = _(
            "📋 {by} assigned you #{id} {title} — due {due} ({relative})",
            by=by,
            id=task.id,
            title=task.title,
            due=task.due_at,
            relative=Relative(task.due_at),
        )
    return Message(text, buttons=buttons)


def list_line(task: Task, view: TaskView, now: datetime) -> Text:
    due = due_text(task, now)
    who = [
        _("{who}{mark}", who=p.mention, mark=MARKS.get(row.status, "")) for p, row in view.assignees
    ]
    if due is None:
        return _("#{id} {title} · {who}", id=task.id, title=task.title, who=who)
    return _("#{id} {title} · due {due} · {who}", id=task.id, title=task.title, due=due, who=who)


ACTIONS: dict[str, Text] = {
    "created": _("created it"),
    "started": _("started"),
    "done": _("finished"),
    "closed": _("closed it"),
    "cancelled": _("cancelled it"),
    "reopened": _("reopened it"),
    "edited": _("edited it"),
    "nudged": _("nudged"),
    "handed_over": _("handed it over"),  # they left: "to @carol"
}


def handed_to(person: PersonRef | None, *, creator: bool = False) -> str:
    """The facts of a ``handed_over`` event (who took over their part, or became the creator),
    stored as they are and put in words in the reader's language when shown."""
    return json.dumps({"creator" if creator else "to": person.id if person else None})


def people_in(events: list[TaskEvent]) -> list[int]:
    """Everyone a history names: who did each thing, and who took over."""
    ids = {e.person_id for e in events}
    ids.update(i for e in events if (i := (_handover(e) or {}).get("to")) is not None)
    ids.update(i for e in events if (i := (_handover(e) or {}).get("creator")) is not None)
    return sorted(ids)


def _handover(event: TaskEvent) -> dict[str, int | None] | None:
    if event.action != "handed_over" or not event.detail.startswith("{"):
        return None  # any other event, or one stored in words before
    facts: dict[str, int | None] = json.loads(event.detail)
    return facts


def _detail(event: TaskEvent, names: dict[int, Mention]) -> Text | str:
    facts = _handover(event)
    if facts is None:
        return event.detail
    if "creator" in facts:
        return _("{who} is the creator now", who=names.get(facts["creator"] or 0, "?"))
    if facts.get("to") is None:
        return _("nobody took their part over")
    return _("to {who}", who=names.get(facts["to"] or 0, "?"))


def history(events: list[TaskEvent], names: dict[int, Mention]) -> Text:
    """``Mon 23 Nov 10:00 @bob finished: see drive``, one line per event."""
    return _("History:\n{lines}", lines=Lines([_line(e, names) for e in events]))


def _line(e: TaskEvent, names: dict[int, Mention]) -> Text:
    who, action = names.get(e.person_id, "?"), ACTIONS.get(e.action, e.action)
    if not e.detail:
        return _("{at} {who} {action}", at=e.at, who=who, action=action)
    detail = _detail(e, names)
    return _("{at} {who} {action}: {detail}", at=e.at, who=who, action=action, detail=detail)
