"""Forms a handler asked to open (``ctx.open_form``), opened once its transaction has committed,
where the platform can (a Slack modal on a slash command)."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from bot.adapter import Adapter
from bot.adapter import Forms as FormsCapability
from bot.clock import Clock
from bot.context import Reply
from bot.events import Command, Event
from bot.forms import Form, render_form
from bot.i18n import Translator, _
from bot.messages import Message
from bot.people import PersonRef
from bot.pipeline.replies import Replies

log = logging.getLogger(__name__)

_FORM_FAILED = Reply(
    Message(_("The form could not open — type the command with its fields instead (see /help).")),
    ephemeral=True,
    brief=True,
)


class FormOpener:
    def __init__(
        self,
        clock: Clock,
        translator: Translator,
        adapters: Mapping[str, Adapter],
        replies: Replies,
    ) -> None:
        self.clock = clock
        self.translator = translator
        self.adapters = adapters
        self.replies = replies  # to say a form could not open

    async def open(self, event: Event, sender: PersonRef | None, forms: list[Form]) -> None:
        adapter = self.adapters.get(event.platform)
        if not forms or sender is None or not isinstance(adapter, FormsCapability):
            return
        trigger = event.trigger if isinstance(event, Command) else None
        if trigger is None:
            return
        loc = sender.locale(self.clock.now())
        for form in forms:
            try:
                rendered = render_form(form, self.translator, loc)
                await adapter.open_form(trigger, event.chat, rendered)
            except Exception:
                log.exception("could not open a form for %s", event)
                await self.replies.send(event, sender, [_FORM_FAILED], None)
