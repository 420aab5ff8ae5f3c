"""The carry-over cap (``expiry.carry_max``): of what is left on 31 December of last year's credits
that would carry over to ``carry_until``, at most ``carry_max`` does; the rest expires on 31
December, in rows keyed by the credit they end (so a second run or a second instance expires
nothing twice).

The cap follows the balance of 31 December, whenever that balance changes: :func:`settle` works
out what the cap takes from each credit, as the rows dated up to 31 December stand now, and posts
the difference from the cap rows already written (a cap row of either sign). The daily job
settles everyone in January; an approval, a withdrawal, a grant or an adjustment dated last year
that comes later settles that person's balance again, until the carried days expire (after
``carry_until`` nothing carried is left to cap)."""

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
        people = (
            await ctx.session.exec(
                select(LedgerEntry.person_id).distinct().where(
                    col(LedgerEntry.type) == name, col(LedgerEntry.hundredths) > 0,
                    col(LedgerEntry.on) <= year_end, col(LedgerEntry.expires_on) > carried_to,
                )
            )
        ).all()  # fmt: skip
        for person_id in people:
            written += await settle(ctx, person_id, name, today)
    return written


async def changed(ctx: JobContext[LeaveConfig], person_id: int, type_: str, on: date) -> None:
    """A row dated ``on`` was written: if it belongs to last year, settle the cap again."""
    today = ctx.today()
    if on.year < today.year:
        await settle(ctx, person_id, type_, today)


async def settle(ctx: JobContext[LeaveConfig], person_id: int, type_: str, today: date) -> int:
    """Make the cap of this balance what its rows dated up to last 31 December say (nothing once
    the carried days have expired); return the rows written."""
    spec = ctx.config.types.get(type_)
    if spec is None or spec.expiry.carry_max is None or spec.expiry.carry_until is None:
        return 0
    month, day = (int(p) for p in spec.expiry.carry_until.split("-"))
    if today > date(today.year, month, day):
        return 0  # what carried has expired (by rows made from the capped balance): settled
    year_end, carried_to = date(today.year - 1, 12, 31), date(today.year, 1, 1)
    limit = int(spec.expiry.carry_max * 100)
    await ledger.lock(ctx, person_id, type_)
    query = select(LedgerEntry).where(
        col(LedgerEntry.person_id) == person_id,
        col(LedgerEntry.type) == type_,
        col(LedgerEntry.on) <= year_end,
    )
    rows = (await ctx.session.exec(query.order_by(col(LedgerEntry.on), col(LedgerEntry.id)))).all()
    capped = [r for r in rows if _is_cap(r)]
    lots = ledger.lots_of([r for r in rows if not _is_cap(r)])
    carrying = [lot for lot in lots if (lot.entry.expires_on or date.max) > carried_to]
    over = sum(lot.left for lot in carrying) - limit
    # what would be spent last goes first
    carrying.sort(key=lambda lot: (lot.entry.expires_on or date.max, lot.entry.on))
    want: dict[int, int] = {}
    for lot in reversed(carrying):
        if over <= 0:
            break
        want[lot.entry.id or 0] = taken = min(lot.left, over)
        over -= taken
    have: dict[int, int] = {}
    count: dict[int, int] = {}
    for row in capped:
        lot_id = row.lot_id or 0
        have[lot_id] = have.get(lot_id, 0) - row.hundredths
        count[lot_id] = count.get(lot_id, 0) + 1
    written = 0
    for lot_id in sorted(set(want) | set(have)):
        more = want.get(lot_id, 0) - have.get(lot_id, 0)
        if more == 0:
            continue
        n = count.get(lot_id, 0)
        entry = LedgerEntry(
            person_id=person_id, type=type_, kind=EXPIRE, hundredths=-more, on=year_end,
            lot_id=lot_id, reason=f"{CAP} {limit}",
            key=f"carry:{lot_id}:{n}" if n else f"carry:{lot_id}", created_at=ctx.now(),
        )  # fmt: skip
        written += await ledger.post(ctx, entry)
    return written


def _is_cap(row: LedgerEntry) -> bool:
    return row.kind == EXPIRE and (row.key or "").startswith("carry:")
