"""Slack: the adapter (Socket Mode or HTTP mode, on slack-bolt) and ``deskmate slack manifest``."""

from __future__ import annotations

from adapters.slack.adapter import SlackAdapter
from bot.config import Config


def create(config: Config) -> SlackAdapter:
    """The adapter factory (entry point ``deskmate.adapters: slack``)."""
    return SlackAdapter(config.adapters.slack)


__all__ = ["SlackAdapter", "create"]
