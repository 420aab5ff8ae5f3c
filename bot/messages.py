"""Neutral messages that skills build and every adapter renders natively.

A :class:`Message` is a text (a small markdown subset), optional fields, up to three buttons per row
and optional files (a :class:`File` as it is, or a :class:`Table` written as CSV in each reader's
language). Adapters render it as Slack Block Kit, Telegram HTML with an inline keyboard, or
console text with ``[Label]`` buttons.

Example:
    >>> Message(_("📋 Task #{id} {title}", id=12, title="Ship it"),
    ...         fields=[Field(_("Due"), due)],
    ...         buttons=[Button(_("Done"), "tasks.done", "12", style="primary")])
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from bot.csvfile import csv_bytes
from bot.i18n import LANGUAGES, Locale, Text, TextLike, Translator
from bot.markup import Spans, render

ButtonStyle = Literal["default", "primary", "danger"]


@dataclass(frozen=True)
class Button:
    """A button: ``action`` is ``"<skill>.<action>"``, ``value`` is passed to the action handler."""

    label: TextLike
    action: str
    value: str = ""
    style: ButtonStyle = "default"


@dataclass(frozen=True)
class Field:
    """A labelled value shown under the text (``Due: Fri 28 Nov 18:00``)."""

    label: TextLike
    value: Any


@dataclass(frozen=True)
class File:
    """A file to attach: a CSV report, a PNG chart."""

    name: str
    content: bytes
    mime: str = "application/octet-stream"


@dataclass(frozen=True)
class Table:
    """A CSV file written for each reader, like the text around it: its name, its columns and
    every :class:`Text` cell (the bot's words: a state, a status) in the reader's language; the
    other cells as they are (numbers, ISO dates, what people typed). UTF-8 with a BOM, cells
    that would start a formula kept as text (:mod:`bot.csvfile`).

    Example:
        >>> Table(_("tasks.csv"), [_("id"), _("status")], [[12, _("done")], [13, _("open")]])
    """

    name: TextLike
    columns: Sequence[TextLike]
    rows: Sequence[Sequence[Any]]


@dataclass(frozen=True)
class Message:
    """What a skill says. ``context`` is a small footer line (ids, times)."""

    text: TextLike
    fields: list[Field] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)
    files: list[File | Table] = field(default_factory=list)
    context: TextLike | None = None


MessageLike = Message | Text | str


def as_message(message: MessageLike) -> Message:
    return message if isinstance(message, Message) else Message(message)


@dataclass(frozen=True)
class RenderedButton:
    label: str
    action: str
    value: str
    style: ButtonStyle
    labels: Mapping[str, str] = field(default_factory=dict)
    """The label in every language (``{"en": "Start", "zh": "开始"}``): where buttons are
    pressed by typing their label (the console), each reader may type it in theirs."""


@dataclass(frozen=True)
class RenderedMessage:
    """A message rendered for one reader; what adapters receive."""

    text: Spans
    fields: list[tuple[str, Spans]]
    buttons: list[RenderedButton]
    files: list[File]
    context: Spans


def render_message(message: Message, translator: Translator, loc: Locale) -> RenderedMessage:
    """Render every text of ``message`` in the reader's language and time zone."""

    def plain(text: TextLike) -> str:
        return translator(text, loc)

    def value_spans(value: Any) -> Spans:
        if isinstance(value, Text | str):
            return render(value, translator, loc)
        return render(Text("{v}", {"v": value}), translator, loc)

    return RenderedMessage(
        text=render(message.text, translator, loc),
        fields=[(plain(f.label), value_spans(f.value)) for f in message.fields],
        buttons=[
            RenderedButton(plain(b.label), b.action, b.value, b.style, _labels(b, translator, loc))
            for b in message.buttons
        ],
        files=[_file(f, plain) for f in message.files],
        context=render(message.context, translator, loc) if message.context is not None else [],
    )


def _file(file: File | Table, plain: Callable[[TextLike], str]) -> File:
    if isinstance(file, File):
        return file
    words: dict[int, str] = {}  # a table repeats its few words: each is rendered once

    def cell(value: Any) -> Any:
        if not isinstance(value, Text):
            return value
        if id(value) not in words:
            words[id(value)] = plain(value)
        return words[id(value)]

    rows = ([cell(v) for v in row] for row in file.rows)
    return File(plain(file.name), csv_bytes([plain(c) for c in file.columns], rows), "text/csv")


def _labels(button: Button, translator: Translator, loc: Locale) -> dict[str, str]:
    return {lang: translator(button.label, replace(loc, language=lang)) for lang in LANGUAGES}
