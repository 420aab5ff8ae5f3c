"""Telegram: the adapter (long polling or webhook, on python-telegram-bot)."""

from __future__ import annotations

import os

# python-telegram-bot 22 gives durations (RetryAfter.retry_after, Location.live_period) as
# timedeltas once this is set, and warns on every read otherwise: opt in before it is imported.
os.environ.setdefault("PTB_TIMEDELTA", "true")

from adapters.telegram.adapter import PLATFORM, TelegramAdapter
from adapters.telegram.config import RATE_LIMITS, TelegramSettings
from bot.adapter import AdapterSpec

spec = AdapterSpec(
    platform=PLATFORM,
    config=TelegramSettings,
    rate_limits=RATE_LIMITS,
    create=TelegramAdapter,
    chat_example="-1001234567890",
)
"""Telegram (entry point ``deskmate.adapters: telegram``)."""

__all__ = ["TelegramAdapter", "TelegramSettings", "spec"]
