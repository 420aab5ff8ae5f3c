"""Neutral messages as Slack Block Kit: a section with the text and fields, a context line, and an
actions block with the buttons. User text is escaped (``&``, ``<``, ``>``); markup comes only from
the translated templates; people are ``<@U…>`` mentions where they have a Slack account."""

from __future__ import annotations

from typing import Any

from bot.markup import Span, Spans, plain_text, split_at_lines
from bot.messages import RenderedMessage

SECTION_LIMIT = 3000
FIELD_LIMIT = 2000
BUTTON_LABEL_LIMIT = 75
MAX_FIELDS = 10


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _span(span: Span) -> str:
    if span.mention is not None:
        account = span.mention.accounts.get("slack")
        return f"<@{account}>" if account else escape(f"@{span.mention.name}")
    text = escape(span.text)
    if span.link:
        return f"<{span.link}|{text}>"
    if not text.strip():
        return text
    if span.code:
        text = f"`{text}`"
    if span.bold:
        text = f"*{text}*"
    if span.italic:
        text = f"_{text}_"
    return text


def mrkdwn(spans: Spans) -> str:
    return "".join(_span(s) for s in spans)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _sections(spans: Spans) -> list[str]:
    """The text as sections of at most SECTION_LIMIT characters, split where lines end (a long
    ``/help``); only a single line over the limit is cut."""
    whole = mrkdwn(spans)
    if len(whole) <= SECTION_LIMIT:  # nearly every message
        return [whole or " "]
    chunks = split_at_lines(spans, SECTION_LIMIT, lambda line: len(mrkdwn(line)))
    return [_cut(mrkdwn(chunk) or " ", SECTION_LIMIT) for chunk in chunks]


def blocks(message: RenderedMessage) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": text}}
        for text in _sections(message.text)
    ]
    section = out[-1]  # the fields go under the text
    if message.fields:
        section["fields"] = [
            {"type": "mrkdwn", "text": _cut(f"*{escape(label)}*\n{mrkdwn(value)}", FIELD_LIMIT)}
            for label, value in message.fields[:MAX_FIELDS]
        ]
    if message.context:
        out.append(
            {
                "type": "context",
                "elements": [
                    {"type": "mrkdwn", "text": _cut(mrkdwn(message.context), FIELD_LIMIT)}
                ],
            }
        )
    if message.buttons:
        out.append(
            {"type": "actions", "elements": [_button(b, i) for i, b in enumerate(message.buttons)]}
        )
    return out


def _button(button: Any, index: int) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": _cut(button.label, BUTTON_LABEL_LIMIT)},
        "action_id": f"{button.action}#{index}",  # unique within the block
        "value": button.value,
    }
    if button.style in ("primary", "danger"):
        element["style"] = button.style
    return element


def fallback(message: RenderedMessage) -> str:
    """The notification text (push previews, screen readers)."""
    return _cut(escape(plain_text(message.text)), SECTION_LIMIT)
