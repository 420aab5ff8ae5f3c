"""When someone leaves: they are dropped from everyone's VIP list (and their own list goes)."""

from __future__ import annotations

from sqlalchemy import delete
from sqlmodel import col

from bot import Handover, JobContext, _
from skills.quiet_hours.store import QuietVip


async def hand_over(ctx: JobContext, handover: Handover) -> None:
    leaver = handover.person.id
    dropped = await ctx.session.exec(
        delete(QuietVip).where(
            (col(QuietVip.vip_id) == leaver) | (col(QuietVip.person_id) == leaver)
        )
    )
    if dropped.rowcount:
        handover.report(
            _("🌙 Quiet hours: dropped from VIP lists ({n} entries)", n=dropped.rowcount)
        )
