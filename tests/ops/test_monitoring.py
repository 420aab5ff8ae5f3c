"""The monitoring port of a running bot: /healthz, /readyz and /metrics, read as a scraper or a
load balancer would, over HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import time

import aiohttp
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import update
from sqlalchemy.engine import make_url

from storage.models import Timer
from tests.adapters.slack.conftest import SlackBot, make_bot
from tests.adapters.slack.fake_slack import FakeSlack
from tests.bot import sample_skill

MONITORING = "monitoring: {enabled: true, port: 0}\n"


async def get(bot: SlackBot, path: str) -> tuple[int, str]:
    assert bot.bot is not None
    assert bot.bot.monitoring is not None
    url = f"http://127.0.0.1:{bot.bot.monitoring.port}{path}"
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.text()


def samples(exposition: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of the exposition, by name and labels (parsed as Prometheus would)."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(exposition)
        for s in family.samples
    }


async def test_metrics_expose_every_series_the_parts_record(fake_slack: FakeSlack, database_url):
    """Commands (one fine, one mistyped), a timer that fires and notifies, its first send
    refused with a 429: each shows in /metrics with the counts it caused."""
    slack = await make_bot(
        fake_slack, database_url, extra=[sample_skill.skill], sections=MONITORING
    )
    try:
        assert await get(slack, "/healthz") == (200, "ok\n")
        assert await slack.command("U1", "/remind soon stretch") == 200  # not a duration
        await slack.until(lambda: fake_slack.calls_to("chat.postEphemeral"))  # its usage
        assert await slack.command("U1", "/remind 5m stretch") == 200
        await slack.until(lambda: slack.posted("C1"))  # "I'll remind you at ..."
        fake_slack.fail_next("chat.postMessage", status=429, retry_after=1)
        assert slack.bot is not None
        async with slack.bot.db.transaction() as session:  # five minutes later
            await session.exec(update(Timer).values(due_at=slack.bot.clock.now()))
        await slack.until(lambda: slack.posted("U1"), timeout=10)  # the reminder, after the 429
        for _ in range(100):  # the send is counted once its outcome is written
            status, text = await get(slack, "/metrics")
            if 'result="sent"' in text:
                break
            await asyncio.sleep(0.05)
    finally:
        assert slack.bot is not None
        await slack.bot.stop()
    assert status == 200
    found = samples(text)
    slack_ = (("platform", "slack"),)

    def value(name: str, **labels: str) -> float:
        return found[(name, tuple(sorted(labels.items())))]

    assert value("deskmate_events_received_total", platform="slack") == 2
    assert value("deskmate_events_handled_total", platform="slack", result="ok") == 1
    assert value("deskmate_events_handled_total", platform="slack", result="user_error") == 1
    assert value("deskmate_handler_seconds_count", command="/remind") == 1
    assert value("deskmate_handler_seconds_bucket", command="/remind", le="+Inf") == 1
    assert value("deskmate_transactions_total") == 2
    assert value("deskmate_transaction_events_count") == 2
    assert value("deskmate_transaction_events_sum") == 2
    assert value("deskmate_timers_fired_total", result="ok") == 1
    assert value("deskmate_timers_due") == 0
    assert value("deskmate_deliveries_total", platform="slack", result="throttled") == 1
    assert value("deskmate_deliveries_total", platform="slack", result="sent") == 1
    assert value("deskmate_rate_limit_waits_total", platform="slack") == 1
    assert value("deskmate_rate_limit_wait_seconds_total", platform="slack") == 1
    assert value("deskmate_outbox_pending") == 0
    assert value("deskmate_outbox_oldest_age_seconds") == 0
    assert value("deskmate_leader") == 1  # SQLite: the one process leads
    assert found[("deskmate_adapter_connected", slack_)] == 1
    assert 0 <= found[("deskmate_adapter_last_heard_seconds", slack_)] < 10
    assert found[("deskmate_adapter_reconnects_total", slack_)] == 0


async def test_readyz_says_what_it_checked(fake_slack: FakeSlack, database_url):
    slack = await make_bot(fake_slack, database_url, sections=MONITORING)
    try:
        status, text = await get(slack, "/readyz")
        assert status == 200, text
        assert text.splitlines() == [
            "ok process: running",
            "ok database: answers",
            "ok migrations: current",
            "ok adapter slack: listening",  # HTTP mode: Slack calls when it has something
        ]
    finally:
        assert slack.bot is not None
        await slack.bot.stop()


class Cable:
    """A TCP forwarder to the database that can be cut (every connection dropped, new ones
    refused) and mended, as a network failure would."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.cut = False
        self._links: set[asyncio.StreamWriter] = set()
        self._server: asyncio.Server | None = None
        self.port = 0

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._link, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _link(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.cut:
            writer.close()
            return
        up_reader, up_writer = await asyncio.open_connection(*self.target)
        self._links |= {writer, up_writer}

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(Exception):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    def sever(self) -> None:
        self.cut = True
        for writer in self._links:
            writer.transport.abort()
        self._links.clear()

    async def close(self) -> None:
        self.sever()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()


async def test_readyz_fails_while_the_database_is_unreachable_and_recovers(
    fake_slack: FakeSlack, pg_url
):
    url = make_url(pg_url)
    cable = Cable(url.host or "127.0.0.1", url.port or 5432)
    await cable.start()
    through = url.set(port=cable.port).render_as_string(hide_password=False)
    slack = await make_bot(fake_slack, through, sections=MONITORING)
    try:
        assert (await get(slack, "/readyz"))[0] == 200
        cable.sever()
        status, text = await get(slack, "/readyz")
        assert status == 503
        assert "FAIL database:" in text
        assert "ok adapter slack: listening" in text
        cable.cut = False  # the network is back
        deadline = time.monotonic() + 15
        while (answer := await get(slack, "/readyz"))[0] != 200:
            assert time.monotonic() < deadline, answer[1]
            await asyncio.sleep(0.2)
        assert "ok database: answers" in answer[1]
    finally:
        assert slack.bot is not None
        await slack.bot.stop()
        await cable.close()
