"""What the core expects of a chat-platform adapter. Adapters live in ``adapters/``; the core only
knows this protocol."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

from bot.events import Account
from bot.messages import RenderedMessage

if TYPE_CHECKING:
    from bot.app import Bot

MentionKind = Literal["account", "username"]


@dataclass(frozen=True)
class Destination:
    """Where a message goes: a chat (``chat_id``), or a person's DM (``account_id``)."""

    platform: str
    chat_id: str | None = None
    account_id: str | None = None

    @property
    def is_dm(self) -> bool:
        return self.chat_id is None


class DeliveryFailed(Exception):
    """The platform refused the message. ``permanent`` for "blocked the bot", "channel gone";
    ``unreachable`` when the person can't be messaged privately yet (a Telegram user who never
    started the bot): delivery then mentions them in the chat the notification came from;
    otherwise delivery retries later (``retry_after`` seconds when the platform says so)."""

    def __init__(
        self,
        reason: str,
        *,
        permanent: bool = False,
        retry_after: float | None = None,
        unreachable: bool = False,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent or unreachable
        self.retry_after = retry_after
        self.unreachable = unreachable


class Adapter(Protocol):
    """A chat platform. ``send`` returns the platform's reference of the sent message."""

    platform: str

    async def start(self, bot: Bot) -> None: ...

    async def stop(self) -> None: ...

    def mention_key(self, token: str) -> tuple[MentionKind, str] | None:
        """``<@U2>`` -> ("account", "U2"); ``@bob`` -> ("username", "bob"); else ``None``."""
        ...

    async def send(
        self,
        to: Destination,
        message: RenderedMessage,
        *,
        ephemeral_for: str | None = None,
        reply_to: str | None = None,
        silent: bool = False,
    ) -> str: ...

    async def update(self, to: Destination, ref: str, message: RenderedMessage) -> None: ...


@runtime_checkable
class ListsMembers(Protocol):
    """A platform that lists a chat's members (Slack): the core makes people of those it has
    not met, as it does of a sender on first sight."""

    async def members(self, chat_id: str) -> list[str]:
        """The account ids of everyone in the chat (people, bots, the bot itself)."""
        ...

    async def people(self, account_ids: Sequence[str]) -> list[Account]:
        """Who these accounts are (name, time zone, language), bots and deactivated accounts
        left out. Looked up once per account, however often asked."""
        ...


@runtime_checkable
class CountsMembers(Protocol):
    """A platform that can't list a chat's members but can count them (Telegram)."""

    async def member_count(self, chat_id: str) -> int | None:
        """How many members the chat has, the bot itself not counted (``None``: it can't say
        now)."""
        ...
