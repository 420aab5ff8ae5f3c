"""Offboarding (离职): someone leaves the organisation, and their work is handed over.

:func:`offboard` is the one function every source calls (``/people offboard``, ``left_on:`` in
the config, a Slack deactivation, a CSV import, the open API). In the caller's transaction it

- marks the person as left (once: a second call, from another source or another instance, finds
  them gone already and does nothing), with their successor — the one named, else their manager;
- takes them out of the group chats the bot knows them in: removed by the platform where the bot
  may (after the commit), listed for the admins where it can't;
- cancels the notifications still waiting for them;
- runs every skill's :meth:`~bot.Skill.on_offboard` hook, each handing its own data over and
  adding a line to the summary (the core never touches skills' tables);
- records it in the audit log and, when no admin typed it, sends the summary to the admins.

Nothing is deleted: their rows, history and reports stay, shown as left.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, case, literal
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import queries
from bot.adapter import RemovesMembers
from bot.config import PersonConfig
from bot.declared import RoleChange
from bot.effects import Effects
from bot.handover import DEACTIVATED, OFFBOARDED, Handover, check_source
from bot.i18n import _
from bot.job_context import Parts
from bot.messages import Message
from bot.people import PersonRef
from storage import Database
from storage.engine import after_commit
from storage.models import AuditEntry, Chat, ChatMember, OutboxRow, Person

__all__ = ["Handover", "offboard", "offboard_by_ids"]

log = logging.getLogger(__name__)
_removals: set[asyncio.Task[None]] = set()  # removals from chats running after a commit


async def offboard(
    parts: Parts,
    session: AsyncSession,
    person: PersonRef,
    successor: PersonRef | None = None,
    *,
    by: PersonRef | None = None,
    source: str = "admin",
    on: date | None = None,
    effects: Effects | None = None,
) -> Handover | None:
    """Mark ``person`` as left and hand their work over, in ``session``'s transaction.

    Args:
        parts: what contexts are built with (``Bot.contexts``).
        session: the caller's transaction; everything commits (or rolls back) with it.
        person: who leaves.
        successor: who takes their work over; ``None``: their manager (if any).
        by: the admin or HR who did it; ``None`` for a directory source, whose summary then goes
            to the admins.
        source: where it came from: one of :data:`bot.handover.SOURCES`, or another adapter's
            platform or a skill's name (:func:`bot.handover.check_source`).
        on: the day they left (default: today in the org's time zone).
        effects: where the hooks' card edits go (the caller's context's; after the commit the
            caller shows them, as the event path does).

    Returns:
        The :class:`Handover` with the summary's lines, or ``None`` when they had left already
        (nothing is done twice).
    """
    check_source(source)
    directory = parts.directory
    if successor is None and person.manager_id is not None:
        successor = await directory.get(session, person.manager_id)
    if successor is not None and (successor.id == person.id or successor.has_left):
        successor = None
    day = on or parts.clock.now().astimezone(ZoneInfo(parts.config.org.timezone)).date()
    marked = await session.exec(
        update(Person)
        .where(col(Person.id) == person.id, col(Person.left_on).is_(None))
        .values(left_on=day, successor_id=successor.id if successor else None)
    )
    if marked.rowcount != 1:
        return None  # gone already: another source, or another instance, did it
    handover = Handover(person, successor, by, source, day)
    heir = successor.id if successor else None
    own = person.manager_id if person.manager_id != heir else None  # never their own manager:
    moved = case((col(Person.id) == heir, literal(own, Integer)), else_=literal(heir, Integer))
    await session.exec(  # their reports go to the successor, the successor to the leaver's
        update(Person).where(col(Person.manager_id) == person.id).values(manager_id=moved)
    )
    await _leave_chats(parts, session, handover)
    await session.exec(
        update(OutboxRow)
        .where(col(OutboxRow.person_id) == person.id, col(OutboxRow.status) == "pending")
        .values(status="cancelled", last_error="the person left")
    )
    notes = list(effects.notes) if effects is not None else []
    for hook in parts.registry.hooks(OFFBOARDED):
        ctx = parts.job(session, hook.skill, effects=effects, actor=by)
        await hook.func(ctx, handover)
    for hook in parts.registry.hooks(DEACTIVATED):  # webhooks among them
        ctx = parts.job(session, hook.skill, effects=effects, actor=by)
        await hook.func(ctx, _deactivated(handover))
    if effects is not None:  # the hooks' "off work until…" notes are not the summary's
        effects.notes[:] = notes
    _audit(parts, session, handover)
    if by is None:  # no admin typed it: they all get the summary
        message = Message(handover.summary())
        for admin in await _admins(parts, session, person):
            await parts.outbox.enqueue(session, admin, message, skill="directory", sender=None)
    directory.forget(person)
    after_commit(session, lambda: directory.forget(person))
    return handover


def _deactivated(handover: Handover) -> dict[str, object]:
    def handle(person: PersonRef | None) -> str | None:
        return person.handle if person is not None else None

    return {
        "person": handover.person.handle,
        "successor": handle(handover.successor),
        "by": handle(handover.by),
        "source": handover.source,
        "on": handover.on.isoformat(),
    }


async def offboard_declared(
    parts: Parts, session: AsyncSession, people: Sequence[PersonConfig], effects: Effects
) -> list[Handover]:
    """Offboard everyone the config gives a ``left_on:`` that has come (at each start); the
    admins get each summary. Those offboarded already are left alone."""
    today = parts.clock.now().astimezone(ZoneInfo(parts.config.org.timezone)).date()
    done = []
    for declared in people:
        if declared.left_on is None or declared.left_on > today:
            continue
        person = await parts.directory.by_handle(session, declared.id)
        if person is None or person.has_left:
            continue
        heir = declared.successor and await parts.directory.by_handle(session, declared.successor)
        handover = await offboard(
            parts,
            session,
            person,
            heir or None,
            source="config",
            on=declared.left_on,
            effects=effects,
        )
        if handover is not None:
            done.append(handover)
    return done


def audit_roles(parts: Parts, session: AsyncSession, changes: Sequence[RoleChange]) -> None:
    """Record the roles the config gave or took at this start (the audit log)."""
    for change in changes:
        detail = {
            "person": change.handle,
            "added": sorted(change.after - change.before),
            "removed": sorted(change.before - change.after),
        }
        session.add(
            AuditEntry(
                at=parts.clock.now(),
                skill="directory",
                action="roles",
                detail=json.dumps(detail, ensure_ascii=False),
            )
        )


async def _leave_chats(parts: Parts, session: AsyncSession, handover: Handover) -> None:
    person = handover.person
    rows = await session.exec(
        select(Chat)
        .join(ChatMember, col(ChatMember.chat_id) == col(Chat.id))
        .where(
            col(ChatMember.person_id) == person.id,
            col(ChatMember.active).is_(True),
            col(Chat.kind) == "group",
        )
        .order_by(col(Chat.id))
    )
    told: list[PersonRef] | None = None  # who hears of a removal the platform refuses
    for chat in rows.all():
        assert chat.id is not None
        await parts.directory.seen_in(session, chat.id, person.id, active=False)
        adapter = parts.adapters.get(chat.platform)
        account = person.accounts.get(chat.platform)
        title = chat.title or f"{chat.platform}:{chat.chat_id}"
        if isinstance(adapter, RemovesMembers) and account is not None:
            handover.chats_left.append(title)
            if told is None:
                told = await _admins(parts, session, person)
                by = handover.by
                told += [by] if by is not None and by.id not in {p.id for p in told} else []
            refused = Message(
                _(
                    "⚠️ {platform} refused to remove {who} from {chat}: remove them by hand.",
                    platform=chat.platform,
                    who=person.mention,
                    chat=title,
                )
            )
            after_commit(session, _remover(parts, adapter, (chat.chat_id, account), told, refused))
        else:
            handover.chats_by_hand.append(title)


def _remover(
    parts: Parts,
    adapter: RemovesMembers,
    where: tuple[str, str],
    told: list[PersonRef],
    refused: Message,
) -> Callable[[], None]:
    """After the commit: remove the account from the chat; the admins (and who did it) are told
    when the platform refuses (the bot is not an admin there any more, an error)."""
    chat_id, account = where

    async def remove() -> None:
        try:
            if await adapter.remove_member(chat_id, account):
                return
            log.warning("could not remove %s from chat %s: refused", account, chat_id)
        except Exception:
            log.exception("could not remove %s from chat %s", account, chat_id)
        try:
            await parts.outbox.tell(told, refused, skill="directory")
        except Exception:
            log.exception("could not tell the admins of %s left in chat %s", account, chat_id)

    def start() -> None:
        task = asyncio.get_running_loop().create_task(remove())
        _removals.add(task)
        task.add_done_callback(_removals.discard)

    return start


def _audit(parts: Parts, session: AsyncSession, handover: Handover) -> None:
    detail = {
        "person": handover.person.handle,
        "successor": handover.successor.handle if handover.successor else None,
        "source": handover.source,
        "on": handover.on.isoformat(),
    }
    session.add(
        AuditEntry(
            at=parts.clock.now(),
            person_id=handover.by.id if handover.by else None,
            skill="directory",
            action="offboard",
            detail=json.dumps(detail, ensure_ascii=False),
        )
    )


async def _admins(parts: Parts, session: AsyncSession, person: PersonRef) -> list[PersonRef]:
    ids = await queries.ids_with_role(session, "admin")
    return [p for p in await parts.directory.members(session, ids) if p.id != person.id]


async def offboard_by_ids(
    db: Database,
    parts: Parts,
    get: Callable[[AsyncSession, int], Awaitable[PersonRef | None]],
    ids: tuple[int, int | None, int | None],
    source: str,
) -> tuple[Handover | None, Effects]:
    """:func:`offboard` the person, successor and doer given by id (successor and doer may be
    ``None``), in a transaction of its own; ``None`` if they had left already, ``LookupError``
    if an id names nobody. The effects are the cards to edit once it committed."""
    effects = Effects()
    async with db.transaction() as session:
        person, successor, by = [await get(session, i) if i else None for i in ids]
        if person is None or (ids[1] and successor is None) or (ids[2] and by is None):
            raise LookupError(f"no such person: {ids}")
        handover = await offboard(
            parts, session, person, successor, by=by, source=source, effects=effects
        )
    return handover, effects
