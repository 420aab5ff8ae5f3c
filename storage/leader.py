"""Leadership: with several instances on PostgreSQL, one runs the periodic jobs, and each due time
of a job runs once.

The leader is the instance holding a PostgreSQL advisory lock on a connection of its own; if it
dies, its connection closes, the lock is freed and the next instance to ask takes over. With SQLite
there is one process, which always leads. Any instance may drain the outbox and timers (their rows
are claimed), so only periodic jobs ask.

The lock alone cannot say whether a due time ran: a leader may die in the middle of a run, or lose
its connection after a run while another instance asks. So each run writes its ``job_runs`` row
(:func:`claim_run`) in the run's own transaction: a run that committed is never repeated, a run
cut short left no row and is run by the next leader.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import delete, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.engine import Database
from storage.models import JobRun

log = logging.getLogger(__name__)

LOCK_KEY = 0x6465736B6D617465  # "deskmate"
KEEP_RUNS = timedelta(days=2)  # how long a run's row is kept (due times are run at most 5 min late)
_RUNS = JobRun.__table__  # type: ignore[attr-defined]


async def claim_run(session: AsyncSession, job: str, due: datetime, now: datetime) -> bool:
    """Record the run of ``job`` for ``due`` in the caller's transaction; False if it ran already.

    On PostgreSQL a second instance claiming the same due time waits until the first one's
    transaction ends: it finds the row if that run committed, and takes it over if it did not.
    """
    conn = await session.connection()
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    added = await conn.execute(
        insert(_RUNS).values(job=job, due_at=due, ran_at=now).on_conflict_do_nothing()
    )
    if not added.rowcount:
        return False
    await conn.execute(delete(_RUNS).where(_RUNS.c.job == job, _RUNS.c.due_at < due - KEEP_RUNS))
    return True


class Leadership:
    def __init__(self, db: Database, key: int = LOCK_KEY) -> None:
        self.db = db
        self.key = key
        self._conn: AsyncConnection | None = None

    async def held(self) -> bool:
        """Whether this instance leads now (taking the lead if nobody holds it)."""
        if self.db.is_sqlite:
            return True
        if self._conn is not None and await self._alive(self._conn):
            return True
        conn = await self.db.engine.connect()
        got = await conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key})
        if got.scalar():
            await conn.commit()
            self._conn = conn
            log.info("this instance now runs the periodic jobs")
            return True
        await conn.close()
        return False

    async def _alive(self, conn: AsyncConnection) -> bool:
        try:
            await conn.execute(text("SELECT 1"))
            await conn.commit()
            return True
        except Exception:
            log.warning("lost the leader connection; asking again", exc_info=True)
            self._conn = None
            return False

    async def release(self) -> None:
        if self._conn is not None:
            await self._conn.close()  # closing the session frees the advisory lock
            self._conn = None
