"""One exception tree. User errors carry the text shown in chat; the runtime's error boundary
turns each into the answer described in DESIGN.md. A text that quotes what a person typed quotes
its :func:`excerpt`."""

from __future__ import annotations

from bot.i18n import Text, TextLike

QUOTED_MOST = 40  # characters of what a person typed that an answer quotes back


def excerpt(typed: object, most: int = QUOTED_MOST) -> str:
    """What a person typed, as an answer quotes it back (``'{value}' is not a number``): on one
    line, and at most ``most`` characters — the start, then "…". A 100 kB paste is answered
    with its first words, not with itself. Every text that repeats input goes through here.

    Example:
        >>> excerpt("  tomorrow   at noon ")
        'tomorrow at noon'
        >>> excerpt("x" * 100_000)
        'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…'
    """
    text = " ".join(str(typed).split())
    return text if len(text) <= most else text[: most - 1] + "…"


class DeskmateError(Exception):
    """Base of every error Deskmate raises on purpose."""


class UserError(DeskmateError):
    """An error caused by what a person typed or pressed; its text is shown to that person."""

    def __init__(self, text: TextLike) -> None:
        super().__init__(str(text))
        self.text = text


class UsageError(UserError):
    """A command's arguments did not parse. ``usage`` is filled in by the runtime."""

    def __init__(self, text: TextLike, usage: TextLike | None = None) -> None:
        super().__init__(text)
        self.usage = usage


class UnknownPerson(UsageError):
    """A mention names nobody the bot knows; the text says whom it may have meant."""


class PermissionDenied(UserError):
    """The person may not do this; the text says who may."""


class NotFound(UserError):
    """The thing named does not exist, or is not visible from here."""


class BadValue(ValueError):
    """Raised by a value parser (a date, a duration, ...) with what is expected and an example.

    The runtime wraps it into a :class:`UsageError` naming the argument.
    """

    def __init__(self, text: Text) -> None:
        super().__init__(text.msgid)
        self.text = text


class ConfigError(DeskmateError):
    """The configuration is invalid; ``problems`` lists each one with its key path and line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class RegistrationError(DeskmateError):
    """A skill declared something inconsistent (raised at start, never in chat)."""
