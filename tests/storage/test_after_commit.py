"""``after_commit``: callbacks run once the transaction commits, and those registered in a
savepoint that rolled back (or inside one that did) never run."""

from collections.abc import Callable

import pytest
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.engine import Database, after_commit


@pytest.fixture
async def db(deskmate_database):
    """On the engine DESKMATE_TEST_DB names (savepoints behave alike on both)."""
    database = Database(await deskmate_database())
    yield database
    await database.dispose()


async def in_savepoints(session: AsyncSession, depth: int, callback: Callable[[], None]) -> None:
    """Register ``callback`` ``depth`` savepoints deep, then fail in the outermost one."""
    async with session.begin_nested():
        if depth > 1:
            async with session.begin_nested():
                after_commit(session, callback)
        else:
            after_commit(session, callback)
        raise RuntimeError("undo")


async def test_callbacks_of_a_rolled_back_savepoint_are_dropped(db):
    ran: list[str] = []
    async with db.transaction() as session:
        after_commit(session, lambda: ran.append("outside"))
        async with session.begin_nested():
            after_commit(session, lambda: ran.append("released"))
        with pytest.raises(RuntimeError):
            await in_savepoints(session, 1, lambda: ran.append("rolled back"))
        with pytest.raises(RuntimeError):
            await in_savepoints(session, 2, lambda: ran.append("inside a rolled back one"))
        after_commit(session, lambda: ran.append("after"))
    assert ran == ["outside", "released", "after"]


async def test_nothing_runs_when_the_transaction_rolls_back(db):
    ran: list[str] = []

    async def fail() -> None:
        async with db.transaction() as session:
            after_commit(session, lambda: ran.append("never"))
            raise RuntimeError("undo")

    with pytest.raises(RuntimeError):
        await fail()
    assert ran == []
