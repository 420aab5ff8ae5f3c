"""The open API over HTTP on 127.0.0.1: latency of a read, a message and a task creation, each
request end to end (token, scope, transaction, audit, idempotency key, JSON), one client at a
time, on a fresh SQLite bot with the tasks skill.

    .venv/bin/python bench/api_bench.py [--runs 200]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import percentile
from bot.testing import make_harness
from skills.tasks import skill as tasks

TOKEN = "bench-token-0123456789abcdef"
CONFIG = """
people:
  - {id: mike, accounts: {console: mike}}
  - {id: alice, accounts: {console: alice}}
api:
  enabled: true
  port: 0
  clients:
    bench:
      token: ${API_BENCH_TOKEN}
      scopes: [tasks:read, tasks:write, messages:send]
      per_minute: 1000000
      burst: 100000
"""


async def timed(n: int, call: object) -> list[float]:
    samples = []
    for i in range(n):
        start = time.perf_counter()
        answer = await call(i)  # type: ignore[operator]
        samples.append((time.perf_counter() - start) * 1000)
        assert answer.status_code < 300, answer.text
    return samples


async def main(runs: int) -> None:
    os.environ["API_BENCH_TOKEN"] = TOKEN
    with tempfile.TemporaryDirectory() as folder:
        bot = await make_harness([tasks], Path(folder), config=CONFIG)
        await bot.say("mike", "/task list")
        assert bot.bot.api is not None
        headers = {"Authorization": f"Bearer {TOKEN}", "On-Behalf-Of": "mike"}
        url = f"http://127.0.0.1:{bot.bot.api.port}"
        async with httpx.AsyncClient(base_url=url, headers=headers) as http:
            new = {
                "chat": {"platform": "console", "id": "general"},
                "title": "Bench",
                "assignees": ["alice"],
            }
            created = await timed(
                runs,
                lambda i: http.post("/v1/tasks", json=new, headers={"Idempotency-Key": f"t{i}"}),
            )
            read = await timed(runs, lambda i: http.get(f"/v1/tasks/{i % runs + 1}"))
            sent = await timed(
                runs,
                lambda i: http.post(
                    "/v1/messages",
                    json={"to": {"people": ["alice"]}, "text": f"m{i}"},
                    headers={"Idempotency-Key": f"m{i}"},
                ),
            )
        await bot.bot.settled()
        await bot.close()
    for name, samples in (
        ("POST /v1/tasks", created),
        ("GET /v1/tasks/{id}", read),
        ("POST /v1/messages", sent),
    ):
        print(
            f"{name}: median {percentile(samples, 50):.1f} ms, "
            f"p95 {percentile(samples, 95):.1f} ms (n={len(samples)})"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    asyncio.run(main(parser.parse_args().runs))
