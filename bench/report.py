"""Reading RESULT lines, checking them against the targets of issue 10, and writing the table in
docs/performance.md (between its ``bench:begin``/``bench:end`` markers; the rest is prose)."""

from __future__ import annotations

import contextlib
import os
import platform
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.peers import RAW, Peers, parse_raw

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"
BEGIN, END = "<!-- bench:begin (written by bench/run.py) -->", "<!-- bench:end -->"

Result = dict[str, Any]


def parse(lines: list[str]) -> list[Result]:
    found = []
    for line in lines:
        fields: Result = dict(f.split("=", 1) for f in line.split()[1:] if "=" in f)
        for key, value in fields.items():
            with contextlib.suppress(ValueError):
                fields[key] = float(value)
        found.append(fields)
    return found


def recorded_peers() -> Peers | None:
    return parse_raw(RAW)


def by_name(results: list[Result]) -> dict[str, Result]:
    return {str(r["workload"]): r for r in results}


def ratio_lines(results: list[Result], peers: Peers | None) -> list[str]:
    if not peers:
        return []
    ours = by_name(results)
    out = []
    for workload in ("echo", "persist"):
        mine = ours.get(workload, {}).get("per_s")
        for (peer, w), fig in sorted(peers.items()):
            if w == workload and isinstance(mine, float):
                out.append(
                    f"RATIO workload={workload} peer={peer} deskmate_per_s={mine:g} "
                    f"peer_per_s={fig['per_s']:g} ratio={mine / fig['per_s']:.3f}"
                )
    return out


def _peer(peers: Peers | None, peer: str, workload: str) -> float | None:
    return peers.get((peer, workload), {}).get("per_s") if peers else None


def targets(results: list[Result], peers: Peers | None) -> list[tuple[str, str, str, str]]:
    """(what, target, figure, held?) rows."""
    r = by_name(results)
    rows = []

    def get(workload: str, key: str) -> float | None:
        value = r.get(workload, {}).get(key)
        return value if isinstance(value, float) else None

    def row(what: str, target: str, figure: float | None, ok: bool | None, unit: str) -> None:
        shown = "error / not run" if figure is None else f"{figure:g} {unit}"
        verdict = "—" if ok is None else ("held" if ok else "**missed**")
        rows.append((what, target, shown, verdict))

    sm_echo, sm_persist = (
        _peer(peers, "slack-machine", "echo"),
        _peer(peers, "slack-machine", "persist"),
    )
    ops_persist = _peer(peers, "opsdroid", "persist")
    echo, persist = get("echo", "per_s"), get("persist", "per_s")
    row(
        "W1 echo",
        f"≥ slack-machine ({sm_echo:g}/s)" if sm_echo else "≥ slack-machine",
        echo,
        None if echo is None or sm_echo is None else echo >= sm_echo,
        "msg/s",
    )
    wanted = max(sm_persist or 0, 5 * (ops_persist or 0))
    row(
        "W2 persist",
        f"≥ slack-machine ({sm_persist or 0:g}/s) and ≥ 5× opsdroid ({5 * (ops_persist or 0):g}/s)",
        persist,
        None if persist is None or not wanted else persist >= wanted,
        "msg/s",
    )
    persist_orm = get("persist_orm", "per_s")
    row("W2 persist, the row as an ORM object", "reported", persist_orm, None, "msg/s")
    persist_pg = get("persist_pg", "per_s")
    row("W2 persist on PostgreSQL", "reported", persist_pg, None, "msg/s")
    p99 = get("w3_slack_storm", "p99_ms")
    row("W3 ack p99 at 50 concurrent", "< 100 ms", p99, None if p99 is None else p99 < 100, "ms")
    stored = get("w3_slack_storm", "stored_per_s")
    row(
        "W3 clock-ins stored",
        "≥ 1000/s",
        stored,
        None if stored is None else stored >= 1000,
        "per s",
    )
    share = get("w4_fanout", "of_limit")
    row(
        "W4 fan-out rate",
        "≥ 95% of the limit, 0 lost, 0 duplicated",
        None if share is None else share * 100,
        None if share is None else share >= 0.95,
        "%",
    )
    acks = r.get("w4_acks", {})
    exact = "recorded" in acks and acks.get("recorded") == acks.get("counter") == acks.get("n")
    rate = get("w4_acks", "per_s")
    row(
        "W4 acknowledgements",
        "≥ 1,000/s, all recorded, counter exact",
        rate,
        None if rate is None else rate >= 1000 and exact,
        "/s",
    )
    last = get("w4_acks", "p100_ms")
    row("W4 last press answered", "< 3 s", last, None if last is None else last < 3000, "ms")
    for name, limit in (("task_list", 50), ("task_report_month", 500)):
        p = get(name, "p99_ms")
        row(
            f"W5 {name.replace('_', ' ')} p99",
            f"< {limit} ms",
            p,
            None if p is None else p < limit,
            "ms",
        )
    # every attendance report; an export (a CSV of everyone's days) is a file, not a report
    reports = [w for w in r if w.startswith("attendance") and not w.startswith("attendance_export")]
    for name in reports or ["attendance_month_team"]:
        p = get(name, "p99_ms")
        command = r.get(name, {}).get("command")
        what = str(command).replace("_", " ") if command else name
        row(f"W5 {what} p99", "< 500 ms", p, None if p is None else p < 500, "ms")
    for what, key, limit, unit in (
        ("check-config", "check_config_s", 2, "s"),
        ("start, directory unchanged", "unchanged_start_s", 3, "s"),
        ("first start (full sync)", "first_start_s", 10, "s"),
        ("start RSS", "start_rss_mb", 200, "MB"),
    ):
        for workload, engine in (("directory_10k", "SQLite"), ("directory_10k_pg", "PostgreSQL")):
            figure = get(workload, key)
            if figure is not None or engine == "SQLite":
                ok = None if figure is None else figure < limit
                row(f"10,000 people ({engine}): {what}", f"< {limit} {unit}", figure, ok, unit)
    idle = get("idle_rss", "idle_rss_mb")
    row(
        "Idle RSS, all skills + both adapters",
        "< 120 MB",
        idle,
        None if idle is None else idle < 120,
        "MB",
    )
    return rows


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = int(Path("/proc/meminfo").read_text().split()[1]) / 2**20
    except OSError:
        mem = 0
    disk = subprocess.run(["df", "-hT", str(ROOT)], capture_output=True, text=True, check=False)
    fs = disk.stdout.splitlines()[-1].split()[1] if disk.stdout else "?"
    return (
        f"{platform.system()} {platform.release()}, {os.cpu_count()} vCPU ({cpu}), "
        f"{mem:.0f} GB RAM, {fs} disk; Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}"
    )


def table(results: list[Result]) -> list[str]:
    out = [
        "| workload | n | seconds | per s | p50 ms | p99 ms | peak RSS MB | notes |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    common = {"workload", "n", "seconds", "per_s", "p50_ms", "p99_ms", "peak_rss_mb"}
    for r in results:
        notes = ", ".join(f"{k}={_g(v)}" for k, v in r.items() if k not in common)
        cells = [
            r.get(k, "")
            for k in ("workload", "n", "seconds", "per_s", "p50_ms", "p99_ms", "peak_rss_mb")
        ]
        out.append("| " + " | ".join(_g(c) for c in cells) + f" | {notes} |")
    return out


def _g(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def peers_table(peers: Peers | None) -> list[str]:
    if not peers:
        return ["(no peer figures yet: run `make bench-peers`)"]
    out = [
        "| peer | workload | median msg/s | peak RSS MB | runs |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for (peer, workload), f in sorted(peers.items()):
        out.append(
            f"| {peer} | {workload} | {f['per_s']:g} | {f['peak_rss_mb']:g} | {f['runs']:g} |"
        )
    return out


def write_doc(results: list[Result], peers: Peers | None, notes: list[str]) -> None:
    fresh = peers is not None
    peers = peers or recorded_peers()
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    when = (
        "in this run"
        if fresh
        else "recorded earlier on this machine (bench/results/peers-latest.txt)"
    )
    block = [
        BEGIN,
        f"Latest run: {stamp}, on {machine()}.",
        "",
        "### Targets",
        "",
        "| target | wanted | figure | |",
        "| --- | --- | --- | --- |",
        *[f"| {a} | {b} | {c} | {d} |" for a, b, c, d in targets(results, peers)],
        "",
        "### Every result",
        "",
        *table(results),
        "",
        f"### Peers ({when})",
        "",
        *peers_table(peers),
        "",
        *[f"    {line}" for line in ratio_lines(results, peers)],
        "",
        "### What the skills' own scripts printed",
        "",
        *([f"    {line}" for line in notes] or ["(none run)"]),
        END,
    ]
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else f"# Performance\n\n{BEGIN}\n{END}\n"
    head, _sep, rest = text.partition(BEGIN)
    _old, _sep, tail = rest.partition(END)
    DOC.write_text(head + "\n".join(block) + tail, encoding="utf-8")
