"""Socket Mode, watched: a connection that goes silent is replaced.

slack_sdk pings Slack every ``ping_interval`` and reconnects when it sees the socket fail, but a
socket that dies without a close frame can leave it waiting (python-slack-sdk#1379/#1701,
bolt-python#470/#945), and the bot then stops answering with nothing logged. So the adapter
keeps its own watch: every message (``hello``, an envelope, a ``disconnect``) and every pong
counts as hearing from Slack; when nothing was heard for ``stalled_after`` seconds, a new client
asks ``apps.connections.open`` for a fresh URL and connects, and the old one is closed in the
background. Each reconnect (ours, or the SDK's own) is logged once and counted.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

log = logging.getLogger(__name__)

CLOSE_OLD_SECONDS = 15  # closing a dead socket waits for a close frame that never comes


class SocketLink:
    """One live Socket Mode connection of ``app``, replaced when it stalls."""

    def __init__(self, app: AsyncApp, app_token: str, stalled_after: float) -> None:
        self.app = app
        self.app_token = app_token
        self.stalled_after = stalled_after
        # the SDK pings this often: several pongs fit in the silence we allow
        self.ping_interval = max(min(stalled_after / 3, 10.0), 0.2)
        self.reconnects = 0
        self._handler: AsyncSocketModeHandler | None = None
        self._heard = time.monotonic()
        self._watchdog: asyncio.Task[None] | None = None
        self._closing: set[asyncio.Task[None]] = set()
        self._pong: float | None = None  # the SDK's stamp of the last pong seen (looked at ≤ 1 s)

    async def start(self) -> None:
        self._handler = self._new_handler()
        await self._handler.connect_async()  # type: ignore[no-untyped-call]
        self._heard = time.monotonic()
        self._watchdog = asyncio.get_running_loop().create_task(self._watch())

    async def stop(self) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()
            await asyncio.gather(self._watchdog, return_exceptions=True)
            self._watchdog = None
        if self._handler is not None:
            self._close_later(self._handler)
            self._handler = None
        await asyncio.gather(*self._closing, return_exceptions=True)

    @property
    def connected(self) -> bool:
        client = self._handler.client if self._handler is not None else None
        session = client.current_session if client is not None else None
        return session is not None and not session.closed

    def heard_ago(self) -> float:
        """Seconds since Slack last spoke on the connection: a message, or a pong."""
        client = self._handler.client if self._handler is not None else None
        pong = client.last_ping_pong_time if client is not None else None
        if pong is not None and pong != self._pong:  # a pong since the last look: heard now
            self._pong, self._heard = pong, time.monotonic()
        return time.monotonic() - self._heard

    def _new_handler(self) -> AsyncSocketModeHandler:
        handler = AsyncSocketModeHandler(self.app, self.app_token, ping_interval=self.ping_interval)
        hellos = 0
        refresh = False

        async def heard(client: Any, message: dict[str, Any], _raw: str | None) -> None:
            nonlocal hellos, refresh
            if self._handler is None or client is not self._handler.client:
                return  # an old connection's last words
            self._heard = time.monotonic()
            kind = message.get("type")
            if kind == "disconnect":  # Slack replaces connections now and then
                refresh = True
            elif kind == "hello":
                hellos += 1
                if hellos > 1:  # the SDK reconnected this client by itself
                    self.reconnects += 1
                    if refresh:
                        log.info("Slack Socket Mode: reconnected (Slack asked for a refresh)")
                    else:
                        log.warning("Slack Socket Mode: the connection dropped; reconnected")
                    refresh = False

        handler.client.message_listeners.append(heard)
        return handler

    async def _watch(self) -> None:
        every = min(1.0, self.stalled_after / 4)
        while True:
            await asyncio.sleep(every)
            ago = self.heard_ago()
            if ago > self.stalled_after:
                await self._replace(ago)

    async def _replace(self, ago: float) -> None:
        """A new client with a fresh URL; the silent one is closed in the background."""
        log.warning(
            "Slack Socket Mode: nothing heard for %.0f s (no event, no pong); "
            "reconnecting with a fresh URL",
            ago,
        )
        self.reconnects += 1
        old, self._handler = self._handler, self._new_handler()
        if old is not None:
            old.client.auto_reconnect_enabled = False
            self._close_later(old)
        self._heard = time.monotonic()  # the new connection gets its time before the next try
        try:
            async with asyncio.timeout(self.stalled_after):
                await self._handler.connect_async()  # type: ignore[no-untyped-call]
        except Exception:
            log.warning("Slack Socket Mode: could not reconnect; trying again", exc_info=True)

    def _close_later(self, handler: AsyncSocketModeHandler) -> None:
        async def close() -> None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(CLOSE_OLD_SECONDS):
                    await handler.close_async()  # type: ignore[no-untyped-call]

        task = asyncio.get_running_loop().create_task(close())
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)
