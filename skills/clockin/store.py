"""Reading and writing attendance: narrow, typed functions over the clockin tables. Days are
computed by :mod:`skills.clockin.status` and stored, so reports read rows instead of replaying
events; :func:`ensure_days` fills what is missing or not final yet.

Clocking in and out is the hot path (a whole office at 09:00, on the event loop that also
answers the platforms): its statements are built once here with bind parameters and run as
:class:`bot.Prepared` statements (compiled once, on the cursor of the session's transaction and
savepoint; what was added through the ORM is flushed first, as ``session.exec`` would): columns
rather than ORM objects, no execution machinery per statement."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import BindParameter, and_, bindparam
from sqlalchemy import select as core_select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql.dml import Insert
from sqlmodel import col, delete, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import JobContext, PersonRef, Prepared
from skills.clockin.models import (
    DAY_COLUMNS,
    IN,
    PUNCH_COLUMNS,
    AttendanceDay,
    ClockEvent,
    Day,
    Leave,
    Punch,
    SentNotice,
)
from skills.clockin.schedule import Plan, Plans
from skills.clockin.status import DayInput, compute

DAY_FIELDS = tuple(
    f for f in AttendanceDay.model_fields if f not in ("person_id", "day")
)  # what a recomputation may change

# --- the hot path's statements, built once (putting one together costs more than running it)
_EVENT = ClockEvent.__table__  # type: ignore[attr-defined]
_DAY = AttendanceDay.__table__  # type: ignore[attr-defined]
_LEAVE = Leave.__table__  # type: ignore[attr-defined]
_PERSON: BindParameter[int] = bindparam("person_id")
_ON: BindParameter[date] = bindparam("day")
_EVENTS_OF = (
    core_select(*(_EVENT.c[name] for name in Punch._fields))
    .where(_EVENT.c.person_id == _PERSON, _EVENT.c.work_day == _ON)
    .order_by(_EVENT.c.at, _EVENT.c.id)
)
_LAST_EVENT = (
    core_select(_EVENT.c.kind, _EVENT.c.at, _EVENT.c.work_day)
    .where(_EVENT.c.person_id == _PERSON)
    .order_by(_EVENT.c.at.desc(), _EVENT.c.id.desc())
    .limit(1)
)
_LEAVE_ON = core_select(_LEAVE.c.type).where(
    _LEAVE.c.person_id == _PERSON, _LEAVE.c.start <= _ON, _LEAVE.c.end >= _ON
)
# a day so far in one query: one row with the day's leave, joined to each of its events (none:
# one row of NULLs), instead of a query for each
_LEAVE_TODAY = core_select(
    _LEAVE_ON.order_by(_LEAVE.c.id.desc()).limit(1).scalar_subquery().label("leave")
)
_TODAY = _LEAVE_TODAY.subquery("today")
_SO_FAR = (
    core_select(_TODAY.c.leave, *(_EVENT.c[name] for name in Punch._fields))
    .select_from(
        _TODAY.outerjoin(_EVENT, and_(_EVENT.c.person_id == _PERSON, _EVENT.c.work_day == _ON))
    )
    .order_by(_EVENT.c.at, _EVENT.c.id)
)
_ADD_EVENT = _EVENT.insert().values(
    {c.name: bindparam(c.name) for c in _EVENT.columns if c.name != "id"}
)


def _upsert(insert: Callable[[Any], Insert]) -> Insert:
    """Store a computed day whether or not it has a row yet: one statement, no ORM object."""
    stmt: Any = insert(_DAY).values({name: bindparam(name) for name in Day._fields})
    return stmt.on_conflict_do_update(  # type: ignore[no-any-return]
        index_elements=[_DAY.c.person_id, _DAY.c.day],
        set_={name: stmt.excluded[name] for name in DAY_FIELDS},
    )


_UPSERTS = {"sqlite": _upsert(sqlite_insert), "postgresql": _upsert(postgresql_insert)}
# prepared: compiled once, run on the transaction's cursor (a clock-in is four of them)
_SO_FAR_P, _EVENTS_OF_P, _LAST_EVENT_P, _LEAVE_ON_P, _ADD_EVENT_P, _UPSERT_DAY = map(
    Prepared, (_SO_FAR, _EVENTS_OF, _LAST_EVENT, _LEAVE_ON, _ADD_EVENT, _UPSERTS)
)


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


async def events_of(session: AsyncSession, person_id: int, day: date) -> list[Punch]:
    """The clock events filed under ``day``, in the order they happened."""
    rows = await _EVENTS_OF_P.rows(session, {"person_id": person_id, "day": day})
    return list(map(Punch._make, rows))


class SoFar(NamedTuple):
    """A work day as it stands: its clock events in order, and the leave it falls in."""

    events: list[Punch]
    leave: str | None


async def so_far(session: AsyncSession, person_id: int, day: date) -> SoFar:
    """The day's clock events and leave, read together (clocking in and out reads both)."""
    rows = await _SO_FAR_P.rows(session, {"person_id": person_id, "day": day})
    events = [Punch._make(r[1:]) for r in rows if r[1] is not None]  # (leave, kind, …)
    return SoFar(events, rows[0][0] if rows else None)


async def last_event(session: AsyncSession, person_id: int) -> tuple[str, datetime, date] | None:
    """The person's latest clock event: its kind, time and work day."""
    found = await _LAST_EVENT_P.rows(session, {"person_id": person_id})
    return (found[0][0], found[0][1], found[0][2]) if found else None


async def add_event(session: AsyncSession, values: dict[str, Any]) -> None:
    """Write one clock event (every column of :class:`ClockEvent` but ``id``)."""
    await _ADD_EVENT_P.run(session, values)


async def leave_types(
    session: AsyncSession, person_ids: Sequence[int], first: date, last: date
) -> dict[tuple[int, date], str]:
    """``(person, day) -> leave type`` for approved leave overlapping ``first..last``."""
    rows = await session.exec(
        select(Leave).where(
            col(Leave.person_id).in_(person_ids), col(Leave.start) <= last, col(Leave.end) >= first
        )
    )
    found: dict[tuple[int, date], str] = {}
    for leave in rows.all():
        for day in days_between(max(leave.start, first), min(leave.end, last)):
            found[leave.person_id, day] = leave.type
    return found


@dataclass(frozen=True)
class Who:
    """A person with the plan they work (``scheduled`` False: no schedule, days off only)."""

    person: PersonRef
    plan: Plan
    scheduled: bool


def who(plans: Plans, people: Iterable[PersonRef]) -> list[Who]:
    found = []
    for p in people:
        plan = plans.of(p)
        found.append(Who(p, plan or plans.or_free(p), plan is not None))
    return found


async def everyone(ctx: JobContext) -> list[PersonRef]:
    """Every person of the directory (for admins' reports and the jobs)."""
    return await ctx.everyone()


async def leave_on(session: AsyncSession, person_id: int, day: date) -> str | None:
    """The type of the approved leave ``day`` falls in, if any (as :func:`leave_types`)."""
    found = await _LEAVE_ON_P.rows(session, {"person_id": person_id, "day": day})
    return found[-1][0] if found else None


async def recompute(ctx: JobContext, w: Who, day: date, known: SoFar | None = None) -> Day:
    """Compute one person's day again (after an event or leave changed) and store it;
    ``known``: the day's clock events and leave, when the caller has them already."""
    if known is None:
        known = SoFar(
            await events_of(ctx.session, w.person.id, day),
            await leave_on(ctx.session, w.person.id, day),
        )
    events, leave = known
    row = compute(_input(ctx, w, day, events, leave), w.person.id)
    if ctx.session.get_bind().dialect.name in _UPSERTS:
        await _UPSERT_DAY.run(ctx.session, row._asdict())
    else:  # a database without ON CONFLICT: through the ORM
        _save(ctx.session, await ctx.session.get(AttendanceDay, (w.person.id, day)), row)
    return row


def _input(
    ctx: JobContext, w: Who, day: date, events: Sequence[Punch], leave: str | None
) -> DayInput:
    return DayInput(w.plan, w.scheduled, day, events, leave, ctx.now(), ctx.config.close_after)


def _save(session: AsyncSession, existing: AttendanceDay | None, row: Day) -> None:
    """Store a computed day: a new row, or what changed of the stored one."""
    if existing is None:
        session.add(AttendanceDay(**row._asdict()))
        return
    for name in DAY_FIELDS:
        if getattr(existing, name) != (value := getattr(row, name)):
            setattr(existing, name, value)


async def ensure_days(ctx: JobContext, people: Sequence[Who], first: date, last: date) -> list[Day]:
    """Everyone's days from ``first`` to ``last`` (none after today in their schedule's zone),
    by person, then day: stored rows when final, the rest computed now and stored. Someone
    without a schedule has rows only for days they clocked. Read as columns, not ORM objects."""
    ids = [w.person.id for w in people]
    found = await ctx.session.exec(
        select(*DAY_COLUMNS).where(
            col(AttendanceDay.person_id).in_(ids),
            col(AttendanceDay.day) >= first,
            col(AttendanceDay.day) <= last,
        )
    )
    stored = {(d.person_id, d.day): d for d in map(Day._make, found.all())}
    wanted = [
        (w, day)
        for w in people
        for day in days_between(first, min(last, ctx.now().astimezone(w.plan.tz).date()))
        if not ((row := stored.get((w.person.id, day))) and row.final)
    ]
    if wanted:
        since = await _since(ctx, wanted)
        wanted = [(w, d) for w, d in wanted if d >= since[w.person.id]]
    if wanted:
        await _fill(ctx, wanted, stored)
    return [stored[key] for key in sorted(stored)]


async def _since(ctx: JobContext, wanted: list[tuple[Who, date]]) -> dict[int, date]:
    """From when each person's attendance counts: the day they joined the directory, or their
    first clock event or leave if earlier (days before that are neither absent nor off)."""
    plans = {w.person.id: w.plan for w, _d in wanted}
    joined = await ctx.joined(w.person for w, _d in wanted)
    since = {pid: at.astimezone(plans[pid].tz).date() for pid, at in joined.items()}
    earlier = sorted({w.person.id for w, d in wanted if d < since.get(w.person.id, d)})
    if earlier:
        for table, day in ((ClockEvent, ClockEvent.work_day), (Leave, Leave.start)):
            found = await ctx.session.exec(
                select(table.person_id, func.min(day))
                .where(col(table.person_id).in_(earlier))
                .group_by(col(table.person_id))
            )
            for pid, first in found.all():
                since[pid] = min(since.get(pid, first), first)
    return {pid: since.get(pid, date.min) for pid in plans}


async def _fill(
    ctx: JobContext, wanted: list[tuple[Who, date]], stored: dict[tuple[int, date], Day]
) -> None:
    """Compute the ``wanted`` days and store them: new rows added, changed ones updated."""
    ids = sorted({w.person.id for w, _d in wanted})
    days = sorted({d for _w, d in wanted})
    events: dict[tuple[int, date], list[Punch]] = {}
    rows = await ctx.session.exec(
        select(*(ClockEvent.person_id, ClockEvent.work_day, *PUNCH_COLUMNS))
        .where(col(ClockEvent.person_id).in_(ids), col(ClockEvent.work_day).in_(days))
        .order_by(col(ClockEvent.at))
    )
    for pid, work_day, *punch in rows.all():
        events.setdefault((pid, work_day), []).append(Punch._make(punch))
    leave = await leave_types(ctx.session, ids, days[0], days[-1])
    changed: dict[tuple[int, date], Day] = {}
    for w, day in wanted:
        key = (w.person.id, day)
        if not w.scheduled and key not in events and key not in leave:
            continue
        row = compute(_input(ctx, w, day, events.get(key, []), leave.get(key)), w.person.id)
        if key not in stored:
            _save(ctx.session, None, row)
        elif stored[key] != row:
            changed[key] = row
        stored[key] = row
    if changed:
        await _update(ctx.session, changed)


async def _update(session: AsyncSession, changed: dict[tuple[int, date], Day]) -> None:
    """Write days computed again over their stored rows (only the rows that changed are loaded
    as ORM objects; read afresh, as a day may have been written by a Core upsert meanwhile)."""
    found = await session.exec(
        select(AttendanceDay)
        .where(
            col(AttendanceDay.person_id).in_(sorted({pid for pid, _d in changed})),
            col(AttendanceDay.day).in_(sorted({d for _pid, d in changed})),
        )
        .execution_options(populate_existing=True)
    )
    for existing in found.all():
        if (row := changed.get((existing.person_id, existing.day))) is not None:
            _save(session, existing, row)


async def clocked_in(session: AsyncSession, ids: Sequence[int], day: date) -> set[int]:
    """Who of ``ids`` has a clock-in filed under ``day``."""
    rows = await session.exec(
        select(ClockEvent.person_id).where(
            col(ClockEvent.person_id).in_(ids), ClockEvent.work_day == day, ClockEvent.kind == IN
        )
    )
    return set(rows.all())


async def first_time(session: AsyncSession, key: str, now: datetime) -> bool:
    """Mark ``key`` sent; ``False`` if it was already."""
    if await session.get(SentNotice, key) is not None:
        return False
    session.add(SentNotice(key=key, sent_at=now))
    await session.flush()
    return True


async def request_rows(
    session: AsyncSession, request_id: int
) -> tuple[list[Leave], list[ClockEvent]]:
    leave = await session.exec(select(Leave).where(Leave.request_id == request_id))
    events = await session.exec(select(ClockEvent).where(ClockEvent.request_id == request_id))
    return list(leave.all()), list(events.all())


async def forget_request(session: AsyncSession, request_id: int) -> None:
    await session.exec(delete(Leave).where(col(Leave.request_id) == request_id))
    await session.exec(delete(ClockEvent).where(col(ClockEvent.request_id) == request_id))
