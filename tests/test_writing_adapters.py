"""docs/writing-adapters.md shows the console adapter as it is, and its test works as written."""

import re
import textwrap
from pathlib import Path

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
