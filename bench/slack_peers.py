"""The two other sides of W3, each in a process of its own so they don't take the bot's CPU:

    python -m bench.slack_peers fake N          # the fake Slack Web API; prints its URL
    python -m bench.slack_peers load URL N C    # N signed slash commands, C in flight; JSON out

The load side prints one JSON line: the HTTP statuses and the ack latencies in milliseconds.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import os
import sys
import time
from urllib.parse import urlencode

import aiohttp

SECRET = "bench-signing-secret"
COMMAND = os.environ.get("BENCH_SLACK_COMMAND", "/in")


def users(n: int) -> dict[str, dict[str, str]]:
    return {f"U{i:05d}": {"name": f"user{i}", "real_name": f"User {i}"} for i in range(n)}


def signed(body: str) -> dict[str, str]:
    stamp = str(int(time.time()))
    base = f"v0:{stamp}:{body}".encode()
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": "v0=" + hmac.new(SECRET.encode(), base, hashlib.sha256).hexdigest(),
    }


def slash(user: str, command: str, n: int) -> str:
    name, _sep, rest = command.partition(" ")
    return urlencode(
        {
            "command": name,
            "text": f"{rest} {n}".strip() if rest else "",
            "user_id": user,
            "channel_id": "C1",
            "channel_name": "general",
            "team_id": "T1",
            "trigger_id": f"trg-{n}",
            "response_url": "http://127.0.0.1:9/response",
        }
    )


async def load(url: str, n: int, concurrency: int, command: str) -> dict[str, list[float]]:
    statuses: list[float] = []
    latencies: list[float] = []
    queue = iter(range(n))
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as http:

        async def client() -> None:
            for i in queue:
                body = slash(f"U{i:05d}", command, i)
                started = time.perf_counter()
                async with http.post(url, data=body.encode(), headers=signed(body)) as answer:
                    await answer.read()
                    statuses.append(answer.status)
                latencies.append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(concurrency)))
        seconds = time.perf_counter() - started
    return {"statuses": statuses, "latencies": latencies, "seconds": [seconds]}


async def fake(n: int) -> None:
    from tests.adapters.slack.fake_slack import FakeSlack

    server = FakeSlack(users=users(n))
    await server.start()
    print(server.api_url, flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)  # until closed
    replies = len(server.calls_to("chat.postEphemeral")) + len(server.calls_to("chat.postMessage"))
    print(json.dumps({"replies": replies}), flush=True)
    await server.stop()


def main() -> None:
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        os.environ.pop(name, None)
    if sys.argv[1] == "fake":
        asyncio.run(fake(int(sys.argv[2])))
    else:
        url, n, concurrency = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
        print(json.dumps(asyncio.run(load(url, n, concurrency, COMMAND))), flush=True)


if __name__ == "__main__":
    main()
