"""/deskmate — admin commands: the state of the outbox and what failed to be delivered."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import col, func, select

from bot import Context, Message, _
from bot.i18n import Text
from bot.markup import Lines
from bot.skill import Skill
from storage.models import OutboxRow, Person

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
    counts = dict(
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
    failed = (
        await ctx.session.exec(
            select(OutboxRow, Person.handle)
            .outerjoin(Person, col(OutboxRow.person_id) == Person.id)
            .where(OutboxRow.status == "failed")
            .order_by(col(OutboxRow.id).desc())
            .limit(SHOWN_FAILURES)
        )
    ).all()
    summary = _(
        "📮 Outbox: {waiting} waiting ({held} held for quiet hours), {sending} sending, "
        "{sent} sent, {failed} failed",
        waiting=counts.get("pending", 0),
        held=held,
        sending=counts.get("sending", 0),
        sent=counts.get("sent", 0),
        failed=counts.get("failed", 0),
    )
    if not failed:
        await ctx.reply(summary)
        return
    lines = [_failure(row, handle) for row, handle in failed]
    await ctx.reply(
        Message(_("{summary}\nLatest failures:\n{lines}", summary=summary, lines=Lines(lines)))
    )


def _failure(row: OutboxRow, handle: str | None) -> Text:
    to = f"@{handle}" if handle else f"chat {row.chat_id}"
    return _(
        "#{id} to {to} · {at} · {reason}",
        id=row.id,
        to=to,
        at=row.created_at,
        reason=row.last_error or "?",
    )
