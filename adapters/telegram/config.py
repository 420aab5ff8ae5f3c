"""The Telegram adapter's section of the config (``adapters.telegram``) and its default rate
limits."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from bot.config import AdapterSettings, PlatformLimits, RateLimit, require

PLATFORM = "telegram"


class TelegramSettings(AdapterSettings):
    """The Telegram adapter, polling or behind a webhook."""

    token: str | None = None
    mode: Literal["polling", "webhook"] = "polling"
    base_url: str | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_host: str = "127.0.0.1"
    webhook_port: int = 8443
    bot_username: str | None = None
    # polling: restart the long poll when no getUpdates was answered for this long
    watchdog_seconds: Annotated[float, Field(gt=0)] = 60

    @model_validator(mode="after")
    def _check_tokens(self) -> TelegramSettings:
        if self.enabled:
            wanted = [("token", "when Telegram is enabled")]
            if self.mode == "webhook":
                wanted += [
                    ("webhook_url", "in webhook mode"),
                    ("webhook_secret", "in webhook mode"),
                ]
            require(self, wanted)
        return self


# Published limits: about 30 messages a second overall, about one a second per chat (PLATFORMS.md).
RATE_LIMITS = PlatformLimits(
    overall=RateLimit(per_second=30, burst=30), per_chat=RateLimit(per_second=1, burst=3)
)
