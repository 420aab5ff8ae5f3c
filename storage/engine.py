"""The database: one async engine per Bot, sessions handed out one transaction at a time.

SQLite (the embedded default) runs in WAL mode and takes its write lock when a transaction begins
(``BEGIN IMMEDIATE``), so a read is never upgraded into "database is locked"; writers in this
process also queue on an asyncio lock. PostgreSQL needs neither.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from sqlalchemy import event, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.orm import Session, SessionTransaction
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.inline_sqlite import inline_connector

T = TypeVar("T")
Work = Callable[[AsyncSession], Awaitable[Any]]
_AFTER_COMMIT = "deskmate.after_commit"  # in session.info: callbacks for after_commit()
# a callback waiting for the commit, with the savepoint it was registered in (None: outside any)
_Waiting = tuple[SessionTransaction | None, Callable[[], None]]


class Database:
    """An async engine from a URL, e.g. ``sqlite+aiosqlite:///deskmate.db`` or
    ``postgresql+asyncpg://user@host/db``."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        options: dict[str, Any] = {}
        if self.is_sqlite:  # calls in the loop's thread; a lock held elsewhere waited for 30 s
            database = make_url(url).database or ":memory:"
            options["async_creator"] = inline_connector(database, timeout=30)
        self.engine: AsyncEngine = create_async_engine(url, echo=echo, **options)
        self._write_lock = asyncio.Lock() if self.is_sqlite else None
        if self.is_sqlite:
            _sqlite_immediate_transactions(self.engine)
        self._held: AsyncConnection | None = None  # SQLite: see _session()
        self._open = 0  # transactions under way
        self._queued: list[tuple[Work, asyncio.Future[Any]]] = []  # see batched()
        self._committer: asyncio.Task[None] | None = None
        self._idle = asyncio.Event()
        self._closed = False

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction: committed when the block ends, rolled back on error."""
        if self._closed:
            raise DatabaseClosed("the database is closed (the bot is stopping)")
        self._open += 1
        self._idle.clear()
        try:
            if self._write_lock is not None:
                async with self._write_lock, self._session() as session:
                    yield session
            else:
                async with self._session() as session:
                    yield session
        finally:
            self._open -= 1
            if not self._open:
                self._idle.set()

    @asynccontextmanager
    async def _session(self) -> AsyncIterator[AsyncSession]:
        # A task cancelled while a connection opens or closes (the bot stopping under a drain)
        # would orphan it (aiosqlite opens its thread and file before returning): both are
        # finished even then, and the cancellation goes on afterwards.
        # SQLite's one writer: its transactions run one at a time (the write lock), so the
        # connection of one that committed is kept for the next (no pool checkout and return)
        conn, self._held = self._held or await self._connect(), None
        clean = False
        try:
            async with AsyncSession(conn, expire_on_commit=False) as session:
                async with session.begin():
                    yield session
                waiting: list[_Waiting] = session.info.pop(_AFTER_COMMIT, [])
                for _savepoint, callback in waiting:
                    callback()
            clean = True
        finally:
            if clean and self._write_lock is not None and not self._closed:
                self._held = conn
            else:  # failed, cancelled, or closing: back to the pool as before
                await _uncancelled(conn.close())

    async def _connect(self) -> AsyncConnection:
        opening = asyncio.ensure_future(self.engine.connect())
        try:
            return await asyncio.shield(opening)
        except asyncio.CancelledError:  # cancelled while it opened: close it, then stop
            with contextlib.suppress(Exception):
                await (await opening).close()
            raise

    async def batched(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """Run a small write in one transaction with the others queued meanwhile (group commit:
        one BEGIN/COMMIT for many; delivery's bookkeeping after each send). Only for writes that
        are right on their own and don't fail: a failure fails the whole group."""
        done: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queued.append((work, done))
        if self._committer is None or self._committer.done():
            self._committer = asyncio.get_running_loop().create_task(self._commit_queued())
        return await done

    async def _commit_queued(self) -> None:
        while self._queued:
            group, self._queued = self._queued, []
            try:
                async with self.transaction() as session:
                    results = [await work(session) for work, _done in group]
            except BaseException as exc:
                for _work, done in group:
                    if not done.done():
                        done.set_exception(exc) if isinstance(exc, Exception) else done.cancel()
                if not isinstance(exc, Exception):
                    raise
                continue
            for (_work, done), result in zip(group, results, strict=True):
                if not done.done():
                    done.set_result(result)

    async def dispose(self, grace: float = 10) -> None:
        """Take no new transaction, let those under way end (up to ``grace`` seconds), then close
        every connection — none is left to a task that outlives the bot."""
        if self._committer is not None:  # writes already queued are made first
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(self._committer), grace)
        self._closed = True
        if self._open:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._idle.wait(), grace)
        held, self._held = self._held, None
        if held is not None:
            await _uncancelled(held.close())
        await self.engine.dispose()


def after_commit(session: AsyncSession, callback: Callable[[], None]) -> None:
    """Call ``callback`` once the transaction of ``session`` has committed (never if it rolls
    back): for what a process remembers about rows, which must not outlive a rollback. Registered
    inside a savepoint (a handler's, in a group commit), it is dropped if that savepoint (or one
    around it) rolls back, though the transaction commits."""
    savepoint = session.sync_session.get_nested_transaction()
    waiting: list[_Waiting] = session.info.setdefault(_AFTER_COMMIT, [])
    waiting.append((savepoint, callback))


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session: Session, rolled_back: SessionTransaction) -> None:
    """A savepoint (or the transaction) rolled back: what was registered in it never runs."""
    waiting: list[_Waiting] | None = session.info.get(_AFTER_COMMIT)
    if not waiting:
        return
    if rolled_back.parent is None:  # the whole transaction
        waiting.clear()
        return
    waiting[:] = [(sp, callback) for sp, callback in waiting if not _inside(sp, rolled_back)]


def _inside(savepoint: SessionTransaction | None, outer: SessionTransaction) -> bool:
    while savepoint is not None:
        if savepoint is outer:
            return True
        savepoint = savepoint.parent
    return False


async def _uncancelled(step: Awaitable[T]) -> T:
    """Run ``step`` to its end even if the caller is cancelled meanwhile; then re-raise."""
    task = asyncio.ensure_future(step)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        with contextlib.suppress(Exception):
            await task
        raise


class DatabaseClosed(RuntimeError):
    """A transaction was asked for after the database closed."""


def _sqlite_immediate_transactions(engine: AsyncEngine) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let us emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        cursor = conn.connection.cursor()  # the DBAPI's: no execution context for a BEGIN
        try:
            cursor.execute("BEGIN IMMEDIATE")
        finally:
            cursor.close()
