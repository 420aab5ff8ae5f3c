"""``deskmate doctor`` for Telegram: the token (getMe) and the webhook (getWebhookInfo), against
``telegram.base_url`` when set; Telegram's clock from its answers. The token stays out of every
line printed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiohttp

from adapters.telegram.config import TelegramSettings
from bot.diagnosis import Finding, date_header


async def diagnose(config: TelegramSettings) -> list[Finding]:
    base = (config.base_url or "https://api.telegram.org").rstrip("/")
    async with aiohttp.ClientSession() as session:
        try:
            me, date = await _call(session, base, config.token or "", "getMe")
            hook, _date = await _call(session, base, config.token or "", "getWebhookInfo")
        except (aiohttp.ClientError, OSError, ValueError) as exc:
            reason = f"{base} cannot be reached ({type(exc).__name__})"
            return [Finding("telegram token", "FAIL", reason)]
    if not me.get("ok"):
        said = me.get("description") or "refused"
        return [Finding("telegram token", "FAIL", f"getMe: {said}")]
    who = (me.get("result") or {}).get("username", "?")
    found = Finding("telegram token", "ok", f"accepted: @{who}", platform_time=date)
    return [found, _webhook(config, hook.get("result") or {})]


async def _call(
    session: aiohttp.ClientSession, base: str, token: str, method: str
) -> tuple[dict[str, Any], datetime | None]:
    """A Bot API call for the doctor (the token stays out of every message)."""
    async with session.post(f"{base}/bot{token}/{method}") as response:
        answer: dict[str, Any] = await response.json(content_type=None)
        return answer, date_header(response.headers.get("Date"))


def _webhook(config: TelegramSettings, info: dict[str, Any]) -> Finding:
    """Webhook mode: an https URL, set where Telegram calls; polling: no webhook in the way."""
    now_set = str(info.get("url") or "")
    if config.mode == "polling":
        if now_set:
            return Finding("telegram webhook", "warn", f"{now_set} is set: polling removes it")
        return Finding("telegram webhook", "ok", "none set (polling)")
    wanted = config.webhook_url or ""
    if not wanted.startswith("https://"):
        return Finding("telegram webhook", "FAIL", f"{wanted}: Telegram calls https URLs only")
    if now_set != wanted:
        shown = now_set or "none"
        return Finding("telegram webhook", "warn", f"set: {shown}; deskmate run sets {wanted}")
    if info.get("last_error_message"):
        error = info["last_error_message"]
        return Finding("telegram webhook", "warn", f"{wanted}: Telegram's last try failed: {error}")
    return Finding("telegram webhook", "ok", f"set: {wanted}")
