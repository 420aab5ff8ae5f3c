"""Two ``deskmate run`` instances on one PostgreSQL database behind Debian's nginx, as
docs/deploying.md sets them up: Slack in HTTP mode, signed requests through nginx. One instance is
stopped with SIGTERM in the middle of the load: every request is answered, every command handled
exactly once, and the survivor takes over the periodic jobs without losing or repeating a run.

nginx is Debian's package: CI (``.ci/run``) installs it and sets DESKMATE_REQUIRE_PG, so there the
test runs or fails, never skips; elsewhere it is skipped when nginx is not installed."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import os
import shutil
import socket
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
import pytest
import yaml
from sqlalchemy import text

from storage import Database
from tests.adapters.slack.fake_slack import FakeSlack
from tests.storage import beat_skill
from tests.storage.cluster import Instance

SECRET = "cluster-signing-secret"
USERS = {
    "U1": {"name": "alice", "real_name": "Alice", "tz": "Asia/Shanghai", "locale": "en-US"},
    "U9": {"name": "ops", "real_name": "Ops", "tz": "Asia/Shanghai", "locale": "en-US"},
}
COMMANDS = 120
AT_ONCE = 6
STOP_AFTER = 40  # commands answered before the leader is sent SIGTERM
BEAT = r"beat (\S+) starts"
LEADS = "this instance now runs the periodic jobs"

NGINX_CONF = """
worker_processes 1;
pid {tmp}/nginx.pid;
daemon off;
events {{ worker_connections 512; }}
http {{
  access_log {tmp}/access.log;
  client_body_temp_path {tmp}/body;
  proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  upstream deskmate {{
    server 127.0.0.1:{a};
    server 127.0.0.1:{b};
  }}
  server {{
    listen 127.0.0.1:{port};
    location /slack/events {{
      proxy_pass http://deskmate;
      proxy_next_upstream error timeout http_502 http_503 non_idempotent;
      proxy_next_upstream_tries 2;
    }}
  }}
}}
"""


def nginx_binary() -> str:
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None
    )
    if found is None:
        if os.environ.get("DESKMATE_REQUIRE_PG"):
            pytest.fail("nginx is not installed (.ci/run installs Debian's package)")
        pytest.skip("nginx is not installed; set DESKMATE_REQUIRE_PG=1 to fail")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def instance_config(folder: Path, name: str, pg_url: str, fake: FakeSlack, port: int) -> Path:
    config = {
        "org": {"timezone": "Asia/Shanghai"},
        "storage": {"url": pg_url},
        "logging": {"level": "INFO"},
        "monitoring": {"enabled": True, "port": 0},
        "adapters": {
            "console": {"enabled": False},
            "slack": {
                "enabled": True,
                "mode": "http",
                "bot_token": "xoxb-cluster",
                "signing_secret": SECRET,
                "api_url": fake.api_url,
                "http_port": port,
            },
        },
        "people": [
            {"id": "alice", "accounts": {"slack": "U1"}, "roles": ["admin"]},
            {"id": "ops", "accounts": {"slack": "U9"}},
        ],
        "skills": {
            "enabled": ["help", "tasks", "beat"],
            "plugins": ["tests.storage.beat_skill:skill"],
        },
        "delivery": {"tick_seconds": 1},
    }
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


async def wait_listening(port: int, instance: Instance, within: float = 60) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            _reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            assert instance.process.returncode is None, instance.log()
            await asyncio.sleep(0.1)
            continue
        writer.close()
        await writer.wait_closed()
        return
    raise AssertionError(f"{instance.name} does not listen on {port}:\n{instance.log()}")


async def slash_command(session: aiohttp.ClientSession, url: str, n: int) -> int:
    """``/task add`` number ``n``, signed as Slack signs it; the HTTP status nginx answered."""
    form = {
        "command": "/task",
        "text": f"add <@U1|alice> Load {n}",
        "user_id": "U1",
        "channel_id": "C1",
        "channel_name": "general",
        "team_id": "T1",
        "trigger_id": f"trg-{n}",
        "response_url": "http://127.0.0.1:9/response",
    }
    body = urlencode(form)
    stamp = str(int(time.time()))
    signature = hmac.new(SECRET.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": "v0=" + signature.hexdigest(),
    }
    async with session.post(url, data=body.encode(), headers=headers) as response:
        await response.read()
        return response.status


async def test_two_instances_behind_nginx_survive_a_rolling_stop(pg_url, tmp_path, monkeypatch):
    nginx = nginx_binary()
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    port_a, port_b, port_lb = free_port(), free_port(), free_port()
    conf = tmp_path / "nginx.conf"
    conf.write_text(NGINX_CONF.format(tmp=tmp_path, a=port_a, b=port_b, port=port_lb))
    async with FakeSlack(users=USERS) as fake:
        a = await Instance.start("a", instance_config(tmp_path, "a", pg_url, fake, port_a))
        b: Instance | None = None
        balancer = await asyncio.create_subprocess_exec(
            nginx, "-e", str(tmp_path / "error.log"), "-p", str(tmp_path), "-c", str(conf)
        )
        try:
            await a.wait_for(LEADS, within=60)  # a is up, and leads
            await wait_listening(port_a, a)
            b = await Instance.start("b", instance_config(tmp_path, "b", pg_url, fake, port_b))
            await wait_listening(port_b, b)
            await a.wait_for(BEAT, within=10)
            statuses, stopped = await _load(f"http://127.0.0.1:{port_lb}/slack/events", a)
            assert a.process.returncode == 0, a.log()  # a drained and ended cleanly
            await b.wait_for(LEADS, after=stopped, within=15)  # b leads now ...
            await b.wait_for(BEAT, after=stopped, within=10)  # ... and beats
            await _cards(fake)
            await _two_more_beats(b)
        finally:
            balancer.terminate()
            await balancer.wait()
            await a.stop()
            if b is not None:
                await b.stop()

    assert Counter(statuses) == {200: COMMANDS}, Counter(statuses)  # nothing refused or lost
    titles = await _titles(pg_url)
    assert sorted(titles) == sorted(f"Load {n}" for n in range(COMMANDS))  # each handled once
    cards = [c for c in fake.calls_to("chat.postMessage") if c.args.get("channel") == "C1"]
    assert len(cards) == COMMANDS  # and answered once
    by_a, by_b = len(a.found(r"handled /task")), len(b.found(r"handled /task"))
    assert by_a + by_b == COMMANDS
    assert by_a >= STOP_AFTER // 4, (by_a, by_b)  # nginx shared the load until a stopped
    assert by_b > COMMANDS - STOP_AFTER - AT_ONCE  # then b took it all

    dues = [
        datetime.fromisoformat(str(c.args.get("text")).removeprefix("beat "))
        for c in fake.calls_to("chat.postMessage")
        if str(c.args.get("text", "")).startswith("beat ")
    ]
    assert all(n == 1 for n in Counter(dues).values()), dues  # no run twice ...
    steps = {later - earlier for earlier, later in itertools.pairwise(sorted(dues))}
    assert steps == {beat_skill.EVERY}, sorted(dues)  # ... and none lost across the handover
    assert any(t > stopped for t, _m in b.found(BEAT))


async def _load(url: str, leader: Instance) -> tuple[list[int], float]:
    """Send every command through nginx, a few at a time; SIGTERM the leader once STOP_AFTER
    have been answered. The statuses, and when the leader was told to stop."""
    statuses: list[int] = []
    numbers = iter(range(COMMANDS))
    stopped = 0.0

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal stopped
        for n in numbers:
            statuses.append(await slash_command(session, url, n))
            if len(statuses) == STOP_AFTER:
                leader.process.terminate()  # SIGTERM: drain and go
                stopped = time.monotonic()

    async with aiohttp.ClientSession() as session:
        await asyncio.gather(*(worker(session) for _ in range(AT_ONCE)))
    await asyncio.wait_for(leader.process.wait(), 30)
    return statuses, stopped


async def _cards(fake: FakeSlack, within: float = 30) -> None:
    deadline = time.monotonic() + within
    while len([c for c in fake.calls_to("chat.postMessage") if c.args.get("channel") == "C1"]) < (
        COMMANDS
    ):
        assert time.monotonic() < deadline, "not every command was answered"
        await asyncio.sleep(0.05)


async def _two_more_beats(instance: Instance) -> None:
    """Let the survivor run two more beats, so the handover is in the middle of the runs."""
    for _ in range(2):
        await instance.wait_for(r"beat \S+ ends", after=time.monotonic(), within=10)
    await asyncio.sleep(2)  # its last notification goes out (a tick a second)


async def _titles(url: str) -> list[str]:
    db = Database(url)
    try:
        async with db.transaction() as session:
            found = await session.exec(text("SELECT title FROM tasks"))  # type: ignore[call-overload]
            return [str(title) for (title,) in found.all()]
    finally:
        await db.dispose()
