"""Neutral messages that skills build and every adapter renders natively.

A :class:`Message` is a text (a small markdown subset), optional fields, up to three buttons per row
and optional files. Adapters render it as Slack Block Kit, Telegram HTML with an inline keyboard, or
console text with ``[Label]`` buttons.

Example:
    >>> Message(_("📋 Task #{id} {title}", id=12, title="Ship it"),
    ...         fields=[Field(_("Due"), due)],
    ...         buttons=[Button(_("Done"), "tasks.done", "12", style="primary")])
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

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
class Message:
    """What a skill says. ``context`` is a small footer line (ids, times)."""

    text: TextLike
    fields: list[Field] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)
    files: list[File] = field(default_factory=list)
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
        files=list(message.files),
        context=render(message.context, translator, loc) if message.context is not None else [],
    )


def _labels(button: Button, translator: Translator, loc: Locale) -> dict[str, str]:
    return {lang: translator(button.label, replace(loc, language=lang)) for lang in LANGUAGES}
