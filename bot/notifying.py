"""What a context needs of delivery: writing outbox rows in the handler's transaction
(:class:`bot.delivery.Delivery` is it)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.i18n import Text
from bot.messages import Message
from bot.people import PersonRef

if TYPE_CHECKING:
    from bot.effects import ChatTarget


class Outbox(Protocol):
    """What a context needs of delivery (:class:`bot.delivery.Delivery` is one)."""

    async def enqueue(
        self,
        session: AsyncSession,
        to: PersonRef | ChatTarget,
        message: Message,
        *,
        skill: str,
        sender: PersonRef | None,
        urgent: bool = False,
        group: str | None = None,
        platform: str | None = None,
        card: str | None = None,
        origin_chat_id: int | None = None,
        not_before: datetime | None = None,
    ) -> Text | None: ...

    async def release(self, session: AsyncSession, person_id: int) -> int: ...

    async def tell(self, people: Sequence[PersonRef], message: Message, *, skill: str) -> None: ...

    async def enqueue_all(
        self,
        session: AsyncSession,
        to: Sequence[tuple[PersonRef | ChatTarget, str | None]],
        message: Message,
        *,
        skill: str,
        sender: PersonRef | None,
        urgent: bool = False,
        group: str | None = None,
        platform: str | None = None,
        origin_chat_id: int | None = None,
    ) -> list[Text | None]: ...
