"""The core's import contracts (``[tool.importlinter]`` in pyproject.toml, also run by
``make lint``): adapters and skills over the core over storage, skills on the public surface
only, no part importing the Bot that wires them, the event path's steps independent, and no
import cycle among bot/'s modules; the contracts' lists kept up with the files; and the sizes
that keep modules and handlers readable."""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
import textwrap
import tomllib
from collections.abc import Callable, Iterator
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from bot import Skill

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS = {
    c["id"]: c
    for c in tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "importlinter"
    ]["contracts"]
}


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
    kept = (
        "use the core",
        "only the public surface",
        "the storage package itself",
        "imports the Bot",
        "independent of each other",
        "no import cycle",
    )
    for contract in kept:
        assert contract in report, report
    assert "0 broken" in report, report


def test_no_contract_has_exceptions() -> None:
    """Every import contract holds without ignored imports (TYPE_CHECKING imports count)."""
    excepted = {
        name: c["ignore_imports"] for name, c in CONTRACTS.items() if c.get("ignore_imports")
    }
    assert excepted == {}


MAX_LINES = 300  # a module of the core says one thing (the harness in bot/testing/ aside)


def test_no_core_module_is_over_300_lines() -> None:
    sizes = {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for path in (ROOT / "bot").rglob("*.py")
        if "testing" not in path.relative_to(ROOT / "bot").parts
    }
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}


# --- the contracts' lists, kept up with the files ------------------------------------------------


def modules_of(package: str) -> set[str]:
    """Every module of a top-level package, from the file tree (a module counts if every folder
    above it is a package)."""
    found = set()
    for path in (ROOT / package).rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        folders = [ROOT.joinpath(*parts[:i]) for i in range(1, len(parts))]
        if all((folder / "__init__.py").is_file() for folder in folders):
            found.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return found


def within(module: str, packages: list[str]) -> bool:
    """``module`` is one of ``packages`` or inside one (import-linter's ``as_packages``)."""
    return any(module == p or module.startswith(f"{p}.") for p in packages)


def public(module: str) -> bool:
    """What a skill may import: ``bot`` itself, the harness, and storage's column types."""
    return module == "bot" or within(module, ["bot.testing", "storage.types"])


def test_every_module_of_the_core_and_storage_is_public_or_forbidden_to_skills() -> None:
    """A new module of bot/ or storage/ is either public (bot, bot.testing, storage.types) or in
    the contracts that forbid the rest to skills; a module moved or deleted leaves no stale
    entry behind."""
    surface, package = CONTRACTS["public-surface"], CONTRACTS["storage-package"]
    assert surface["source_modules"] == ["skills"]
    assert package["source_modules"] == ["skills", "skills.**"]
    assert package["as_packages"] is False  # `storage` alone, not storage.types
    forbidden = surface["forbidden_modules"]
    modules = modules_of("bot") | modules_of("storage")
    neither = {
        m
        for m in modules
        if not public(m) and not within(m, forbidden) and m not in package["forbidden_modules"]
    }
    assert neither == set(), "add these to forbidden_modules of public-surface in pyproject.toml"
    both = {m for m in modules if public(m) and within(m, forbidden)}
    assert both == set(), "these are public: take them off forbidden_modules"
    stale = [m for m in forbidden if m != "adapters" and m not in modules]
    assert stale == [], "no such modules any more: take them off forbidden_modules"
    assert package["forbidden_modules"] == ["storage"]


def test_every_part_of_the_core_is_held_to_not_importing_the_bot() -> None:
    """Every module of bot/ but the Bot, the CLI's commands and the harness is a source of
    ``no-app`` (``bot`` itself is the package holding them all)."""
    sources = CONTRACTS["no-app"]["source_modules"]
    wiring = ["bot.app", "bot.cli", "bot.people_cli", "bot.testing"]
    missing = {m for m in modules_of("bot") if m != "bot" and not within(m, [*wiring, *sources])}
    assert missing == set(), "add these to source_modules of no-app in pyproject.toml"
    assert [m for m in sources if within(m, wiring) or m not in modules_of("bot")] == []


# --- handlers -----------------------------------------------------------------------------------

MAX_HANDLER_LINES = 40  # a handler reads top to bottom like a description of what it does


def declared_skills() -> set[str]:
    """The entry points (``deskmate.skills``) of Deskmate and of every package in examples/."""
    files = [ROOT / "pyproject.toml", *sorted((ROOT / "examples").glob("*/pyproject.toml"))]
    return {
        name
        for path in files
        for name in tomllib.loads(path.read_text(encoding="utf-8"))["project"]["entry-points"][
            "deskmate.skills"
        ]
    }


def handlers(skill: Skill) -> Iterator[tuple[str, Callable[..., Any]]]:
    """Every function a skill registered, named as a reader finds it."""
    yield from ((f"command /{c.name}", c.func) for c in skill.commands)
    yield from ((f"button {skill.name}.{a.name}", a.func) for a in skill.actions)
    yield from ((f"form {skill.name}.{f.name}", f.func) for f in skill.forms)
    yield from ((f"job {j.name}", j.func) for j in skill.jobs)
    yield from ((f"timer {kind}", t.func) for kind, t in skill.timers.items())
    yield from ((f"hook {h.event}", h.func) for h in skill.hooks)
    yield from ((f"delivery policy {p.__name__}", p) for p in skill.policies)
    if skill.location_handler is not None:
        yield "location", skill.location_handler


def length(func: Callable[..., Any]) -> int:
    """Source lines of a function, from its ``def`` (decorators not counted) to its end."""
    source = textwrap.dedent(inspect.getsource(inspect.unwrap(func)))
    node = ast.parse(source).body[0]
    assert isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef)
    assert node.end_lineno is not None
    return node.end_lineno - node.lineno + 1


def test_no_handler_of_a_built_in_skill_or_an_example_is_over_40_lines() -> None:
    installed = {ep.name: ep for ep in entry_points(group="deskmate.skills")}
    declared = declared_skills()
    assert declared - set(installed) == set(), "not installed: make install-dev"
    skills = [installed[name].load() for name in sorted(declared)]
    assert all(isinstance(skill, Skill) for skill in skills)
    sizes = {
        f"{skill.name}: {what} ({func.__module__}.{func.__qualname__})": length(func)
        for skill in skills
        for what, func in handlers(skill)
    }
    assert len(sizes) > 50  # found through the registrations: every skill's handlers
    assert {what: n for what, n in sizes.items() if n > MAX_HANDLER_LINES} == {}


probe = Skill("probe")


@probe.command("probe", help="A probe: ten lines from its def, the decorator not counted")
async def _ten_lines() -> None:
    """The docstring counts."""
    a = 1
    b = 2
    c = 3
    d = 4
    e = 5
    f = 6
    g = 7
    assert a + b + c + d + e + f + g == 28


def test_a_handler_is_measured_from_its_def_to_its_end() -> None:
    ((what, func),) = handlers(probe)
    assert (what, length(func)) == ("command /probe", 10)
