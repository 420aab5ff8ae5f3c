"""``deskmate doctor`` for Slack: the bot token (auth.test), the app token in socket mode
(apps.connections.open), against ``slack.api_url`` when set; Slack's clock from its answers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from adapters.slack import errors
from adapters.slack.config import SlackSettings
from bot.diagnosis import Finding, date_header


async def diagnose(config: SlackSettings) -> list[Finding]:
    async with aiohttp.ClientSession() as session:
        base: dict[str, Any] = {"session": session}
        if config.api_url:
            base["base_url"] = config.api_url
        bot = AsyncWebClient(token=config.bot_token, **base)
        found = [await _try("slack bot_token", bot.auth_test)]
        if config.mode == "socket":
            app = AsyncWebClient(token=config.app_token, **base)
            opened = await _try(
                "slack app_token",
                lambda: app.apps_connections_open(app_token=config.app_token or ""),
            )
            found.append(opened)
        else:
            where = f"http://{config.http_host}:{config.http_port}/slack/events"
            found.append(
                Finding(
                    "slack request URL",
                    "ok",
                    f"served on {where} (the app's Request URL must lead there)",
                )
            )
    return found


async def _try(name: str, call: Callable[[], Awaitable[AsyncSlackResponse]]) -> Finding:
    """One Web API call: what Slack said, and its clock."""
    try:
        answer = await call()
    except SlackApiError as exc:
        return Finding(name, "FAIL", f"Slack refused it: {errors.code(exc) or exc}")
    except (aiohttp.ClientError, OSError) as exc:
        return Finding(name, "FAIL", f"Slack cannot be reached ({type(exc).__name__}: {exc})")
    headers = {str(k).lower(): v for k, v in (answer.headers or {}).items()}
    detail = "accepted"
    if answer.get("team"):
        detail = f"accepted: workspace {answer.get('team')}, bot @{answer.get('user')}"
    return Finding(name, "ok", detail, platform_time=date_header(_first(headers.get("date"))))


def _first(value: Any) -> str | None:
    """A header's value (slack_sdk gives lists)."""
    if isinstance(value, list):
        value = value[0] if value else None
    return str(value) if value else None
