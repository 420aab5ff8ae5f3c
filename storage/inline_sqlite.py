"""SQLite for SQLAlchemy's async engine without a thread hop per call.

aiosqlite runs every DBAPI call (cursor, execute, fetch, close, commit) on a thread of its own and
wakes the event loop to hand back the result: 50-200 µs a call, several calls a statement, while
SQLite itself answers a small statement in a few microseconds. This module gives the
``sqlite+aiosqlite`` dialect a connection with aiosqlite's interface that runs each call right
away in the loop's thread (SQLAlchemy's ``async_creator``).

The one thing that may wait on SQLite is a lock held by *another process* (``database is
locked``): every call first runs with no busy wait at all; one that finds the database locked runs
again on a worker thread with the configured timeout, so the loop never sleeps on a lock. What
still runs in the loop's thread is SQLite's own work: a query that reads for a long time (a
year's report) holds the loop for that long, as it held the database's single writer before.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")


def inline_connector(database: str, timeout: float) -> Callable[[], Awaitable[InlineConnection]]:
    """The ``async_creator`` for ``create_async_engine``: connections to ``database`` (a path or
    ``:memory:``) that wait up to ``timeout`` seconds for another process's lock."""

    async def connect() -> InlineConnection:
        conn = sqlite3.connect(database, timeout=0, check_same_thread=False)
        return InlineConnection(conn, timeout)

    return connect


class InlineConnection:
    """aiosqlite's ``Connection`` as SQLAlchemy uses it, run in the calling thread."""

    def __init__(self, conn: sqlite3.Connection, timeout: float) -> None:
        self._conn = conn
        self._connection: sqlite3.Connection | None = conn  # aiosqlite's "still open" check
        self._timeout_ms = int(timeout * 1000)
        self._tx = _RunNow()  # SQLAlchemy sets isolation_level through aiosqlite's queue

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    def cursor(self) -> _Opening:
        return _Opening(InlineCursor(self, self._conn.cursor()))

    async def commit(self) -> None:
        await self.run(self._conn.commit)

    async def rollback(self) -> None:
        await self.run(self._conn.rollback)

    async def close(self) -> None:
        if self._connection is not None:
            self._connection = None
            self._conn.close()

    def stop(self) -> None:  # SQLAlchemy's forced close
        self._connection = None
        self._conn.close()

    async def execute(
        self, sql: str, args: list[Any], *, many: bool = False
    ) -> tuple[list[Any], int]:
        """A statement on the sqlite3 cursor (``storage.prepared``), with ``args[0]`` or (``many``)
        each of ``args``: the rows it returned and the rows it changed."""
        cursor = self._conn.cursor()
        try:
            if many:
                await self.run(lambda: cursor.executemany(sql, args))
            else:
                await self.run(lambda: cursor.execute(sql, args[0]))
            return (cursor.fetchall() if cursor.description else []), cursor.rowcount
        finally:
            cursor.close()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    async def run(self, call: Callable[[], T]) -> T:
        """``call`` now; if another process holds the lock, again on a thread that waits for
        it (up to the timeout). Every ``SLICE_SECONDS`` of work, the loop gets a turn first."""
        await take_turns()
        try:
            return call()
        except sqlite3.OperationalError as exc:
            if not _locked(exc) or not self._timeout_ms:
                raise
        return await asyncio.to_thread(self._waiting, call)

    def _waiting(self, call: Callable[[], T]) -> T:
        self._conn.execute(f"PRAGMA busy_timeout = {self._timeout_ms}")
        try:
            return call()
        finally:
            self._conn.execute("PRAGMA busy_timeout = 0")


class InlineCursor:
    """aiosqlite's ``Cursor``: the awaitable methods SQLAlchemy calls, run in place."""

    def __init__(self, connection: InlineConnection, cursor: sqlite3.Cursor) -> None:
        self._connection = connection
        self._cursor = cursor

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, sql: str, parameters: Any = ()) -> InlineCursor:
        await self._connection.run(lambda: self._cursor.execute(sql, parameters))
        return self

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> InlineCursor:
        rows = list(parameters)  # run twice if the first try finds the database locked
        await self._connection.run(lambda: self._cursor.executemany(sql, rows))
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> Sequence[Any]:
        return self._cursor.fetchmany(self._cursor.arraysize if size is None else size)

    async def fetchall(self) -> Sequence[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()


class _Opening:
    """What ``Connection.cursor()`` returns in aiosqlite: awaited or entered, the cursor."""

    def __init__(self, cursor: InlineCursor) -> None:
        self._cursor = cursor

    def __await__(self) -> Any:
        return self._now().__await__()

    async def __aenter__(self) -> InlineCursor:
        return self._cursor

    async def __aexit__(self, *exc: object) -> None:
        await self._cursor.close()

    async def _now(self) -> InlineCursor:
        return self._cursor


class _RunNow:
    """aiosqlite's call queue, as SQLAlchemy uses it to set ``isolation_level``: run it now."""

    def put_nowait(self, item: tuple[asyncio.Future[Any] | None, Callable[[], Any]]) -> None:
        future, function = item
        try:
            result = function()
        except Exception as exc:
            if future is not None:
                future.set_exception(exc)
            return
        if future is not None:
            future.set_result(result)


# Long work in the loop's thread (a transaction of many statements, a group of events) lets
# the loop run the others — an HTTP ack, a send — at least this often.
SLICE_SECONDS = 0.002
_turns = {"last": 0.0}


async def take_turns() -> None:
    """Give the loop a turn if ``SLICE_SECONDS`` of work went by since the last one."""
    now = time.perf_counter()
    if now - _turns["last"] > SLICE_SECONDS:
        _turns["last"] = now
        await asyncio.sleep(0)


def _locked(exc: sqlite3.OperationalError) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)
