"""The Slack adapter's section of the config (``adapters.slack``) and its default rate limits."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from bot.config import AdapterSettings, Duration, PlatformLimits, RateLimit, require

PLATFORM = "slack"


class SlackSettings(AdapterSettings):
    """The Slack adapter, in socket mode (``app_token``) or http mode (``signing_secret``)."""

    mode: Literal["socket", "http"] = "socket"
    bot_token: str | None = None
    app_token: str | None = None
    signing_secret: str | None = None
    api_url: str | None = None
    command_prefix: str = ""
    http_host: str = "127.0.0.1"
    http_port: int = 3000
    # socket mode: reconnect (fresh URL) when nothing (no event, no pong) came for this long
    watchdog_seconds: Annotated[float, Field(gt=0)] = 30
    # the workspace as a directory source: users.list read at start and this often (e.g. 6h),
    # user_change / team_join applied; off (null) by default
    directory_sync: Duration | None = None

    @model_validator(mode="after")
    def _check_tokens(self) -> SlackSettings:
        if self.enabled:
            wanted = [("bot_token", "when Slack is enabled")]
            if self.mode == "socket":
                wanted.append(("app_token", "in socket mode"))
            else:
                wanted.append(("signing_secret", "in http mode"))
            require(self, wanted)
        return self


# Published limits: chat.postMessage about one a second per channel, with short bursts
# (PLATFORMS.md).
RATE_LIMITS = PlatformLimits(
    overall=RateLimit(per_second=20, burst=20), per_chat=RateLimit(per_second=1, burst=3)
)
