"""De-duplication: each ``(platform, event_id)`` is handled once, whatever retries a platform makes
and however many instances receive it. The claim is a row in the handler's transaction, so an event
that failed changes nothing, its claim included, and is handled again when it comes back."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import bindparam, delete
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import Clock
from bot.events import Event
from storage import Database
from storage.models import ProcessedEvent
from storage.prepared import Prepared, flat, rows_of

_EVENTS = ProcessedEvent.__table__  # type: ignore[attr-defined]
_INSERTS: dict[str, Any] = {"sqlite": sqlite_insert, "postgresql": postgresql_insert}
_COLUMNS = ("platform", "event_id", "processed_at")


@functools.cache
def _claims(dialect: str, n: int) -> Prepared:
    """Claim ``n`` events in one statement (built once per dialect and group size): the keys of
    the rows inserted come back."""
    insert = _INSERTS[dialect](_EVENTS).values(rows_of(_EVENTS, _COLUMNS, n))
    return Prepared(
        insert.on_conflict_do_nothing().returning(_EVENTS.c.platform, _EVENTS.c.event_id)
    )


_UNCLAIM = Prepared(
    delete(_EVENTS).where(
        _EVENTS.c.platform == bindparam("platform"), _EVENTS.c.event_id == bindparam("event_id")
    )
)


class Dedup:
    """Claims events in the caller's transaction."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.dialect = db.engine.dialect.name
        self.clock = clock

    async def first_times(self, session: AsyncSession, events: list[Event]) -> list[bool]:
        """Claim a group of events in one statement where the database can say which rows it
        inserted (``RETURNING``); an id twice in the group is handled once."""
        if self.dialect not in _INSERTS:
            return [await self.first_time(session, event) for event in events]
        keys = [(event.platform, event.event_id) for event in events]
        now = self.clock.now()
        rows = [
            {"platform": platform, "event_id": event_id, "processed_at": now}
            for platform, event_id in dict.fromkeys(keys)
        ]
        claimed = set(await _claims(self.dialect, len(rows)).rows(session, flat(rows)))
        fresh = []
        for key in keys:
            fresh.append(key in claimed)
            claimed.discard(key)
        return fresh

    async def first_time(self, session: AsyncSession, event: Event) -> bool:
        """Claim the event: one ``INSERT ... ON CONFLICT DO NOTHING`` on SQLite and PostgreSQL
        (a retry, or another instance, claimed it first: nothing inserted)."""
        now = self.clock.now()
        if self.dialect in _INSERTS:
            key = {"platform": event.platform, "event_id": event.event_id, "processed_at": now}
            return bool(await _claims(self.dialect, 1).rows(session, flat([key])))
        seen = (
            await session.exec(
                select(ProcessedEvent.id).where(
                    ProcessedEvent.platform == event.platform,
                    ProcessedEvent.event_id == event.event_id,
                )
            )
        ).first()
        if seen is not None:
            return False
        row = ProcessedEvent(platform=event.platform, event_id=event.event_id, processed_at=now)
        session.add(row)
        try:
            await session.flush()
        except IntegrityError:  # another instance took it between our read and write
            return False
        return True

    async def unclaim(self, session: AsyncSession, event: Event) -> None:
        """An event that failed changed nothing, its claim included: sent again (a platform's
        retry, a corrected form), it is handled again."""
        await _UNCLAIM.run(session, {"platform": event.platform, "event_id": event.event_id})
