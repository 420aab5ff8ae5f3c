"""Telegram: the adapter (long polling or webhook, on python-telegram-bot).

The spec names the settings model and the rate limits from :mod:`adapters.telegram.config`,
which does not import python-telegram-bot: checking a config never loads it (≈15 MB and a few
tenths of a second). It loads when an adapter is made (``create``) or ``TelegramAdapter`` is
imported.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

# python-telegram-bot 22 gives durations (RetryAfter.retry_after, Location.live_period) as
# timedeltas once this is set, and warns on every read otherwise: opt in before it is imported
# (every import of it goes through this package first).
os.environ.setdefault("PTB_TIMEDELTA", "true")

from adapters.telegram.config import PLATFORM, RATE_LIMITS, TelegramSettings
from bot.adapter import Adapter, AdapterSpec

if TYPE_CHECKING:
    from adapters.telegram.adapter import TelegramAdapter


def create(settings: TelegramSettings) -> Adapter:
    """The Telegram adapter for its section of the config."""
    from adapters.telegram.adapter import TelegramAdapter

    return TelegramAdapter(settings)


spec = AdapterSpec(
    platform=PLATFORM,
    config=TelegramSettings,
    rate_limits=RATE_LIMITS,
    create=create,
    chat_example="-1001234567890",
)
"""Telegram (entry point ``deskmate.adapters: telegram``)."""


def __getattr__(name: str) -> Any:
    """``TelegramAdapter``, imported (with python-telegram-bot) when it is first asked for."""
    if name == "TelegramAdapter":
        from adapters.telegram.adapter import TelegramAdapter

        return TelegramAdapter
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["TelegramAdapter", "TelegramSettings", "spec"]
