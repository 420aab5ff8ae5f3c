"""Telegram: the adapter (long polling or webhook, on python-telegram-bot)."""

from __future__ import annotations

from adapters.telegram.adapter import TelegramAdapter
from bot.config import Config


def create(config: Config) -> TelegramAdapter:
    """The adapter factory (entry point ``deskmate.adapters: telegram``)."""
    return TelegramAdapter(config.adapters.telegram)


__all__ = ["TelegramAdapter", "create"]
