"""The watchdogs: a Socket Mode connection that dies silently, a long poll that never answers.
Either way Deskmate reconnects within the configured time, logs it once at WARNING, counts it in
/metrics, and handles the next command."""

from __future__ import annotations

import logging
import time
import urllib.parse

import aiohttp
import pytest

from adapters.slack import socket
from tests.adapters.slack.conftest import make_bot
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.telegram import conftest as telegram_conftest
from tests.adapters.telegram.fake_telegram import FakeTelegram
from tests.ops.test_monitoring import MONITORING, get, samples

WATCHDOG = 2.0  # seconds of silence before a reconnect
SLACK = (("platform", "slack"),)
TELEGRAM = (("platform", "telegram"),)
ALICE_TG = {"id": 1001, "is_bot": False, "first_name": "Alice", "language_code": "en"}


def reconnect_warnings(caplog: pytest.LogCaptureFixture, logger: str) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name.startswith(logger) and r.levelno == logging.WARNING
    ]


async def slash_command_over_the_socket(fake: FakeSlack, text: str) -> str:
    name, _sep, rest = text.partition(" ")
    form = {
        "command": name,
        "text": rest,
        "user_id": "U1",
        "channel_id": "C1",
        "team_id": "T1",
        "trigger_id": "trg-1",
        "response_url": "http://127.0.0.1:9/response",
    }
    envelope = await fake.socket_send("slash_commands", form)
    await fake.wait_ack(envelope)
    return urllib.parse.urlencode(form)


async def _silent_socket_is_replaced(fake_slack: FakeSlack, database_url: str, caplog) -> None:
    caplog.set_level(logging.INFO)
    slack = await make_bot(
        fake_slack, database_url, mode="socket", watchdog=WATCHDOG, sections=MONITORING
    )
    try:
        await fake_slack.wait_socket_connected()
        opened = len(fake_slack.calls_to("apps.connections.open"))
        fake_slack.socket_go_silent()
        went_silent = time.monotonic()
        await fake_slack.wait_socket_connected(timeout=WATCHDOG + 3)
        took = time.monotonic() - went_silent
        assert took < WATCHDOG + 2, f"reconnected after {took:.1f} s"
        assert fake_slack.socket_connections == 2
        assert len(fake_slack.calls_to("apps.connections.open")) == opened + 1  # a fresh URL

        await slash_command_over_the_socket(fake_slack, "/help")
        await slack.until(lambda: fake_slack.calls_to("chat.postMessage"))
        _status, text = await get(slack, "/metrics")
    finally:
        assert slack.bot is not None
        await slack.bot.stop()
    found = samples(text)
    assert found[("deskmate_adapter_reconnects_total", SLACK)] == 1
    assert found[("deskmate_adapter_connected", SLACK)] == 1
    assert len(reconnect_warnings(caplog, "adapters.slack")) == 1


async def test_a_socket_that_dies_silently_is_replaced(fake_slack: FakeSlack, database_url, caplog):
    """slack_sdk notices the missing pongs itself (it pings every third of the watchdog's time)
    and reconnects; the adapter counts and logs that reconnect."""
    await _silent_socket_is_replaced(fake_slack, database_url, caplog)


class _NoSelfHealing(socket.AsyncSocketModeHandler):
    """slack_sdk's own reconnects turned off, as when its monitor is stuck (the peers' bugs)."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.client.default_auto_reconnect_enabled = False
        self.client.auto_reconnect_enabled = False


async def test_the_watchdog_replaces_a_silent_socket_the_sdk_gave_up_on(
    fake_slack: FakeSlack, database_url, caplog, monkeypatch
):
    monkeypatch.setattr(socket, "AsyncSocketModeHandler", _NoSelfHealing)
    await _silent_socket_is_replaced(fake_slack, database_url, caplog)
    assert any("nothing heard for" in m for m in reconnect_warnings(caplog, "adapters.slack"))


TELEGRAM_CONFIG = telegram_conftest.CONFIG.replace(
    "    bot_username: deskmate_bot\n",
    f"    bot_username: deskmate_bot\n    watchdog_seconds: {WATCHDOG + 1}\n",
) + MONITORING.replace("{", "{{").replace("}", "}}")


async def test_a_long_poll_that_never_answers_is_restarted(database_url, caplog, monkeypatch):
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    caplog.set_level(logging.INFO)
    async with FakeTelegram(token=telegram_conftest.TOKEN) as fake:
        bot = await telegram_conftest.make_bot(fake, database_url, config=TELEGRAM_CONFIG)
        try:
            polls = len(fake.calls_to("getUpdates"))
            fake.stalled_polls = 1
            await fake.wait_for(lambda: len(fake.calls_to("getUpdates")) > polls)
            stalled = time.monotonic()
            # the poll is restarted: getUpdates answered again
            await fake.wait_for(
                lambda: (
                    len([c for c in fake.calls_to("getUpdates") if c.status == 200]) > polls + 1
                ),
                within=WATCHDOG + 5,
            )
            took = time.monotonic() - stalled
            assert took < WATCHDOG + 1 + 2, f"restarted after {took:.1f} s"

            fake.message(user=ALICE_TG, text="/help")
            await fake.wait_for(lambda: fake.calls_to("sendMessage"), within=10)
            assert bot.monitoring is not None
            url = f"http://127.0.0.1:{bot.monitoring.port}/metrics"
            async with aiohttp.ClientSession() as session, session.get(url) as response:
                text = await response.text()
        finally:
            await bot.stop()
    found = samples(text)
    assert found[("deskmate_adapter_reconnects_total", TELEGRAM)] == 1
    assert found[("deskmate_adapter_connected", TELEGRAM)] == 1
    warnings = reconnect_warnings(caplog, "adapters.telegram")
    assert len(warnings) == 1
    assert "no answer to getUpdates" in warnings[0]
