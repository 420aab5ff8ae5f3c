"""The monitoring port of ``deskmate run`` (``monitoring:`` in the config; off by default).

* ``GET /healthz``: 200 while the process runs (a liveness probe: restart it if this fails);
* ``GET /readyz``: 200 when the instance can take events, else 503; one line per check
  (:mod:`bot.health`), so ``curl`` says what is wrong;
* ``GET /metrics``: every series of :mod:`bot.metrics`, in Prometheus' text format.

It is a server of its own (aiohttp), apart from the adapters' and any other the bot runs, and
bound to ``monitoring.host`` (127.0.0.1 unless a scraper elsewhere needs it).
"""

from __future__ import annotations

import logging

from aiohttp import web

from bot.config import MonitoringConfig
from bot.health import Health
from bot.metrics import CONTENT_TYPE, Metrics

log = logging.getLogger(__name__)


class MonitoringServer:
    """``await server.start()`` listens (``port`` says where, 0 in the config: any free one)."""

    def __init__(self, settings: MonitoringConfig, health: Health, metrics: Metrics) -> None:
        self.settings = settings
        self.health = health
        self.metrics = metrics
        self.port: int | None = None
        self._runner: web.AppRunner | None = None

    @classmethod
    def when_enabled(
        cls, settings: MonitoringConfig, health: Health, metrics: Metrics
    ) -> MonitoringServer | None:
        """The server, where the config opens the monitoring port; else None."""
        return cls(settings, health, metrics) if settings.enabled else None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/readyz", self._readyz)
        app.router.add_get("/metrics", self._metrics)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.settings.host, self.settings.port)
        await site.start()
        addresses = self._runner.addresses
        self.port = int(addresses[0][1]) if addresses else self.settings.port
        log.info(
            "monitoring on http://%s:%s (/healthz /readyz /metrics)", self.settings.host, self.port
        )

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _healthz(self, _request: web.Request) -> web.Response:
        return web.Response(text="ok\n")

    async def _readyz(self, _request: web.Request) -> web.Response:
        checks = await self.health.checks()
        ready = all(c.ok for c in checks)
        body = "".join(f"{c.line()}\n" for c in checks)
        return web.Response(status=200 if ready else 503, text=body)

    async def _metrics(self, _request: web.Request) -> web.Response:
        try:
            await self.health.refresh()
        except Exception as exc:  # the database is down: the other series still tell a lot
            log.warning("metrics: could not read the outbox and timers (%s)", exc)
        body = self.metrics.exposition()
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})
