"""What a handler's transaction aims at and causes: a chat to notify (:class:`ChatTarget`), a chat's
members, the replies to send and the cards to edit once it commits (:class:`Effects`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.cards import CardEdit
from bot.forms import Form
from bot.i18n import Text
from bot.messages import Message
from bot.people import PersonRef


@dataclass(frozen=True)
class ChatTarget:
    """A chat to notify (as opposed to a person): its database id."""

    chat_id: int


class ChatMembers(list[PersonRef]):
    """The people of a chat the bot can reach (see :meth:`Context.members`), and how many
    members the platform counts in all (``total``, the bot itself aside) where it can't name them
    all: ``unreached`` are the others (on Telegram: people who never used the bot there)."""

    def __init__(self, people: Iterable[PersonRef] = (), *, total: int | None = None) -> None:
        super().__init__(people)
        self.total = max(total or 0, len(self))

    @property
    def unreached(self) -> int:
        return self.total - len(self)


@dataclass(frozen=True)
class Reply:
    """An answer to the sender (see :meth:`Context.reply`; where it goes:
    :mod:`bot.pipeline.replies`)."""

    message: Message
    ephemeral: bool = False  # for the sender alone (where the platform can't: their DM)
    card: str | None = None  # a live card of ``skill``
    skill: str = ""
    private: bool = False  # asked in a group: goes to the sender's DM
    # the core's own short answer about the sender's command (an error, "sent to you
    # privately"): it holds no data, so where the platform can't show it to the sender alone,
    # it answers in the chat
    brief: bool = False


@dataclass
class Effects:
    """What a transaction causes once it commits: replies, why notifications wait (told to the
    sender), and edits of live cards."""

    replies: list[Reply] = field(default_factory=list)
    notes: list[Text] = field(default_factory=list)
    edits: list[CardEdit] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)
