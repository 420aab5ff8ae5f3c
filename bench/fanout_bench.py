"""W4 fan-out: one notice with receipt to 5,000 people, delivered by the core's outbox through an
adapter to a fake platform that allows ``--limit`` messages a second (Telegram's 30/s scaled up)
and answers 429 with a retry-after beyond it. Reports the achieved rate as a fraction of the
limit, lost and duplicated messages (both must be 0); then all 5,000 press the acknowledge button
at once: every acknowledgement recorded and the notice's counter exact.

    .venv/bin/python -m bench.fanout_bench [--n 5000] [--limit 1000] [--via receipts|bench]

``--via receipts`` posts ``/notice team:all --ack ...`` (the receipts skill); ``--via bench``
fans out a plain ``ctx.notify`` from the bench skill (no acknowledgements), for when the receipts
skill is not there.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bench.benchskill import skill as bench_skill
from bench.common import Shortfall, freeze_startup, installed_skills, percentile, result, run_main
from bench.fakeplatform import RateLimitedPlatform
from bot.app import Bot
from bot.config import parse_config
from bot.loader import NoOptions

BOSS = "boss"


def config(n: int, limit: float, burst: int) -> str:
    lines = [
        "org: {timezone: Asia/Shanghai}",
        "adapters: {console: {enabled: false}}",
        "teams: {all: {name: Everyone}}",
        "delivery:",
        "  tick_seconds: 0.05",
        "  rate_limits:",
        f"    telegram: {{overall: {{per_second: {limit}, burst: {burst}}},"
        " per_chat: {per_second: 10, burst: 5}}",
        "people:",
        f"  - {{id: {BOSS}, roles: [admin], accounts: {{telegram: {BOSS}}}}}",
    ]
    lines += [f"  - {{id: p{i}, team: all, accounts: {{telegram: t{i}}}}}" for i in range(n)]
    return "\n".join(lines) + "\n"


async def start_bot(n: int, limit: float, burst: int, via: str, tmp: Path) -> tuple[Bot, Any]:
    found, _broken = installed_skills()
    skills = [s for s in found if s.name in {"help", "receipts"}] + [bench_skill]
    if via == "receipts" and not any(s.name == "receipts" for s in skills):
        raise Shortfall("the receipts skill is not installed")
    schemas: dict[str, Any] = {s.name: s.config or NoOptions for s in skills}
    roles = {"admin", *(r for s in skills for r in s.roles)}
    cfg = parse_config(config(n, limit, burst), skill_schemas=schemas, known_roles=roles)
    cfg.storage.url = f"sqlite+aiosqlite:///{tmp / 'fanout.db'}"
    platform = RateLimitedPlatform(limit, burst)
    bot = Bot(cfg, skills, adapters=[platform])
    await bot.start()
    freeze_startup()
    return bot, platform


async def wait_delivered(platform: RateLimitedPlatform, wanted: set[str], within: float) -> None:
    deadline, last, last_change = time.monotonic() + within, -1, time.monotonic()
    while time.monotonic() < deadline:
        got = len(wanted & platform.per_account.keys())
        if got == len(wanted):
            return
        if got != last:
            last, last_change = got, time.monotonic()
        elif time.monotonic() - last_change > 30:
            return  # stalled
        await asyncio.sleep(0.02)


async def scalar(bot: Bot, sql: str) -> int:
    async with bot.db.transaction() as session:
        return int((await session.exec(text(sql))).one()[0])  # type: ignore[call-overload]


async def measure(n: int, limit: float, burst: int, via: str) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        bot, platform = await start_bot(n, limit, burst, via, Path(tmp))
        try:
            wanted = {f"t{i}" for i in range(n)}
            if via == "receipts":
                event = platform.command(BOSS, "notice", "team:all --ack Fire drill at 15:00")
            else:
                event = platform.command(BOSS, "fanout", "all Fire drill at 15:00")
            started = time.perf_counter()
            await bot.handle(event)
            handled = time.perf_counter() - started
            await wait_delivered(platform, wanted, within=max(60.0, 5 * n / limit))
            to_people = [d for d in platform.delivered if d.to in wanted]
            got = {d.to for d in to_people}
            lost = len(wanted - got)
            duplicated = len(to_people) - len(got)
            if lost or duplicated:
                raise Shortfall(f"lost {lost}, duplicated {duplicated} of {n}")
            first, last = to_people[0].at, to_people[-1].at
            rate = (n - 1) / (last - first)
            lines = [
                result(
                    "w4_fanout",
                    n,
                    last - started,
                    limit=limit,
                    via=via,
                    command_ms=round(handled * 1000, 1),
                    send_rate=round(rate, 1),
                    of_limit=round(rate / limit, 3),
                    refused_429=platform.refused,
                    lost=lost,
                    duplicated=duplicated,
                )
            ]
            if via == "receipts":
                lines.append(await press_all(bot, platform, to_people))
            return lines
        finally:
            await bot.stop()


async def press_all(bot: Bot, platform: RateLimitedPlatform, delivered: list[Any]) -> str:
    """Everyone presses the acknowledge button at once."""
    presses = [platform.press(d) for d in delivered]
    missing = sum(p is None for p in presses)
    if missing:
        raise Shortfall(f"{missing} notices came without a button")
    started = time.perf_counter()
    await asyncio.gather(*(bot.handle(e) for e in presses))
    seconds = time.perf_counter() - started
    n = len(presses)
    # each press is answered (the alert only the presser sees) after its acknowledgement commits
    answered = [platform.answered.get(e.event_id) for e in presses]
    unanswered = sum(at is None for at in answered)
    latencies = [(at - started) * 1000 for at in answered if at is not None]
    acked = await scalar(bot, "SELECT COUNT(*) FROM receipt_recipients WHERE acked_at IS NOT NULL")
    counter = await scalar(bot, "SELECT MAX(acked) FROM receipt_notices")
    if acked != n or counter != n or unanswered:
        raise Shortfall(
            f"{acked} acknowledgements recorded, counter {counter}, {unanswered} presses "
            f"unanswered, of {n}"
        )
    return result(
        "w4_acks",
        n,
        seconds,
        latencies,
        recorded=acked,
        counter=counter,
        answered=n - unanswered,
        p100_ms=round(percentile(latencies, 100), 1),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--limit", type=float, default=1000)
    parser.add_argument("--burst", type=int, default=50)
    parser.add_argument("--via", choices=["receipts", "bench"], default="receipts")
    args = parser.parse_args()
    return run_main(
        "w4_fanout",
        args.n,
        lambda: asyncio.run(measure(args.n, args.limit, args.burst, args.via)),
    )


if __name__ == "__main__":
    raise SystemExit(main())
