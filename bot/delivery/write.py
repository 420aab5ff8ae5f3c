"""Writing the outbox: the rows ``ctx.notify`` adds in a handler's transaction.

A row is written by a statement built once, not as an ORM object (making one cost more than
writing it), and a message for many people (``ctx.notify_all``: a notice to a team of 5,000)
is encoded once and written with one executemany. Each recipient's delivery policies are still
asked one by one: quiet hours hold one person's copy, not everyone's.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import codec, logs
from bot.clock import Clock
from bot.delivery.plan import Plan
from bot.delivery.settle import WROTE
from bot.i18n import Text
from bot.messages import Message
from bot.people import PersonRef
from bot.policy import Decision, Notice
from storage.models import OutboxRow

if TYPE_CHECKING:
    from bot.context import ChatTarget

# built once: one outbox row (the columns not given take their defaults: pending, no attempts)
_ADD = insert(OutboxRow.__table__)  # type: ignore[attr-defined]

# a recipient, and the key of the card its copy is (None: not a card)
Recipient = tuple["PersonRef | ChatTarget", str | None]


class Writer:
    """Writes outbox rows, asking the delivery policies for each person."""

    def __init__(self, planner: Plan, clock: Clock) -> None:
        self.planner = planner
        self.clock = clock

    async def write(
        self,
        session: AsyncSession,
        recipients: Sequence[Recipient],
        message: Message,
        *,
        skill: str,
        sender: PersonRef | None,
        urgent: bool = False,
        group: str | None = None,
        platform: str | None = None,
        origin_chat_id: int | None = None,
        not_before: datetime | None = None,
    ) -> list[Text | None]:
        """One row per recipient, in their order; per recipient, why it waits (if held)."""
        now = self.clock.now()
        logged = logs.current()
        common: dict[str, Any] = {
            "created_at": now,
            "skill": skill,
            "platform": platform,
            "origin_chat_id": origin_chat_id,
            "sender_id": sender.id if sender else None,
            "event_id": logged.event_id if logged else None,
            "urgent": urgent,
            "group": group,
            "payload": codec.dumps(message),  # the same for every recipient: encoded once
        }
        rows, notes = [], []
        for to, card in recipients:
            decision = await self._decide(session, to, sender, urgent, platform, now)
            held = decision.holds(now)
            due = decision.deliver_at if held and decision.deliver_at else now
            rows.append(
                common
                | {
                    "idempotency_key": uuid.uuid4().hex,
                    "due_at": max(due, not_before or now),
                    "person_id": to.id if isinstance(to, PersonRef) else None,
                    "chat_id": None if isinstance(to, PersonRef) else to.chat_id,
                    "held": held,
                    "silent": decision.silent and not held,
                    "card": card,
                }
            )
            notes.append(decision.note if held else None)
        if rows:
            session.info[WROTE] = True
            await session.exec(_ADD, params=rows)
        return notes

    async def _decide(
        self,
        session: AsyncSession,
        to: PersonRef | ChatTarget,
        sender: PersonRef | None,
        urgent: bool,
        platform: str | None,
        now: datetime,
    ) -> Decision:
        """What the policies say of a person's copy (a chat's, or one's own, is never held)."""
        if not isinstance(to, PersonRef) or (sender is not None and sender.id == to.id):
            return Decision()
        silence = self.planner.can_silence(self.planner.platform_of(to, platform))
        return await self.planner.decide(session, Notice(to, sender, urgent, now, None, silence))
