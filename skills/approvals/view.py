"""How requests look: the live card (the requester's, and each step's for its approvers), list
lines, the trail, and a flow's form described."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from bot import (
    Button,
    Context,
    DateRange,
    Field,
    FieldKind,
    Form,
    FormField,
    Lines,
    Message,
    Text,
    TextLike,
    _,
    pack,
)
from skills.approvals import conditions, form, labels
from skills.approvals.config import FieldSpec, FlowSpec
from skills.approvals.models import APPROVED, PENDING, REJECTED, WITHDRAWN, ApprovalEvent
from skills.approvals.store import RequestView

STATES: dict[str, Text] = {
    PENDING: _("pending"),
    APPROVED: _("approved"),
    REJECTED: _("rejected"),
    WITHDRAWN: _("withdrawn"),
}


def requester_key(request_id: int) -> str:
    return str(request_id)


def step_key(request_id: int, step: int) -> str:
    return f"{request_id}-{step}"


def title_line(shown: RequestView) -> Text:
    return _(
        "📝 #{id} {title} · {who}",
        id=shown.id,
        title=shown.spec.title,
        who=shown.requester.mention,
    )


def value_of(shown: RequestView, name: str, value: Any) -> Any:
    if isinstance(value, DateRange):
        days = (value.end - value.start).days + 1
        if days == 1:
            return _("{start} (1 day)", start=value.start)
        return _("{start} to {end} ({n} days)", start=value.start, end=value.end, n=days)
    field = shown.spec.fields.get(name)
    if field is not None and field.type == "person":
        return shown.who(value)
    if field is not None and field.type == "choice":
        return labels.choice(field, str(value))
    return value


def card(shown: RequestView, *, for_step: int | None = None) -> Message:
    """The live view of a request. ``for_step``: the copy its approvers hold, with [Approve]
    [Reject] while that step is the current one; else the requester's, with [Withdraw]."""
    fields = [
        Field(labels.field(shown.spec, name), value_of(shown, name, value))
        for name, value in shown.values.items()
    ]
    fields.append(Field(_("Status"), status(shown)))
    buttons: list[Button] = []
    value = pack(shown.id)
    pending = shown.request.state == PENDING
    if pending and for_step is not None and for_step == shown.request.step:
        buttons = [
            Button(_("Approve"), "approvals.approve", value, style="primary"),
            Button(_("Reject"), "approvals.reject", value, style="danger"),
        ]
    elif pending and for_step is None:
        buttons = [Button(_("Withdraw"), "approvals.withdraw", value)]
    return Message(title_line(shown), fields=fields, buttons=buttons, context=outcome(shown))


def status(shown: RequestView) -> Text:
    request = shown.request
    if request.state != PENDING:
        return STATES[request.state]
    step = shown.step
    steps = applicable_steps(shown)  # the ones whose condition holds: "step 1/1", not "1/3"
    return _(
        "waiting for {people} · step {n}/{total}{name}",
        people=shown.waiting_on(),
        n=steps.index(request.step) + 1 if request.step in steps else request.step + 1,
        total=len(steps),
        name=Text(" {name}", {"name": step.name}) if step.name else "",
    )


def applicable_steps(shown: RequestView) -> list[int]:
    facts = form.facts(shown.spec, shown.values)
    return [
        i
        for i, step in enumerate(shown.spec.steps)
        if not step.when or conditions.evaluate(conditions.parse(step.when), facts)
    ]


def outcome(shown: RequestView) -> Text | None:
    """Once decided, the outcome: ``✅ Approved by @mike · Mon 23 Nov 10:42``."""
    request = shown.request
    at = request.decided_at
    if request.state == APPROVED and request.decided_by is None:
        return _("✅ Approved: no step applies · {at}", at=at)
    if request.state == APPROVED:
        return _("✅ Approved by {who} · {at}", who=shown.who(request.decided_by), at=at)
    if request.state == REJECTED:
        reason = next((t.comment for t in shown.tasks if t.state == REJECTED), "")
        return _(
            "❌ Rejected by {who} · {at}: {reason}",
            who=shown.who(request.decided_by),
            at=at,
            reason=reason,
        )
    if request.state == WITHDRAWN:
        return _("↩️ Withdrawn · {at}", at=at)
    return None


def list_line(shown: RequestView) -> Text:
    summary = [
        value_of(shown, n, v)
        for n, v in shown.values.items()
        if shown.spec.fields[n].type != "text"
    ][:2]
    return _(
        "#{id} {title} · {who} · {summary} · {state}",
        id=shown.id,
        title=shown.spec.title,
        who=shown.requester.mention,
        summary=summary,
        state=status(shown),
    )


ACTIONS: dict[str, Text] = {
    "filed": _("filed it"),
    "approved": _("approved"),
    "rejected": _("rejected"),
    "withdrawn": _("withdrew it"),
    "skipped": _("skipped"),
    "escalated": _("escalated"),
    "sent": _("sent to"),
}


def trail(events: list[ApprovalEvent], shown: RequestView) -> Text:
    """``Mon 23 Nov 10:00 @bob for @mike approved: ok``, one line per event."""
    lines = []
    for e in events:
        who: Any = shown.who(e.person_id) if e.person_id is not None else "🤖"
        if e.on_behalf_of is not None:
            who = _("{delegate} for {approver}", delegate=who, approver=shown.who(e.on_behalf_of))
        detail: Any = _skipped_step(shown, e.detail) if e.action == "skipped" else e.detail
        lines.append(
            _(
                "{at} {who} {action}{detail}",
                at=e.at,
                who=who,
                action=ACTIONS.get(e.action, e.action),
                detail=Text(": {detail}", {"detail": detail}) if e.detail else "",
            )
        )
    return _("Trail:\n{lines}", lines=Lines(lines))


def _skipped_step(shown: RequestView, detail: str) -> Any:
    """A skipped step is recorded by its name as written: shown in the reader's language."""
    names = [s.name for s in shown.spec.steps if s.name is not None]
    return next((n for n in names if n.matches(detail)), detail)


Notes = dict[str, dict[str, TextLike]]  # field -> choice -> what to show beside it


@dataclass
class Asked:
    """What other skills said about a flow's choices before its form is shown: ``notes`` beside
    them (the leave skill: each type's balance), and ``labels`` for choices the flow gives no
    label of its own (the leave skill: the leave type's label, ``comp`` -> Comp time / 调休假)."""

    notes: Notes = dataclass_field(default_factory=dict)
    labels: Notes = dataclass_field(default_factory=dict)

    def label(self, field: FieldSpec, name: str, value: str) -> TextLike:
        """A choice's label: the flow's own, else the one a skill gave, else the usual one."""
        given = self.labels.get(name, {}).get(value)
        if field.choices.get(value) is None and given is not None:
            return given
        return labels.choice(field, value)


async def choice_notes(ctx: Context, name: str) -> Asked:
    """What other skills show beside a flow's choices for the person about to file it, and
    what they call the choices the flow leaves unlabelled, asked with the query
    ``approvals.form`` (``flow``, ``requester``, ``answer``, ``labels``: a hook fills
    ``answer[field][choice]`` and ``labels[field][choice]``)."""
    asked = Asked()
    await ctx.emit(
        "approvals.form",
        flow=name,
        requester=ctx.person.id,
        answer=asked.notes,
        labels=asked.labels,
    )
    return asked


def _noted(spec: FlowSpec, name: str, asked: Asked) -> Text | None:
    """``Annual leave: 7.5 d left · Sick leave: 2 d left``: the notes of a field's choices."""
    field, given = spec.fields[name], asked.notes.get(name, {})
    parts = [
        _("{choice}: {note}", choice=asked.label(field, name, c), note=given[c])
        for c in field.choices
        if c in given
    ]
    if not parts:
        return None
    names = {f"p{i}": p for i, p in enumerate(parts)}
    return Text(" · ".join(f"{{{k}}}" for k in names), names)  # no words: nothing to translate


def describe(name: str, spec: FlowSpec, asked: Asked | None = None) -> Text:
    """A flow's fields and an example, for ``/request leave`` with nothing after it; a choice
    field's notes (see :func:`choice_notes`) on the line below it."""
    lines: list[Text] = []
    for n in spec.fields:
        lines.append(_field_line(n, spec))
        noted = _noted(spec, n, asked or Asked())
        if noted is not None:
            lines.append(Text("  {notes}", {"notes": noted}))
    return _(
        "📝 {title}: /request {name} with these fields\n{fields}\nExample: {example}",
        title=spec.title,
        name=name,
        fields=Lines(lines),
        example=example(name, spec),
    )


def _field_line(name: str, spec: FlowSpec) -> Text:
    """What to type for one field: its choices as typed (``annual|sick|personal``), else an
    example (``12-01..12-03``, the flow's own if it has one); free text is just "text"."""
    field = spec.fields[name]
    kind: Any = Text("`{example}`", {"example": form.example(field)})  # as typed
    if field.type == "choice":  # the values as typed: annual|sick|personal
        template = "|".join(f"`{{c{k}}}`" for k in range(len(field.choices)))
        kind = Text(template, {f"c{k}": c for k, c in enumerate(field.choices)})
    elif field.type == "text" and not field.example:
        kind = _("text")
    if field.required:
        return _("• {name}: {kind}", name=name, kind=kind)
    return _("• {name}: {kind} (optional)", name=name, kind=kind)


def example(name: str, spec: FlowSpec) -> str:
    parts = [f"{n}:{form.example(f)}" for n, f in spec.fields.items()]
    return " ".join([f"/request {name}", *parts])


_FORM_KINDS: dict[str, FieldKind] = {
    "date": "date",
    "date_range": "date_range",
    "time": "time",
    "number": "number",
    "money": "money",
    "choice": "choice",
    "person": "person",
}


def as_form(name: str, spec: FlowSpec, asked: Asked | None = None) -> Form:
    """A flow as a platform form (a Slack modal): one field per flow field, checked on submit
    by the same :func:`form.validate` as the typed command; a choice's note (see
    :func:`choice_notes`) beside its label: ``Annual leave — 7.5 d left``."""
    said = asked or Asked()
    fields = [
        FormField(
            n,
            labels.field(spec, n),
            _FORM_KINDS.get(f.type, "long_text" if f.max_length > 200 else "text"),
            required=f.required,
            choices=tuple(
                (c, _choice(said.label(f, n, c), said.notes.get(n, {}).get(c))) for c in f.choices
            ),
            hint=_("e.g. {example}", example=form.example(f)),
        )
        for n, f in spec.fields.items()
    ]
    return Form(
        spec.title.text(), fields, "approvals.file", name, submit_label=_("File the request")
    )


def _choice(label: TextLike, note: TextLike | None) -> TextLike:
    return label if note is None else _("{choice} — {note}", choice=label, note=note)
