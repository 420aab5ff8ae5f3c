"""The error boundary: every error of an event ends here, as an answer to the sender. Usage errors
answer with the usage, refusals say who may, a form's problems go back beside its fields, and
anything else answers "something went wrong (ref XXXX)" and logs the traceback under that
reference."""

from __future__ import annotations

import logging
import secrets

from bot.clock import Clock
from bot.context import Reply
from bot.errors import UsageError, UserError
from bot.events import Event, FormSubmitted
from bot.forms import FormInvalid
from bot.i18n import Text, TextLike, Translator, _
from bot.markup import Lines
from bot.messages import Message
from bot.people import PersonRef

log = logging.getLogger(__name__)


class Boundary:
    def __init__(self, clock: Clock, translator: Translator) -> None:
        self.clock = clock
        self.translator = translator  # a form's problems are rendered for the adapter

    def failed(self, event: Event, sender: PersonRef | None, exc: Exception) -> list[Reply]:
        """The answer to an event that failed."""
        if isinstance(exc, FormInvalid):
            return self._form_problems(event, sender, exc)
        if isinstance(exc, UserError):
            return [Reply(Message(_error_text(exc)), ephemeral=True, brief=True)]
        ref = secrets.token_hex(3).upper()
        log.error("unexpected error handling %s (ref %s)", event, ref, exc_info=exc)
        text = _(
            "Something went wrong (ref {ref}). Nothing was changed; please try again "
            "or tell an admin the ref.",
            ref=ref,
        )
        return [Reply(Message(text), ephemeral=True, brief=True)]

    def _form_problems(
        self, event: Event, sender: PersonRef | None, exc: FormInvalid
    ) -> list[Reply]:
        """Problems of a submitted form go back beside its fields (the adapter shows them);
        raised anywhere else, they are an answer like any other error."""
        if not isinstance(event, FormSubmitted) or sender is None:
            lines = Text("{lines}", {"lines": Lines([exc.text, *exc.problems.values()])})
            return [Reply(Message(lines), ephemeral=True, brief=True)]
        loc = sender.locale(self.clock.now())
        for name, text in exc.problems.items():
            event.outcome.problems[name] = self.translator(text, loc)
        return []


def _error_text(exc: UserError) -> TextLike:
    if isinstance(exc, UsageError) and exc.usage:
        return _("{problem}\nUsage: {usage}", problem=exc.text, usage=exc.usage)
    return exc.text
