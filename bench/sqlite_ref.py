"""The limit reference: how many durable insert+commit transactions raw sqlite3 does per second
on this machine, set up as Deskmate sets up SQLite (WAL, ``synchronous=NORMAL``, ``BEGIN
IMMEDIATE``; see storage/engine.py). W2 reads as a fraction of this figure.

    .venv/bin/python -m bench.sqlite_ref [--n 20000]
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from pathlib import Path

from bench.common import Shortfall, result, run_main


def measure(n: int) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        db = sqlite3.connect(Path(tmp) / "ref.db", isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")  # what storage/engine.py sets
        db.execute("CREATE TABLE records (id INTEGER PRIMARY KEY, key TEXT NOT NULL, person INT)")
        latencies = []
        started = time.perf_counter()
        for i in range(n):
            t = time.perf_counter()
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT INTO records (key, person) VALUES (?, ?)", (str(i), 1))
            db.execute("COMMIT")
            latencies.append((time.perf_counter() - t) * 1000)
        seconds = time.perf_counter() - started
        (count,) = db.execute("SELECT COUNT(*) FROM records").fetchone()
        db.close()
        if count != n:
            raise Shortfall(f"{count} of {n} rows stored")
        return result("sqlite_ref", n, seconds, latencies, synchronous="NORMAL", journal="WAL")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000)
    args = parser.parse_args()
    return run_main("sqlite_ref", args.n, lambda: measure(args.n))


if __name__ == "__main__":
    raise SystemExit(main())
