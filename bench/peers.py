"""The peers' side: run ../shared/peers-bench (errbot, opsdroid, slack-machine doing W1 echo and
W2 persist in-process, one fresh process per run) and keep its raw lines in
bench/results/peers-latest.txt, so the ratios Deskmate/peer come from the same machine and run."""

from __future__ import annotations

import os
import statistics
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT.parent / "shared" / "peers-bench"
RAW = ROOT / "bench" / "results" / "peers-latest.txt"

Peers = dict[tuple[str, str], dict[str, float]]


def run_peers(where: str | None) -> Peers | None:
    harness = Path(where) if where else DEFAULT
    if not (harness / "run.sh").exists():
        print(f"# peers: no harness at {harness}; skipped", flush=True)
        return None
    RAW.parent.mkdir(exist_ok=True)
    env = {**os.environ, "OUT": str(RAW)}
    print(f"# peers: {harness}/setup.sh, then run.sh (minutes)", flush=True)
    setup = subprocess.run([str(harness / "setup.sh")], env=env, check=False)
    if setup.returncode != 0:
        print("# peers: setup failed; skipped", flush=True)
        return None
    subprocess.run([str(harness / "run.sh")], env={**env, "SKIP_SETUP": "1"}, check=False)
    return parse_raw(RAW)


def parse_raw(path: Path) -> Peers | None:
    """Median msgs/s and peak RSS per (peer, workload) over the runs that passed."""
    if not path.exists():
        return None
    runs: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("RESULT ") or "status=" in line:
            continue
        fields = dict(f.split("=", 1) for f in line.split()[1:] if "=" in f)
        key = (fields["peer"], fields["workload"])
        runs.setdefault(key, []).append(
            (float(fields["msgs_per_s"]), float(fields.get("peak_rss_mb", 0)))
        )
    return {
        key: {
            "per_s": statistics.median(r[0] for r in found),
            "peak_rss_mb": statistics.median(r[1] for r in found),
            "runs": len(found),
        }
        for key, found in runs.items()
    } or None
