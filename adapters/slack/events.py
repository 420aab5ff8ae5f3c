"""Slack payloads as neutral events: slash commands, button presses, mentions and DMs."""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from typing import Any
from urllib.parse import parse_qsl

from adapters.slack import forms
from bot.events import Account, Action, ChatRef, Command, Event, FormSubmitted

PLATFORM = "slack"
HOST = "deskmate"  # /deskmate <command> reaches commands that have no Slack command of their own
_MENTION_AT_START = re.compile(r"^\s*<@[A-Z0-9]+(?:\|[^>]*)?>\s*")


def chat_of(channel_id: str, title: str = "") -> ChatRef:
    if channel_id.startswith("D"):
        return ChatRef(PLATFORM, channel_id, "dm", title)
    return ChatRef(PLATFORM, channel_id, "group", title)


def slash_command(body: str, content_type: str) -> dict[str, str] | None:
    """A request's body as Bolt gives a slash command's to its listener (its form's fields);
    ``None`` when it is not a slash command (a button's ``payload``, an event, Slack's
    ``ssl_check``)."""
    if content_type != "application/x-www-form-urlencoded":
        return None
    fields = dict(parse_qsl(body, keep_blank_values=True))
    if "payload" in fields or "ssl_check" in fields:
        return None
    name = fields.get("command", "")
    return fields if name.startswith("/") and len(name) > 1 else None


def command(
    body: dict[str, Any], account: Account, prefix: str, known: AbstractSet[str]
) -> Command:
    """``/dm-task add x`` with prefix ``dm-`` -> Command(name="task", text="add x");
    ``/deskmate help task`` -> the ``help`` command (``/deskmate`` alone: help)."""
    name = str(body.get("command", "")).lstrip("/")
    if prefix and name.startswith(prefix):
        name = name[len(prefix) :]
    text = str(body.get("text", "")).strip()
    if name == HOST:
        words = text.split(None, 1)
        if not words:
            name, text = "help", ""
        elif words[0].lower() in known - {HOST}:
            name, text = words[0].lower(), words[1] if len(words) > 1 else ""
    return Command(
        PLATFORM,
        f"cmd-{body.get('trigger_id') or body.get('command_ts', '')}",
        account,
        chat_of(str(body.get("channel_id", "")), str(body.get("channel_name", ""))),
        name=name,
        text=text,
        trigger=str(body["trigger_id"]) if body.get("trigger_id") else None,
    )


def form_submitted(body: dict[str, Any], account: Account) -> FormSubmitted:
    """A modal's ``view_submission``: the handler and chat from where it was opened."""
    view = body.get("view") or {}
    action, value, chat = forms.origin(view)
    return FormSubmitted(
        PLATFORM,
        f"view-{view.get('id', '')}-{view.get('hash', '')}",
        account,
        chat,
        action=action,
        value=value,
        values=forms.values(view),
    )


def action(body: dict[str, Any], account: Account) -> Action:
    pressed = body["actions"][0]
    container = body.get("container") or {}
    channel = (body.get("channel") or {}).get("id") or container.get("channel_id", "")
    ts = (body.get("message") or {}).get("ts") or body.get("container", {}).get("message_ts", "")
    name = str(pressed.get("action_id", "")).split("#")[0]
    event_id = f"act-{body.get('trigger_id') or pressed.get('action_ts')}"
    return Action(
        PLATFORM,
        event_id,
        account,
        chat_of(str(channel)),
        action=name,
        value=str(pressed.get("value", "")),
        message_ref=f"{channel}|{ts}",
    )


def typed_command(body: dict[str, Any], account: Account, known: AbstractSet[str]) -> Event | None:
    """``@Deskmate task add …`` in a channel, or ``task add …`` in a DM, as a command."""
    event = body.get("event", {})
    text = _MENTION_AT_START.sub("", str(event.get("text", ""))).strip().lstrip("/")
    words = text.split(None, 1)
    if not words or words[0].lower() not in known:
        return None
    return Command(
        PLATFORM,
        f"evt-{body.get('event_id')}",
        account,
        chat_of(str(event.get("channel", ""))),
        name=words[0].lower(),
        text=words[1] if len(words) > 1 else "",
    )
