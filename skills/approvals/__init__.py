"""Approvals (审批): leave, expenses and any request an admin defines as a flow in the config.
A person files a request; it travels the flow's steps; each approver decides with a button; the
requester and the CC list are told; everything is on record and other skills hook the outcome.

    /request · /request leave dates:12-01..12-03 type:annual reason:"family trip"
    /approve 12 [comment] · /reject 12 <reason> · /request show 12 · /request withdraw 12
    /approvals · /approvals mine · /approvals delegate @bob until:12-10 · /approvals export month

Other skills hook ``approvals.approved`` and ``approvals.rejected``: the payload has ``request``,
``flow``, ``requester`` (person id), ``fields`` (typed: DateRange, date, time, Money, numbers,
texts, person ids), ``decided_by`` and ``decided_at``. Before a flow's form is shown they are
asked ``approvals.form`` (``flow``, ``requester``, ``answer``, ``labels``) for notes beside its
choices, and labels of the choices the flow leaves without one.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from bot import (
    Context,
    DateRange,
    FormInvalid,
    JobContext,
    Label,
    Lines,
    NotFound,
    Opt,
    PersonRef,
    Rest,
    Skill,
    Text,
    UsageError,
    _,
    excerpt,
)
from skills.approvals import api, decide, delegation, flow, form, nudges, offboarding, report, view
from skills.approvals import export as exporting
from skills.approvals.config import ROLES, ApprovalsConfig, FlowSpec

HERE = Path(__file__).parent
skill = Skill(
    "approvals",
    description=_("Approvals: leave, expenses and any request an admin defines"),
    config=ApprovalsConfig,
    migrations=HERE / "migrations",
    translations=HERE / "locales",
)
for _role, _description in ROLES.items():
    skill.role(_role, _description)
skill.on_offboard(offboarding.hand_over)
skill.digest_label("request", _("{n} request to decide"), _("{n} requests to decide"))
skill.digest_label("decided", _("{n} request decided"), _("{n} requests decided"))
skill.digest_label("reminder", _("{n} approval reminder"), _("{n} approval reminders"))
skill.digest_label("delegation", _("{n} delegation"), _("{n} delegations"))
api.serve(skill)  # the open API's /v1/approvals (see docs/api.md)


# --- filing -------------------------------------------------------------------------------------


# parameters as usages and errors name them, in the reader's language
RequestNumber = Annotated[int, Label(_("request number"))]


@skill.command(
    "request",
    help=_('Ask for approval: /request leave dates:12-01..12-03 type:annual reason:"trip"'),
)
async def request(
    ctx: Context,
    name: Annotated[str, Label(_("flow"))] = "",
    fields: Annotated[Rest, Label(_("fields"))] = "",
) -> None:
    """Without a flow: the flows one can file. With a flow and nothing else: its form. Else file."""
    flows: dict[str, FlowSpec] = ctx.config.flows
    if not name:
        await ctx.reply(_flows(flows))
        return
    spec = flows.get(name.lower())
    if spec is None:
        raise NotFound(
            _(
                "There is no flow {name} — the flows are: {flows}",
                name=excerpt(name),
                flows=[Text("`{flow}`", {"flow": f}) for f in flows] or "–",  # as typed
            )
        )
    if not fields.strip():
        notes = await view.choice_notes(ctx, name.lower())  # e.g. each leave type's balance
        if not ctx.open_form(view.as_form(name.lower(), spec, notes)):  # a Slack modal, if any
            await ctx.reply(view.describe(name.lower(), spec, notes), ephemeral=True)  # for them
        return
    values, errors = await form.validate(ctx, spec, fields)
    if errors:
        raise UsageError(
            _(
                "{problems}\nExample: {example}",
                problems=Lines(list(errors.values())),
                example=view.example(name.lower(), spec),
            )
        )
    await flow.file(ctx, name.lower(), spec, values)


@skill.form("file")
async def file_form(ctx: Context, name: str, values: dict[str, str]) -> None:
    """A flow's form submitted (a Slack modal): the same checks as the typed command, each
    problem shown beside its field."""
    spec = ctx.config.flows.get(name)
    if spec is None:
        raise NotFound(
            _(
                "There is no flow {name} any more — type /request to see the flows.",
                name=excerpt(name),
            )
        )
    given = {field: text for field, text in values.items() if text.strip()}
    typed, errors = await form.validate(ctx, spec, given)
    if errors:
        raise FormInvalid(errors)
    await flow.file(ctx, name, spec, typed)


def _flows(flows: dict[str, FlowSpec]) -> Text:
    if not flows:
        return _("No flows are set up yet — an admin adds them under skills.approvals.flows.")
    lines = [_("• {name}: {title}", name=n, title=f.title) for n, f in flows.items()]
    return _(
        "📝 What you can ask for:\n{lines}\n/request <flow> shows its fields.", lines=Lines(lines)
    )


@skill.command("request show", help=_("A request's card and its whole trail: /request show 12"))
async def show(ctx: Context, request_id: RequestNumber) -> None:
    await report.show(ctx, request_id)


@skill.command("request withdraw", help=_("Take back your pending request: /request withdraw 12"))
async def withdraw(ctx: Context, request_id: RequestNumber) -> None:
    await decide.withdraw(ctx, request_id)


# --- deciding -----------------------------------------------------------------------------------


@skill.command("approve", help=_("Approve a request waiting for you: /approve 12 ok, enjoy"))
async def approve(
    ctx: Context, request_id: RequestNumber, comment: Annotated[Rest, Label(_("comment"))] = ""
) -> None:
    await decide.decide(ctx, request_id, True, comment)


# The reason is required. The handler, not the parser, answers a missing one (naming the request,
# after checking it may be decided, as the [Reject] button does), so the usage is declared.
@skill.command(
    "reject",
    help=_("Reject a request; a reason is required: /reject 12 too many overlaps"),
    usage=_("/reject <number> <reason…>"),
)
async def reject(
    ctx: Context, request_id: RequestNumber, reason: Annotated[Rest, Label(_("reason"))] = ""
) -> None:
    if not reason.strip():
        raise UsageError(await decide.reason_needed(ctx, request_id))
    await decide.decide(ctx, request_id, False, reason)


@skill.action("approve")
async def approve_button(ctx: Context, request_id: RequestNumber) -> None:
    await decide.decide(ctx, request_id, True, "")


@skill.action("reject")
async def reject_button(ctx: Context, request_id: RequestNumber) -> None:
    """A rejection needs a reason, which a button can't carry: check who pressed, then ask for
    the command (a platform form can take the reason later)."""
    await ctx.reply(await decide.reason_needed(ctx, request_id), ephemeral=True)


@skill.action("withdraw")
async def withdraw_button(ctx: Context, request_id: RequestNumber) -> None:
    await decide.withdraw(ctx, request_id)


# --- lists, delegation, export ------------------------------------------------------------------


@skill.command("approvals", help=_("Requests waiting for you; /approvals mine: the ones you filed"))
async def approvals(
    ctx: Context, scope: Annotated[Literal["mine"] | None, Label(_("whose requests"))] = None
) -> None:
    await ctx.reply(await (report.mine(ctx) if scope else report.waiting(ctx)), private=True)


@skill.command(
    "approvals delegate",
    help=_("Let someone decide for you while away: /approvals delegate @bob until:12-10"),
)
async def delegate(
    ctx: Context,
    to: Annotated[PersonRef | None, Label(_("delegate"))] = None,
    off: Annotated[Literal["off"] | None, Label(_("off"))] = None,
    until: Annotated[date | None, Opt("until"), Label(_("until"))] = None,
) -> None:
    if off:
        await delegation.stop(ctx)
        return
    if to is None or until is None:
        raise UsageError(_("Say who and until when: /approvals delegate @bob until:12-10"))
    await delegation.start(ctx, to, until)


@skill.command(
    "approvals export", help=_("Requests of a period as a CSV file: /approvals export month")
)
async def export(
    ctx: Context, period: Annotated[DateRange | None, Label(_("dates"))] = None
) -> None:
    await ctx.reply(await exporting.export(ctx, period), private=True)


# --- reminders and escalation -------------------------------------------------------------------


@skill.timer("remind")
async def remind(ctx: JobContext, key: str, payload: dict[str, Any]) -> None:
    await nudges.remind(ctx, payload)


@skill.timer("delegation_end")
async def delegation_end(ctx: JobContext, key: str, payload: dict[str, Any]) -> None:
    await delegation.expire(ctx, payload["person"])


@skill.timer("escalate")
async def escalate(ctx: JobContext, key: str, payload: dict[str, Any]) -> None:
    await nudges.escalate(ctx, payload)
