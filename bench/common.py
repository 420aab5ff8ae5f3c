"""What every benchmark worker shares: the RESULT line, percentiles, peak RSS, a fresh bot.

A worker prints ``RESULT workload=... n=... seconds=... per_s=... p50_ms=... p99_ms=...
peak_rss_mb=...`` (plus workload-specific ``key=value`` pairs) when every check passed, and
``RESULT workload=... status=error reason=...`` otherwise: a shortfall is never a number.
"""

from __future__ import annotations

import gc
import resource
import sys
import time
from collections.abc import Sequence
from typing import Any


class Shortfall(Exception):
    """A check failed: the run is reported as an error, not as a figure."""


def freeze_startup() -> None:
    """The bot is up: freeze what start-up allocated, as ``deskmate run`` does (the collector
    then skips it); what was garbage is collected first."""
    gc.collect()
    gc.freeze()


def peak_rss_mb() -> float:
    """Peak resident set size of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def current_rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return peak_rss_mb()


def percentile(samples: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100) of a non-empty sample."""
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}" if abs(value) < 1e6 else f"{value:.0f}"
    return str(value).replace(" ", "_")


def result(
    workload: str, n: int, seconds: float, latencies_ms: Sequence[float] = (), **extra: Any
) -> str:
    """The RESULT line of a run that passed every check."""
    fields: dict[str, Any] = {"workload": workload, "n": n, "seconds": round(seconds, 3)}
    fields["per_s"] = round(n / seconds, 1) if seconds > 0 else 0.0
    if latencies_ms:
        fields["p50_ms"] = round(percentile(latencies_ms, 50), 2)
        fields["p99_ms"] = round(percentile(latencies_ms, 99), 2)
    fields["peak_rss_mb"] = round(peak_rss_mb(), 1)
    fields.update(extra)
    return "RESULT " + " ".join(f"{k}={_fmt(v)}" for k, v in fields.items())


def error(workload: str, n: int, reason: str) -> str:
    return f"RESULT workload={workload} n={n} status=error reason={_fmt(reason)}"


def emit(line: str) -> None:
    print(line, flush=True)


class Stopwatch:
    def __init__(self) -> None:
        self.started = time.perf_counter()

    def ms(self) -> float:
        return (time.perf_counter() - self.started) * 1000

    def seconds(self) -> float:
        return time.perf_counter() - self.started


def run_main(workload: str, n: int, body: Any) -> int:
    """Run ``body()`` (returns the RESULT line(s)); any failure becomes an error line."""
    import logging

    logging.basicConfig(level=logging.ERROR)  # the bot's INFO lines would drown the results
    logging.getLogger("apscheduler").setLevel(logging.CRITICAL)  # "tick skipped: still running"
    try:
        lines = body()
    except Shortfall as exc:
        emit(error(workload, n, str(exc)))
        return 2
    except Exception as exc:  # a crash is a shortfall too, with its reason
        import traceback

        traceback.print_exc(file=sys.stderr)
        emit(error(workload, n, f"{type(exc).__name__}: {exc}"))
        return 1
    for line in [lines] if isinstance(lines, str) else lines:
        emit(line)
    return 0


def installed_skills() -> tuple[list[Any], list[str]]:
    """Every installed skill that imports, and why the others don't (skills being written)."""
    from importlib.metadata import entry_points

    skills, broken = [], []
    for ep in entry_points(group="deskmate.skills"):
        try:
            skills.append(ep.load())
        except Exception as exc:
            broken.append(f"{ep.name}({type(exc).__name__})")
    return skills, broken
