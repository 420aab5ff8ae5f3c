"""The problems as the admin reads them: ``<file>:<line> <key.path>: <message>``, by line."""

from __future__ import annotations

import yaml

from bot.config.problems import Loc, Problem
from bot.config.yaml_source import _line


def _render(problems: list[Problem], root: yaml.Node | None, filename: str) -> list[str]:
    """``<file>:<line> <key.path>: <message>`` for each problem, sorted by line, no repeats."""
    rows = sorted(((_line(root, loc), _format_loc(loc), msg) for loc, msg in problems), key=_first)
    lines: list[str] = []
    for line, path, message in rows:
        text = f"{filename}:{line} {path}: {message}" if path else f"{filename}:{line} {message}"
        if text not in lines:
            lines.append(text)
    return lines


def _first(row: tuple[int, str, str]) -> int:
    return row[0]


def _format_loc(loc: Loc) -> str:
    """``("people", 0, "accounts")`` -> ``people[0].accounts``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text
