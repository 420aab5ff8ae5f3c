"""A parameter that is one of some values, each typed as itself or as its label as the reader
reads it: a flow's ``choice`` field, or a command's choice whose values have names."""

from __future__ import annotations

from collections.abc import Mapping

from bot.errors import BadValue, excerpt
from bot.i18n import Localized, Text, TextLike, _
from bot.parsing.converters import ParseEnv

Label = TextLike | Localized


class Choice:
    """Marks a ``str`` parameter as one of ``choices`` (value -> label). A value is typed as
    itself (any case), as its label in the reader's language, or, for a label an admin wrote
    per language (a :class:`~bot.Localized`), in any of its languages; the value is what the
    handler gets. A word that is none of them is answered with the values and their labels.

    Example:
        >>> kind: Annotated[str, Choice({"annual": _("Annual leave"), "sick": _("Sick leave")})]
    """

    def __init__(self, choices: Mapping[str, Label]) -> None:
        if not choices:
            raise ValueError("a Choice needs at least one value")
        self.choices: tuple[tuple[str, Label], ...] = tuple(choices.items())

    @property
    def placeholder(self) -> str:
        """How a usage shows it: ``annual|sick``."""
        return "|".join(value for value, _label in self.choices)

    def parse(self, text: str, env: ParseEnv) -> str:
        wanted = text.strip().casefold()
        for value, label in self.choices:
            if wanted == value.casefold() or wanted == _read(label, env).casefold():
                return value
            if isinstance(label, Localized) and label.matches(text):
                return value
        listed = [self._shown(value, label, env) for value, label in self.choices]
        raise BadValue(_("'{value}' is not one of {choices}", value=excerpt(text), choices=listed))

    @staticmethod
    def _shown(value: str, label: Label, env: ParseEnv) -> TextLike:
        if _read(label, env) == value:
            return Text("`{value}`", {"value": value})  # as typed
        shown = label.text() if isinstance(label, Localized) else label
        return _("`{value}` ({label})", value=value, label=shown)


def _read(label: Label, env: ParseEnv) -> str:
    return env.translate(label.text() if isinstance(label, Localized) else label)
