"""What skills ask of the core's tables (people, chats, the outbox, timers), answered here so that
skills never query those tables themselves. :class:`~bot.context.JobContext` offers them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import AuditEntry, Chat, OutboxRow, Person, Timer


@dataclass(frozen=True)
class DeliveryCounts:
    """The outbox and timers at a glance (``/admin status``)."""

    waiting: int
    held: int
    sending: int
    sent: int
    failed: int
    failed_timers: int


@dataclass(frozen=True)
class FailedDelivery:
    """A notification that could not be delivered: to a person, or else to a chat (database ids)."""

    id: int
    person_id: int | None
    chat_id: int | None
    created_at: datetime
    error: str


async def ids_with_role(session: AsyncSession, role: str) -> list[int]:
    """Who holds ``role`` (nobody who left holds any)."""
    rows = await session.exec(
        select(Person.id, Person.roles).where(
            col(Person.roles).contains(role), col(Person.left_on).is_(None)
        )
    )
    return sorted(i for i, roles in rows.all() if i is not None and role in roles.split(","))


async def all_ids(session: AsyncSession) -> list[int]:
    rows = await session.exec(select(Person.id).order_by(col(Person.id)))
    return [i for i in rows.all() if i is not None]


async def joined(session: AsyncSession, ids: Sequence[int]) -> dict[int, datetime]:
    rows = await session.exec(
        select(Person.id, Person.created_at).where(col(Person.id).in_(list(ids)))
    )
    return {i: at for i, at in rows.all() if i is not None}


async def chat_id(session: AsyncSession, platform: str, platform_id: str) -> int:
    query = select(Chat).where(Chat.platform == platform, Chat.chat_id == platform_id)
    found = (await session.exec(query)).first()
    if found is None:
        found = Chat(platform=platform, chat_id=platform_id, kind="group", title="")
        session.add(found)
        await session.flush()
    assert found.id is not None
    return found.id


async def held(session: AsyncSession, person_id: int | None = None) -> int:
    """Notifications held for quiet hours (for one person, or for everyone)."""
    query = (
        select(func.count())
        .select_from(OutboxRow)
        .where(OutboxRow.status == "pending", col(OutboxRow.held).is_(True))
    )
    if person_id is not None:
        query = query.where(OutboxRow.person_id == person_id)
    return int((await session.exec(query)).one())


async def delivery_counts(session: AsyncSession) -> DeliveryCounts:
    by_status = dict(
        (
            await session.exec(select(OutboxRow.status, func.count()).group_by(OutboxRow.status))
        ).all()
    )
    timers = select(func.count()).select_from(Timer).where(Timer.status == "failed")
    return DeliveryCounts(
        waiting=by_status.get("pending", 0),
        held=await held(session),
        sending=by_status.get("sending", 0),
        sent=by_status.get("sent", 0),
        failed=by_status.get("failed", 0),
        failed_timers=int((await session.exec(timers)).one()),
    )


async def failed_deliveries(session: AsyncSession, limit: int) -> list[FailedDelivery]:
    query = (
        select(OutboxRow)
        .where(OutboxRow.status == "failed")
        .order_by(col(OutboxRow.id).desc())
        .limit(limit)
    )
    return [
        FailedDelivery(r.id or 0, r.person_id, r.chat_id, r.created_at, r.last_error or "?")
        for r in (await session.exec(query)).all()
    ]


@dataclass(frozen=True)
class AuditRecord:
    """One line of the audit log: when, who did it (a person id; ``None``: the bot, the config),
    in which skill, what, and the details (decoded JSON)."""

    at: datetime
    person_id: int | None
    skill: str
    action: str
    detail: dict[str, Any]


async def audit_log(
    session: AsyncSession, *, handle: str | None, person_id: int | None, since: datetime | None
) -> list[AuditRecord]:
    """The audit log, newest first: all of it, or what ``person_id`` did or was done to them
    (their ``handle`` in the details); from ``since`` on."""
    query = select(AuditEntry)
    if since is not None:
        query = query.where(col(AuditEntry.at) >= since)
    if person_id is not None:
        named = col(AuditEntry.detail).contains(json.dumps(handle))
        query = query.where((col(AuditEntry.person_id) == person_id) | named)
    rows = await session.exec(query.order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc()))
    return [
        AuditRecord(r.at, r.person_id, r.skill, r.action, json.loads(r.detail or "{}"))
        for r in rows.all()
    ]
