"""Telegram: the adapter (long polling or webhook, on python-telegram-bot)."""

from __future__ import annotations

import os

# python-telegram-bot 22 gives durations (RetryAfter.retry_after, Location.live_period) as
# timedeltas once this is set, and warns on every read otherwise: opt in before it is imported.
os.environ.setdefault("PTB_TIMEDELTA", "true")

from adapters.telegram.adapter import TelegramAdapter
from bot.config import Config


def create(config: Config) -> TelegramAdapter:
    """The adapter factory (entry point ``deskmate.adapters: telegram``)."""
    return TelegramAdapter(config.adapters.telegram)


__all__ = ["TelegramAdapter", "create"]
