"""Sender resolution: who spoke, and where, noted in the directory before anything else runs."""

from __future__ import annotations

import logging

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.directory import Directory
from bot.events import Event, Membership
from bot.people import PersonRef
from storage import Database

log = logging.getLogger(__name__)


class Senders:
    def __init__(self, db: Database, directory: Directory) -> None:
        self.db = db
        self.directory = directory

    async def note(self, session: AsyncSession, event: Event) -> tuple[PersonRef, int]:
        """The person (created on first sight), that their DM is open, the chat, and that they
        are a member of it (Telegram can't list members otherwise)."""
        directory = self.directory
        in_dm = event.chat.kind == "dm"
        sender = await directory.resolve_sender(session, event.sender, in_dm=in_dm)
        chat_id = await directory.ensure_chat(session, event.chat)
        if event.chat.kind == "group":
            joined = not isinstance(event, Membership) or event.joined
            await directory.seen_in(session, chat_id, sender.id, active=joined)
        return sender, chat_id

    async def note_anyway(self, event: Event) -> None:
        """A refused command changes nothing, but who typed it where is still worth knowing
        (in a transaction of its own)."""
        try:
            async with self.db.transaction() as session:
                await self.note(session, event)
        except Exception:
            log.warning("could not note the sender of %s", event, exc_info=True)
