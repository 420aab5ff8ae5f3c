"""docs/writing-adapters.md shows the console adapter as it is, and its test works as written;
its sketch of the contract and its tables say what the code does."""

import inspect
import re
import textwrap
from pathlib import Path
from typing import Protocol

from bot import adapter

ROOT = Path(__file__).parent.parent
DOC = (ROOT / "docs" / "writing-adapters.md").read_text(encoding="utf-8")
SOURCES = "".join(
    (ROOT / path).read_text(encoding="utf-8")
    for path in ("adapters/console.py", "bot/memory.py", "bot/adapter.py")
)
BLOCKS = re.findall(r"```python\n(.*?)```", DOC, re.S)


def test_the_code_shown_is_the_adapters_own():
    shown = [b for b in BLOCKS if not b.startswith(("import pytest", "class Adapter(Protocol)"))]
    assert len(shown) == 6
    for block in shown:  # a method is shown as a function (ruff formats the docs' code)
        method = textwrap.indent(block, "    ")
        assert block in SOURCES or method in SOURCES, f"not in the sources as shown:\n{block}"


async def test_the_conformance_test_works_as_written(tmp_path):
    (test_code,) = [b for b in BLOCKS if b.startswith("import pytest")]
    namespace: dict = {}
    exec(test_code, namespace)
    for check in namespace["CHECKS"]:
        folder = tmp_path / check
        folder.mkdir()
        await namespace["test_the_console_adapter_conforms"](check, folder)


def test_every_python_block_is_checked_here():
    """Six are the adapters' own code, one is the contract's sketch, one the kit's test."""
    assert len(BLOCKS) == 8


def _members(cls: type) -> dict[str, list[str]]:
    """Each method of a class or Protocol with its parameters' names (``self`` left out)."""
    return {
        name: [p for p in inspect.signature(member).parameters if p != "self"]
        for name, member in vars(cls).items()
        if inspect.isfunction(member) and not name.startswith("_")
    }


def test_the_contracts_sketch_has_the_adapters_members():
    (sketch,) = [b for b in BLOCKS if b.startswith("class Adapter(Protocol)")]
    namespace: dict = {"Protocol": Protocol}
    exec("from __future__ import annotations\n" + sketch, namespace)
    shown = namespace["Adapter"]
    assert _members(shown) == _members(adapter.Adapter)
    assert shown.__annotations__.keys() == adapter.Adapter.__annotations__.keys()  # platform


def table(title: str) -> list[list[str]]:
    """The rows of the first table after a heading, each a list of its cells."""
    part = DOC.split(title, 1)[1]
    rows = re.findall(r"(?m)^\|(.*)\|$", part.split("\n## ", 1)[0])
    return [[cell.strip() for cell in row.split("|")] for row in rows[2:]]


def test_the_capability_table_is_what_each_adapter_implements():
    from adapters.console import ConsoleAdapter
    from adapters.slack.adapter import SlackAdapter
    from adapters.telegram.adapter import TelegramAdapter

    kinds = (ConsoleAdapter, SlackAdapter, TelegramAdapter)
    rows = table("## 4. Capabilities")
    capabilities = {
        name for name, value in vars(adapter).items() if getattr(value, "_is_runtime_protocol", 0)
    }
    assert {row[0].strip("`") for row in rows} == capabilities
    for name, methods, *has, _without in rows:
        protocol = getattr(adapter, name.strip("`"))
        assert set(re.findall(r"`(\w+)\(", methods)) == set(_members(protocol)), name
        shown = [cell.startswith("✓") for cell in has]
        assert shown == [issubclass(kind, protocol) for kind in kinds], name


def test_the_hosts_table_names_all_it_offers():
    named = {
        w for row in table("## 3. What an adapter may ask") for w in re.findall(r"(\w+)\(", row[0])
    }
    assert named == set(_members(adapter.AdapterHost))


def test_the_fake_platforms_table_names_all_the_kit_asks():
    from bot.testing.adapters import FakePlatform

    rows = table("a `FakePlatform` that drives it for the kit")
    named = {w for row in rows for w in re.findall(r"`(?:await )?(\w+)", row[0])}
    assert named == set(_members(FakePlatform)) | set(FakePlatform.__annotations__)


def test_the_events_an_adapter_hands_in_are_all_named():
    from bot import events

    (row,) = [r for r in table("## 3. What an adapter may ask") if "host.handle" in r[0]]
    kinds = {
        n for n, v in vars(events).items() if isinstance(v, type) and v.__bases__ == (events.Event,)
    }
    assert set(re.findall(r"`(\w+)`", row[1])) - {"bot"} == kinds
