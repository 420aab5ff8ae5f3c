"""When someone leaves: they leave the audience of every open notice they have not acknowledged
yet (the X/Y counters change to match, the reminders and re-pings stop for them); what they
acknowledged stays on record."""

from __future__ import annotations

from sqlalchemy import delete, update
from sqlmodel import col, select

from bot import Handover, JobContext, _
from skills.receipts import flow, reminders, view
from skills.receipts.models import OPEN, Notice, Recipient


async def hand_over(ctx: JobContext, handover: Handover) -> None:
    leaver = handover.person
    rows = await ctx.session.exec(
        select(Notice)
        .join(Recipient, col(Recipient.notice_id) == col(Notice.id))
        .where(
            col(Recipient.person_id) == leaver.id,
            col(Recipient.acked_at).is_(None),
            col(Notice.status) == OPEN,
        )
        .order_by(col(Notice.id))
    )
    notices = list(rows.all())
    for notice in notices:
        await ctx.session.exec(
            delete(Recipient).where(
                col(Recipient.notice_id) == notice.id, col(Recipient.person_id) == leaver.id
            )
        )
        await ctx.session.exec(
            update(Notice)
            .where(col(Notice.id) == notice.id)
            .values(audience=col(Notice.audience) - 1)
        )
        await ctx.session.refresh(notice)
        sender = await reminders.sender_of(ctx, notice)
        ctx.update_card(str(notice.id), view.card(notice, sender.mention))
        if notice.ack and notice.audience and notice.acked >= notice.audience:
            await flow.cancel_timers(ctx, notice)
            await ctx.notify(
                sender,
                _("✅ Everyone acknowledged #{id} ({n} people).", id=notice.id, n=notice.audience),
                group="summary",
            )
    if notices:
        handover.report(
            _("📢 Notices: left the audience of {n} still waiting for them", n=len(notices))
        )
