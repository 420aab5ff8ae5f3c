"""How fast attendance reports answer with 200 people and a year of clock events.

    .venv/bin/python bench/clockin_bench.py [--people 200] [--days 365] [--runs 30] [--keep DIR]

Builds a real bot (SQLite file, all migrations) through the test harness, with four teams of 50
on an office schedule (09:00-18:00, grace 10 min). For every workday of the last year each person
clocks in around 09:00 and out around 18:00 (some late, some early, 4% absent, 3% on leave, 10%
in the field); each day is computed by the skill's own status function and stored, as the bot does
live. Then each command is timed end to end through the runtime (parse, query, render, chart or
CSV, reply). Prints one line per command: median, 95th and 99th percentile in milliseconds.

Loading 1,000 people takes over a minute: ``--keep DIR`` keeps the database in ``DIR`` and a later
run with the same ``--keep DIR`` (and the same ``--people``/``--days``) reuses it instead of
loading again. Only the final figures should come from a fresh load.
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
from zoneinfo import ZoneInfo

from sqlalchemy import insert, text

from bot.testing import make_harness
from skills.clockin import skill as clockin
from skills.clockin.config import ClockinConfig, ScheduleConfig
from skills.clockin.models import AttendanceDay, ClockEvent, Leave
from skills.clockin.schedule import plan_of
from skills.clockin.status import DayInput, compute

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Mon 10:00 in Shanghai
TZ = ZoneInfo("Asia/Shanghai")
TEAMS = 4


def directory(people: int) -> str:
    lines = ["org: {timezone: Asia/Shanghai}", "people:"]
    lines += [f"  - {{id: p{i}, team: t{i % TEAMS}}}" for i in range(people)]
    lines += ["  - {id: boss, roles: [admin]}", "teams:"]
    lines += [f"  t{t}: {{leads: [p{t}]}}" for t in range(TEAMS)]
    lines += [
        "skills:",
        "  clockin:",
        '    schedules: {office: {start: "09:00", end: "18:00", grace: 10m}}',
        "    default_schedule: office",
    ]
    return "\n".join(lines) + "\n"


def _day_events(rng: random.Random, person: int, day: date) -> list[dict[str, Any]]:
    start = datetime.combine(day, datetime.min.time(), TZ).replace(hour=9)
    arrive = start + timedelta(minutes=rng.gauss(-5, 10))
    leave = start + timedelta(hours=9, minutes=rng.gauss(15, 25))
    mode = "field" if rng.random() < 0.1 else "office"
    common = {"person_id": person, "work_day": day, "place": "", "note": "", "source": "command"}
    return [
        {**common, "kind": "in", "at": arrive.astimezone(UTC), "mode": mode},
        {**common, "kind": "out", "at": leave.astimezone(UTC), "mode": "office"},
    ]


async def load(chat: Any, days: int) -> tuple[int, int]:
    rng = random.Random(1)
    settings = ClockinConfig(schedules={"office": ScheduleConfig()}, default_schedule="office")
    plan = plan_of("office", settings.schedules["office"], settings, chat.bot.config.org)
    async with chat.bot.db.transaction() as s:
        ids = [r[0] for r in (await s.exec(text("SELECT id FROM people WHERE handle != 'boss'")))]
        events, rows, leave = [], [], []
        first = NOW.astimezone(TZ).date() - timedelta(days=days)
        for day in (first + timedelta(days=i) for i in range(days)):
            for pid in ids:
                todays: list[dict[str, Any]] = []
                on_leave = plan.day_kind(day) == "work" and rng.random() < 0.03
                if plan.day_kind(day) == "work" and not on_leave and rng.random() > 0.04:
                    todays = _day_events(rng, pid, day)
                if on_leave:
                    leave.append({"person_id": pid, "start": day, "end": day, "type": "annual"})
                built = [ClockEvent(created_at=NOW, **e) for e in todays]
                d = DayInput(
                    plan, True, day, built, "annual" if on_leave else None, NOW, timedelta(hours=4)
                )
                rows.append(compute(d, pid)._asdict())
                events += [{**e, "created_at": NOW} for e in todays]
        conn = await s.connection()
        await conn.execute(insert(ClockEvent), events)
        await conn.execute(insert(AttendanceDay), rows)
        await conn.execute(insert(Leave), [{**x, "created_at": NOW} for x in leave])
    return len(events), len(rows)


async def timed(chat: Any, who: str, command: str, runs: int) -> tuple[float, float, float, str]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        out = await chat.say(who, command)
        times.append((time.perf_counter() - started) * 1000)
    q = statistics.quantiles(times, n=100, method="inclusive")
    return statistics.median(times), q[94], q[98], out[0].text.splitlines()[0][:60]


async def loaded(chat: Any) -> tuple[int, int]:
    """How many clock events and person-days a kept database holds (0, 0: none yet)."""
    async with chat.bot.db.transaction() as s:
        counts = [
            (await s.exec(text(f"SELECT count(*) FROM {table}"))).one()[0]
            for table in ("clockin_events", "clockin_days")
        ]
    return counts[0], counts[1]


async def main(people: int, days: int, runs: int, keep: Path | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        where = keep or Path(tmp)
        where.mkdir(parents=True, exist_ok=True)
        chat = await make_harness([clockin], where, config=directory(people), start=NOW)
        started = time.perf_counter()
        n_events, n_days = await loaded(chat)
        if n_days:
            print(f"reusing {where / 'deskmate.db'}: ", end="")
        else:
            n_events, n_days = await load(chat, days)
        print(
            f"loaded {n_events} clock events and {n_days} person-days "
            f"({people} people x {days} days) in {time.perf_counter() - started:.1f} s"
        )
        gc.collect()  # as `deskmate run` does once started: the collector skips what is loaded
        gc.freeze()
        for who, command in (
            ("p0", "/attendance"),
            ("p0", "/attendance month 2026-10 @p4"),
            ("p0", "/attendance month 2026-10 team:t0"),
            ("p0", "/attendance today team:t0"),
            ("boss", "/attendance today"),
            ("p0", "/attendance export 2026-10 team:t0"),
            ("boss", "/attendance export 2026-10"),
            ("boss", "/attendance chart 2026-10 team:t1"),
        ):
            median, p95, p99, first = await timed(chat, who, command, runs)
            print(
                f"{command:40s} median {median:7.1f} ms  p95 {p95:7.1f} ms  "
                f"p99 {p99:7.1f} ms   | {first}"
            )
        await chat.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument(
        "--keep", type=Path, default=None, help="keep the database in this directory; reuse it"
    )
    args = parser.parse_args()
    asyncio.run(main(args.people, args.days, args.runs, args.keep))
