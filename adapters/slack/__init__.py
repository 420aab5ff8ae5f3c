"""Slack: the adapter (Socket Mode or HTTP mode, on slack-bolt) and ``deskmate slack manifest``."""

from __future__ import annotations

from adapters.slack.adapter import PLATFORM, SlackAdapter
from adapters.slack.config import RATE_LIMITS, SlackSettings
from bot.adapter import AdapterSpec

spec = AdapterSpec(
    platform=PLATFORM,
    config=SlackSettings,
    rate_limits=RATE_LIMITS,
    create=SlackAdapter,
    chat_example="C024BE91L",
)
"""Slack (entry point ``deskmate.adapters: slack``)."""

__all__ = ["SlackAdapter", "SlackSettings", "spec"]
