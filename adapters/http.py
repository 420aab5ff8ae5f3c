"""The small web server an adapter runs in HTTP/webhook mode (aiohttp)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


async def serve(
    app: web.Application,
    host: str,
    port: int,
    answering: Callable[[], AbstractContextManager[None]] | None = None,
) -> tuple[web.AppRunner, int]:
    """Serve ``app`` on ``host:port`` (port 0: any free one); returns the runner and the port.
    ``answering`` (the runtime's) marks each request while the platform waits for its answer,
    so a burst of requests is answered before the bot's other work."""
    if answering is not None:
        mark = answering

        @web.middleware
        async def answered_first(request: web.Request, handler: Handler) -> web.StreamResponse:
            with mark():
                return await handler(request)

        app.middlewares.append(answered_first)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    addresses = runner.addresses
    return runner, int(addresses[0][1]) if addresses else port
