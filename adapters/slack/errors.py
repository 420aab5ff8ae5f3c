"""What Slack's Web API said when it refused a call."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError


def code(exc: SlackApiError) -> str:
    """Slack's error code (``channel_not_found``, ``ratelimited``…); "" when it gave none."""
    return str(exc.response.get("error", "")) if exc.response is not None else ""
