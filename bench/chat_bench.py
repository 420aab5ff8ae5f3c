"""W1 echo and W2 persist, as the peer harness runs them on errbot, opsdroid and slack-machine.

    .venv/bin/python -m bench.chat_bench echo [--n 5000] [--concurrency 10]
    .venv/bin/python -m bench.chat_bench persist [--n 2000]
    .venv/bin/python -m bench.chat_bench persist --db postgresql   # W2 on 127.0.0.1:5432
    .venv/bin/python -m bench.chat_bench persist_orm   # W2, the row written as an ORM object


One person writes to the bot in a DM, ``concurrency`` commands in flight, each through the whole
runtime (``Bot.handle`` of a ``Command`` from the in-memory adapter: de-duplication, identity,
parsing, permissions, one transaction on SQLite in WAL mode, the reply). Every reply is checked,
and for ``persist`` every row is counted (``persist`` writes it with a prepared statement,
``bot.Prepared``; ``persist_orm`` adds an ORM object to the session, flushed with the group's);
anything short is an error line, never a figure.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

from bench.benchskill import skill as bench_skill
from bench.common import Shortfall, freeze_startup, result, run_main
from bot import event_loop
from bot.testing import make_harness
from bot.testing.databases import ENGINE_VARIABLE
from skills.help import skill as help_skill

SENDER = "bench"


async def measure(workload: str, n: int, concurrency: int, db: str = "sqlite") -> str:
    with tempfile.TemporaryDirectory() as tmp:
        chat = await make_harness([help_skill, bench_skill], Path(tmp), with_help=False)
        try:
            adapter = chat.adapter
            await chat.say(SENDER, "/echo warm-up", dm=True)  # first sight of the sender
            adapter.sent.clear()
            freeze_startup()
            if workload == "echo":
                commands = [f"/echo hello {i}" for i in range(n)]
                expected = {f"hello {i}" for i in range(n)}
            else:  # persist (a prepared insert) or persist_orm (an ORM object)
                commands = [f"/{workload} {i}" for i in range(n)]
                expected = {f"stored {i}" for i in range(n)}
            events = [adapter.command(SENDER, c, dm=True) for c in commands]
            latencies: list[float] = []
            queue = iter(events)

            async def worker() -> None:
                for event in queue:
                    started = time.perf_counter()
                    await chat.bot.handle(event)
                    latencies.append((time.perf_counter() - started) * 1000)

            started = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(concurrency)))
            await chat.bot.delivery.settle()
            seconds = time.perf_counter() - started
            replies = [s.text for s in adapter.sent if s.destination.account_id == SENDER]
            correct = expected & set(replies)
            if len(correct) != n or len(replies) != n:
                raise Shortfall(
                    f"only {len(correct)} of {n} correct replies ({len(replies)} in all)"
                )
            extra = {}
            if workload.startswith("persist"):
                stored = await _stored(chat)
                if stored != {str(i) for i in range(n)}:
                    raise Shortfall(f"{len(stored)} of {n} rows stored")
                extra["stored"] = len(stored)
            name = workload if db == "sqlite" else f"{workload}_pg"
            engine = "sqlite-wal" if db == "sqlite" else db
            return result(name, n, seconds, latencies, concurrency=concurrency, db=engine, **extra)
        finally:
            await chat.close()


async def _stored(chat) -> set[str]:  # type: ignore[no-untyped-def]
    async with chat.bot.db.transaction() as session:
        rows = await session.exec(text("SELECT key FROM bench_records"))
        return {r[0] for r in rows.all()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workload", choices=["echo", "persist", "persist_orm"])
    parser.add_argument("--n", type=int)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument(
        "--db",
        choices=["sqlite", "postgresql"],
        default="sqlite",
        help="postgresql: a fresh database on the server DESKMATE_TEST_DB=postgresql names",
    )
    args = parser.parse_args()
    n = args.n or (5000 if args.workload == "echo" else 2000)
    if args.db == "postgresql":
        os.environ[ENGINE_VARIABLE] = "postgresql"
    name = args.workload if args.db == "sqlite" else f"{args.workload}_pg"
    return run_main(
        name, n, lambda: event_loop.run(measure(args.workload, n, args.concurrency, args.db))
    )


if __name__ == "__main__":
    raise SystemExit(main())
