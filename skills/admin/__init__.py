"""/deskmate — admin commands: the state of the outbox and timers, and what failed."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import col, func, select

from bot import Context, Message, _
from bot.i18n import Text
from bot.markup import Lines
from bot.skill import Skill
from storage.models import OutboxRow, Timer

skill = Skill(
    "admin",
    description=_("Admin commands: delivery and health"),
    translations=Path(__file__).parent / "locales",
)

SHOWN_FAILURES = 10


@skill.command(
    "deskmate outbox",
    help=_("Admins: what waits to be delivered and what failed"),
    requires="admin",
)
async def outbox(ctx: Context) -> None:
    """Counts by state, then the latest failures with their reason."""
    counts = await _counts(ctx)
    summary = _(
        "📮 Outbox: {waiting} waiting ({held} held for quiet hours), {sending} sending, "
        "{sent} sent, {failed} failed; {timers} failed timers",
        **counts,
    )
    failures = await _failures(ctx)
    if not failures:
        await ctx.reply(summary)
        return
    await ctx.reply(
        Message(_("{summary}\nLatest failures:\n{lines}", summary=summary, lines=Lines(failures)))
    )


async def _counts(ctx: Context) -> dict[str, int]:
    by_status = dict(
        (
            await ctx.session.exec(
                select(OutboxRow.status, func.count()).group_by(OutboxRow.status)
            )
        ).all()
    )
    held = (
        await ctx.session.exec(
            select(func.count())
            .select_from(OutboxRow)
            .where(OutboxRow.status == "pending", col(OutboxRow.held).is_(True))
        )
    ).one()
    timers = (
        await ctx.session.exec(
            select(func.count()).select_from(Timer).where(Timer.status == "failed")
        )
    ).one()
    return {
        "waiting": by_status.get("pending", 0),
        "held": held,
        "sending": by_status.get("sending", 0),
        "sent": by_status.get("sent", 0),
        "failed": by_status.get("failed", 0),
        "timers": timers,
    }


async def _failures(ctx: Context) -> list[Text]:
    rows = (
        await ctx.session.exec(
            select(OutboxRow)
            .where(OutboxRow.status == "failed")
            .order_by(col(OutboxRow.id).desc())
            .limit(SHOWN_FAILURES)
        )
    ).all()
    people = {p.id: p for p in await ctx.people([r.person_id for r in rows if r.person_id])}
    return [
        _(
            "#{id} to {to} · written {at} · {reason}",
            id=row.id,
            to=people[row.person_id].mention
            if row.person_id in people
            else _("chat {id}", id=row.chat_id),
            at=row.created_at,
            reason=row.last_error or "?",
        )
        for row in rows
    ]
