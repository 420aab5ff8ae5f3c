"""``after_commit``: callbacks run once the transaction commits, and those registered in a
savepoint that rolled back (or inside one that did) never run."""

import pytest

from storage.engine import Database, after_commit


@pytest.fixture
async def db(tmp_path):
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'after.db'}")
    yield database
    await database.dispose()


async def test_callbacks_of_a_rolled_back_savepoint_are_dropped(db):
    ran: list[str] = []
    async with db.transaction() as session:
        after_commit(session, lambda: ran.append("outside"))
        async with session.begin_nested():
            after_commit(session, lambda: ran.append("released"))
        with pytest.raises(RuntimeError):
            async with session.begin_nested():
                after_commit(session, lambda: ran.append("rolled back"))
                raise RuntimeError("undo")
        with pytest.raises(RuntimeError):
            async with session.begin_nested():
                async with session.begin_nested():
                    after_commit(session, lambda: ran.append("released inside a rolled back one"))
                raise RuntimeError("undo")
        after_commit(session, lambda: ran.append("after"))
    assert ran == ["outside", "released", "after"]


async def test_nothing_runs_when_the_transaction_rolls_back(db):
    ran: list[str] = []
    with pytest.raises(RuntimeError):
        async with db.transaction() as session:
            after_commit(session, lambda: ran.append("never"))
            raise RuntimeError("undo")
    assert ran == []
