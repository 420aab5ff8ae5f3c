"""Live cards: a message that shows the current state of one thing (a task, a request, a notice)
and is edited in place when the state changes, wherever it was posted (the group chat where it was
created, the DMs that notified people).

A handler posts one with ``ctx.reply(message, card="12")`` or ``ctx.notify(person, message,
card="12")`` and changes it with ``ctx.update_card("12", message)``; edits go out after the
transaction commits, each rendered in the language and time zone it was first shown in.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from bot.adapter import Destination
from bot.i18n import Locale
from bot.messages import Message, render_message
from storage.models import CardLocation

if TYPE_CHECKING:
    from bot.app import Bot

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CardEdit:
    skill: str
    key: str
    message: Message


async def remember(bot: Bot, skill: str, key: str, to: Destination, ref: str, loc: Locale) -> None:
    """Record where a card was posted (after it was sent)."""
    async with bot.db.transaction() as session:
        session.add(
            CardLocation(
                skill=skill,
                key=key,
                platform=to.platform,
                chat_id=to.chat_id,
                account_id=to.account_id,
                message_ref=ref,
                language=loc.language,
                timezone=str(loc.timezone),
                created_at=bot.clock.now(),
            )
        )


async def apply(bot: Bot, edits: list[CardEdit]) -> None:
    """Edit every posted copy of each changed card; a copy that can't be edited stays as it was."""
    latest = {(e.skill, e.key): e for e in edits}  # a card changed twice: its last state
    for edit in latest.values():
        async with bot.db.transaction() as session:
            places = (
                await session.exec(
                    select(CardLocation)
                    .where(
                        CardLocation.skill == edit.skill,
                        CardLocation.key == edit.key,
                    )
                    .order_by(col(CardLocation.id))
                )
            ).all()
        for place in places:
            adapter = bot.adapters.get(place.platform)
            if adapter is None:
                continue
            loc = Locale(place.language, ZoneInfo(place.timezone), bot.clock.now())
            rendered = render_message(edit.message, bot.translator, loc)
            to = Destination(place.platform, chat_id=place.chat_id, account_id=place.account_id)
            try:
                await adapter.update(to, place.message_ref, rendered)
            except Exception:
                log.warning(
                    "could not update card %s/%s at %s", edit.skill, edit.key, to, exc_info=True
                )
