"""The ledger as narrow functions: write a row, lock a person's balance of a type, read balances
(a SUM over an index), the history, and which credits are still open (spent first-to-expire
first), which is what expiry and "expires soon" need."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select

from bot import JobContext
from skills.leave.models import (
    APPROVED,
    EXPIRE,
    PENDING,
    Account,
    LeaveRequest,
    LedgerEntry,
)


def insert(ctx: JobContext, table: type) -> Any:
    """An INSERT that may skip a row already there (``ON CONFLICT DO NOTHING``), in this
    database's dialect."""
    dialect = ctx.session.get_bind().dialect.name
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(table)


async def lock(ctx: JobContext, person_id: int, type_: str) -> None:
    """Hold this person's balance of ``type_`` until the transaction ends (PostgreSQL: ``FOR
    UPDATE``; SQLite serialises writers): the check and the debit that follow see every other."""
    stmt = insert(ctx, Account)
    await ctx.session.exec(stmt.values(person_id=person_id, type=type_).on_conflict_do_nothing())
    await ctx.session.exec(
        select(Account)
        .where(col(Account.person_id) == person_id, col(Account.type) == type_)
        .with_for_update()
    )


async def post(ctx: JobContext, entry: LedgerEntry) -> bool:
    """Write a row; one with a ``key`` already written is skipped (``False``): a grant job run
    twice, or on two instances, writes once."""
    if entry.key is None:
        ctx.session.add(entry)
        await ctx.session.flush()
        return True
    values = entry.model_dump(exclude={"id"})
    stmt = insert(ctx, LedgerEntry).values(**values).on_conflict_do_nothing()
    result = await ctx.session.exec(stmt)
    return bool(result.rowcount)


async def balance(ctx: JobContext, person_id: int, type_: str) -> int:
    found = await ctx.session.exec(
        select(func.coalesce(func.sum(LedgerEntry.hundredths), 0)).where(
            col(LedgerEntry.person_id) == person_id, col(LedgerEntry.type) == type_
        )
    )
    return int(found.one())


async def balances(ctx: JobContext, person_id: int) -> dict[str, int]:
    found = await ctx.session.exec(
        select(LedgerEntry.type, func.sum(LedgerEntry.hundredths))
        .where(col(LedgerEntry.person_id) == person_id)
        .group_by(col(LedgerEntry.type))
    )
    return {t: int(n or 0) for t, n in found.all()}


async def held_by_type(ctx: JobContext, person_id: int) -> dict[str, int]:
    """What pending requests hold, per type."""
    found = await ctx.session.exec(
        select(LeaveRequest.type, func.sum(LeaveRequest.hundredths))
        .where(col(LeaveRequest.person_id) == person_id, col(LeaveRequest.state) == PENDING)
        .group_by(col(LeaveRequest.type))
    )
    return {t: int(n or 0) for t, n in found.all()}


async def held(ctx: JobContext, person_id: int, type_: str, but: int | None = None) -> int:
    """What pending requests of this type hold (all but request ``but``)."""
    query = select(func.coalesce(func.sum(LeaveRequest.hundredths), 0)).where(
        col(LeaveRequest.person_id) == person_id,
        col(LeaveRequest.type) == type_,
        col(LeaveRequest.state) == PENDING,
    )
    if but is not None:
        query = query.where(col(LeaveRequest.request_id) != but)
    return int((await ctx.session.exec(query)).one())


async def history(
    ctx: JobContext, person_id: int, type_: str | None, limit: int
) -> Sequence[LedgerEntry]:
    query = select(LedgerEntry).where(col(LedgerEntry.person_id) == person_id)
    if type_ is not None:
        query = query.where(col(LedgerEntry.type) == type_)
    query = query.order_by(col(LedgerEntry.on).desc(), col(LedgerEntry.id).desc()).limit(limit)
    return (await ctx.session.exec(query)).all()


async def request_of(ctx: JobContext, request_id: int) -> LeaveRequest | None:
    found = await ctx.session.exec(
        select(LeaveRequest).where(col(LeaveRequest.request_id) == request_id)
    )
    return found.first()


async def spent(ctx: JobContext, request_id: int) -> bool:
    row = await request_of(ctx, request_id)
    return row is not None and row.state == APPROVED


@dataclass
class Lot:
    """A credit and what is left of it."""

    entry: LedgerEntry
    left: int


async def open_lots(
    ctx: JobContext, person_id: int, type_: str, today: date, *, until: date | None = None
) -> list[Lot]:
    """The credits of a balance with what is left of each: debits spend the credit that expires
    first (then the oldest), never one already expired on the debit's day; an expiry row (or a
    credit taken back) ends its own credit. ``until``: as the rows dated up to that day leave
    them."""
    return (await all_open_lots(ctx, person_id, type_, until=until)).get(type_, [])


async def all_open_lots(
    ctx: JobContext, person_id: int, type_: str | None = None, *, until: date | None = None
) -> dict[str, list[Lot]]:
    """:func:`open_lots` of every type of a person (or of one), from one query."""
    query = select(LedgerEntry).where(col(LedgerEntry.person_id) == person_id)
    if type_ is not None:
        query = query.where(col(LedgerEntry.type) == type_)
    if until is not None:
        query = query.where(col(LedgerEntry.on) <= until)
    rows = (await ctx.session.exec(query.order_by(col(LedgerEntry.on), col(LedgerEntry.id)))).all()
    by_type: dict[str, list[LedgerEntry]] = {}
    for row in rows:
        by_type.setdefault(row.type, []).append(row)
    return {t: _lots(entries) for t, entries in by_type.items()}


def lots_of(rows: Sequence[LedgerEntry]) -> list[Lot]:
    """The open credits that ``rows`` (one balance's, by day then id) leave."""
    return _lots(rows)


async def taken_by(ctx: JobContext, use: LedgerEntry) -> dict[date | None, int]:
    """What the debit ``use`` took from the credits it spent, by the day they expire (``None``:
    never, and what no credit covered): what its reversal gives back, expiring as they did."""
    rows = (
        await ctx.session.exec(
            select(LedgerEntry)
            .where(col(LedgerEntry.person_id) == use.person_id, col(LedgerEntry.type) == use.type)
            .order_by(col(LedgerEntry.on), col(LedgerEntry.id))
        )
    ).all()
    taken: dict[date | None, int] = {}
    _lots(rows, watch=use.id, taken=taken)
    return taken


def _lots(
    rows: Sequence[LedgerEntry],
    watch: int | None = None,
    taken: dict[date | None, int] | None = None,
) -> list[Lot]:
    # an expiry row ends part of its credit, or (a carry-over cap made smaller) gives it back
    lots = [Lot(r, r.hundredths) for r in rows if r.hundredths > 0 and r.kind != EXPIRE]
    by_id = {lot.entry.id: lot for lot in lots}
    for row in rows:
        # an expiry (either sign), or a taken-back credit: on its own credit
        if row.lot_id in by_id and (row.kind == EXPIRE or row.hundredths < 0):
            by_id[row.lot_id].left += row.hundredths
            continue
        if row.hundredths >= 0:
            continue
        spent = _spend(lots, row.on, -row.hundredths)
        if row.id == watch and taken is not None:
            taken.update(spent)
            break
    return [lot for lot in lots if lot.left > 0]


def _spend(lots: list[Lot], on: date, amount: int) -> dict[date | None, int]:
    """Spend ``amount`` on day ``on``; what was taken, by the day the credits expire."""
    usable = [
        lot
        for lot in lots
        if lot.left > 0 and lot.entry.on <= on
        and (lot.entry.expires_on is None or lot.entry.expires_on > on)
    ]  # fmt: skip
    usable.sort(key=lambda lot: (lot.entry.expires_on or date.max, lot.entry.on))
    spent: dict[date | None, int] = {}
    for lot in usable:
        taken = min(lot.left, amount)
        lot.left -= taken
        amount -= taken
        spent[lot.entry.expires_on] = spent.get(lot.entry.expires_on, 0) + taken
        if amount == 0:
            return spent
    if amount:  # what no credit covers (an overdraft) stays negative in the balance
        spent[None] = spent.get(None, 0) + amount
    return spent
