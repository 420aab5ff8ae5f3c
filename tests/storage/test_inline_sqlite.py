"""SQLite calls run in the loop's thread; a lock held by another process is waited for on a
worker thread, so the bot keeps answering meanwhile and writes once the lock is free."""

import asyncio
import sqlite3

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from storage.engine import Database


async def test_a_lock_held_elsewhere_is_waited_for_without_stopping_the_loop(tmp_path):
    path = tmp_path / "locked.db"
    db = Database(f"sqlite+aiosqlite:///{path}")
    async with db.transaction() as session:
        await session.exec(text("CREATE TABLE t (x INTEGER)"))
    other = sqlite3.connect(path, isolation_level=None)  # another process, as far as SQLite knows
    other.execute("BEGIN IMMEDIATE")
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    async def write() -> None:
        async with db.transaction() as session:
            await session.exec(text("INSERT INTO t VALUES (1)"))

    ticking = asyncio.create_task(ticker())
    writing = asyncio.create_task(write())
    await asyncio.sleep(0.3)
    assert not writing.done()  # waiting for the lock...
    assert ticks >= 10  # ...while the loop goes on
    other.execute("INSERT INTO t VALUES (0)")
    other.execute("COMMIT")
    await asyncio.wait_for(writing, 5)
    ticking.cancel()
    async with db.transaction() as session:
        rows = (await session.exec(text("SELECT x FROM t ORDER BY x"))).all()
    assert [r[0] for r in rows] == [0, 1]
    other.close()
    await db.dispose()


async def test_errors_come_back_as_the_database_raised_them(tmp_path):
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'e.db'}")
    async with db.transaction() as session:
        await session.exec(text("CREATE TABLE u (x INTEGER UNIQUE)"))
        await session.exec(text("INSERT INTO u VALUES (1)"))
    with pytest.raises(IntegrityError, match="UNIQUE constraint failed"):
        async with db.transaction() as session:
            await session.exec(text("INSERT INTO u VALUES (1)"))
    async with db.transaction() as session:
        assert (await session.exec(text("SELECT COUNT(*) FROM u"))).one()[0] == 1
    await db.dispose()
