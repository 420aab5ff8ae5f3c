"""What a config problem is (a key path and a message), and the wording every check shares."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from bot.suggest import closest

Loc = tuple[str | int, ...]
Problem = tuple[Loc, str]


def _has(data: Any, part: str | int) -> bool:
    if isinstance(data, list):
        return isinstance(part, int) and 0 <= part < len(data)
    return isinstance(data, dict) and part in data


def _describe(value: Any) -> str:
    """How a YAML value reads back to the admin: ``'abc'``, ``12``, ``true``, ``a list``."""
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:37] + "...")
    if isinstance(value, date):
        return f"the date {value.isoformat()}"
    if isinstance(value, list | tuple | set):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = closest(word, [str(c) for c in choices])
    return f" (did you mean {close!r}?)" if close else ""
