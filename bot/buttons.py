"""Button payloads too long for a platform (Telegram's callback data holds 64 bytes) are kept
server-side behind a short key, so a button keeps working across restarts."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from storage.models import ButtonData

if TYPE_CHECKING:
    from bot.app import Bot


async def shorten(bot: Bot, action: str, value: str) -> str:
    """A key for ``(action, value)``; :func:`expand` gives them back."""
    key = secrets.token_urlsafe(9)
    async with bot.db.transaction() as session:
        session.add(ButtonData(key=key, action=action, value=value, created_at=bot.clock.now()))
    return key


async def expand(bot: Bot, key: str) -> tuple[str, str] | None:
    async with bot.db.transaction() as session:
        found = await session.get(ButtonData, key)
        return (found.action, found.value) if found else None
