"""Who Slack users are: ``users.info`` once per user (what Slack said is kept for the process),
and ``users.list`` pages when many are wanted at once — a big channel's members (a notice's
audience), or a team's first ``/in`` at nine, whose commands are all acked before any is handled.

``users.info`` is Tier 4 on Slack (about 100 calls a minute, bursts allowed): a few at a time,
and a 429 waits out its Retry-After (twice at most) before failing. ``users.list`` is Tier 2
(about 20 a minute) but brings ``USERS_PAGE`` users a page.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import errors
from adapters.slack.directory import account_of, is_person
from bot.events import Account

log = logging.getLogger(__name__)

LOOKUPS_AT_ONCE = 8
# more users than this to look up at once: users.list pages rather than one users.info each; at
# most one page per USERS_PER_PAGE_READ of them (a huge workspace is not read whole for a few)
USERS_LIST_ABOVE = 50
USERS_PAGE = 200
USERS_PER_PAGE_READ = 10
NO_SUCH_USER = {"user_not_found", "account_inactive", "user_disabled"}


class Users:
    """The users this process has looked up, and the lookups under way. ``reader`` is the Web
    API client that waits out rate limits (set when the adapter starts)."""

    def __init__(self, platform: str) -> None:
        self.platform = platform
        self.reader: AsyncWebClient | None = None
        self._known: dict[str, tuple[Account, bool]] = {}  # the account; whether a person
        self._lookups = asyncio.Semaphore(LOOKUPS_AT_ONCE)
        # users whose requests were acked and wait to be handled, not looked up yet
        self._strangers: set[str] = set()
        self._listing: asyncio.Future[None] | None = None  # a users.list read for many of them
        self._listing_for: set[str] = set()
        self._cursor: str | None = None  # where that read stopped: the next one goes on there

    def remember(self, user: dict[str, Any]) -> None:
        """What Slack says of a user (users.list, ``user_change``): kept, replacing the old."""
        user_id = str(user.get("id", ""))
        self._known[user_id] = (account_of(user_id, user), is_person(user_id, user))

    def expect(self, user_id: str) -> None:
        """A request of ``user_id`` was acked and will be handled soon: while many strangers
        wait, they are read from users.list together."""
        if user_id and user_id not in self._known:
            self._strangers.add(user_id)

    async def account(self, user_id: str) -> Account:
        """Who a user is: name, time zone and language; just the id when Slack can't say now."""
        try:
            return (await self._user(user_id))[0]
        except (SlackApiError, TimeoutError, OSError, aiohttp.ClientError) as failed:
            log.warning("users.info failed for %s: %s", user_id, failed)
            return Account(self.platform, user_id)

    async def people(self, account_ids: Sequence[str]) -> list[Account]:
        """The people among these users (a channel's members): bots, deactivated and unknown
        accounts left out. Each is looked up once by this process, a few at a time, or the
        workspace's list read when there are many; a rate limit is waited out, any other
        failure raised."""
        strangers = [u for u in dict.fromkeys(account_ids) if u not in self._known]
        if len(strangers) > USERS_LIST_ABOVE:
            await self._read_list(set(strangers), None)
        try:
            async with asyncio.TaskGroup() as group:
                tasks = [group.create_task(self._user(user)) for user in account_ids]
        except ExceptionGroup as failed:  # the others were cancelled: say why the first failed
            raise failed.exceptions[0] from None
        return [account for account, person in (t.result() for t in tasks) if person]

    async def stop(self) -> None:
        if self._listing is not None and not self._listing.done():
            self._listing.cancel()
            with contextlib.suppress(BaseException):
                await self._listing

    async def _user(self, user_id: str) -> tuple[Account, bool]:
        """users.info, once: the account, and whether it is a person (users.list first while
        many strangers wait)."""
        if user_id not in self._known:
            await self._with_the_others(user_id)
        self._strangers.discard(user_id)
        known = self._known.get(user_id)
        if known is not None:
            return known
        assert self.reader is not None
        try:
            async with self._lookups:
                user = (await self.reader.users_info(user=user_id, include_locale=True))["user"]
        except SlackApiError as exc:
            error = errors.code(exc)
            if error not in NO_SUCH_USER:
                raise
            log.warning("users.info: %s is %s", user_id, error)
            found = (Account(self.platform, user_id), False)
        else:
            found = (account_of(user_id, user), is_person(user_id, user))
        self._known[user_id] = found  # only what Slack told us is kept
        return found

    async def _with_the_others(self, user_id: str) -> None:
        """While more than USERS_LIST_ABOVE strangers wait, read users.list for all of them at
        once; a stranger the running read is for waits for it, and one it is not for waits for
        it too and makes the next. Whoever it does not find is looked up alone."""
        while True:
            listing = self._listing
            if listing is not None and not listing.done():
                if user_id not in self._listing_for and len(self._strangers) <= USERS_LIST_ABOVE:
                    return
                with contextlib.suppress(Exception):  # logged by the read; then one by one
                    await asyncio.shield(listing)
                if user_id in self._listing_for:
                    return
                continue
            if user_id not in self._strangers or len(self._strangers) <= USERS_LIST_ABOVE:
                return
            wanted, self._strangers = self._strangers, set()
            self._listing_for = wanted
            self._listing = asyncio.ensure_future(self._read_strangers(set(wanted)))

    async def _read_strangers(self, wanted: set[str]) -> None:
        try:
            self._cursor = await self._read_list(wanted, self._cursor)
        except Exception:
            log.warning("users.list failed; users.info one by one", exc_info=True)
            raise

    async def _read_list(self, wanted: set[str], cursor: str | None) -> str | None:
        """Read the workspace's users a page at a time from ``cursor``, remembering each, until
        ``wanted`` are all known or the pages they are worth are read; where it stopped (None:
        at the end of the list, the next read starts over)."""
        assert self.reader is not None
        for _page in range(max(1, len(wanted) // USERS_PER_PAGE_READ)):
            page = await self.reader.users_list(
                cursor=cursor, limit=USERS_PAGE, include_locale=True
            )
            users: list[dict[str, Any]] = page.get("members", [])
            for user in users:
                self.remember(user)
                wanted.discard(str(user.get("id", "")))
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if cursor is None or not wanted:
                return cursor
        return cursor
