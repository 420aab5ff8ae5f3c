"""Leave balances (假期余额): leave types in the config, a ledger of every grant, use, expiry,
adjustment and reversal (a balance is its sum), grants by periodic job, and leave requests of the
approvals skill checked against and spending balances.

    /balance · /balance @bob · /balance history [type]
    /leave grant @bob annual 2d reason · /leave adjust @bob annual -1d reason   (role hr)

It joins approvals through its events (``approvals.filing``, ``approvals.approved``,
``approvals.rejected``, ``approvals.withdrawn``) and counts working days with the attendance
calendar through the ``clockin.day_kinds`` query, importing neither skill.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from bot import (
    Context,
    JobContext,
    Label,
    NotFound,
    Opt,
    PermissionDenied,
    PersonRef,
    Rest,
    Skill,
    Text,
    UsageError,
    _,
    excerpt,
)
from skills.leave import amounts, api, carry, grants, ledger, overtime, requests, unrequested, view
from skills.leave import export as exporting
from skills.leave.config import LeaveConfig, LeaveType
from skills.leave.models import ADJUST, GRANT, LedgerEntry

HERE = Path(__file__).parent
skill: Skill[LeaveConfig] = Skill(
    "leave",
    description=_("Leave balances: grants, requests that spend them, history"),
    config=LeaveConfig,
    migrations=HERE / "migrations",
    translations=HERE / "locales",
)
HR = skill.role("hr", _("HR: grants and adjusts leave"))
skill.digest_label("expiry", _("{n} leave expiry reminder"), _("{n} leave expiry reminders"))
skill.digest_label("overtime", _("{n} overtime settled"), _("{n} overtimes settled"))
skill.digest_label(
    "overtime_flag", _("{n} overtime without a request"), _("{n} overtimes without a request")
)
api.serve(skill)  # the open API's /v1/balances (see docs/api.md)

Person = Annotated[PersonRef, Label(_("person"))]
TypeName = Annotated[str, Label(_("leave type"))]
Amount = Annotated[str, Label(_("amount"))]
Reason = Annotated[Rest, Label(_("reason"))]
On = Annotated[date | None, Opt("on"), Label(_("effective date"))]


# --- balances -----------------------------------------------------------------------------------


# One command each for /balance and /leave (their words as the first argument), so that /help,
# one message on Telegram, keeps to two lines for this skill.
@skill.command(
    "balance", help=_("Leave: /balance (or @bob), /balance history annual, /balance export 2026")
)
async def balance(
    ctx: Context[LeaveConfig],
    what: Annotated[Literal["history", "export"] | None, Label(_("what"))] = None,
    who: Annotated[PersonRef | None, Label(_("person"))] = None,
    detail: Annotated[str | None, Label(_("leave type or year"))] = None,
) -> None:
    """``/balance [@bob]``; ``/balance history [type] [@bob]``; ``/balance export <year>``."""
    if what == "export":
        await _export(ctx, detail or "")
        return
    person = who or ctx.person
    _may_see(ctx, person)
    if what is None:
        if detail is not None:
            raise UsageError(_("Type /balance, /balance @bob or /balance history {type}",
                               type=excerpt(detail)))  # fmt: skip
        await ctx.reply(await view.balance(ctx, person), private=True)
        return
    if detail is not None:
        _type(ctx, detail)
    await ctx.reply(await view.history(ctx, person, detail and detail.lower()), private=True)


async def _export(ctx: Context[LeaveConfig], year: str) -> None:
    if not (ctx.person.has_role(HR) or ctx.person.is_admin):
        raise PermissionDenied(
            _("Only people with the hr role can export balances — ask an admin for the role.")
        )
    if not year.isdigit() or not 2000 <= int(year) <= 2100:
        raise UsageError(
            _("{year} is not a year — e.g. /balance export 2026", year=excerpt(year or "–"))
        )
    await ctx.reply(await exporting.export(ctx, int(year)), private=True)


def _may_see(ctx: Context[LeaveConfig], person: PersonRef) -> None:
    me = ctx.person
    if person.id == me.id or me.is_admin or me.has_role(HR) or person.manager_id == me.id:
        return
    if me.leads_team(person.team):
        return
    raise PermissionDenied(
        _("Only {who}, their lead, HR or an admin can see their leave.", who=person.mention)
    )


def _type(ctx: Context[LeaveConfig], name: str) -> LeaveType:
    spec = ctx.config.types.get(name.lower())
    if spec is None:
        raise NotFound(
            _(
                "There is no leave type {name} — the types are: {types}",
                name=excerpt(name),
                types=[Text("`{t}`", {"t": t}) for t in ctx.config.types] or "–",
            )
        )
    return spec


# --- grants and adjustments (HR) ----------------------------------------------------------------


@skill.command(
    "leave",
    help=_("HR: /leave grant @bob annual 2d reason, /leave adjust @bob annual -1d reason"),
    requires=HR,
)
async def grant_or_adjust(
    ctx: Context[LeaveConfig],
    action: Annotated[Literal["grant", "adjust"], Label(_("grant or adjust"))],
    who: Person,
    type_name: TypeName,
    amount: Amount,
    reason: Reason = "",
    on: On = None,
) -> None:
    spec = _type(ctx, type_name)
    hundredths = amounts.read(amount, spec, type_name)
    if action == "grant" and hundredths <= 0:
        raise UsageError(
            _("A grant adds leave: give a positive amount, e.g. 2d — /leave adjust takes away.")
        )
    if hundredths == 0:
        raise UsageError(_("An adjustment of 0 changes nothing — e.g. -1d or +0.5d"))
    if action == "adjust" and not reason.strip():
        raise UsageError(_("Say why, e.g. /leave adjust @bob annual -1d counted twice"))
    kind = GRANT if action == "grant" else ADJUST
    await _write(ctx, who, type_name.lower(), spec, kind, hundredths, reason, on)


async def _write(
    ctx: Context[LeaveConfig], who: PersonRef, name: str, spec: LeaveType, kind: str,
    hundredths: int, reason: str, on: date | None,
) -> None:  # fmt: skip
    day = on or ctx.today()
    if who.hired_on is not None and day < who.hired_on:
        raise UsageError(
            _("{day} is before {who}'s first day of work ({hired}).", day=day, who=who.mention,
              hired=who.hired_on)
        )  # fmt: skip
    if not spec.limited:
        raise UsageError(_("{type} keeps no balance: there is nothing to grant.", type=spec.label))
    await ledger.lock(ctx, who.id, name)
    await ledger.post(
        ctx,
        LedgerEntry(
            person_id=who.id, type=name, kind=kind, hundredths=hundredths, on=day,
            expires_on=grants.expires(spec, day) if hundredths > 0 else None,
            by_id=ctx.person.id, reason=reason.strip()[:300], created_at=ctx.now(),
        ),
    )  # fmt: skip
    await carry.changed(ctx, who.id, name, day)  # dated last year: the cap follows
    have = await ledger.balance(ctx, who.id, name)
    shown = amounts.show(hundredths, spec)
    await ctx.audit(kind, {"person": who.id, "type": name, "hundredths": hundredths})
    done = (
        _("✅ {amount} of {type} for {who} — balance now {have}.", amount=shown, type=spec.label,
          who=who.mention, have=amounts.show(have, spec))
        if kind == GRANT
        else _("✅ {who}'s {type} adjusted by {amount} — balance now {have}.", amount=shown,
               type=spec.label, who=who.mention, have=amounts.show(have, spec))
    )  # fmt: skip
    await ctx.reply(
        done,
        private=True,  # a balance is the person's own business
    )  # fmt: skip
    if who.id != ctx.person.id:
        await ctx.notify(
            who,
            _("🏖 {by} changed your {type} by {amount}: {reason} — balance now {have}.",
              by=ctx.person.mention, type=spec.label, amount=shown, reason=reason.strip() or "–",
              have=amounts.show(have, spec)),
        )  # fmt: skip


# --- jobs and the approvals events --------------------------------------------------------------


@skill.job(cron="5 0 * * *")  # every day just after midnight (org time)
async def daily(ctx: JobContext[LeaveConfig]) -> None:
    today = (ctx.due_at or ctx.now()).astimezone(ZoneInfo(ctx.org.timezone)).date()
    await grants.run(ctx, today)
    await overtime.settle_due(ctx, today)
    await unrequested.flag(ctx, today)
    await grants.remind(ctx, today)


@skill.on("approvals.filing")
async def on_filing(ctx: JobContext[LeaveConfig], payload: dict[str, Any]) -> None:
    if payload.get("flow") in ctx.config.overtime.flows:
        await overtime.filing(ctx, payload)
    else:
        await requests.filing(ctx, payload)


@skill.on("approvals.form")
async def on_form(ctx: JobContext[LeaveConfig], payload: dict[str, Any]) -> None:
    """A leave flow's form about to be shown: each type's balance beside its choice."""
    await view.form_notes(ctx, payload)


@skill.on("approvals.approved")
async def on_approved(ctx: JobContext[LeaveConfig], payload: dict[str, Any]) -> None:
    if payload.get("flow") in ctx.config.overtime.flows:
        await overtime.approved(ctx, payload)
    else:
        await requests.approved(ctx, payload)


@skill.on("approvals.rejected")
async def on_rejected(ctx: JobContext[LeaveConfig], payload: dict[str, Any]) -> None:
    await overtime.released(ctx, payload)
    await requests.released(ctx, payload)


@skill.on("approvals.withdrawn")
async def on_withdrawn(ctx: JobContext[LeaveConfig], payload: dict[str, Any]) -> None:
    await overtime.released(ctx, payload)
    await requests.released(ctx, payload)
