"""Leadership: with several instances on PostgreSQL, one runs the periodic jobs.

The leader is the instance holding a PostgreSQL advisory lock on a connection of its own; if it
dies, its connection closes, the lock is freed and the next instance to ask takes over. With SQLite
there is one process, which always leads. Any instance may drain the outbox and timers (their rows
are claimed), so only periodic jobs ask.
"""

from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.engine import Database

log = logging.getLogger(__name__)

LOCK_KEY = 0x6465736B6D617465  # "deskmate"


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
