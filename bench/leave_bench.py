"""How fast /balance answers with 1,000 people and three years of leave ledger.

    .venv/bin/python bench/leave_bench.py [--people 1000] [--years 3] [--runs 50]

Builds a real bot (SQLite file, all migrations) through the test harness with the leave types of
config.example.yaml (annual with carry-over, monthly sick leave, personal leave, comp time), and
writes for every person three years of ledger as the skill writes it: a yearly annual grant, a
sick grant each month with its expiry, annual and sick leave taken, comp time from overtime, the
expiries of what was left and a few adjustments by HR (about 35 rows a person a year). Then each
command is timed end to end through the runtime (parse, query, render, reply). Prints one line
per command: median, 95th and 99th percentile in milliseconds. The target: /balance under 50 ms
at the 99th percentile.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text

from bot.testing import make_harness
from skills.leave import skill as leave
from skills.leave.models import LedgerEntry

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Mon 10:00 in Shanghai

CONFIG = """
org: {timezone: Asia/Shanghai}
people:
%s
  - {id: boss, roles: [admin]}
skills:
  leave:
    types:
      annual:
        label: {en: Annual leave, zh: 年假}
        unit: half_day
        grant: {every: year, tiers: [{years: 0, amount: 5}, {years: 10, amount: 10}]}
        expiry: {carry_until: 03-31}
      sick:
        label: {en: Sick leave, zh: 病假}
        grant: {every: month, amount: 1}
        expiry: {months: 12}
      personal: {label: {en: Personal leave, zh: 事假}, paid: false, limited: false}
      comp: {label: {en: Comp time, zh: 调休假}, unit: hour, expiry: {months: 6}}
"""


def directory(people: int) -> str:
    return "\n".join(
        f"  - {{id: p{i}, hired_on: {2010 + i % 15}-0{1 + i % 9}-1{i % 9}}}" for i in range(people)
    )


def _row(pid: int, type_: str, kind: str, n: int, on: date, **more: Any) -> dict[str, Any]:
    return {
        "person_id": pid, "type": type_, "kind": kind, "hundredths": n, "on": on,
        "expires_on": more.get("expires_on"), "lot_id": None, "request_id": more.get("request"),
        "by_id": None, "reason": more.get("reason", ""), "key": more.get("key"),
        "created_at": NOW,
    }  # fmt: skip


def _year(rng: random.Random, pid: int, year: int) -> list[dict[str, Any]]:
    rows = [
        _row(pid, "annual", "grant", 1000, date(year, 1, 1), expires_on=date(year + 1, 4, 1),
             key=f"grant:annual:{pid}:{year}"),
    ]  # fmt: skip
    for month in range(1, 13):
        on = date(year, month, 1)
        rows.append(
            _row(pid, "sick", "grant", 100, on, expires_on=date(year + 1, month, 1),
                 key=f"grant:sick:{pid}:{year}-{month:02d}")
        )  # fmt: skip
    for _ in range(rng.randint(3, 7)):
        on = date(year, rng.randint(1, 12), rng.randint(1, 28))
        rows.append(_row(pid, "annual", "use", -rng.choice((50, 100, 200)), on))
    for _ in range(rng.randint(1, 4)):
        on = date(year, rng.randint(1, 12), rng.randint(1, 28))
        rows.append(_row(pid, "sick", "use", -100, on))
    for _ in range(rng.randint(0, 4)):
        on = date(year, rng.randint(1, 12), rng.randint(1, 28))
        rows.append(_row(pid, "comp", "grant", 300, on, expires_on=on + timedelta(days=182)))
    rows.append(_row(pid, "annual", "expire", -rng.randint(0, 3) * 100, date(year, 4, 1)))
    rows.append(_row(pid, "sick", "expire", -rng.randint(0, 6) * 100, date(year, 12, 31)))
    rows.append(_row(pid, "annual", "adjust", rng.choice((-50, 50)), date(year, 6, 30),
                     reason="correction"))  # fmt: skip
    return rows


async def load(chat: Any, years: int) -> int:
    rng = random.Random(1)
    async with chat.bot.db.transaction() as s:
        ids = [r[0] for r in (await s.exec(text("SELECT id FROM people WHERE handle != 'boss'")))]
        rows = [
            row
            for pid in ids
            for year in range(NOW.year - years + 1, NOW.year + 1)
            for row in _year(rng, pid, year)
        ]
        conn = await s.connection()
        for start in range(0, len(rows), 20_000):
            await conn.execute(insert(LedgerEntry), rows[start : start + 20_000])
    return len(rows)


async def timed(chat: Any, who: str, command: str, runs: int) -> tuple[float, float, float, str]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        out = await chat.say(who, command, dm=True)
        times.append((time.perf_counter() - started) * 1000)
    q = statistics.quantiles(times, n=100, method="inclusive")
    return statistics.median(times), q[94], q[98], out[0].text.splitlines()[0][:60]


async def main(people: int, years: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        config = CONFIG % directory(people)
        chat = await make_harness([leave], Path(tmp), config=config, start=NOW)
        started = time.perf_counter()
        n = await load(chat, years)
        print(
            f"loaded {n} ledger rows ({people} people x {years} years) in "
            f"{time.perf_counter() - started:.1f} s"
        )
        gc.collect()  # as `deskmate run` does once started: the collector skips what is loaded
        gc.freeze()
        for who, command in (
            ("p7", "/balance"),
            ("boss", "/balance @p42"),
            ("p7", "/balance history"),
            ("p7", "/balance history sick"),
        ):
            median, p95, p99, first = await timed(chat, who, command, runs)
            print(
                f"{command:40s} median {median:7.1f} ms  p95 {p95:7.1f} ms  "
                f"p99 {p99:7.1f} ms   | {first}"
            )
        await chat.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    asyncio.run(main(args.people, args.years, args.runs))
