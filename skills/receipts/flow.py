"""What happens to a notice: posting it (checks, audience, card, DMs, timers), acknowledging it,
nudging the pending, and closing it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot import (
    BadValue,
    Context,
    JobContext,
    PermissionDenied,
    PersonRef,
    Relative,
    Text,
    UsageError,
    _,
    excerpt,
    parse_duration,
)
from skills.receipts import reminders, store, view
from skills.receipts.models import CLOSED, Notice

TIMERS = ("remind", "deadline", "every")


@dataclass
class Request:
    """What ``/notice`` was asked to do, as typed."""

    text: str
    people: list[PersonRef] = field(default_factory=list)
    team: str | None = None
    ack: bool = False
    urgent: bool = False
    by: datetime | None = None
    every: timedelta | None = None
    times: int | None = None


# --- reading what was typed ---------------------------------------------------------------------

_EVERY = re.compile(r"(?:^|\s)--every\s+(\S+)")
_TIMES = re.compile(r"(?:^|\s)--times\s+(\S+)")
_UNKNOWN = re.compile(r"(?:^|\s)(--\w+)")
_CHAT = re.compile(r"^#[\w-]+")


def take_repeat(req: Request) -> None:
    """``--every 30m --times 4`` (or ``every:30m times:4``) out of the text."""
    if m := _EVERY.search(req.text):
        try:
            req.every = parse_duration(m.group(1))
        except BadValue as bad:
            raise UsageError(_("--every: {problem}", problem=bad.text)) from None
        req.text = (req.text[: m.start()] + req.text[m.end() :]).strip()
    if m := _TIMES.search(req.text):
        if not m.group(1).isdigit():
            raise UsageError(
                _(
                    "--times: '{value}' is not a whole number — e.g. --times 4",
                    value=excerpt(m.group(1)),
                )
            )
        req.times = int(m.group(1))
        req.text = (req.text[: m.start()] + req.text[m.end() :]).strip()
    if m := _UNKNOWN.search(req.text):
        raise UsageError(
            _(
                "Unknown option {option} — the options are --ack, --urgent, --every 30m and "
                "--times 4",
                option=excerpt(m.group(1)),
            )
        )


def check(ctx: Context, req: Request) -> None:
    """Everything that can be wrong with a request, before anything is written."""
    if m := _CHAT.match(req.text):
        raise UsageError(
            _(
                "{chat}: a notice goes to the chat where you type it — post it there, or name "
                "people (@alice) or a team (team:eng) here",
                chat=excerpt(m.group()),
            )
        )
    if not req.text:
        raise UsageError(
            _("Write the notice after the options, e.g. /notice --ack Meeting moved to 15:00")
        )
    if len(req.text) > ctx.config.max_text:
        raise UsageError(
            _(
                "The notice is {n} characters long — keep it under {max}",
                n=len(req.text),
                max=ctx.config.max_text,
            )
        )
    if req.by is not None and req.by <= ctx.now():
        raise UsageError(
            _(
                "by: {by} is in the past — give a future time, e.g. by:17:00 or by:fri",
                by=req.by,
            )
        )
    if not req.ack and (req.by or req.every or req.times):
        raise UsageError(
            _(
                "by:, --every and --times are for notices with receipts — add --ack, e.g. "
                "/notice --ack by:17:00 Fill in the form"
            )
        )
    _check_repeat(ctx, req)
    _check_roles(ctx, req)


def _check_repeat(ctx: Context, req: Request) -> None:
    if req.times is not None and req.every is None:
        raise UsageError(_("--times needs --every, e.g. --every 30m --times 4"))
    if req.every is not None and req.every < ctx.config.min_every:
        raise UsageError(
            _(
                "--every {every} is too often — at least {min}, e.g. --every 30m",
                every=req.every,
                min=ctx.config.min_every,
            )
        )
    if req.times is not None and not 1 <= req.times <= ctx.config.max_times:
        raise UsageError(
            _("--times: give a number from 1 to {max}, e.g. --times 4", max=ctx.config.max_times)
        )


def _check_roles(ctx: Context, req: Request) -> None:
    config, person = ctx.config, ctx.person
    targeted = bool(req.people or req.team)
    if (req.ack or targeted) and not config.may_post(person.roles, person.leads):
        raise PermissionDenied(
            _(
                "Only admins and people with one of these roles can post notices with receipts "
                "or to people and teams: {roles} (lead: a team's lead).",
                roles=list(config.post_roles),
            )
        )
    if req.urgent and not config.may_urge(person.roles):
        raise PermissionDenied(
            _(
                "Only admins and people with one of these roles can mark a notice --urgent: "
                "{roles}.",
                roles=list(config.urgent_roles),
            )
        )


@dataclass
class Audience:
    """Who a notice is for (never the sender); ``named``: they were named, so each gets a DM,
    rather than being this chat's members; ``unreached``/``members``: how many of the chat's
    members the bot could not name, out of how many (Telegram can't list them)."""

    people: list[PersonRef]
    named: bool = False
    unreached: int = 0
    members: int = 0


async def audience(ctx: Context, req: Request) -> Audience:
    named = list(req.people)
    if req.team is not None:
        if not ctx.team_exists(req.team):
            raise UsageError(
                _(
                    "There is no team {team} — name a team from the config, e.g. team:eng",
                    team=excerpt(req.team),
                )
            )
        named += await ctx.team(req.team)
    if named or ctx.chat.kind == "dm":
        found = Audience(_others(ctx, named), named=bool(named))
    elif not req.ack:
        return Audience([])  # an announcement in a chat: everyone there reads the card
    else:
        members = await ctx.members()
        found = Audience(_others(ctx, members), unreached=members.unreached, members=members.total)
    if not found.people:
        raise UsageError(_no_one(found))
    return found


def _others(ctx: Context, people: list[PersonRef]) -> list[PersonRef]:
    return list({p.id: p for p in people if p.id != ctx.person.id}.values())


def _no_one(found: Audience) -> Text:
    if found.unreached:
        return _(
            "No one to send it to — none of the {n} other members of this chat has used the bot "
            "here yet, so it can't reach them. Name people (@alice) or a team (team:eng), or ask "
            "them to type a command here first (e.g. /help)",
            n=found.unreached,
        )
    return _(
        "No one to send it to — name people (@alice) or a team (team:eng); in a group chat the "
        "bot knows only the people it has seen there"
    )


# --- posting ------------------------------------------------------------------------------------


async def post(ctx: Context, req: Request) -> None:
    check(ctx, req)
    found = await audience(ctx, req)
    people, named = found.people, found.named
    notice = Notice(
        chat_id=ctx.chat_id,
        sender_id=ctx.person.id,
        text=req.text,
        ack=req.ack,
        urgent=req.urgent,
        audience=len(people),
        deadline=req.by,
        every_seconds=int(req.every.total_seconds()) if req.every else None,
        times_left=(req.times or 1) if req.every else 0,
        created_at=ctx.now(),
    )
    ctx.session.add(notice)
    await ctx.session.flush()
    assert notice.id is not None
    if req.ack:
        await store.add_recipients(ctx.session, notice.id, [p.id for p in people], reached=named)
    await ctx.reply(view.card(notice, ctx.person.mention), card=str(notice.id))
    if named:
        await _send_copies(ctx, notice, people)
    if req.ack or named:
        await ctx.reply(_went_to(notice, found), ephemeral=True)
    await _set_timers(ctx, notice)
    await ctx.audit("notice.posted", {"notice": notice.id, "audience": len(people), "ack": req.ack})


def _went_to(notice: Notice, found: Audience) -> Text:
    """The sender's answer: who the notice went to, and how many members it could not reach."""
    shown = view.names([p.mention for p in found.people])
    text = _("📢 #{id} went to {n}: {people}", id=notice.id, n=len(found.people), people=shown)
    if not (notice.ack and found.unreached):
        return text
    missed = _(
        "⚠️ Not reached: {n} of this chat's {total} members, who have never used the bot here "
        "(it can't tell who they are). Once they type a command here, e.g. /help, later notices "
        "include them.",
        n=found.unreached,
        total=found.members,
    )
    return Text("{text}\n{missed}", {"text": text, "missed": missed})  # nothing to translate


async def _send_copies(ctx: Context, notice: Notice, people: list[PersonRef]) -> None:
    """A copy in each named person's DM: a card of its own, changed once they acknowledge."""
    message = view.personal(notice, ctx.person.mention)

    def card(person: PersonRef) -> str:
        return reminders.card_key(notice, person.id)

    await ctx.notify_all(people, message, urgent=notice.urgent, group="notice", cards=card)


async def _set_timers(ctx: JobContext, notice: Notice) -> None:
    if not notice.ack:
        return
    now, after = ctx.now(), ctx.config.remind_after
    ladder = bool(notice.every_seconds)  # --every re-pings them already: no extra reminder
    if (
        after is not None
        and not ladder
        and (notice.deadline is None or now + after < notice.deadline)
    ):
        await ctx.timers.set(
            f"{notice.id}-remind", now + after, kind="remind", payload={"notice": notice.id}
        )
    if notice.deadline is not None:
        await ctx.timers.set(
            f"{notice.id}-deadline", notice.deadline, kind="deadline", payload={"notice": notice.id}
        )
    if notice.every_seconds:
        due = now + timedelta(seconds=notice.every_seconds)
        await ctx.timers.set(f"{notice.id}-every", due, kind="every", payload={"notice": notice.id})


async def cancel_timers(ctx: JobContext, notice: Notice) -> None:
    for kind in TIMERS:
        await ctx.timers.cancel(f"{notice.id}-{kind}")


# --- acknowledging ------------------------------------------------------------------------------


async def acknowledge(ctx: Context, notice: Notice) -> None:
    """The [Got it ✓] press: recorded once, answered privately, the counter updated."""
    if notice.status == CLOSED:
        raise PermissionDenied(_("Notice #{id} is closed — nothing to acknowledge.", id=notice.id))
    done = await store.acknowledge(ctx.session, notice, ctx.person.id, ctx.now())
    if done is None:
        row = await store.recipient(ctx.session, notice.id or 0, ctx.person.id)
        if row is None or row.acked_at is None:
            raise PermissionDenied(
                _("Notice #{id} isn't addressed to you — nothing was recorded.", id=notice.id)
            )
        await ctx.reply(
            _("You already acknowledged #{id} at {at}.", id=notice.id, at=row.acked_at),
            ephemeral=True,
        )
        return
    await ctx.reply(
        _("✅ Got it — you acknowledged #{id} at {at}.", id=notice.id, at=ctx.now()), ephemeral=True
    )
    await ctx.emit("acknowledged", notice=notice.id, person=ctx.person.handle, at=ctx.now())
    sender = await reminders.sender_of(ctx, notice)
    ctx.update_card(str(notice.id), view.card(notice, sender.mention))
    if done.reached:
        personal = view.personal(notice, sender.mention, ctx.now())
        ctx.update_card(reminders.card_key(notice, ctx.person.id), personal)
    if notice.acked >= notice.audience:
        await cancel_timers(ctx, notice)
        await ctx.notify(
            sender,
            _("✅ Everyone acknowledged #{id} ({n} people).", id=notice.id, n=notice.audience),
            group="summary",
        )


# --- nudging and closing ------------------------------------------------------------------------


def may_manage(ctx: Context, notice: Notice, what: Text) -> None:
    if not (ctx.person.is_admin or ctx.person.id == notice.sender_id):
        raise PermissionDenied(
            _("Only the sender or an admin can {what} notice #{id}.", what=what, id=notice.id)
        )


def open_with_receipts(notice: Notice) -> None:
    if not notice.ack:
        raise UsageError(
            _(
                "#{id} is an announcement without receipts — there is nothing to track.",
                id=notice.id,
            )
        )
    if notice.status == CLOSED:
        raise UsageError(_("Notice #{id} is closed.", id=notice.id))


async def remind(ctx: Context, notice: Notice) -> None:
    """``/notice remind``: nudge the pending now, at most once per ``nudge_interval``."""
    may_manage(ctx, notice, _("nudge"))
    open_with_receipts(notice)
    if notice.nudged_at is not None:
        again = notice.nudged_at + ctx.config.nudge_interval
        if ctx.now() < again:
            raise UsageError(
                _(
                    "#{id} was nudged {ago} — you can nudge again {when}.",
                    id=notice.id,
                    ago=Relative(notice.nudged_at),
                    when=Relative(again),
                )
            )
    waiting = await store.pending(ctx.session, notice.id or 0)
    if not waiting:
        raise UsageError(_("Everyone acknowledged #{id} — no one to nudge.", id=notice.id))
    notice.nudged_at = ctx.now()
    why = _("⏰ {who} asks you to acknowledge this.", who=ctx.person.mention)
    await reminders.ping(ctx, notice, waiting, why)
    await ctx.reply(
        _("⏰ Nudged {n} people who haven't acknowledged #{id}.", n=len(waiting), id=notice.id)
    )


async def close(ctx: Context, notice: Notice) -> None:
    may_manage(ctx, notice, _("close"))
    if notice.status == CLOSED:
        raise UsageError(_("Notice #{id} is closed.", id=notice.id))
    notice.status, notice.closed_at, notice.closed_by = CLOSED, ctx.now(), ctx.person.id
    await cancel_timers(ctx, notice)
    sender = await reminders.sender_of(ctx, notice)
    ctx.update_card(str(notice.id), view.card(notice, sender.mention))
    if notice.ack:
        await ctx.reply(_("🔒 Closed #{id}: {count}.", id=notice.id, count=view.counter(notice)))
    else:
        await ctx.reply(_("🔒 Closed #{id}.", id=notice.id))
