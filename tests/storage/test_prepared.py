"""Prepared statements run on the DBAPI cursor, yet inside the session's transaction and its
innermost savepoint, with values stored as the ORM stores them and errors raised as SQLAlchemy's."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import bindparam, exc, insert, select
from sqlalchemy.dialects import sqlite
from sqlmodel import select as orm_select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.engine import Database
from storage.models import AuditEntry, ProcessedEvent
from storage.prepared import Prepared, binds

EVENTS = ProcessedEvent.__table__  # type: ignore[attr-defined]
AT = datetime(2026, 12, 6, 18, 30, 15, 123456, tzinfo=UTC)
CLAIM = Prepared(insert(EVENTS).values(binds(EVENTS, ("platform", "event_id", "processed_at"))))
FIND = Prepared(select(EVENTS.c.event_id).where(EVENTS.c.platform == bindparam("platform")))


@pytest.fixture
async def db(deskmate_database):
    database = Database(await deskmate_database())
    yield database
    await database.dispose()


def claim(event_id: str) -> dict[str, object]:
    return {"platform": "test", "event_id": event_id, "processed_at": AT}


async def stored(db: Database) -> dict[str, datetime]:
    async with db.transaction() as session:
        rows = (await session.exec(orm_select(ProcessedEvent))).all()
        return {row.event_id: row.processed_at for row in rows}


async def write_then_fail(session: AsyncSession, event_id: str) -> None:
    """As a handler's savepoint in a group commit: begun lazily (SQLAlchemy emits ``SAVEPOINT``
    with its first statement), rolled back when the handler fails."""
    nested = session.sync_session.begin_nested()
    try:
        await CLAIM.run(session, claim(event_id))
        raise RuntimeError("undo")
    except RuntimeError as exc:
        failed = exc
        await session.run_sync(lambda _s: nested.__exit__(RuntimeError, failed, None))
        raise


async def test_writes_in_a_savepoint_that_rolls_back_are_undone_and_the_others_stay(db):
    async with db.transaction() as session:
        assert await CLAIM.run(session, claim("before")) == 1
        with pytest.raises(RuntimeError):
            await write_then_fail(session, "rolled back")
        async with session.begin_nested():
            await CLAIM.each(session, [claim("released 1"), claim("released 2")])
        with pytest.raises(RuntimeError):
            await write_then_fail(session, "rolled back too")
        await CLAIM.run(session, claim("after"))
        seen = {event_id for (event_id,) in await FIND.rows(session, {"platform": "test"})}
    assert seen == {"before", "released 1", "released 2", "after"}
    assert set(await stored(db)) == seen


async def claim_in_a_transaction(db: Database, event_id: str, *, then_fail: bool) -> None:
    async with db.transaction() as session:
        await CLAIM.run(session, claim(event_id))
        if then_fail:
            raise RuntimeError("undo")


async def test_a_transaction_that_rolls_back_keeps_none_of_its_prepared_writes(db):
    with pytest.raises(RuntimeError):
        await claim_in_a_transaction(db, "never", then_fail=True)
    assert await stored(db) == {}


async def test_a_timestamp_reads_back_through_the_orm_as_written(db):
    async with db.transaction() as session:
        await CLAIM.run(session, claim("timed"))
    assert await stored(db) == {"timed": AT}


async def test_a_broken_constraint_is_sqlalchemys_integrity_error(db):
    await claim_in_a_transaction(db, "once", then_fail=False)
    with pytest.raises(exc.IntegrityError, match="once"):
        await claim_in_a_transaction(db, "once", then_fail=False)
    assert set(await stored(db)) == {"once"}


async def test_the_orms_pending_writes_go_first_as_with_a_session_query(db):
    async with db.transaction() as session:
        session.add(ProcessedEvent(platform="test", event_id="by the orm", processed_at=AT))
        await CLAIM.run(session, claim("prepared"))
        seen = {event_id for (event_id,) in await FIND.rows(session, {"platform": "test"})}
    assert seen == {"by the orm", "prepared"}


LATEST = Prepared(
    select(EVENTS.c.event_id, EVENTS.c.processed_at)
    .where(EVENTS.c.platform == bindparam("platform"))
    .order_by(EVENTS.c.processed_at.desc())
    .limit(1)  # a bind that holds its value
)


async def test_rows_come_back_typed_as_the_columns_and_a_limit_keeps_its_value(db):
    later = AT.replace(hour=19)
    async with db.transaction() as session:
        await CLAIM.each(session, [claim("first"), {**claim("second"), "processed_at": later}])
        assert await LATEST.rows(session, {"platform": "test"}) == [("second", later)]


def test_a_statement_for_another_database_is_refused_by_name():
    only_postgresql = Prepared({"postgresql": select(EVENTS.c.event_id)})
    with pytest.raises(ValueError, match=r"no statement for sqlite: only \['postgresql'\]"):
        only_postgresql.compiled(sqlite.dialect())


AUDIT = AuditEntry.__table__  # type: ignore[attr-defined]


async def test_a_column_left_out_gets_its_default_as_through_the_orm(db):
    log = Prepared(
        insert(AUDIT).values(at=bindparam("at"), skill=bindparam("skill"), action=bindparam("do"))
    )
    async with db.transaction() as session:
        await log.run(session, {"at": AT, "skill": "test", "do": "left detail out"})
        await log.run(session, {"at": AT, "skill": "test", "do": "gave it", "detail": "given"})
    async with db.transaction() as session:
        rows = (await session.exec(orm_select(AuditEntry).order_by(AuditEntry.id))).all()
    assert [(r.action, r.detail) for r in rows] == [("left detail out", ""), ("gave it", "given")]
