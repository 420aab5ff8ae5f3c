"""The Slack adapter, on slack-bolt (async): Socket Mode or HTTP mode, slash-commands, Block Kit
cards, buttons, DMs, files, Do Not Disturb.

In HTTP mode every request's signature is checked before anything reads it (``signature.py``),
and a slash command is then acked in front of Bolt (the hot path: a whole office's ``/in``);
Slack's own code acks within three seconds and retries: every listener acks at once and hands the
neutral event to the bot after. The Web API goes through one
``AsyncWebClient`` with one shared aiohttp session (keep-alive), pointed at ``slack.api_url`` when
set (an enterprise proxy; the tests' fake Slack).
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.typedefs import Handler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from adapters.http import serve
from adapters.slack import directory, doctor, errors, events, forms, render, signature
from adapters.slack.config import PLATFORM, SlackSettings
from adapters.slack.socket import SocketLink
from adapters.slack.users import Users
from bot.adapter import AdapterHost, DeliveryFailed, Destination, MentionKey
from bot.diagnosis import Finding
from bot.events import Account, ChatRef, Event, Profile
from bot.forms import RenderedForm
from bot.messages import RenderedMessage
from bot.metrics import AdapterHealth

log = logging.getLogger(__name__)


PERMANENT = {
    "channel_not_found",
    "not_in_channel",
    "is_archived",
    "user_not_found",
    "cannot_dm_bot",
    "account_inactive",
    "user_disabled",
    "invalid_auth",
    "msg_too_long",
    "no_text",
    "restricted_action",
}
DND_CACHE_SECONDS = 60
# conversations.members is Tier 4 (100+ calls a minute, bursts allowed); a 429 waits out its
# Retry-After (twice at most) before failing (users: adapters/slack/users.py)
LOOKUP_RETRIES = 2
MEMBERS_PAGE = 1000  # conversations.members' largest page
STOP_GRACE_SECONDS = 10  # at stop, how long listeners still working may take

# in a burst of requests, the work after each ack (looking the user up, handling the command)
# waits its turn, up to this long, for the other acks (see bot.answers)
WORK_WAITS_SECONDS = 0.05
EVENTS_PATH = "/slack/events"  # HTTP mode: where Slack sends everything
Listener = Callable[[Any, dict[str, Any]], Awaitable[None]]
Work = Callable[[dict[str, Any]], Awaitable[None]]
_MENTION = re.compile(r"^<@([A-Z0-9]+)(?:\|[^>]*)?>$")


class SlackAdapter:
    """Capabilities: ephemeral messages, forms (modals), member lists, Do Not Disturb, the
    workspace's directory (when ``directory_sync`` is set). No silent sends: Slack has no
    per-message "no push"."""

    platform = PLATFORM

    def __init__(self, config: SlackSettings) -> None:
        self.config = config
        self._session: aiohttp.ClientSession | None = None
        self.client: AsyncWebClient | None = None
        self.app: AsyncApp | None = None
        self._host: AdapterHost | None = None
        self._reader: AsyncWebClient | None = None  # lookups, which wait out a rate limit
        self._lister: AsyncWebClient | None = None  # the directory: waits out longer
        self.users = Users(self.platform)  # who users are: users.info, users.list
        self._response_urls: dict[str, str] = {}  # slash commands being answered
        self._dnd: dict[str, tuple[float, datetime | None]] = {}
        self._socket: SocketLink | None = None
        self._heard: float | None = None  # HTTP mode: when Slack last called (monotonic)
        self._runner: web.AppRunner | None = None
        self.port: int | None = None  # HTTP mode: where it listens (after start)
        self._inflight: set[asyncio.Task[Any]] = set()  # listeners still working after their ack

    # --- lifecycle ----------------------------------------------------------------------------

    async def start(self, host: AdapterHost) -> None:
        self._host = host
        self._session = aiohttp.ClientSession()
        kwargs: dict[str, Any] = {"token": self.config.bot_token, "session": self._session}
        if self.config.api_url:
            kwargs["base_url"] = self.config.api_url
        self.client = AsyncWebClient(**kwargs)
        waits = AsyncRateLimitErrorRetryHandler(max_retry_count=LOOKUP_RETRIES)
        self._reader = AsyncWebClient(
            **kwargs, retry_handlers=[AsyncConnectionErrorRetryHandler(), waits]
        )
        self.users.reader = self._reader
        patient = AsyncRateLimitErrorRetryHandler(max_retry_count=directory.LIST_RETRIES)
        self._lister = AsyncWebClient(
            **kwargs, retry_handlers=[AsyncConnectionErrorRetryHandler(), patient]
        )
        self.app = AsyncApp(
            client=self.client,
            signing_secret=self.config.signing_secret or "-",
            # HTTP mode: checked in front of Bolt, before it parses a request (_serve_http)
            request_verification_enabled=False,
            # Slack gets its answer as soon as a listener returns (not at Bolt's next 10 ms
            # poll); listeners ack, then leave the work to a task (see _after_ack)
            process_before_response=True,
        )
        self._listen(self.app)
        if self.config.mode == "socket":
            self._socket = SocketLink(
                self.app, self.config.app_token or "", self.config.watchdog_seconds
            )
            await self._socket.start()
        else:
            await self._serve_http(self.app)

    async def _serve_http(self, app: AsyncApp) -> None:
        assert self._host is not None
        web_app = app.web_app(path=EVENTS_PATH)
        web_app.middlewares.append(signature.verified(self.config.signing_secret or ""))
        web_app.middlewares.append(self._commands_first)
        self._runner, self.port = await serve(
            web_app,
            self.config.http_host,
            self.config.http_port,
            answering=self._host.answering,
        )

    async def stop(self) -> None:
        if self._socket is not None:
            await self._socket.stop()
            self._socket = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        await self._finish_inflight()
        await self.users.stop()
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _finish_inflight(self) -> None:
        """Bolt runs listeners as tasks of its own after the ack; let those still working finish
        (or cancel them after a grace period) before the bot closes the database under them."""
        if not self._inflight:
            return
        _done, pending = await asyncio.wait(set(self._inflight), timeout=STOP_GRACE_SECONDS)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    def health(self) -> AdapterHealth:
        """The :class:`~bot.adapter.Watched` capability: the socket's state, or in HTTP mode
        whether it listens (Slack calls only when there is something to say)."""
        if self._socket is not None:
            link = self._socket
            return AdapterHealth(link.connected, link.heard_ago(), link.reconnects, pushed=False)
        heard = None if self._heard is None else time.monotonic() - self._heard
        return AdapterHealth(self._runner is not None, heard, 0, pushed=True)

    async def diagnose(self) -> list[Finding]:
        """The :class:`~bot.adapter.Diagnosable` capability (see :mod:`adapters.slack.doctor`)."""
        return await doctor.diagnose(self.config)

    # --- incoming -----------------------------------------------------------------------------

    def _listen(self, app: AsyncApp) -> None:
        """Commands, buttons and messages are acked at once and handled after the answer has
        gone; a submitted form is handled before its ack, which carries its problems."""
        app.command(re.compile(r"^/.+"))(self._after_ack(self._on_command))
        app.action(re.compile(r".+"))(self._after_ack(self._on_action))
        app.event("app_mention")(self._after_ack(self._on_typed))
        app.event("message")(self._after_ack(self._on_typed))
        app.view(forms.CALLBACK_ID)(self._tracked(self._on_form))
        app.event("user_change")(self._after_ack(self._on_user))
        app.event("team_join")(self._after_ack(self._on_user))

    def _after_ack(self, work: Work) -> Listener:
        """A listener that acks, then starts ``work`` as a task of its own (with
        ``process_before_response`` Bolt answers Slack as soon as the listener returns)."""

        async def listener(ack: Any, body: dict[str, Any]) -> None:
            await ack()
            self._later(work, body)

        return listener

    def _later(self, work: Work, body: dict[str, Any]) -> None:
        """Start ``work`` on a request already answered, as a task of its own."""
        self._heard = time.monotonic()
        self.users.expect(_sender_of(body))
        task = asyncio.get_running_loop().create_task(self._logged(work, body))
        self._inflight.add(task)
        task.add_done_callback(self._inflight.discard)

    async def _logged(self, work: Work, body: dict[str, Any]) -> None:
        assert self._host is not None
        await self._host.wait_turn(WORK_WAITS_SECONDS)  # in a burst, its acks first
        try:
            await work(body)
        except Exception:
            log.exception("could not handle a Slack request")

    @web.middleware
    async def _commands_first(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """HTTP mode: a slash command (signed: this runs after the signature check) is acked
        here and handled after, as Bolt's command listener would (:meth:`_after_ack`), without
        Bolt's request and response objects, middleware and listener matching around it
        (≈0.45 ms of CPU a command at a load of 6). Anything else goes on to Bolt."""
        body = None
        if request.method == "POST" and request.path == EVENTS_PATH:
            body = events.slash_command(await request.text(), request.content_type)
        if body is None:
            return await handler(request)
        assert self._host is not None
        with self._host.answering():
            self._later(self._on_command, body)
            return web.Response(status=200, body=b"", content_type="text/plain")

    def _tracked(self, listener: Listener) -> Listener:
        async def run(ack: Any, body: dict[str, Any]) -> None:
            task = asyncio.current_task()
            assert task is not None  # bolt runs listeners in tasks
            self._inflight.add(task)
            try:
                await listener(ack, body)
            finally:
                self._inflight.discard(task)

        return run

    async def _on_command(self, body: dict[str, Any]) -> None:
        account = await self.account(str(body.get("user_id", "")))
        assert self._host is not None
        known = self._host.command_names()
        event = events.command(body, account, self.config.command_prefix, known)
        self._response_urls[event.event_id] = str(body.get("response_url", ""))
        try:
            await self._handle(event)
        finally:
            self._response_urls.pop(event.event_id, None)

    async def _on_action(self, body: dict[str, Any]) -> None:
        account = await self.account(str(body.get("user", {}).get("id", "")))
        await self._handle(events.action(body, account))

    async def _on_form(self, ack: Any, body: dict[str, Any]) -> None:
        """A modal submitted: handled before the ack, because problems must go back in it."""
        account = await self.account(str(body.get("user", {}).get("id", "")))
        event = events.form_submitted(body, account)
        await self._handle(event)
        if event.outcome.problems:
            problems = forms.errors(body.get("view") or {}, event.outcome.problems)
            await ack(response_action="errors", errors=problems)
        else:
            await ack()

    async def open_form(self, trigger: str, chat: ChatRef, form: RenderedForm) -> None:
        """The :class:`~bot.adapter.Forms` capability: ``form`` as a modal for whoever typed
        the command (``trigger``: its trigger_id, valid for three seconds)."""
        assert self.client is not None
        await self.client.views_open(trigger_id=trigger, view=forms.modal(form, chat))

    async def _on_typed(self, body: dict[str, Any]) -> None:
        event = body.get("event", {})
        if event.get("bot_id") or event.get("subtype"):
            return
        if event.get("type") == "message" and event.get("channel_type") != "im":
            return  # in channels only @mentions are for us
        assert self._host is not None
        known = self._host.command_names()
        account = await self.account(str(event.get("user", "")))
        found = events.typed_command(body, account, known)
        if found is not None:
            await self._handle(found)

    async def _on_user(self, body: dict[str, Any]) -> None:
        """``user_change`` / ``team_join``: what this process remembers of the user is replaced;
        with the directory turned on, the core learns what changed (a deactivation offboards)."""
        user = body.get("event", {}).get("user")
        if not isinstance(user, dict):
            return
        self.users.remember(user)
        found = directory.profile_of(user)
        if found is not None and self.config.directory_sync is not None:
            assert self._host is not None
            await self._host.profiles([found])

    def directory_every(self) -> timedelta | None:
        """The :class:`~bot.adapter.KeepsDirectory` capability: ``directory_sync``, or off."""
        return self.config.directory_sync

    async def directory(self) -> list[Profile]:
        """Every user of the workspace as a profile (bots left out), from users.list."""
        assert self._lister is not None
        found = []
        async for user in directory.users(self._lister):
            self.users.remember(user)
            profile = directory.profile_of(user)
            if profile is not None:
                found.append(profile)
        return found

    async def _handle(self, event: Event) -> None:
        assert self._host is not None
        try:
            await self._host.handle(event)
        except Exception:
            log.exception("could not handle %s", event)

    async def account(self, user_id: str) -> Account:
        """Who a Slack user is: name, time zone and language (users.info or users.list, once);
        just the id when Slack can't say now."""
        return await self.users.account(user_id)

    async def people(self, account_ids: Sequence[str]) -> list[Account]:
        """The :class:`~bot.adapter.ListsMembers` capability: the people among these users."""
        return await self.users.people(account_ids)

    def mention_key(self, token: str) -> MentionKey | None:
        m = _MENTION.match(token)
        if m:
            return ("account", m.group(1))
        name = token[1:] if token.startswith("@") else ""
        return ("username", name.lower()) if name else None

    # --- outgoing -----------------------------------------------------------------------------

    async def send(
        self, to: Destination, message: RenderedMessage, *, reply_to: str | None = None
    ) -> str:
        assert self.client is not None
        channel = to.chat_id or to.account_id or ""
        text, blocks = render.fallback(message), render.blocks(message)
        post = self.client.chat_postMessage(channel=channel, text=text, blocks=blocks)
        answer = await self._posted(post, reply_to, text, blocks, ephemeral=False)
        if answer is None:
            return ""
        ref = f"{answer.get('channel', channel)}|{answer.get('ts', '')}"
        # files come after the message; a failed upload must not make delivery send it again
        await self._upload(message, ref.split("|")[0])
        return ref

    async def send_ephemeral(
        self,
        to: Destination,
        account: str,
        message: RenderedMessage,
        *,
        reply_to: str | None = None,
    ) -> None:
        """An ephemeral message: only ``account`` sees it, in the channel (files go to them)."""
        assert self.client is not None
        channel = to.chat_id or to.account_id or ""
        text, blocks = render.fallback(message), render.blocks(message)
        post = self.client.chat_postEphemeral(
            channel=channel, user=account, text=text, blocks=blocks
        )
        if await self._posted(post, reply_to, text, blocks, ephemeral=True) is not None:
            await self._upload(message, account)

    async def _posted(
        self,
        post: Awaitable[AsyncSlackResponse],
        reply_to: str | None,
        text: str,
        blocks: list[dict[str, Any]],
        *,
        ephemeral: bool,
    ) -> AsyncSlackResponse | None:
        """Slack's answer to ``post``; ``None`` where the bot is no member of the channel and
        the command's response_url took the message instead."""
        try:
            return await post
        except SlackApiError as exc:
            url = self._response_urls.get(reply_to or "")
            if url and errors.code(exc) in NOT_HERE:
                await self._respond(url, text, blocks, ephemeral=ephemeral)
                return None
            raise _failure(exc) from exc

    async def _respond(
        self, url: str, text: str, blocks: list[dict[str, Any]], *, ephemeral: bool
    ) -> None:
        """Answer through the command's response_url: works where the bot is not a member
        (a private channel, a DM between two people)."""
        assert self._session is not None
        payload = {
            "response_type": "ephemeral" if ephemeral else "in_channel",
            "text": text,
            "blocks": blocks,
        }
        async with self._session.post(url, json=payload) as response:
            if response.status >= 400:
                raise DeliveryFailed(f"slack: response_url answered {response.status}")

    async def _upload(self, message: RenderedMessage, channel: str) -> None:
        """Attach files (to the person alone when the answer was only for them)."""
        assert self.client is not None
        for file in message.files:
            try:
                await self.client.files_upload_v2(
                    channel=channel, content=file.content, filename=file.name, title=file.name
                )
            except SlackApiError:
                log.warning("could not upload %s to %s", file.name, channel, exc_info=True)

    async def update(self, to: Destination, ref: str, message: RenderedMessage) -> None:
        assert self.client is not None
        channel, _sep, ts = ref.partition("|")
        try:
            await self.client.chat_update(
                channel=channel, ts=ts, text=render.fallback(message), blocks=render.blocks(message)
            )
        except SlackApiError as exc:
            raise _failure(exc) from exc

    async def dnd_until(self, account_id: str) -> datetime | None:
        """The :class:`~bot.adapter.Dnd` capability: until when Slack's Do Not Disturb is on
        for the user (cached a minute)."""
        cached = self._dnd.get(account_id)
        if cached is not None and time.monotonic() - cached[0] < DND_CACHE_SECONDS:
            return cached[1]
        assert self.client is not None
        info = await self.client.dnd_info(user=account_id)
        assert self._host is not None
        now = self._host.now().timestamp()
        until = _dnd_end(info.data if isinstance(info.data, dict) else {}, now)
        self._dnd[account_id] = (time.monotonic(), until)
        return until

    async def members(self, chat_id: str) -> list[str]:
        """The user ids of a channel (for notices' audiences): people, bots, the bot itself."""
        assert self._reader is not None
        found: list[str] = []
        cursor = None
        while True:
            page = await self._reader.conversations_members(
                channel=chat_id, cursor=cursor, limit=MEMBERS_PAGE
            )
            found += page.get("members", [])
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return found


def _dnd_end(info: dict[str, Any], now: float) -> datetime | None:
    if info.get("snooze_enabled") and info.get("snooze_endtime", 0) > now:
        return datetime.fromtimestamp(info["snooze_endtime"], UTC)
    start, end = info.get("next_dnd_start_ts", 0), info.get("next_dnd_end_ts", 0)
    if info.get("dnd_enabled") and start <= now < end:
        return datetime.fromtimestamp(end, UTC)
    return None


NOT_HERE = {"channel_not_found", "not_in_channel"}


def _sender_of(body: dict[str, Any]) -> str:
    """Who typed a slash command (``user_id``) or pressed a button (``user.id``): each is
    looked up before it is handled ("" for events, which may be no one's)."""
    user = body.get("user_id") or body.get("user")
    if isinstance(user, dict):
        user = user.get("id")
    return user if isinstance(user, str) else ""


def _failure(exc: SlackApiError) -> DeliveryFailed:
    response = exc.response
    error = errors.code(exc)
    if response is not None and response.status_code == 429:
        retry = response.headers.get("Retry-After") or response.headers.get("retry-after") or 1
        return DeliveryFailed(f"slack: rate limited ({error})", retry_after=float(retry))
    return DeliveryFailed(f"slack: {error or exc}", permanent=error in PERMANENT)
