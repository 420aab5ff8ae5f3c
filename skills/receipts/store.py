"""Reading and writing notices and receipts, inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, event, func, insert, inspect, or_, update
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import Prepared
from skills.receipts.models import OPEN, Notice, Recipient

CHUNK = 500  # rows per INSERT when freezing a big audience

# An acknowledgement runs these two statements and nothing else; they are prepared (compiled
# once, run on the cursor of the transaction and savepoint: thousands may press at once).
_RECIPIENTS = Recipient.__table__  # type: ignore[attr-defined]
_NOTICES = Notice.__table__  # type: ignore[attr-defined]
_ACK = Prepared(
    update(_RECIPIENTS)
    .where(
        _RECIPIENTS.c.notice_id == bindparam("notice"),
        _RECIPIENTS.c.person_id == bindparam("person"),
        _RECIPIENTS.c.acked_at.is_(None),
    )
    .values(acked_at=bindparam("at"))
    .returning(_RECIPIENTS.c.reached)
)
_COUNT = Prepared(
    update(_NOTICES)
    .where(_NOTICES.c.id == bindparam("notice"))
    .values(acked=_NOTICES.c.acked + 1)
    .returning(_NOTICES.c.acked)
)


_HELD = "receipts.notices"  # in session.info: the notices read in this transaction, by id


async def notice(session: AsyncSession, notice_id: int) -> Notice | None:
    """The notice ``notice_id``, read once per transaction: the presses of a burst share one
    (the runtime handles the events that arrive together in one transaction). The session keeps
    what it read only while something refers to it, so without this each press would read the
    notice again; kept here, it is read again after a rollback (:func:`_forget_rolled_back`)."""
    held: dict[int, Notice] = session.info.setdefault(_HELD, {})
    found = held.get(notice_id)
    if found is not None and not inspect(found).expired_attributes:
        return found
    found = await session.get(Notice, notice_id)
    if found is not None:
        held[notice_id] = found
    return found


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session: Session, _rolled_back: SessionTransaction) -> None:
    """A handler's savepoint (or the transaction) rolled back: the counter a held notice shows
    may be one it undid (moved by a Core statement, which the session does not track, so it
    does not expire it): the notices are expired, and read again by whoever asks next."""
    held: dict[int, Notice] | None = session.info.pop(_HELD, None)
    for found in (held or {}).values():
        if found in session:
            session.expire(found)


async def add_recipients(
    session: AsyncSession, notice_id: int, people: Sequence[int], *, reached: bool
) -> None:
    """Freeze the audience: one row per person, written in a few statements however many."""
    rows = [{"notice_id": notice_id, "person_id": p, "reached": reached} for p in people]
    for i in range(0, len(rows), CHUNK):
        await session.exec(insert(Recipient), params=rows[i : i + CHUNK])


@dataclass(frozen=True)
class Acknowledged:
    reached: bool  # they have a copy in private, to update too


async def acknowledge(
    session: AsyncSession, notice: Notice, person_id: int, at: datetime
) -> Acknowledged | None:
    """Record that ``person_id`` acknowledged ``notice``; None if they already had (or are not
    in its audience). One conditional UPDATE: two presses at once record once. The notice's
    counter moves in the same transaction."""
    reached = await _ACK.rows(session, {"notice": notice.id, "person": person_id, "at": at})
    if not reached:
        return None
    ((acked,),) = await _COUNT.rows(session, {"notice": notice.id})
    set_committed_value(notice, "acked", acked)
    return Acknowledged(bool(reached[0][0]))


async def reached(session: AsyncSession, notice_id: int, people: Sequence[int]) -> None:
    """These people now have a copy in private (a reminder)."""
    for i in range(0, len(people), CHUNK):
        await session.exec(
            update(Recipient)
            .where(
                col(Recipient.notice_id) == notice_id,
                col(Recipient.person_id).in_(people[i : i + CHUNK]),
            )
            .values(reached=True)
        )


async def recipient(session: AsyncSession, notice_id: int, person_id: int) -> Recipient | None:
    return await session.get(Recipient, (notice_id, person_id))


@dataclass(frozen=True)
class Receipts:
    """Who acknowledged (with when), and who has not, in the order they were added."""

    acked: list[tuple[int, datetime]]
    pending: list[int]


async def receipts(session: AsyncSession, notice_id: int) -> Receipts:
    rows = (
        await session.exec(
            select(Recipient.person_id, Recipient.acked_at).where(Recipient.notice_id == notice_id)
        )
    ).all()
    acked = sorted(((p, at) for p, at in rows if at is not None), key=lambda r: r[1])
    return Receipts(acked, [p for p, at in rows if at is None])


async def pending(session: AsyncSession, notice_id: int) -> list[int]:
    rows = await session.exec(
        select(Recipient.person_id)
        .where(Recipient.notice_id == notice_id, col(Recipient.acked_at).is_(None))
        .order_by(col(Recipient.person_id))  # the same order on every engine
    )
    return list(rows.all())


async def listing(
    session: AsyncSession, *, chat_id: int | None, person_id: int | None, limit: int
) -> tuple[list[Notice], int]:
    """Notices of a chat, or those a person sent or still has to acknowledge (in a chat if
    given); newest first, at most ``limit``, and how many there are in all."""
    query = select(Notice)
    if chat_id is not None:
        query = query.where(Notice.chat_id == chat_id)
    if person_id is not None:
        awaiting = select(Recipient.notice_id).where(
            Recipient.person_id == person_id, col(Recipient.acked_at).is_(None)
        )
        query = query.where(
            or_(
                col(Notice.sender_id) == person_id,
                (col(Notice.id).in_(awaiting)) & (col(Notice.status) == OPEN),
            )
        )
    total = (await session.exec(select(func.count()).select_from(query.subquery()))).one()
    rows = await session.exec(query.order_by(col(Notice.id).desc()).limit(limit))
    return list(rows.all()), int(total)
