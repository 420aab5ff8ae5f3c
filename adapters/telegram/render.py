"""Neutral messages as Telegram HTML with an inline keyboard. Every piece of user text is escaped
(``<b>`` in a task title is shown, never rendered); markup comes only from translated templates;
people are ``tg://user`` links where they have a Telegram account."""

from __future__ import annotations

import html
from dataclasses import replace

from bot.markup import Span, Spans, plain_text, split_at_lines
from bot.messages import RenderedButton, RenderedMessage

TEXT_LIMIT = 4096
ALERT_LIMIT = 200  # characters of a callback query's answer
ROW = 3  # buttons per row of an inline keyboard


def _span(span: Span) -> str:
    if span.mention is not None:
        account = span.mention.accounts.get("telegram")
        name = html.escape(f"@{span.mention.name}")
        return f'<a href="tg://user?id={html.escape(account)}">{name}</a>' if account else name
    text = html.escape(span.text)
    if span.link:
        return f'<a href="{html.escape(span.link, quote=True)}">{text}</a>'
    if span.code:
        text = f"<code>{text}</code>"
    if span.bold:
        text = f"<b>{text}</b>"
    if span.italic:
        text = f"<i>{text}</i>"
    return text


def to_html(spans: Spans) -> str:
    return "".join(_span(s) for s in spans)


def text(message: RenderedMessage) -> str:
    """The body: text, ``<b>Label</b>: value`` fields, an italic context line. Telegram counts
    the text it shows, not the markup: a body whose visible text is over the limit is sent as
    that text alone, cut at the limit (never inside a tag or an escaped character)."""
    lines = [to_html(message.text)]
    lines += [f"<b>{html.escape(label)}</b>: {to_html(value)}" for label, value in message.fields]
    if message.context:
        lines.append(f"<i>{to_html(message.context)}</i>")
    body = "\n".join(line for line in lines if line) or html.escape(plain_text(message.text))
    shown = _shown(message)
    if _units(shown) <= TEXT_LIMIT:
        return body
    cut = shown
    while (over := _units(cut) - (TEXT_LIMIT - 1)) > 0:
        cut = cut[: len(cut) - max(1, over // 2)]
    return html.escape(cut, quote=False) + "…"


def _shown(message: RenderedMessage) -> str:
    """What Telegram counts of a message: its visible text, fields and context."""
    visible = [plain_text(message.text)]
    visible += [f"{label}: {plain_text(value)}" for label, value in message.fields]
    visible.append(plain_text(message.context))
    return "\n".join(line for line in visible if line)


def parts(message: RenderedMessage) -> list[RenderedMessage]:
    """A message too long for one (a long ``/help``), as messages sent one after the other: its
    text split where a line ends, each part under the limit; the fields, context, buttons and
    files go with the last part. A single line longer than the limit is cut (:func:`text`)."""
    if _units(_shown(message)) <= TEXT_LIMIT:
        return [message]
    tail = replace(message, text=[])
    chunks = split_at_lines(message.text, TEXT_LIMIT, lambda line: _units(plain_text(line)))
    chunks = [c for c in chunks if plain_text(c).strip()]  # Telegram refuses a blank message
    if not chunks:  # no text to split (long fields alone): one message, cut
        return [message]
    last = replace(tail, text=chunks[-1])
    if _units(_shown(last)) > TEXT_LIMIT and _shown(tail):  # the fields on their own
        return [*(_plain(c) for c in chunks), tail]
    return [*(_plain(c) for c in chunks[:-1]), last]


def _plain(text: Spans) -> RenderedMessage:
    return RenderedMessage(text=text, fields=[], buttons=[], files=[], context=[])


def _units(text: str) -> int:
    """Telegram's length of a text: UTF-16 code units (an emoji counts two)."""
    return len(text.encode("utf-16-le")) // 2


def alert(message: RenderedMessage) -> str | None:
    """A message as a button's alert, which shows plain text only: ``None`` if it has what an
    alert can't show (buttons, files, links) or is longer than Telegram takes."""
    spans = [*message.text, *(s for _label, value in message.fields for s in value)]
    spans += message.context
    if message.buttons or message.files or any(s.link for s in spans):
        return None
    lines = [plain_text(message.text)]
    lines += [f"{label}: {plain_text(value)}" for label, value in message.fields]
    lines.append(plain_text(message.context))
    text = "\n".join(line for line in lines if line)
    return text if len(text) <= ALERT_LIMIT else None


def toast(message: RenderedMessage) -> str:
    """A button's answer: the message as plain text (Telegram shows up to 200 characters)."""
    return plain_text(message.text)[:200]


def rows(buttons: list[RenderedButton]) -> list[list[RenderedButton]]:
    return [buttons[i : i + ROW] for i in range(0, len(buttons), ROW)]
