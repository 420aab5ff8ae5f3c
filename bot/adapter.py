"""What the core expects of a chat-platform adapter. Adapters live in ``adapters/``; the core only
knows these protocols: :class:`Adapter`, which every platform implements, and the capabilities
(:class:`Ephemeral`, :class:`PressAnswers`, :class:`DmInvite`), which an adapter implements when
its platform can do that. The core asks ``isinstance(adapter, Ephemeral)`` and routes around
what a platform can't do (Telegram has no ephemeral messages: an answer for one person goes to
their DM)."""

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
        reply_to: str | None = None,
        silent: bool = False,
    ) -> str:
        """Post ``message`` for everyone in ``to`` to see. ``reply_to``: the id of the event it
        answers (Telegram quotes the command; Slack can answer where the bot is no member)."""
        ...

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
class Ephemeral(Protocol):
    """Messages only one person of a chat sees (Slack's ephemeral messages, the console). A
    platform without them (Telegram) leaves this out: the core then sends an answer meant for
    one person to their DM, and answers in the chat only with its short errors."""

    async def send_ephemeral(
        self,
        to: Destination,
        account: str,
        message: RenderedMessage,
        *,
        reply_to: str | None = None,
    ) -> None:
        """Show ``message`` in ``to`` to ``account`` alone (answering event ``reply_to``)."""
        ...


@runtime_checkable
class CountsMembers(Protocol):
    """A platform that can't list a chat's members but can count them (Telegram)."""

    async def member_count(self, chat_id: str) -> int | None:
        """How many members the chat has, the bot itself not counted (``None``: it can't say
        now)."""
        ...


@runtime_checkable
class PressAnswers(Protocol):
    """A short answer only the person who pressed a button sees (Telegram: the press's alert),
    for a platform without :class:`Ephemeral` messages."""

    async def answer_press(self, press: str, message: RenderedMessage) -> bool:
        """Show ``message`` to whoever made the button press ``press`` (its event id); ``False``
        when it can't (the press was answered already; the message doesn't fit: buttons, files,
        too long), and then the core sends it elsewhere."""
        ...


@runtime_checkable
class DmInvite(Protocol):
    """A link that opens a private chat with the bot (Telegram: people must start it first)."""

    def dm_invite(self) -> str: ...
