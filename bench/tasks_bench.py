"""How fast /task list and /task report month answer with 100,000 tasks in the database.

    .venv/bin/python bench/tasks_bench.py [--tasks 100000] [--runs 20]

Builds a real bot (SQLite file, all migrations) through the test harness, bulk-loads tasks spread
over 20 chats, 200 people and the last 12 months (one to three assignees each, a third done, some
late), then times each command end to end through the runtime (parse, query, render, reply).
Prints one line per command: median and 95th percentile in milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from bot.testing import make_harness
from skills.tasks import skill as tasks

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
PEOPLE = 200


def directory() -> str:
    lines = ["org: {timezone: Asia/Shanghai}", "people:"]
    lines += [f"  - {{id: p{i}, accounts: {{console: p{i}}}}}" for i in range(PEOPLE)]
    return "\n".join(lines) + "\n"


async def load(chat, n: int, chats: int) -> None:
    rng = random.Random(1)
    for c in range(chats):  # make the chats exist (the first is the harness's #general)
        await chat.say("p0", "/help help", chat=None if c == 0 else f"room{c}")
    async with chat.bot.db.transaction() as s:
        chat_ids = [r[0] for r in (await s.exec(text("SELECT id FROM chats ORDER BY id"))).all()]
        person_ids = [r[0] for r in (await s.exec(text("SELECT id FROM people ORDER BY id"))).all()]
        tasks_rows, assignee_rows = [], []
        for i in range(1, n + 1):
            created = NOW - timedelta(minutes=rng.randrange(365 * 24 * 60))
            due = created + timedelta(hours=rng.randrange(1, 24 * 14))
            done = rng.random() < 0.33
            status = "done" if done else ("in_progress" if rng.random() < 0.3 else "open")
            tasks_rows.append(
                {
                    "id": i,
                    "chat_id": rng.choice(chat_ids),
                    "creator_id": rng.choice(person_ids),
                    "title": f"task {i}",
                    "priority": "normal",
                    "status": status,
                    "due_at": due,
                    "created_at": created,
                    "updated_at": created,
                    "done_at": due + timedelta(hours=rng.randrange(-48, 24)) if done else None,
                }
            )
            for p in rng.sample(person_ids, rng.randint(1, 3)):
                assignee_rows.append(
                    {
                        "task_id": i,
                        "person_id": p,
                        "status": "done" if done else "open",
                        "done_at": tasks_rows[-1]["done_at"],
                    }
                )
        conn = await s.connection()
        await conn.execute(
            text(
                "INSERT INTO tasks (id, chat_id, creator_id, title, priority, status, due_at, "
                "created_at, updated_at, done_at) VALUES (:id, :chat_id, :creator_id, :title, "
                ":priority, :status, :due_at, :created_at, :updated_at, :done_at)"
            ),
            tasks_rows,
        )
        await conn.execute(
            text(
                "INSERT INTO task_assignees (task_id, person_id, status, done_at) "
                "VALUES (:task_id, :person_id, :status, :done_at)"
            ),
            assignee_rows,
        )


async def timed(chat, who: str, command: str, runs: int) -> tuple[float, float, str]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        out = await chat.say(who, command)
        times.append((time.perf_counter() - started) * 1000)
    q = statistics.quantiles(times, n=20)
    return statistics.median(times), q[18], out[0].text.splitlines()[0]


async def main(n: int, runs: int, chats: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        chat = await make_harness([tasks], Path(tmp), config=directory(), start=NOW)
        started = time.perf_counter()
        await load(chat, n, chats)
        print(f"loaded {n} tasks into {chats} chats in {time.perf_counter() - started:.1f} s")
        for command in (
            "/help help",
            "/task list",
            "/task list chat all",
            "/task list chat late",
            "/task report month",
            "/task report 2025-12-01..2026-11-30",
        ):
            median, p95, first = await timed(chat, "p7", command, runs)
            print(f"{command:40s} median {median:7.1f} ms  p95 {p95:7.1f} ms   | {first}")
        await chat.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--chats", type=int, default=20, help="spread the tasks over this many")
    args = parser.parse_args()
    asyncio.run(main(args.tasks, args.runs, args.chats))
