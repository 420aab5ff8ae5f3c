"""Button payloads too long for a platform (Telegram's callback data holds 64 bytes) are kept
server-side behind a short key, so a button keeps working across restarts. Adapters reach this
through their host (:meth:`bot.adapter.AdapterHost.shorten_button`)."""

from __future__ import annotations

import secrets
from datetime import datetime

from storage import Database
from storage.models import ButtonData


async def shorten(db: Database, now: datetime, action: str, value: str) -> str:
    """A key for ``(action, value)``; :func:`expand` gives them back."""
    key = secrets.token_urlsafe(9)
    async with db.transaction() as session:
        session.add(ButtonData(key=key, action=action, value=value, created_at=now))
    return key


async def expand(db: Database, key: str) -> tuple[str, str] | None:
    async with db.transaction() as session:
        found = await session.get(ButtonData, key)
        return (found.action, found.value) if found else None
