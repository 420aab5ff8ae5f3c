"""What the core expects of a chat-platform adapter, and what an adapter may ask of the core.

Adapters live in ``adapters/`` (or any installed package) and arrive by entry point (group
``deskmate.adapters``) as an :class:`AdapterSpec`: the platform's name, the model of its section
of the config, its default rate limits, and how to make the adapter. The core names no platform;
it knows only these protocols:

* :class:`Adapter`, which every platform implements;
* the capabilities, which an adapter implements when its platform can do that: :class:`Ephemeral`,
  :class:`PressAnswers`, :class:`Forms`, :class:`ListsMembers`, :class:`CountsMembers`,
  :class:`Dnd`, :class:`DmInvite`, :class:`SilentSend`, :class:`HandleAccounts`, :class:`Watched`,
  :class:`Diagnosable`, :class:`RemovesMembers`, :class:`KeepsDirectory`. The core asks
  ``isinstance(adapter, Ephemeral)`` and routes around what a platform can't do (without ephemeral
  messages, an answer for one person goes to their DM);
* :class:`AdapterHost`, all an adapter is given at start: it hands events in, and asks the little
  it needs (command names, texts in a language, the time, a place for long button payloads).

``docs/writing-adapters.md`` walks through the console adapter; :mod:`bot.testing.adapters` is
the conformance kit every adapter passes against its own fake platform server.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, Literal, Protocol, TypeVar, runtime_checkable

from bot.config import AdapterSettings, Config, PlatformLimits
from bot.destinations import DeliveryFailed as DeliveryFailed
from bot.destinations import Destination as Destination
from bot.diagnosis import Finding
from bot.events import Account, ChatRef, Event, Profile
from bot.forms import RenderedForm
from bot.i18n import TextLike
from bot.messages import RenderedMessage
from bot.metrics import AdapterHealth

MentionKind = Literal["account", "username"]
MentionKey = tuple[MentionKind, str]
"""What a typed mention names: ``("account", "U2")`` (the platform's id) or ``("username",
"bob")`` (a platform username, else a directory handle)."""

S = TypeVar("S", bound=AdapterSettings)


class AdapterHost(Protocol):
    """What an adapter is given at :meth:`Adapter.start`, and all it may ask of the core."""

    async def handle(self, event: Event) -> None:
        """Hand in a neutral event (a command, a press, a submitted form...); returns once it
        has been handled (its replies sent)."""
        ...

    def answering(self) -> AbstractContextManager[None]:
        """Mark a request the platform waits on (an HTTP request to ack) while it is answered:
        in a burst, the core's other work waits for the answers (see :mod:`bot.answers`)."""
        ...

    async def wait_turn(self, most: float) -> None:
        """Before work that follows an ack: in a burst of requests, wait up to ``most`` seconds
        for the other answers to go first."""
        ...

    def command_names(self) -> frozenset[str]:
        """The first word of every registered command (``task`` for ``/task add``)."""
        ...

    def commands(self, language: str) -> list[tuple[str, str]]:
        """Each first word of a command with what it does, in ``language`` (for a platform's
        command menu), by name."""
        ...

    def translate(self, text: TextLike, language: str) -> str:
        """A text of the core's catalog as plain text in ``language``."""
        ...

    def now(self) -> datetime:
        """The bot's clock (aware, UTC)."""
        ...

    async def profiles(self, found: Sequence[Profile]) -> None:
        """What the platform's directory says of these accounts (a profile changed, someone
        joined or was deactivated): the people known by them are updated, the deactivated
        offboarded (see :class:`KeepsDirectory`)."""
        ...

    async def shorten_button(self, action: str, value: str) -> str:
        """Keep a button's payload server-side (a platform whose buttons hold few bytes); a
        short key for :meth:`expand_button`, valid across restarts."""
        ...

    async def expand_button(self, key: str) -> tuple[str, str] | None:
        """The ``(action, value)`` kept under ``key``, or ``None``."""
        ...


class Adapter(Protocol):
    """A chat platform. ``send`` returns the platform's reference of the sent message."""

    platform: str

    async def start(self, host: AdapterHost) -> None: ...

    async def stop(self) -> None: ...

    def mention_key(self, token: str) -> MentionKey | None:
        """``<@U2>`` -> ("account", "U2"); ``@bob`` -> ("username", "bob"); else ``None``: the
        only place mentions are read (skills ask the core, which asks here)."""
        ...

    async def send(
        self, to: Destination, message: RenderedMessage, *, reply_to: str | None = None
    ) -> str:
        """Post ``message`` for everyone in ``to`` to see. ``reply_to``: the id of the event it
        answers (Telegram quotes the command; Slack can answer where the bot is no member)."""
        ...

    async def update(self, to: Destination, ref: str, message: RenderedMessage) -> None: ...


@dataclass(frozen=True)
class AdapterSpec(Generic[S]):
    """An installed adapter, as its entry point (group ``deskmate.adapters``) names it.

    Example:
        >>> matrix = AdapterSpec(
        ...     platform="matrix",
        ...     config=MatrixSettings,            # its section: adapters.matrix
        ...     rate_limits=PlatformLimits(
        ...         overall=RateLimit(per_second=10, burst=10),
        ...         per_chat=RateLimit(per_second=1, burst=3),
        ...     ),
        ...     create=MatrixAdapter,             # MatrixAdapter(settings)
        ...     chat_example="!room:example.org",
        ... )
    """

    platform: str
    config: type[S]  # the model of its section, ``adapters.<platform>``
    rate_limits: PlatformLimits  # delivery.rate_limits.<platform> unless the file says
    create: Callable[[S], Adapter]  # the adapter, from its validated section
    chat_example: str | None = None  # a chat id, shown where a chat is written wrong
    command: str | None = None  # runs on its own (``deskmate console``), not in ``deskmate run``

    def settings(self, config: Config) -> S:
        """This adapter's validated section of ``config`` (its defaults if it has none)."""
        found = config.adapter_settings.get(self.platform)
        return found if isinstance(found, self.config) else self.config()

    def build(self, config: Config) -> Adapter:
        """The adapter for ``config``."""
        return self.create(self.settings(config))


# --- capabilities ---------------------------------------------------------------------------


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
class PressAnswers(Protocol):
    """A short answer only the person who pressed a button sees (Telegram: the press's alert),
    for a platform without :class:`Ephemeral` messages."""

    async def answer_press(self, press: str, message: RenderedMessage) -> bool:
        """Show ``message`` to whoever made the button press ``press`` (its event id); ``False``
        when it can't (the press was answered already; the message doesn't fit: buttons, files,
        too long), and then the core sends it elsewhere."""
        ...


@runtime_checkable
class Forms(Protocol):
    """Forms a person fills in at once (Slack's modals), opened from a command whose event
    carries a ``trigger``; the submission comes back as a ``FormSubmitted`` event."""

    async def open_form(self, trigger: str, chat: ChatRef, form: RenderedForm) -> None:
        """Open ``form`` for whoever typed the command ``trigger`` came with, in ``chat``."""
        ...


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


@runtime_checkable
class Dnd(Protocol):
    """A platform's own Do Not Disturb (Slack's): delivery holds notifications while it is on,
    as quiet hours do."""

    async def dnd_until(self, account_id: str) -> datetime | None:
        """Until when the account has Do Not Disturb on, or ``None`` (off)."""
        ...


@runtime_checkable
class DmInvite(Protocol):
    """A link that opens a private chat with the bot (Telegram: people must start it first)."""

    def dm_invite(self) -> str: ...


@runtime_checkable
class HandleAccounts(Protocol):
    """A platform where people are known by their directory handle (the console, the test
    harness): everyone declared in the config can speak there as themselves, without an
    ``accounts:`` entry."""

    def account_of(self, handle: str) -> str:
        """The account id of the person whose directory handle is ``handle``."""
        ...


@runtime_checkable
class SilentSend(Protocol):
    """Messages that arrive without a sound or a push (Telegram's ``disable_notification``):
    quiet hours' silent mode sends with it; where a platform has none, it holds instead."""

    async def send_silently(self, to: Destination, message: RenderedMessage) -> str:
        """:meth:`Adapter.send`, without notifying anyone."""
        ...


@runtime_checkable
class Watched(Protocol):
    """Tells how its link to the platform is (``/readyz``, ``/metrics``); has a watchdog."""

    def health(self) -> AdapterHealth: ...


@runtime_checkable
class Diagnosable(Protocol):
    """Checks its settings against the platform without starting (``deskmate doctor``)."""

    async def diagnose(self) -> list[Finding]: ...


@runtime_checkable
class RemovesMembers(Protocol):
    """The bot may remove someone from a group chat (Telegram, where it is an admin): done for
    people who left the organisation; elsewhere the admins are told to do it by hand."""

    async def remove_member(self, chat_id: str, account_id: str) -> bool:
        """Remove the account from the chat; ``False`` when the platform refused."""
        ...


@runtime_checkable
class KeepsDirectory(Protocol):
    """A platform with a directory of its own (Slack's ``users.list``): the core reads it at
    start and every :meth:`directory_every` (on one instance), as :meth:`AdapterHost.profiles`."""

    def directory_every(self) -> timedelta | None:
        """How often to read it; ``None``: never (the admin did not turn it on)."""
        ...

    async def directory(self) -> list[Profile]:
        """Everyone it lists, deactivated accounts included (bots left out)."""
        ...
