"""The benchmark runner: every workload in a fresh process, one ``RESULT`` line per result, the
targets checked, and the table in docs/performance.md rewritten.

    make bench                      # .venv/bin/python -m bench.run
    make bench-peers                # the same, plus errbot/opsdroid/slack-machine (minutes)
    .venv/bin/python -m bench.run --only echo,persist --quick --no-doc

A workload that falls short prints ``status=error`` with the reason, never a figure.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from bench import report
from bench.peers import run_peers

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
LATEST = ROOT / "bench" / "results" / "latest.txt"

# name -> (command, quick command): each is one fresh process
WORKLOADS: dict[str, tuple[list[str], list[str]]] = {
    "sqlite_ref": (["bench.sqlite_ref"], ["bench.sqlite_ref", "--n", "5000"]),
    "echo": (["bench.chat_bench", "echo"], ["bench.chat_bench", "echo", "--n", "500"]),
    "persist": (["bench.chat_bench", "persist"], ["bench.chat_bench", "persist", "--n", "300"]),
    # W2 with the row written as an ORM object (ctx.session.add) rather than bot.Prepared
    "persist_orm": (
        ["bench.chat_bench", "persist_orm"],
        ["bench.chat_bench", "persist_orm", "--n", "300"],
    ),
    # W2 again on PostgreSQL (127.0.0.1:5432, DESKMATE_TEST_DB=postgresql's server)
    "persist_pg": (
        ["bench.chat_bench", "persist", "--db", "postgresql"],
        ["bench.chat_bench", "persist", "--db", "postgresql", "--n", "300"],
    ),
    "idle": (["bench.idle"], ["bench.idle"]),
    "w3": (["bench.slack_bench"], ["bench.slack_bench", "--n", "200"]),
    "w4": (["bench.fanout_bench"], ["bench.fanout_bench", "--n", "500"]),
    "w5": (["bench.data_bench"], ["bench.data_bench", "--tasks", "10000", "--runs", "10"]),
    "directory": (["bench.directory_bench"], ["bench.directory_bench", "--people", "1000"]),
    "directory_pg": (
        ["bench.directory_bench", "--engine", "postgresql"],
        ["bench.directory_bench", "--engine", "postgresql", "--people", "1000"],
    ),
}
# run REPEATS times, the median kept (as the peer harness does for the same workloads)
REPEATED = {"sqlite_ref", "echo", "persist", "persist_orm", "persist_pg"}
# written by the skills' authors, printing lines of their own; included when they exist
SCRIPTS: dict[str, tuple[Path, list[str], list[str]]] = {
    "clockin": (
        ROOT / "bench" / "clockin_bench.py",
        ["--people", "1000", "--days", "365", "--runs", "30"],  # W5: 1,000 people x a year
        ["--people", "50", "--days", "30", "--runs", "5"],
    ),
    "receipts": (ROOT / "bench" / "receipts_bench.py", [], ["--audience", "300"]),
    "leave": (
        ROOT / "bench" / "leave_bench.py",
        ["--people", "1000", "--years", "3", "--runs", "50"],  # /balance p99 < 50 ms
        ["--people", "50", "--years", "3", "--runs", "5"],
    ),
}
TIMED = re.compile(
    r"^(?P<cmd>/\S.*?)\s+median\s+(?P<p50>[\d.]+) ms\s+p95\s+[\d.]+ ms\s+p99\s+(?P<p99>[\d.]+) ms"
)
NOTES: list[str] = []  # what those scripts printed, for the doc


def run_one(
    name: str, argv: list[str], timeout: float, *, own: bool = False, repeat: bool = False
) -> list[str]:
    started = time.perf_counter()
    print(f"# {name}: {' '.join(argv)}", flush=True)
    try:
        done = subprocess.run(
            argv, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
        )
        out, err, ok = done.stdout, done.stderr, done.returncode == 0
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        err, ok = f"timed out after {timeout:.0f} s", False
    lines = [line for line in out.splitlines() if line.startswith("RESULT ")]
    if own:
        lines += translated(name, out)
        if not lines and ok and out.strip():  # figures in its own words: kept as notes
            lines = [f"RESULT workload={name} status=ok figures=in_the_notes"]
    if not lines:
        why = (err.strip().splitlines() or ["no output"])[-1][:160].replace(" ", "_")
        lines = [f"RESULT workload={name} status=error reason=no_RESULT_line({why})"]
    for line in lines:
        print(f"#   one of several: {line}" if repeat else line, flush=True)
    print(f"#   {time.perf_counter() - started:.1f} s", flush=True)
    return lines


def translated(name: str, out: str) -> list[str]:
    """A skill author's lines: ``<command> median X ms p95 Y ms p99 Z ms`` become RESULT lines
    (workload named after the command); every line is kept as a note for the doc."""
    lines = []
    for line in out.splitlines():
        if not line.strip() or line.startswith("RESULT "):
            continue
        NOTES.append(f"{name}: {line.rstrip()}")
        print(f"#   {line.rstrip()}", flush=True)
        if m := TIMED.match(line):
            slug = re.sub(r"[^a-z0-9]+", "_", re.sub(r"\d{4}-\d{2}|@\w+|:\w+", "", m["cmd"]))
            lines.append(
                f"RESULT workload={slug.strip('_')} p50_ms={m['p50']} p99_ms={m['p99']} "
                f"command={m['cmd'].strip().replace(' ', '_')} source={name}"
            )
    return lines


def script_lines(name: str, quick: bool, timeout: float) -> list[str]:
    """A skill author's script, when it exists."""
    path, full, small = SCRIPTS[name]
    if not path.exists():
        print(f"# {name}: {path.relative_to(ROOT)} not there yet; skipped", flush=True)
        return [f"RESULT workload={name}_bench status=skipped reason=not_written_yet"]
    argv = [PY, str(path), *(small if quick else full)]
    return run_one(f"{name}_bench", argv, timeout, own=True)


def median_of(runs: list[list[str]]) -> list[str]:
    """The run with the median rate (an error if any run fell short)."""
    if len(runs) == 1:
        return runs[0]
    failed = [r for r in runs if any("status=" in line for line in r)]
    if failed:
        print("\n".join(failed[0]), flush=True)
        return failed[0]
    ranked = sorted(runs, key=lambda r: float(report.parse(r)[0].get("per_s", 0)))
    chosen = ranked[len(ranked) // 2]
    rates = "/".join(f"{report.parse(r)[0].get('per_s', 0):g}" for r in runs)
    kept = [chosen[0] + f" runs={len(runs)} rates={rates}", *chosen[1:]]
    print("\n".join(kept), flush=True)
    return kept


def merged(lines: list[str]) -> list[str]:
    """This run's lines, and the last full run's for the workloads not run this time."""
    if not LATEST.exists():
        return lines
    fresh = {r["workload"] for r in report.parse(lines)}
    earlier = [
        line
        for line in LATEST.read_text(encoding="utf-8").splitlines()
        if line.startswith("RESULT ") and report.parse([line])[0].get("workload") not in fresh
    ]
    return earlier + lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated: " + ",".join([*WORKLOADS, *SCRIPTS]))
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    parser.add_argument("--peers", action="store_true", help="also run the peer frameworks")
    parser.add_argument("--no-doc", action="store_true", help="do not rewrite the doc")
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--repeats", type=int, default=3, help="runs of W1, W2, sqlite_ref")
    args = parser.parse_args()
    chosen = args.only.split(",") if args.only else [*WORKLOADS, *SCRIPTS]
    lines: list[str] = []
    for name in chosen:
        if name in WORKLOADS:
            full, quick = WORKLOADS[name]
            argv = [PY, "-m", *(quick if args.quick else full)]
            times = args.repeats if name in REPEATED and not args.quick else 1
            runs = [run_one(name, argv, args.timeout, repeat=times > 1) for _ in range(times)]
            lines += median_of(runs)
        elif name in SCRIPTS:
            lines += script_lines(name, args.quick, args.timeout)
        else:
            parser.error(f"unknown workload {name}")
    peers = run_peers(os.environ.get("PEERS_BENCH")) if args.peers else None
    if args.only and not args.quick:
        lines = merged(lines)
    results = report.parse(lines)
    for line in report.ratio_lines(results, peers or report.recorded_peers()):
        print(line, flush=True)
    if not args.quick:
        LATEST.parent.mkdir(exist_ok=True)
        LATEST.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if not args.no_doc and not args.quick:
        report.write_doc(results, peers, NOTES)
    return 1 if any(r.get("status") == "error" for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
