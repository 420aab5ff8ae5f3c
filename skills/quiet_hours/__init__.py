"""Quiet hours (下班了 / 休息一下): notifications wait while someone is off work, on a day off or
on a break, and arrive as one digest when the quiet ends. VIPs and urgent notices from allowed
roles come through anyway. Everything is in the person's own time zone.

    /quiet                      where you stand now and when notifications come next
    /quiet set 19:00-09:00      your daily off-work window
    /quiet days sat,sun         your days off ("none" for none)
    /quiet break 30m            a break from now; /quiet back ends it early
    /quiet off | on             no quiet hours at all / back to your schedule
    /quiet mode hold|silent     hold notifications, or deliver them without a push
    /quiet vip add|remove|list  people whose notifications always come through
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Literal

from bot import (
    Context,
    Decision,
    JobContext,
    Label,
    Notice,
    PersonRef,
    Skill,
    TimeRange,
    UsageError,
    UserError,
    Zoned,
    _,
)
from skills.quiet_hours import offboarding, store
from skills.quiet_hours.config import WEEKDAYS, QuietConfig
from skills.quiet_hours.schedule import Schedule, quiet_until
from skills.quiet_hours.status import days_text, parse_days, status_card

HERE = Path(__file__).parent
skill = Skill(
    "quiet_hours",
    description=_("Quiet hours: notifications wait while you are off work or on a break"),
    config=QuietConfig,
    migrations=HERE / "migrations",
    translations=HERE / "locales",
)
skill.on_offboard(offboarding.hand_over)


@skill.command("quiet", help=_("Show your quiet hours and when notifications come next"))
async def show(ctx: Context) -> None:
    await ctx.reply(await status_card(ctx, await schedule_of(ctx, ctx.person)))


@skill.command("quiet set", help=_("Set your daily off-work window: /quiet set 19:00-09:00"))
async def set_window(ctx: Context, window: Annotated[TimeRange, Label(_("window"))]) -> None:
    settings = await store.settings_of(ctx.session, ctx.person.id)
    settings.window_start, settings.window_end = window.start, window.end
    await _changed(ctx, settings)
    await ctx.reply(
        _(
            "🌙 Off work from {start} to {end} every day (your time).",
            start=window.start,
            end=window.end,
        )
    )


@skill.command("quiet days", help=_("Set your days off: /quiet days sat,sun (or none)"))
async def set_days(ctx: Context, days: Annotated[str, Label(_("days"))]) -> None:
    chosen = parse_days(days)
    if len(chosen) == len(WEEKDAYS):
        raise UsageError(
            _(
                "With every day off nothing would ever reach you — use /quiet off to "
                "turn quiet hours off instead."
            )
        )
    settings = await store.settings_of(ctx.session, ctx.person.id)
    settings.days_off = ",".join(str(d) for d in sorted(chosen))
    await _changed(ctx, settings)
    await ctx.reply(_("🌙 Days off: {days}.", days=days_text(chosen)))


@skill.command("quiet break", help=_("Take a break from now: /quiet break 30m"))
async def take_break(ctx: Context, length: Annotated[timedelta, Label(_("length"))]) -> None:
    limit = ctx.config.max_break
    if length > limit:
        raise UsageError(_("A break lasts at most {limit} — e.g. /quiet break 30m", limit=limit))
    settings = await store.settings_of(ctx.session, ctx.person.id)
    settings.break_until = ctx.now() + length
    await _changed(ctx, settings)
    await ctx.reply(
        _("☕ On a break until {until}; notifications will wait.", until=settings.break_until)
    )


@skill.command("quiet back", help=_("End your break now"))
async def back(ctx: Context) -> None:
    settings = await store.settings_of(ctx.session, ctx.person.id)
    if settings.break_until is None or settings.break_until <= ctx.now():
        raise UserError(_("You are not on a break — /quiet break 30m starts one."))
    settings.break_until = None
    await _changed(ctx, settings)
    await ctx.reply(_("👋 Welcome back — what waited for you is on its way."))


@skill.command("quiet off", help=_("Turn your quiet hours off: everything comes at once"))
async def turn_off(ctx: Context) -> None:
    settings = await store.settings_of(ctx.session, ctx.person.id)
    settings.enabled = False
    await _changed(ctx, settings)
    await ctx.reply(_("🔔 Quiet hours off: notifications come at once. /quiet on to undo."))


@skill.command("quiet on", help=_("Turn your quiet hours back on"))
async def turn_on(ctx: Context) -> None:
    settings = await store.settings_of(ctx.session, ctx.person.id)
    settings.enabled = True
    await _changed(ctx, settings)
    await ctx.reply(_("🌙 Quiet hours on again."))


@skill.command("quiet mode", help=_("hold: notifications wait; silent: they come without a push"))
async def set_mode(
    ctx: Context, mode: Annotated[Literal["hold", "silent"], Label(_("mode"))]
) -> None:
    settings = await store.settings_of(ctx.session, ctx.person.id)
    settings.mode = mode
    await _changed(ctx, settings)
    if mode == "silent":
        await ctx.reply(_("🔕 In quiet time notifications now arrive at once, without a push."))
    else:
        await ctx.reply(_("🌙 In quiet time notifications now wait and arrive as one digest."))


@skill.command(
    "quiet vip", help=_("People whose notifications always come through: /quiet vip add @boss")
)
async def vip(
    ctx: Context,
    op: Annotated[Literal["add", "remove", "list"], Label(_("action"))],
    people: Annotated[list[PersonRef] | None, Label(_("people"))] = None,
) -> None:
    if op == "list":
        ids = await store.vip_ids(ctx.session, ctx.person.id)
        vips = [p.mention for p in await ctx.people(ids)]
        await ctx.reply(_("⭐ Your VIPs: {vips}", vips=vips) if vips else _("You have no VIPs."))
        return
    if not people:
        raise UsageError(
            _("Mention who to add, e.g. /quiet vip add @boss")
            if op == "add"
            else _("Mention who to remove, e.g. /quiet vip remove @boss")
        )
    change = store.add_vip if op == "add" else store.remove_vip
    changed = [p for p in people if await change(ctx.session, ctx.person.id, p.id)]
    mentions = [p.mention for p in changed]
    if not changed:
        await ctx.reply(_("Nothing to change: /quiet vip list shows your VIPs."), ephemeral=True)
    elif op == "add":
        await ctx.reply(_("⭐ {people} will reach you even in quiet time.", people=mentions))
    else:
        await ctx.reply(_("{people} no longer come through your quiet time.", people=mentions))


# --- the delivery policy ----------------------------------------------------------------------


@skill.delivery_policy
async def hold_in_quiet_time(ctx: JobContext, notice: Notice) -> Decision:
    """Hold a notification until the recipient's quiet time ends, unless it comes from one of
    their VIPs or is urgent from a role allowed to send urgent ones."""
    recipient, sender = notice.recipient, notice.sender
    settings = await store.settings_of(ctx.session, recipient.id)
    if not settings.enabled:
        return Decision()
    if sender is not None and sender.id in await store.vip_ids(ctx.session, recipient.id):
        return Decision()
    if notice.urgent and sender is not None and sender.roles & set(ctx.config.urgent_roles):
        return Decision()
    schedule = await schedule_of(ctx, recipient, dnd_until=notice.dnd_until)
    quiet = quiet_until(schedule, notice.now)
    if quiet is None:
        return Decision()
    if settings.mode == "silent" and notice.can_silence:
        return Decision(silent=True)  # elsewhere silent falls back to holding
    until, reason = quiet
    when = Zoned(until, recipient.timezone)
    notes = {
        "break": _(
            "{who} is on a break until {until}; they'll get it then.",
            who=recipient.mention,
            until=when,
        ),
        "dnd": _(
            "{who} has Do Not Disturb on until {until}; they'll get it then.",
            who=recipient.mention,
            until=when,
        ),
    }
    note = notes.get(reason) or _(
        "{who} is off work until {until} (their time); they'll get it then.",
        who=recipient.mention,
        until=when,
    )
    return Decision(deliver_at=until, note=note)


async def schedule_of(
    ctx: JobContext, person: PersonRef, *, dnd_until: datetime | None = None
) -> Schedule:
    """The person's quiet rules: their own settings over their team's and the org's defaults."""
    config: QuietConfig = ctx.config
    settings = await store.settings_of(ctx.session, person.id)
    window = config.window_of(person.team)
    if settings.window_start is not None and settings.window_end is not None:
        window = (settings.window_start, settings.window_end)
    days = {WEEKDAYS.index(d) for d in config.days_off_of(person.team, ctx.org.workdays)}
    if settings.days_off is not None:
        days = {int(d) for d in settings.days_off.split(",") if d}
    return Schedule(
        tz=person.tz,
        window=window,
        days_off=frozenset(days),
        holidays=frozenset(ctx.org.holidays) if config.holidays else frozenset(),
        break_until=settings.break_until,
        dnd_until=dnd_until,
    )


async def _changed(ctx: Context, settings: store.QuietSettings) -> None:
    """Save, and let what waits be decided again under the new rules."""
    await store.save(ctx.session, settings)
    await ctx.release_held(ctx.person)
