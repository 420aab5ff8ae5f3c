"""An in-memory chat platform: the engine of the console adapter and of the test harness.

People are named by their directory handle; the group chat is ``#general`` (configurable) and
each person has a DM with the bot. Everything the bot sends is kept, so it can be printed
(console) or asserted on (tests), and buttons can be pressed by their label.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

from bot.adapter import AdapterHost, Destination, MentionKey
from bot.config import AdapterSettings
from bot.events import Account, Action, ChatRef, Command, Event
from bot.markup import plain_text
from bot.messages import RenderedButton, RenderedMessage


class MemorySettings(AdapterSettings):
    """The section of a platform that runs on the in-memory engine (the console's): its group
    chat, and who you are at a prompt. The test harness plays the installed platform whose
    settings derive from this one, so a test's config reads like the console's."""

    chat: str = "general"
    user: str = "you"


@dataclass
class Sent:
    """One message as the chat shows it; ``edits`` counts in-place updates."""

    ref: str
    destination: Destination
    message: RenderedMessage
    ephemeral_for: str | None = None
    silent: bool = False
    edits: int = 0

    @property
    def where(self) -> str:
        """``#general``, ``dm @alice`` or ``#general, only @alice``."""
        d = self.destination
        base = f"dm @{d.account_id}" if d.is_dm else f"#{d.chat_id}"
        return f"{base}, only @{self.ephemeral_for}" if self.ephemeral_for else base

    @property
    def text(self) -> str:
        """The message as plain text, buttons as ``[Label]``."""
        return message_text(self.message)

    @property
    def buttons(self) -> list[RenderedButton]:
        return self.message.buttons

    def visible_to(self, handle: str) -> bool:
        if self.ephemeral_for:
            return self.ephemeral_for == handle
        return not self.destination.is_dm or self.destination.account_id == handle


def format_sent(sent: Sent, edited: bool = False, saved: Sequence[str] = ()) -> str:
    """How the console prints a message: headed by where it went, then the text; ``saved``
    names where each of its files was saved, if they were."""
    notes = [n for n, on in (("edited", edited), ("silent", sent.silent)) if on]
    shown = f" ({', '.join(notes)})" if notes else ""
    return f"[{sent.where}] deskmate{shown}:\n{message_text(sent.message, saved)}\n"


def message_text(m: RenderedMessage, saved: Sequence[str] = ()) -> str:
    """The message as plain text: fields as ``Label: value``, files as ``📎 name (n bytes)``
    (``→ path`` after it when saved), buttons as ``[Label]``."""
    lines = [plain_text(m.text)]
    lines += [f"{label}: {plain_text(value)}" for label, value in m.fields]
    if m.context:
        lines.append(plain_text(m.context))
    for f, path in itertools.zip_longest(m.files, saved[: len(m.files)]):
        lines.append(f"📎 {f.name} ({len(f.content)} bytes)" + (f" → {path}" if path else ""))
    if m.buttons:
        lines.append(" ".join(f"[{b.label}]" for b in m.buttons))
    return "\n".join(line for line in lines if line)


@dataclass
class MemoryAdapter:
    """A platform that lives in memory, named ``platform`` (the console adapter and the test
    harness give it the console's name, so directory accounts such as ``accounts: {console:
    alice}`` work in both). It has every capability a platform may have but forms; a test takes
    some away with :meth:`without`."""

    platform: str
    chat: str = "general"
    sent: list[Sent] = field(default_factory=list)
    dnd: dict[str, datetime] = field(default_factory=dict)  # handle -> Do Not Disturb until
    removed: list[tuple[str, str]] = field(default_factory=list)  # (chat, account) removed
    on_send: Callable[[Sent, bool], None] | None = None
    host: AdapterHost | None = None  # while started
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _run: str = field(default_factory=lambda: uuid.uuid4().hex[:12])

    @classmethod
    def without(cls, *capabilities: type) -> type[MemoryAdapter]:
        """This platform without some capabilities, to see what the core does where a platform
        can't: ``MemoryAdapter.without(SilentSend, Ephemeral)`` sends nothing silently and has
        no ephemeral messages (as on Telegram)."""
        missing = {
            name
            for capability in capabilities
            for name, member in vars(capability).items()
            if callable(member) and not name.startswith("_")
        }
        names = "".join(c.__name__ for c in capabilities)
        return cast(
            type[MemoryAdapter],
            type(f"{cls.__name__}Without{names}", (cls,), dict.fromkeys(missing)),
        )

    async def start(self, host: AdapterHost) -> None:
        self.host = host

    async def stop(self) -> None:
        self.host = None

    async def receive(self, event: Event) -> None:
        """What the platform does when someone types or presses: hand ``event`` to the bot."""
        assert self.host is not None, "the adapter is not started"
        await self.host.handle(event)

    def account_of(self, handle: str) -> str:
        """The :class:`~bot.adapter.HandleAccounts` capability: people are their handles."""
        return handle

    async def remove_member(self, chat_id: str, account_id: str) -> bool:
        """The :class:`~bot.adapter.RemovesMembers` capability: noted in ``removed``."""
        self.removed.append((chat_id, account_id))
        return True

    async def dnd_until(self, account_id: str) -> datetime | None:
        """The :class:`~bot.adapter.Dnd` capability; tests set ``dnd``."""
        return self.dnd.get(account_id)

    def mention_key(self, token: str) -> MentionKey | None:
        name = token[1:] if token.startswith("@") else ""
        return ("username", name.lower()) if name and _is_handle(name) else None

    async def send(
        self, to: Destination, message: RenderedMessage, *, reply_to: str | None = None
    ) -> str:
        return self._keep(to, message, None, False)

    async def send_silently(self, to: Destination, message: RenderedMessage) -> str:
        """The :class:`~bot.adapter.SilentSend` capability: shown as ``deskmate (silent):``."""
        return self._keep(to, message, None, True)

    async def send_ephemeral(
        self,
        to: Destination,
        account: str,
        message: RenderedMessage,
        *,
        reply_to: str | None = None,
    ) -> None:
        """The :class:`~bot.adapter.Ephemeral` capability: shown as ``[#general, only @alice]``."""
        self._keep(to, message, account, False)

    def _keep(
        self, to: Destination, message: RenderedMessage, only: str | None, silent: bool
    ) -> str:
        if to.chat_id and to.chat_id.startswith("dm-"):  # a reply in someone's DM
            to = Destination(self.platform, account_id=to.chat_id[3:])
        sent = Sent(f"m-{self._run}-{next(self._ids)}", to, message, only, silent)
        self.sent.append(sent)
        if self.on_send:
            self.on_send(sent, False)
        return sent.ref

    async def update(self, to: Destination, ref: str, message: RenderedMessage) -> None:
        for sent in self.sent:
            if sent.ref == ref:
                sent.message = message
                sent.edits += 1
                if self.on_send:
                    self.on_send(sent, True)
                return

    # --- speaking as people ---------------------------------------------------------------------

    def account(self, handle: str) -> Account:
        return Account(self.platform, handle, name=handle, username=handle)

    def chat_ref(self, handle: str, dm: bool, chat: str | None = None) -> ChatRef:
        if dm:
            return ChatRef(self.platform, f"dm-{handle}", "dm", f"dm @{handle}")
        return ChatRef(self.platform, chat or self.chat, "group", f"#{chat or self.chat}")

    def command(
        self, handle: str, text: str, *, dm: bool = False, chat: str | None = None
    ) -> Event:
        """What ``handle`` typing ``text`` becomes: a Command for ``/name ...``."""
        words = text.strip()[1:].split(None, 1)
        name, rest = (words[0], words[1] if len(words) > 1 else "") if words else ("", "")
        return Command(
            self.platform,
            self.next_event_id(),
            self.account(handle),
            self.chat_ref(handle, dm, chat),
            name=name,
            text=rest.strip(),
        )

    def press(
        self,
        handle: str,
        label: str,
        languages: Callable[[Sent], Collection[str]] = lambda _sent: (),
        *,
        on: Sent | None = None,
    ) -> Event | None:
        """``handle`` presses the newest button labelled ``label`` that they can see (``on``:
        of that message): as shown, or in one of the ``languages`` that message could be read
        in (the chat's, theirs)."""
        wanted = label.casefold()
        for sent in reversed(self.sent):
            if not sent.visible_to(handle) or (on is not None and sent is not on):
                continue
            readable = languages(sent)
            for b in sent.buttons:
                names = [b.label, *(b.labels[lang] for lang in readable if lang in b.labels)]
                if any(name.casefold() == wanted for name in names):
                    chat = (
                        self.chat_ref(handle, True)
                        if sent.destination.is_dm
                        else self.chat_ref(handle, False)
                    )
                    return Action(
                        self.platform,
                        self.next_event_id(),
                        self.account(handle),
                        chat,
                        action=b.action,
                        value=b.value,
                        message_ref=sent.ref,
                    )
        return None

    def next_event_id(self) -> str:
        """Unique across runs too: a second console run on the same database is not a retry."""
        return f"{self._run}-{next(self._ids)}"


def _is_handle(name: str) -> bool:
    return all(c.isalnum() or c in "_.-" for c in name)
