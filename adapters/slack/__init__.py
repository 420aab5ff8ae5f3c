"""Slack: the adapter (Socket Mode or HTTP mode, on slack-bolt) and ``deskmate slack manifest``.

The spec names the settings model and the rate limits from :mod:`adapters.slack.config`, which
imports neither slack_bolt nor slack_sdk: checking a config never loads them (≈40 MB and a few
tenths of a second). They load when an adapter is made (``create``) or ``SlackAdapter`` is
imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from adapters.slack.config import PLATFORM, RATE_LIMITS, SlackSettings
from bot.adapter import Adapter, AdapterSpec

if TYPE_CHECKING:
    from adapters.slack.adapter import SlackAdapter


def create(settings: SlackSettings) -> Adapter:
    """The Slack adapter for its section of the config."""
    from adapters.slack.adapter import SlackAdapter

    return SlackAdapter(settings)


spec = AdapterSpec(
    platform=PLATFORM,
    config=SlackSettings,
    rate_limits=RATE_LIMITS,
    create=create,
    chat_example="C024BE91L",
)
"""Slack (entry point ``deskmate.adapters: slack``)."""


def __getattr__(name: str) -> Any:
    """``SlackAdapter``, imported (with slack_bolt) when it is first asked for."""
    if name == "SlackAdapter":
        from adapters.slack.adapter import SlackAdapter

        return SlackAdapter
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["SlackAdapter", "SlackSettings", "spec"]
