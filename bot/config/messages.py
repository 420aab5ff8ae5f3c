"""Pydantic validation errors turned into messages an admin can act on, at clean key paths."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from bot.config.problems import Loc, Problem, _describe, _did_you_mean, _has
from bot.config.schema import _choices_at, _keys_at

_EXPECTED = {
    "string_type": "a string",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "decimal_type": "a number",
    "decimal_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "tuple_type": "a list",
    "set_type": "a list",
    "dict_type": "a mapping (key: value)",
    "model_type": "a mapping (key: value)",
    "model_attributes_type": "a mapping (key: value)",
    "date_type": "a date such as 2025-01-31",
    "date_parsing": "a date such as 2025-01-31",
    "date_from_datetime_parsing": "a date such as 2025-01-31",
    "date_from_datetime_inexact": "a date such as 2025-01-31",
    "datetime_type": "a date and time such as 2025-01-31 09:30",
    "datetime_parsing": "a date and time such as 2025-01-31 09:30",
    "datetime_from_date_parsing": "a date and time such as 2025-01-31 09:30",
    "time_type": "a time such as 09:30",
    "time_parsing": "a time such as 09:30",
    "time_delta_type": "a duration such as 1h30m",
    "time_delta_parsing": "a duration such as 1h30m",
}


def _translate(
    error: ErrorDetails, root: type[BaseModel], prefix: Loc, value: Any
) -> list[Problem]:
    """One pydantic error -> problems with a clean key path (union member tags dropped)."""
    loc: Loc = tuple(error["loc"])
    on_key = bool(loc) and loc[-1] == "[key]"
    loc = _clean_loc(loc[:-1] if on_key else loc, value, error["type"])
    if error["type"] == "required_setting":
        missing = error.get("ctx", {}).get("missing", [])
        return [(prefix + loc + (key,), f"required {reason}") for key, reason in missing]
    return [(prefix + loc, _message(error, root, loc, on_key))]


def _clean_loc(loc: Loc, data: Any, kind: str) -> Loc:
    """Keep the parts of ``loc`` found in ``data`` (and a missing key); drop union tags."""
    clean: list[str | int] = []
    for i, part in enumerate(loc):
        if _has(data, part):
            data = data[part]
        elif not (kind == "missing" and i == len(loc) - 1):
            continue
        clean.append(part)
    return tuple(clean)


def _message(error: ErrorDetails, root: type[BaseModel], loc: Loc, on_key: bool) -> str:
    kind, got, ctx = error["type"], error.get("input"), error.get("ctx", {})
    if on_key:
        return _key_message(error, root, loc)
    if kind == "missing":
        return "missing required key"
    if kind == "extra_forbidden":
        return "unknown key" + _did_you_mean(str(loc[-1]), _keys_at(root, loc[:-1]))
    if kind in _EXPECTED:
        hint = " — put it in quotes" if kind == "string_type" and _is_scalar(got) else ""
        return f"expected {_EXPECTED[kind]}, got {_describe(got)}{hint}"
    if kind in ("literal_error", "enum"):
        close = _did_you_mean(str(got), _choices_at(root, loc))
        return f"expected {ctx.get('expected')}, got {_describe(got)}{close}"
    if kind in ("value_error", "assertion_error") and "error" in ctx:
        return str(ctx["error"])
    return error["msg"][:1].lower() + error["msg"][1:]


def _key_message(error: ErrorDetails, root: type[BaseModel], loc: Loc) -> str:
    """An error about a mapping key itself (pydantic's ``[key]`` location)."""
    if error["type"] in ("literal_error", "enum"):
        choices = _choices_at(root, loc, key=True)
        close = _did_you_mean(str(loc[-1]), choices)
        return f"unknown key{close} — expected {error.get('ctx', {}).get('expected')}"
    if error["type"] in _EXPECTED:
        return "invalid key: " + _message(error, root, loc, on_key=False)
    return _message(error, root, loc, on_key=False)


def _merge(problems: Iterable[Problem]) -> list[Problem]:
    """Join the messages of one location (a union gives one error per member)."""
    grouped: dict[Loc, list[str]] = {}
    for loc, message in problems:
        messages = grouped.setdefault(loc, [])
        if message not in messages:
            messages.append(message)
    return [(loc, _join(messages)) for loc, messages in grouped.items()]


def _join(messages: list[str]) -> str:
    parts = [re.fullmatch(r"expected (.+), got (.+)", message) for message in messages]
    gots = {part.group(2) for part in parts if part is not None}
    if len(messages) > 1 and all(parts) and len(gots) == 1:
        wanted = " or ".join(part.group(1) for part in parts if part is not None)
        return f"expected {wanted}, got {gots.pop()}"
    return "; or ".join(messages)


def _is_scalar(value: Any) -> bool:
    return isinstance(value, int | float | bool | date)
