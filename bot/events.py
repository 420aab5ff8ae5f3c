"""The neutral event model: what adapters hand to the runtime, whatever the platform."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from bot.forms import FormOutcome

ChatKind = Literal["group", "dm"]


@dataclass(frozen=True)
class Account:
    """A person's account on one platform, as the platform describes them."""

    platform: str
    id: str
    name: str = ""
    username: str | None = None
    timezone: str | None = None
    language: str | None = None
    email: str | None = None  # verified by the platform (Slack's, confirmed): see bot.matching


@dataclass(frozen=True)
class Profile:
    """Who an account is, as the platform's own directory says (Slack's ``users.list``): the
    directory updates the people it knows by it, and offboards those deactivated."""

    account: Account
    email: str | None = None
    active: bool = True  # False: deactivated on the platform, they left


@dataclass(frozen=True)
class ChatRef:
    """A conversation on one platform: a group chat/channel, or a DM with the bot."""

    platform: str
    id: str
    kind: ChatKind = "group"
    title: str = ""


@dataclass(frozen=True)
class Event:
    """Something that happened on a platform. ``event_id`` is unique per platform (retries
    and re-deliveries carry the same id, so the runtime handles each once)."""

    platform: str
    event_id: str
    sender: Account
    chat: ChatRef


@dataclass(frozen=True)
class Command(Event):
    """``/name text`` typed by the sender."""

    name: str = ""
    text: str = ""
    trigger: str | None = None  # where the platform can open a form now (Slack's trigger_id)


@dataclass(frozen=True)
class Action(Event):
    """A button pressed: ``action`` is ``"<skill>.<action>"``; ``message_ref`` is the card's."""

    action: str = ""
    value: str = ""
    message_ref: str | None = None


@dataclass(frozen=True)
class FormSubmitted(Event):
    """A form filled in and submitted: ``action`` is ``"<skill>.<form>"``, ``values`` the text of
    each field by name. The runtime writes problems into ``outcome`` for the adapter to show."""

    action: str = ""
    value: str = ""
    values: Mapping[str, str] = field(default_factory=dict)
    outcome: FormOutcome = field(default_factory=FormOutcome, compare=False)


@dataclass(frozen=True)
class ChatMessage(Event):
    """Plain text said in a chat the bot can read (not a command)."""

    text: str = ""


@dataclass(frozen=True)
class Membership(Event):
    """The sender joined (or left) the chat."""

    joined: bool = True


@dataclass(frozen=True)
class Location(Event):
    """A shared location (a field clock-in)."""

    latitude: float = 0.0
    longitude: float = 0.0
    live: bool = False
    extra: dict[str, str] = field(default_factory=dict)
