"""W3 clock-in storm: 2,000 people clock in within one burst, through the real Slack adapter in
HTTP mode over loopback HTTP (signed slash-command requests, 50 in flight) against the tests' fake
Slack Web API. Measures the ack latency (the HTTP answer, p50/p99), then waits until every
clock-in is stored; any non-2xx or missing row is an error. Uses ``/in`` when the clockin skill
is installed, else ``/task add`` (said in the RESULT line as ``command=``).

The fake Slack and the load generator each run in a process of their own (bench/slack_peers.py),
as Slack and its users are not on the bot's machine: the bot's process does only the bot's work.

    .venv/bin/python -m bench.slack_bench [--n 2000] [--concurrency 50] [--command auto|in|task]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bench.common import Shortfall, freeze_startup, installed_skills, result, run_main
from bench.slack_peers import SECRET
from bot import event_loop
from bot.app import Bot
from bot.config import parse_config
from bot.loader import NoOptions

CONFIG = """
org: {{timezone: Asia/Shanghai}}
adapters:
  console: {{enabled: false}}
  slack: {{enabled: true, mode: http, bot_token: xoxb-bench, signing_secret: {secret},
          api_url: "{api_url}", http_port: 0}}
delivery:
  rate_limits:
    slack: {{overall: {{per_second: 100000, burst: 1000}},
            per_chat: {{per_second: 100000, burst: 1000}}}}
skills:
  quiet_hours: {{off_hours: null, days_off: []}}
"""
# the command, and the SQL counting what it stored (one per person)
COMMANDS = {
    "in": ("/in", "SELECT COUNT(DISTINCT person_id) FROM clockin_events"),
    "task": ("/task add Bench storm item", "SELECT COUNT(*) FROM tasks"),
}


async def start_bot(api_url: str, tmp: Path, want: str) -> tuple[Bot, Any, str]:
    from adapters.slack import SlackAdapter, spec

    skills, _broken = installed_skills()
    names = {s.name for s in skills}
    key = "in" if want == "in" or (want == "auto" and "clockin" in names) else "task"
    skills = [s for s in skills if s.name in {"help", "quiet_hours", "tasks", "clockin"}]
    schemas: dict[str, Any] = {s.name: s.config or NoOptions for s in skills}
    roles = {"admin", *(r for s in skills for r in s.roles)}
    cfg = parse_config(
        CONFIG.format(secret=SECRET, api_url=api_url), skill_schemas=schemas, known_roles=roles
    )
    cfg.storage.url = f"sqlite+aiosqlite:///{tmp / 'storm.db'}"
    adapter = SlackAdapter(spec.settings(cfg))
    bot = Bot(cfg, skills, adapters=[adapter])
    await bot.start()
    freeze_startup()
    return bot, adapter, key


async def count(bot: Bot, sql: str) -> int:
    async with bot.db.transaction() as session:
        return int((await session.exec(text(sql))).one()[0])  # type: ignore[call-overload]


async def side(*args: str, env: dict[str, str] | None = None) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.slack_peers",
        *args,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )


async def wait_stored(bot: Bot, sql: str, n: int) -> int:
    stored, deadline = 0, time.monotonic() + 600
    while time.monotonic() < deadline:
        stored = await count(bot, sql)
        if stored >= n:
            break
        await asyncio.sleep(0.1)
    return stored


async def measure(n: int, concurrency: int, want: str) -> str:
    fake = await side("fake", str(n))
    assert fake.stdout is not None
    assert fake.stdin is not None
    api_url = (await fake.stdout.readline()).decode().strip()
    with tempfile.TemporaryDirectory() as tmp:
        bot, adapter, key = await start_bot(api_url, Path(tmp), want)
        command, counting = COMMANDS[key]
        try:
            url = f"http://127.0.0.1:{adapter.port}/slack/events"
            started = time.perf_counter()
            load = await side(
                "load", url, str(n), str(concurrency), env={"BENCH_SLACK_COMMAND": command}
            )
            out, _err = await load.communicate()
            answers = json.loads(out.decode().strip().splitlines()[-1])
            bad = [s for s in answers["statuses"] if not 200 <= s < 300]
            if bad or len(answers["statuses"]) != n:
                raise Shortfall(f"{len(bad)} non-2xx answers of {len(answers['statuses'])}")
            stored = await wait_stored(bot, counting, n)
            processed = time.perf_counter() - started
            if stored != n:
                raise Shortfall(f"{stored} of {n} {command} stored")
            await bot.delivery.settle()
        finally:
            await bot.stop()
            fake.stdin.close()
            replies = json.loads((await fake.stdout.readline()).decode() or '{"replies": -1}')
            await fake.wait()
        return result(
            "w3_slack_storm",
            n,
            answers["seconds"][0],
            answers["latencies"],
            concurrency=concurrency,
            command=command.split()[0] + ("_add" if key == "task" else ""),
            stored=stored,
            all_stored_s=round(processed, 2),
            stored_per_s=round(n / processed, 1),
            replies=replies["replies"],
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--command", choices=["auto", "in", "task"], default="auto")
    args = parser.parse_args()
    return run_main(
        "w3_slack_storm",
        args.n,
        lambda: event_loop.run(measure(args.n, args.concurrency, args.command)),
    )


if __name__ == "__main__":
    raise SystemExit(main())
