"""The carry-over cap (``expiry.carry_max``): on 1 January (or the first run of the daily job in
January), of what is left of last year's credits that would carry over to ``carry_until``, at most
``carry_max`` does; the rest expires on 31 December, one ledger row per credit it comes from
(keyed by that credit, so a second run or a second instance expires nothing twice)."""

from __future__ import annotations

from datetime import date

from sqlmodel import col, select

from bot import JobContext
from skills.leave import ledger
from skills.leave.config import LeaveConfig
from skills.leave.models import EXPIRE, LedgerEntry

CAP = "carry_max"  # the reason of a row this writes (what the history explains)


async def cap(ctx: JobContext[LeaveConfig], today: date) -> int:
    """In January, cap what carried over from last year; return rows written."""
    if today.month != 1:
        return 0
    year_end, carried_to = date(today.year - 1, 12, 31), date(today.year, 1, 1)
    written = 0
    for name, spec in ctx.config.types.items():
        if spec.expiry.carry_max is None:
            continue
        limit = int(spec.expiry.carry_max * 100)
        people = (
            await ctx.session.exec(
                select(LedgerEntry.person_id).distinct().where(
                    col(LedgerEntry.type) == name, col(LedgerEntry.hundredths) > 0,
                    col(LedgerEntry.on) <= year_end, col(LedgerEntry.expires_on) > carried_to,
                )
            )
        ).all()  # fmt: skip
        for person_id in people:
            lots = await ledger.open_lots(ctx, person_id, name, today, until=year_end)
            carrying = [lot for lot in lots if (lot.entry.expires_on or date.max) > carried_to]
            over = sum(lot.left for lot in carrying) - limit
            # what would be spent last goes first
            carrying.sort(key=lambda lot: (lot.entry.expires_on or date.max, lot.entry.on))
            for lot in reversed(carrying):
                if over <= 0:
                    break
                taken = min(lot.left, over)
                over -= taken
                entry = LedgerEntry(
                    person_id=person_id, type=name, kind=EXPIRE, hundredths=-taken, on=year_end,
                    lot_id=lot.entry.id, reason=f"{CAP} {limit}", key=f"carry:{lot.entry.id}",
                    created_at=ctx.now(),
                )  # fmt: skip
                written += await ledger.post(ctx, entry)
    return written
