"""Receipts (回执): notices that people must acknowledge, with a live count on the card, exact
status for the sender, and reminders for the others. Without --ack, a plain announcement (公告).

    /notice --ack Meeting moved to 15:00, room 3          everyone in this chat, with [Got it ✓]
    /notice team:eng @alice --ack by:17:00 Fill in the form
    /notice --ack --urgent --every 30m --times 4 Server room evacuation drill at 14:00
    /notice ack 12 · /notice status 12 · /notice list [mine|chat] · /notice remind 12
    /notice close 12
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Literal

from bot import (
    Context,
    Flag,
    JobContext,
    Label,
    Lines,
    NotFound,
    Opt,
    PermissionDenied,
    PersonRef,
    Rest,
    Skill,
    UsageError,
    _,
)
from skills.receipts import api, flow, offboarding, reminders, report, store, view
from skills.receipts.config import ReceiptsConfig
from skills.receipts.models import Notice

HERE = Path(__file__).parent
skill = Skill(
    "receipts",
    description=_("Notices that demand acknowledgement, with live counts and reminders"),
    config=ReceiptsConfig,
    migrations=HERE / "migrations",
    translations=HERE / "locales",
)
skill.role("announcer", _("May post notices with receipts"))
skill.on_offboard(offboarding.hand_over)
skill.digest_label("notice", _("{n} notice"), _("{n} notices"))
skill.digest_label("reminder", _("{n} reminder to acknowledge"), _("{n} reminders to acknowledge"))
skill.digest_label("summary", _("{n} receipts summary"), _("{n} receipts summaries"))
api.serve(skill)  # the open API's /v1/notices (see docs/api.md)

# parameters as usages and errors name them, in the reader's language
NoticeNumber = Annotated[int, Label(_("notice number"))]
Ack = Annotated[Literal["ack"] | None, Flag("--")]
Urgent = Annotated[Literal["urgent"] | None, Flag("--")]


@skill.command(
    "notice", help=_("Post a notice; --ack asks for receipts: /notice --ack Meeting moved to 15:00")
)
async def notice(
    ctx: Context,
    people: Annotated[list[PersonRef] | None, Label(_("people"))] = None,
    text: Annotated[Rest, Label(_("text"))] = "",
    team: Annotated[str | None, Opt("team"), Label(_("team"))] = None,
    by: Annotated[datetime | None, Opt("by"), Label(_("by"))] = None,
    ack: Ack = None,
    urgent: Urgent = None,
    every: Annotated[timedelta | None, Opt("every"), Label(_("every"))] = None,
    times: Annotated[int | None, Opt("times"), Label(_("times"))] = None,
) -> None:
    """Post in this chat to its members, or to the people and team named (each gets a DM)."""
    req = flow.Request(text, people or [], team, bool(ack), bool(urgent), by, every, times)
    flow.take_repeat(req)
    await flow.post(ctx, req)


@skill.command("notice ack", help=_("Acknowledge a notice, as its button does: /notice ack 12"))
async def ack_command(ctx: Context, notice_id: NoticeNumber) -> None:
    found = await store.notice(ctx.session, notice_id)
    if found is None or not found.ack:
        raise NotFound(
            _("There is no notice #{id} to acknowledge — /notice list shows yours.", id=notice_id)
        )
    await flow.acknowledge(ctx, found)


@skill.command("notice status", help=_("Who acknowledged a notice, and who not: /notice status 12"))
async def status(ctx: Context, notice_id: NoticeNumber) -> None:
    shown = await _notice(ctx, notice_id)
    if not (ctx.person.is_admin or ctx.person.id == shown.sender_id):
        sender = await reminders.sender_of(ctx, shown)
        raise PermissionDenied(
            _(
                "Only the sender ({sender}) or an admin can see who acknowledged #{id}.",
                sender=sender.mention,
                id=notice_id,
            )
        )
    if not shown.ack:
        raise UsageError(
            _(
                "#{id} is an announcement without receipts — there is nothing to track.",
                id=notice_id,
            )
        )
    await ctx.reply(await report.status(ctx, shown), ephemeral=True)


@skill.command("notice list", help=_("Notices you sent or must acknowledge: /notice list [chat]"))
async def list_(
    ctx: Context, scope: Annotated[Literal["mine", "chat"], Label(_("whose notices"))] = "mine"
) -> None:
    in_chat = scope == "chat" or ctx.chat.kind == "group"
    rows, total = await store.listing(
        ctx.session,
        chat_id=ctx.chat_id if in_chat else None,
        person_id=ctx.person.id if scope == "mine" else None,
        limit=10,
    )
    if not rows:
        await ctx.reply(_("No notices here yet — post one: /notice --ack Meeting moved to 15:00"))
        return
    lines = [view.list_line(n) for n in rows]
    if total > len(rows):
        lines.append(_("… and {n} older", n=total - len(rows)))
    await ctx.reply(_("📢 Notices ({n}):\n{lines}", n=total, lines=Lines(lines)))


@skill.command("notice remind", help=_("Nudge who hasn't acknowledged yet: /notice remind 12"))
async def remind(ctx: Context, notice_id: NoticeNumber) -> None:
    await flow.remind(ctx, await _notice(ctx, notice_id))


@skill.command("notice close", help=_("Stop collecting receipts for a notice: /notice close 12"))
async def close(ctx: Context, notice_id: NoticeNumber) -> None:
    await flow.close(ctx, await _notice(ctx, notice_id))


# --- the button on the card ----------------------------------------------------------------------


@skill.action("ack")
async def ack_button(ctx: Context, notice_id: int) -> None:
    found = await store.notice(ctx.session, notice_id)
    if found is None or not found.ack:
        raise NotFound(_("This button no longer works — type /help to see the commands."))
    await flow.acknowledge(ctx, found)


# --- reminders, the deadline and persistent re-notify --------------------------------------------


@skill.timer("remind")
async def remind_due(ctx: JobContext, key: str, payload: dict[str, int]) -> None:
    if found := await _open_notice(ctx, payload["notice"]):
        await reminders.reminder_due(ctx, found)


@skill.timer("deadline")
async def deadline_due(ctx: JobContext, key: str, payload: dict[str, int]) -> None:
    if found := await _open_notice(ctx, payload["notice"]):
        await reminders.deadline_due(ctx, found)


@skill.timer("every")
async def every_due(ctx: JobContext, key: str, payload: dict[str, int]) -> None:
    if found := await _open_notice(ctx, payload["notice"]):
        await reminders.every_due(ctx, found)


async def _open_notice(ctx: JobContext, notice_id: NoticeNumber) -> Notice | None:
    found = await ctx.session.get(Notice, notice_id)
    return found if found is not None and found.status != "closed" else None


async def _notice(ctx: Context, notice_id: NoticeNumber) -> Notice:
    """A notice seen from here: its own chat, or the DM of its sender, an admin or someone it
    went to. Other chats' notices are never shown."""
    found = await ctx.session.get(Notice, notice_id)
    if found is not None:
        if found.chat_id == ctx.chat_id:
            return found
        mine = ctx.person.is_admin or found.sender_id == ctx.person.id
        if ctx.chat.kind == "dm" and (
            mine or await store.recipient(ctx.session, notice_id, ctx.person.id)
        ):
            return found
    raise NotFound(
        _("There is no notice #{id} in this chat — /notice list shows them.", id=notice_id)
    )
