"""Replies: the answers to an event, sent to the person who caused it once its transaction has
committed.

Where each answer goes is decided by what the adapter can do (its capabilities, never its name):

- an answer for the chat goes to the chat, as the answer to the event;
- an ``ephemeral`` one (for the sender alone) is shown to them alone where the platform can: an
  :class:`~bot.adapter.Ephemeral` message (Slack, the console), or, on a button press, the
  press's own answer (:class:`~bot.adapter.PressAnswers`: Telegram's alert);
- ``private`` answers (other people's data), and ephemeral ones the platform can't show to one
  person, asked in a group go to the sender's DM, and the group is told "📬 Sent to you
  privately."; a DM the platform won't open gets a note with a link to open it, never the answer;
- the core's ``brief`` answers about the sender's own command (an error, that note) hold no data:
  where the platform can't show them to the sender alone, they answer in the chat.

A send the platform refuses for now (a 429, a hiccup) goes through the outbox, due when the
platform said to come back, so it arrives once and after the ban. Answers for the sender alone
in a group are not worth a retry.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.adapter import Adapter, DeliveryFailed, Destination, DmInvite, Ephemeral, PressAnswers
from bot.cards import CardEditor
from bot.clock import Clock
from bot.config import OrgConfig
from bot.context import ChatTarget, Reply
from bot.delivery import Delivery
from bot.events import Action, Event
from bot.i18n import Locale, Translator, _
from bot.markup import Link
from bot.messages import Message, RenderedMessage, render_message
from bot.people import PersonRef
from storage import Database

log = logging.getLogger(__name__)

SENT_PRIVATELY = Reply(Message(_("📬 Sent to you privately.")), ephemeral=True, brief=True)


@dataclass(frozen=True)
class _Asker:
    """Who the replies answer, where, and through which adapter."""

    event: Event
    person: PersonRef | None
    chat_id: int | None  # the chat's database id
    adapter: Adapter
    locale: Locale  # the sender's
    group: Locale  # everyone's in the chat: its language (in a DM, the sender's)

    @property
    def here(self) -> Destination:
        return Destination(self.event.platform, chat_id=self.event.chat.id)

    @property
    def dm(self) -> Destination:
        return Destination(self.event.platform, account_id=self.event.sender.id)

    @property
    def in_group(self) -> bool:
        return self.event.chat.kind == "group"


def _reader(asker: _Asker, reply: Reply) -> Locale:
    """Whose language a reply is in: the group's when posted there for everyone; the sender's
    when only they see it (an ephemeral answer, a private one in their DM)."""
    for_everyone = not reply.ephemeral and not (reply.private and asker.in_group)
    return asker.group if for_everyone else asker.locale


class Replies:
    """Sends an event's replies where they belong (see the module's docstring)."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        translator: Translator,
        adapters: Mapping[str, Adapter],
        delivery: Delivery,
        cards: CardEditor,
        org: OrgConfig,
    ) -> None:
        self.db = db
        self.clock = clock
        self.translator = translator
        self.adapters = adapters
        self.delivery = delivery  # replies that could not go now go through the outbox
        self.cards = cards
        self.org = org  # whose language an answer to no one known is in

    async def send(
        self,
        event: Event,
        sender: PersonRef | None,
        replies: list[Reply],
        chat_id: int | None,
        chat_language: str | None = None,
    ) -> None:
        """``chat_language``: what everyone in the group reads (``None`` in a DM)."""
        adapter = self.adapters.get(event.platform)
        if adapter is None or not replies:
            return
        now = self.clock.now()
        org = Locale(self.org.language, ZoneInfo(self.org.timezone), now)
        locale = sender.locale(now) if sender else org
        group = replace(locale, language=chat_language) if chat_language else locale
        asker = _Asker(event, sender, chat_id, adapter, locale, group)
        for reply in replies:
            await self._send(asker, reply)

    async def _send(self, asker: _Asker, reply: Reply) -> None:
        rendered = render_message(reply.message, self.translator, _reader(asker, reply))
        if reply.private and asker.in_group:
            await self._to_dm(asker, reply, rendered)
        elif not reply.ephemeral:
            await self._in_chat(asker, reply, rendered)
        elif not await self._to_sender_alone(asker, rendered):
            if asker.in_group and not reply.brief:
                await self._to_dm(asker, reply, rendered)
            else:  # in a DM only the sender sees it anyway; a brief answer holds no data
                await self._in_chat(asker, reply, rendered)

    async def _in_chat(self, asker: _Asker, reply: Reply, rendered: RenderedMessage) -> None:
        try:
            ref = await asker.adapter.send(asker.here, rendered, reply_to=asker.event.event_id)
        except Exception as exc:
            if reply.brief or asker.chat_id is None:
                log.warning("could not answer %s: %s", asker.event, exc)
                return
            await self._later(asker, reply, ChatTarget(asker.chat_id), exc)
            return
        if reply.card is not None and not reply.ephemeral:
            locale = _reader(asker, reply)
            await self.cards.remember(reply.skill, reply.card, asker.here, ref, locale)

    async def _to_sender_alone(self, asker: _Asker, rendered: RenderedMessage) -> bool:
        """Shown to the sender alone, where the platform can: whether it was."""
        adapter, event = asker.adapter, asker.event
        if isinstance(adapter, Ephemeral):
            try:
                await adapter.send_ephemeral(
                    asker.here, event.sender.id, rendered, reply_to=event.event_id
                )
            except Exception as exc:  # an answer for the sender alone is not worth a retry
                log.warning("could not answer %s privately: %s", event, exc)
            return True
        if isinstance(event, Action) and isinstance(adapter, PressAnswers):
            return await adapter.answer_press(event.event_id, rendered)
        return False

    async def _to_dm(self, asker: _Asker, reply: Reply, rendered: RenderedMessage) -> None:
        """To the sender's DM, and the chat is told so. A DM the platform won't open gets a
        note on how to open it in the chat instead, never the answer."""
        try:
            ref = await asker.adapter.send(asker.dm, rendered)
        except Exception as exc:
            if isinstance(exc, DeliveryFailed) and exc.permanent:
                log.info("could not answer %s in private: %s", asker.event, exc)
                await self._send(asker, self._dm_closed(asker.adapter))
                return
            if asker.person is None:
                log.warning("could not answer %s in private: %s", asker.event, exc)
                return
            await self._later(asker, reply, asker.person, exc)
        else:
            if reply.card is not None:
                await self.cards.remember(reply.skill, reply.card, asker.dm, ref, asker.locale)
        await self._send(asker, SENT_PRIVATELY)

    def _dm_closed(self, adapter: Adapter) -> Reply:
        if isinstance(adapter, DmInvite):
            link = adapter.dm_invite()
            text = _(
                "I can't message you privately yet — open {link} and press Start, then ask again.",
                link=Link(link, link),
            )
        else:
            text = _(
                "I can't message you privately — write to me in private first, then ask again."
            )
        return Reply(Message(text), ephemeral=True, brief=True)

    async def _later(
        self, asker: _Asker, reply: Reply, to: PersonRef | ChatTarget, exc: Exception
    ) -> None:
        """Through the outbox, not before the platform said to come back (a 429's Retry-After);
        a permanent refusal (blocked, gone) is only logged. A reply to a person's DM carries no
        chat it came from, so a DM found closed later never shows the answer in the chat."""
        if isinstance(exc, DeliveryFailed) and exc.permanent:
            log.warning("could not answer %s: %s", asker.event, exc)
            return
        wait = exc.retry_after if isinstance(exc, DeliveryFailed) else None
        async with self.db.transaction() as session:
            await self.delivery.enqueue(
                session,
                to,
                reply.message,
                skill=reply.skill,
                sender=to if isinstance(to, PersonRef) else None,
                platform=asker.event.platform,
                card=reply.card,
                not_before=self.clock.now() + timedelta(seconds=wait or 0),
            )
        if not wait:  # else the periodic tick sends it once it is due
            self.delivery.kick()
