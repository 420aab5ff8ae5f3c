"""W5 data at scale: 100,000 tasks (bench/tasks_bench.py's loader: 20 chats, 200 people, a year),
then ``/task list`` and ``/task report month`` timed end to end through the runtime, p50/p99,
and the database size. Targets: p99 under 50 ms for lists, under 500 ms for month reports.

    .venv/bin/python -m bench.data_bench [--tasks 100000] [--runs 50]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

from bench.common import Shortfall, freeze_startup, result, run_main

sys.path.insert(0, str(Path(__file__).parent))  # tasks_bench is a script next to us
import tasks_bench

from bot.testing import make_harness
from skills.help import skill as help_skill
from skills.tasks import skill as tasks

COMMANDS = {"task_list": "/task list", "task_report_month": "/task report month"}


def db_size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.iterdir()) / 2**20


async def measure(n: int, runs: int) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        chat = await make_harness(
            [help_skill, tasks],
            Path(tmp),
            config=tasks_bench.directory(),
            start=tasks_bench.NOW,
            with_help=False,
        )
        try:
            await tasks_bench.load(chat, n, 20)
            stored = await chat.count("tasks")
            if stored != n:
                raise Shortfall(f"{stored} of {n} tasks loaded")
            size_mb = db_size_mb(Path(tmp))
            freeze_startup()
            lines = []
            for name, command in COMMANDS.items():
                await chat.say("p7", command)  # warm the caches once
                latencies = []
                for _ in range(runs):
                    started = time.perf_counter()
                    out = await chat.say("p7", command)
                    latencies.append((time.perf_counter() - started) * 1000)
                    if not out or "went wrong" in out.text:
                        raise Shortfall(f"{command} answered {out.text[:60]!r}")
                seconds = sum(latencies) / 1000
                lines.append(
                    result(name, runs, seconds, latencies, tasks=n, db_mb=round(size_mb, 1))
                )
            return lines
        finally:
            await chat.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    return run_main("task_list", args.runs, lambda: asyncio.run(measure(args.tasks, args.runs)))


if __name__ == "__main__":
    raise SystemExit(main())
