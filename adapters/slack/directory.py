"""Slack as a directory source: who each user is (name, e-mail, time zone, locale, deactivated),
from ``users.list`` a page at a time and from the ``user_change`` / ``team_join`` events, as the
core's neutral :class:`~bot.events.Profile` (see :mod:`bot.profiles` for what the core does
with them)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.events import Account, Profile

PLATFORM = "slack"
# users.list is Tier 2 (20+ calls a minute); Slack advises pages of at most 200 users. A large
# workspace's read waits out each 429 (its Retry-After) up to this many times in a row.
USERS_PAGE = 200
LIST_RETRIES = 10
SLACKBOT = "USLACKBOT"


def account_of(user_id: str, user: dict[str, Any]) -> Account:
    """The account as users.info / users.list describe a user."""
    profile = user.get("profile") or {}
    return Account(
        PLATFORM,
        user_id,
        name=profile.get("display_name") or user.get("real_name") or "",
        username=user.get("name"),
        timezone=user.get("tz"),
        language=user.get("locale"),
        email=confirmed_email(user),
    )


def confirmed_email(user: dict[str, Any]) -> str | None:
    """The user's e-mail (``users:read.email``) when it is verified: Slack says its owner
    confirmed it (``is_email_confirmed``) and they have joined (users.list lists invited users
    too, whose address nobody has confirmed). Any other address matches nobody."""
    if user.get("is_email_confirmed") is not True or user.get("is_invited_user"):
        return None
    return (user.get("profile") or {}).get("email") or None


def is_person(user_id: str, user: dict[str, Any]) -> bool:
    """Not a bot (Slackbot says it isn't one), not deactivated."""
    return not (is_bot(user_id, user) or user.get("deleted"))


def is_bot(user_id: str, user: dict[str, Any]) -> bool:
    return bool(user.get("is_bot")) or user_id == SLACKBOT


def profile_of(user: dict[str, Any]) -> Profile | None:
    """The profile of a user object (users.list, user_change, team_join); ``None`` for a bot."""
    user_id = str(user.get("id", ""))
    if not user_id or is_bot(user_id, user):
        return None
    active = not user.get("deleted")
    return Profile(account_of(user_id, user), email=confirmed_email(user), active=active)


async def users(reader: AsyncWebClient) -> AsyncIterator[dict[str, Any]]:
    """Every user of the workspace (deactivated ones included), a page at a time."""
    cursor = None
    while True:
        page = await reader.users_list(cursor=cursor, limit=USERS_PAGE, include_locale=True)
        listed: list[dict[str, Any]] = page.get("members", [])
        for user in listed:
            yield user
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return
