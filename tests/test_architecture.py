"""The core's import contracts (``[tool.importlinter]`` in pyproject.toml, also run by
``make lint``): adapters and skills over the core over storage, no part importing the Bot that
wires them, the event path's steps independent, and no import cycle among bot/'s modules."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_import_contract_is_kept() -> None:
    lint = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run(
        [str(lint), "--no-cache", "--no-logo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    report = done.stdout + done.stderr
    assert done.returncode == 0, report
    kept = ("use the core", "imports the Bot", "independent of each other", "no import cycle")
    for contract in kept:
        assert contract in report, report
    assert "0 broken" in report, report


def test_no_contract_has_exceptions() -> None:
    """Every import contract holds without ignored imports (TYPE_CHECKING imports count)."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    excepted = {c["id"]: c["ignore_imports"] for c in contracts if c.get("ignore_imports")}
    assert excepted == {}


MAX_LINES = 300  # a module of the core says one thing (the harness in bot/testing/ aside)


def test_no_core_module_is_over_300_lines() -> None:
    sizes = {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for path in (ROOT / "bot").rglob("*.py")
        if "testing" not in path.relative_to(ROOT / "bot").parts
    }
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}
