"""A directory of 10,000 people in the config: ``deskmate check-config`` on it, a first start
(the whole directory written), a start with the directory unchanged, and the resident memory of
a start. Targets: check-config under 2 s, an unchanged start under 3 s, a first start under
10 s, under 200 MB.

    .venv/bin/python -m bench.directory_bench [--people 10000] [--engine sqlite|postgresql]

check-config is timed as an admin runs it (a fresh ``deskmate`` process, imports included); each
start in a fresh process of its own, from reading the config to ``Bot.start()`` returning
(migrations, then the directory's sync), with its peak resident memory. ``Bot.start()`` runs
with every installed skill and no adapter (they would only add their own start-up). CPU seconds
are given too: on a machine others share, the wall-clock figures follow its load (``load_avg``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import Shortfall, peak_rss_mb, result, run_main

PY = sys.executable
TEAMS = ("eng", "ops", "sales", "hr", "finance")
ZONES = ("Asia/Shanghai", "Europe/Berlin", "America/New_York", None)


def directory_yaml(n: int) -> str:
    """``n`` people as an admin writes them: two accounts each, a manager (every tenth person
    leads the nine after them), a team, some with a time zone, a language, an email, a date."""
    lines = ["org: {name: Acme, timezone: Asia/Shanghai}", "people:"]
    for i in range(n):
        lines += [f"  - id: p{i:05d}", f"    name: Person {i}"]
        lines.append(f'    accounts: {{slack: U{i:08d}, telegram: "{100_000_000 + i}"}}')
        if i % 10:
            lines.append(f"    manager: p{i - i % 10:05d}")
        else:
            lines.append("    roles: [admin]" if i == 0 else "    roles: []")
        lines.append(f"    team: {TEAMS[i % len(TEAMS)]}")
        if (zone := ZONES[i % len(ZONES)]) is not None:
            lines.append(f"    timezone: {zone}")
        if i % 3 == 0:
            lines += ["    language: zh", f"    email: p{i}@example.com"]
            lines.append("    hired_on: 2020-03-01")
    return "\n".join(lines) + "\n"


def check_config(path: Path) -> tuple[float, float]:
    """Seconds for ``deskmate check-config`` in a fresh process (what an admin waits), and the
    CPU seconds it used (the same on a busy machine)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [PY, "-c", "from bot.cli import main; main()", "check-config", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0 or not done.stdout.startswith("OK"):
        raise Shortfall(f"check-config failed: {(done.stdout + done.stderr)[-200:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return seconds, cpu


def start_in_a_process(path: Path, url: str) -> dict[str, float]:
    """A start in a fresh process: its seconds, peak memory, and the rows it left."""
    argv = [PY, "-m", "bench.directory_bench", "--start", str(path), "--url", url]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise Shortfall(f"start failed: {done.stderr.strip()[-300:]}")
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


async def one_start(path: Path, url: str) -> dict[str, float]:
    """Read the config, start the bot (migrations and the directory's sync), stop it."""
    from sqlalchemy import text

    from bot.app import Bot
    from bot.loader import load

    started, cpu = time.perf_counter(), time.process_time()
    config, skills = load(path)
    config.storage.url = url
    bot = Bot(config, skills, adapters=[])
    read = time.perf_counter()
    await bot.start()
    bot_start = time.perf_counter() - read
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    try:
        async with bot.db.transaction() as session:
            people = (await session.execute(text("SELECT count(*) FROM people"))).scalar_one()
            accounts = await session.execute(text("SELECT count(*) FROM platform_accounts"))
            managed = await session.execute(
                text("SELECT count(*) FROM people WHERE manager_id IS NOT NULL")
            )
            counts = (people, accounts.scalar_one(), managed.scalar_one())
    finally:
        await bot.stop()
    return {
        "seconds": seconds,
        "cpu_s": cpu,
        "bot_start_s": bot_start,
        "rss_mb": peak_rss_mb(),
        "people": counts[0],
        "accounts": counts[1],
        "managed": counts[2],
    }


async def scratch(directory: Path, engine_name: str) -> tuple[str, object]:
    from bot.loader import installed_skills
    from bot.testing.databases import Engine, scratch_database

    engine = Engine.postgresql() if engine_name == "postgresql" else Engine("sqlite")
    database = await scratch_database(directory, installed_skills().values(), engine=engine)
    return database.url, database


def measure(n: int, engine_name: str) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "people.yaml"
        path.write_text(directory_yaml(n), encoding="utf-8")
        check_s, check_cpu = check_config(path)
        url, database = asyncio.run(scratch(Path(tmp), engine_name))
        try:
            first = start_in_a_process(path, url)
            again = start_in_a_process(path, url)
        finally:
            asyncio.run(database.release())  # type: ignore[attr-defined]
        for figures in (first, again):
            wanted = (n, 2 * n, n - (n + 9) // 10)
            got = (figures["people"], figures["accounts"], figures["managed"])
            if got != wanted:
                raise Shortfall(f"people, accounts, managed: {got}, expected {wanted}")
        return result(
            workload_name(n, engine_name),
            n,
            check_s + first["seconds"] + again["seconds"],
            check_config_s=round(check_s, 2),
            check_config_cpu_s=round(check_cpu, 2),
            first_start_s=round(first["seconds"], 2),
            first_start_cpu_s=round(first["cpu_s"], 2),
            first_sync_s=round(first["bot_start_s"], 2),  # Bot.start(): migrations checked, sync
            unchanged_start_s=round(again["seconds"], 2),
            unchanged_start_cpu_s=round(again["cpu_s"], 2),
            unchanged_sync_s=round(again["bot_start_s"], 2),
            start_rss_mb=round(max(first["rss_mb"], again["rss_mb"]), 1),
            load_avg=round(os.getloadavg()[0], 1),
        )


def directory_csv(n: int) -> str:
    """``n`` people as HR exports them for ``deskmate people import``: every column, a manager
    for nine in ten (every tenth person leads the nine after them), two accounts each."""
    lines = ["id,name,email,manager,team,roles,accounts,hired_on,left_on"]
    for i in range(n):
        manager = f"c{i - i % 10:05d}" if i % 10 else ""
        roles = "hr" if i == 1 else ""
        accounts = f"slack:W{i:08d} telegram:{200_000_000 + i}"
        team = TEAMS[i % len(TEAMS)]
        lines.append(
            f"c{i:05d},Colleague {i},c{i}@example.com,{manager},{team},{roles},{accounts},"
            "2021-06-01,"
        )
    return "\n".join(lines) + "\n"


def import_in_a_process(config: Path, csv_path: Path, dry_run: bool) -> dict[str, float]:
    """``deskmate people import`` in a fresh process (imports included, as an admin runs it):
    its seconds, CPU seconds and peak memory; the output checked."""
    argv = [PY, "-m", "bench.directory_bench", "--import-csv", str(csv_path)]
    argv += ["--config", str(config), *(["--dry-run"] if dry_run else [])]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise Shortfall(f"people import failed: {(done.stdout + done.stderr).strip()[-300:]}")
    lines = done.stdout.strip().splitlines()
    figures: dict[str, float] = json.loads(lines[-1])
    figures["seconds"] = seconds
    figures["cpu_s"] = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    figures["summary"] = lines[-2]  # type: ignore[assignment]
    return figures


def import_worker(csv_path: Path, config: Path, dry_run: bool) -> int:
    """The CLI's import, run in this process; its peak memory printed after its output."""
    from bot.cli import main as cli

    args = ["people", "import", str(csv_path), "--config", str(config)]
    try:
        cli.main([*args, *(["--dry-run"] if dry_run else [])], standalone_mode=False)
    except SystemExit as exc:
        if exc.code:
            raise
    print(json.dumps({"rss_mb": peak_rss_mb()}))
    return 0


def measure_import(n: int, engine_name: str) -> str:
    """A dry run, then the real import, of ``n`` people into a directory that has none of them
    (the config declares one admin), each in a fresh process."""
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "people.csv"
        csv_path.write_text(directory_csv(n), encoding="utf-8")
        url, database = asyncio.run(scratch(Path(tmp), engine_name))
        config = Path(tmp) / "config.yaml"
        config.write_text(
            "org: {name: Acme, timezone: Asia/Shanghai}\n"
            "people:\n  - {id: admin, roles: [admin]}\n"
            f"storage: {{url: '{url}'}}\n",
            encoding="utf-8",
        )
        try:
            dry = import_in_a_process(config, csv_path, dry_run=True)
            real = import_in_a_process(config, csv_path, dry_run=False)
            counts = asyncio.run(_counts(url))
        finally:
            asyncio.run(database.release())  # type: ignore[attr-defined]
    wanted = (n + 1, 2 * n, n - (n + 9) // 10)
    if counts != wanted:
        raise Shortfall(f"people, accounts, managed: {counts}, expected {wanted}")
    if not str(dry["summary"]).startswith(f"Dry run: would be {n} added"):
        raise Shortfall(f"dry run said: {dry['summary']}")
    return result(
        f"directory_import_{n // 1000}k" + ("_pg" if engine_name == "postgresql" else ""),
        n,
        dry["seconds"] + real["seconds"],
        dry_run_s=round(dry["seconds"], 2),
        dry_run_cpu_s=round(dry["cpu_s"], 2),
        dry_run_rss_mb=round(dry["rss_mb"], 1),
        import_s=round(real["seconds"], 2),
        import_cpu_s=round(real["cpu_s"], 2),
        import_rss_mb=round(real["rss_mb"], 1),
        load_avg=round(os.getloadavg()[0], 1),
    )


async def _counts(url: str) -> tuple[int, int, int]:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            people = (await conn.execute(text("SELECT count(*) FROM people"))).scalar_one()
            accounts = await conn.execute(text("SELECT count(*) FROM platform_accounts"))
            managed = await conn.execute(
                text("SELECT count(*) FROM people WHERE manager_id IS NOT NULL")
            )
            return people, accounts.scalar_one(), managed.scalar_one()
    finally:
        await engine.dispose()


def workload_name(n: int, engine_name: str) -> str:
    return f"directory_{n // 1000}k" + ("_pg" if engine_name == "postgresql" else "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--csv-only", action="store_true", help="only the CSV import's runs")
    parser.add_argument("--start", type=Path, help=argparse.SUPPRESS)  # one start, in a worker
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--import-csv", type=Path, help=argparse.SUPPRESS)  # in a worker
    parser.add_argument("--config", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--dry-run", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.start is not None:
        print(json.dumps(asyncio.run(one_start(args.start, args.url))))
        return 0
    if args.import_csv is not None:
        return import_worker(args.import_csv, args.config, args.dry_run)
    workload = workload_name(args.people, args.engine)

    def runs() -> list[str]:
        lines = [] if args.csv_only else [measure(args.people, args.engine)]
        return [*lines, measure_import(args.people, args.engine)]

    return run_main(workload, args.people, runs)


if __name__ == "__main__":
    raise SystemExit(main())
