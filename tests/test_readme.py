"""The README's skill example works as written."""

import re
from pathlib import Path

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def python_blocks(section: str) -> list[str]:
    part = README.split(f"## {section}")[1].split("\n## ")[0]
    return re.findall(r"```python\n(.*?)```", part, re.S)


async def test_the_readme_skill_and_its_test(deskmate):
    skill_code, test_code = python_blocks("Write a skill")
    namespace: dict = {}
    exec(skill_code + "\n" + test_code, namespace)
    await namespace["test_hello"](deskmate)
