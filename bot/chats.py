"""The chats part of the directory: chats created on first sight, who is in which, and the
language each chat reads (set there, else ``chats:`` in the config, else the org's).

Chats are never deleted, so a chat is remembered by this process for good once the transaction
that read or wrote it commits; its language for ``CHAT_LANGUAGE_SECONDS``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import Clock
from bot.config import Config
from bot.events import ChatRef
from bot.i18n import normalize_language
from storage.engine import after_commit
from storage.models import Chat, ChatMember
from storage.prepared import Prepared, binds

_MEMBERS = ChatMember.__table__  # type: ignore[attr-defined]


def _seen_in(insert: Any) -> Any:
    new = insert(_MEMBERS)
    return new.on_conflict_do_update(
        index_elements=[_MEMBERS.c.chat_id, _MEMBERS.c.person_id],
        set_={"active": new.excluded.active, "updated_at": new.excluded.updated_at},
        where=_MEMBERS.c.active != new.excluded.active,
    )


# prepared once (putting a statement together costs more than running it): who is in a chat,
# and a chat found or created on first sight
_SEEN_IN = {
    "sqlite": Prepared(_seen_in(sqlite_insert)),
    "postgresql": Prepared(_seen_in(postgresql_insert)),
}
_CHATS = Chat.__table__  # type: ignore[attr-defined]
_FIND_CHAT = Prepared(
    select(_CHATS.c.id, _CHATS.c.title, _CHATS.c.language).where(
        _CHATS.c.platform == bindparam("platform"), _CHATS.c.chat_id == bindparam("chat_id")
    )
)
_NEW_CHAT = Prepared(
    insert(_CHATS)
    .values(binds(_CHATS, ("platform", "chat_id", "kind", "title")))
    .returning(_CHATS.c.id)
)
_RETITLE = Prepared(
    update(_CHATS).where(_CHATS.c.id == bindparam("row_id")).values(title=bindparam("title"))
)

# ... and of a chat's language (an admin may set it through another instance)
CHAT_LANGUAGE_SECONDS = 60.0


@dataclass(frozen=True)
class _ChatLanguage:
    """What this process remembers of a chat's language, once committed."""

    platform: str
    chat_id: str  # the platform's id, which ``chats:`` in the config is keyed by
    set_here: str | None  # by /deskmate lang in the chat
    until: float  # time.monotonic() after which it is read again


@dataclass(frozen=True)
class ChatLanguage:
    """The language everyone in a chat reads, and where it comes from."""

    language: str
    set_here: str | None  # set in the chat (``/deskmate lang zh``); wins over the config
    configured: str | None  # ``chats:`` in the config; wins over the org's language


class Chats:
    """Chats and their members, read and written inside the caller's transaction
    (:class:`bot.directory.Directory` is one, with the people)."""

    def __init__(self, config: Config, clock: Clock) -> None:
        self.config = config
        self.clock = clock
        self._chats: dict[tuple[str, str], tuple[int, str]] = {}  # -> (row id, title)
        self._members: dict[tuple[int, int], bool] = {}  # (chat row, person) -> active
        self._languages: dict[int, _ChatLanguage] = {}  # chat row -> its language

    async def ensure_chat(self, session: AsyncSession, chat: ChatRef) -> int:
        """The database id of a chat, created on first sight (title kept up to date)."""
        known = self._chats.get((chat.platform, chat.id))
        if known is not None and (not chat.title or chat.title == known[1]):
            return known[0]
        key = {"platform": chat.platform, "chat_id": chat.id}
        found = await _FIND_CHAT.rows(session, key)
        if found:
            row_id, title, language = found[0]
            if chat.title and title != chat.title:
                await _RETITLE.run(session, {"row_id": row_id, "title": chat.title})
                title = chat.title
        else:
            new = {**key, "kind": chat.kind, "title": chat.title}
            ((row_id,),) = await _NEW_CHAT.rows(session, new)
            title, language = chat.title, None
        known_as: tuple[int, str] = (row_id, title)
        after_commit(session, lambda: self._chats.__setitem__((chat.platform, chat.id), known_as))
        self._remember_language(session, row_id, chat.platform, chat.id, language)
        return known_as[0]

    async def chat_language(self, session: AsyncSession, chat_id: int) -> ChatLanguage:
        """The language everyone in a chat (by its database id) reads: the one set there with
        ``/deskmate lang``, else the one ``chats:`` in the config gives it, else the org's."""
        known = self._languages.get(chat_id)
        if known is None or known.until <= time.monotonic():
            row = await session.get(Chat, chat_id)
            if row is None:
                return ChatLanguage(self.config.org.language, None, None)
            known = self._remember_language(
                session, chat_id, row.platform, row.chat_id, row.language
            )
        configured = self.config.chat_language(known.platform, known.chat_id)
        language: str = known.set_here or configured or self.config.org.language
        return ChatLanguage(language, known.set_here, configured)

    async def chat_language_at(self, session: AsyncSession, platform: str, chat_id: str) -> str:
        """The language of a chat by the platform's id (one the bot never saw: the config's
        ``chats:``, else the org's)."""
        known = self._chats.get((platform, chat_id))
        row_id = known[0] if known else None
        if row_id is None:
            row_id = (
                await session.exec(
                    select(Chat.id).where(Chat.platform == platform, Chat.chat_id == chat_id)
                )
            ).first()
        if row_id is None:
            return self.config.chat_language(platform, chat_id) or self.config.org.language
        return (await self.chat_language(session, row_id)).language

    async def set_chat_language(
        self, session: AsyncSession, chat_id: int, language: str | None
    ) -> None:
        """Set the language of a chat (``None``: back to the config's, else the org's)."""
        row = await session.get(Chat, chat_id)
        if row is None:
            raise LookupError(f"no chat {chat_id}")
        row.language = language
        await session.flush()

        def forget() -> None:
            self._languages.pop(chat_id, None)

        forget()  # this transaction reads the row from now on, the others once it commits
        after_commit(session, forget)

    def _remember_language(
        self, session: AsyncSession, row_id: int, platform: str, chat_id: str, set_here: str | None
    ) -> _ChatLanguage:
        known = _ChatLanguage(
            platform,
            chat_id,
            normalize_language(set_here),
            time.monotonic() + CHAT_LANGUAGE_SECONDS,
        )
        after_commit(session, lambda: self._languages.__setitem__(row_id, known))
        return known

    async def seen_in(
        self, session: AsyncSession, chat_id: int, person_id: int, *, active: bool = True
    ) -> None:
        """Remember that a person is (or no longer is) in a chat."""
        key = (chat_id, person_id)
        if self._members.get(key) == active:
            return
        after_commit(session, lambda: self._members.__setitem__(key, active))
        upsert = _SEEN_IN.get(session.get_bind().dialect.name)
        if upsert is not None:  # one statement: added, or changed only if it changed
            params = {"chat_id": chat_id, "person_id": person_id, "active": active}
            await upsert.run(session, {**params, "updated_at": self.clock.now()})
            return
        row = await session.get(ChatMember, key)
        if row is None:
            session.add(
                ChatMember(
                    chat_id=chat_id, person_id=person_id, active=active, updated_at=self.clock.now()
                )
            )
        elif row.active != active:
            row.active, row.updated_at = active, self.clock.now()

    async def seen_members(self, session: AsyncSession, chat_id: int) -> list[int]:
        rows = await session.exec(
            select(ChatMember.person_id).where(
                ChatMember.chat_id == chat_id, col(ChatMember.active).is_(True)
            )
        )
        return list(rows.all())

    async def chat(self, session: AsyncSession, chat_id: int) -> ChatRef | None:
        row = await session.get(Chat, chat_id)
        if row is None:
            return None
        return ChatRef(row.platform, row.chat_id, "dm" if row.kind == "dm" else "group", row.title)
