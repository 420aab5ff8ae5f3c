"""YAML syntax errors and YAML surprises, said in plain words with the line to look at.

PyYAML describes what its parser expected (``expected <block end>, but found '?'``); an admin
needs what is wrong in their file and how to fix it. Errors this module does not know keep
PyYAML's words.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import yaml

Plain = Callable[[re.Match[str], int, int], str]  # the match, the line, the opening line
_OPENING = {"]": "[", "}": "{"}


def _not_closed(kind: str, close: str, items: str) -> Plain:
    def plain(m: re.Match[str], line: int, opened: int) -> str:
        noticed = f" (YAML noticed at line {line})" if line != opened else ""
        return (
            f"the {kind} opened with '{_OPENING[close]}' on this line is not closed "
            f"properly{noticed} — close it with '{close}', separate {items} with ',' and quote "
            "values that contain ',' or ': '"
        )

    return plain


def _tab(m: re.Match[str], line: int, opened: int) -> str:
    return "a tab character — YAML indents with spaces only: replace the tab with spaces"


def _cannot_start(m: re.Match[str], line: int, opened: int) -> str:
    char = m.group(1)
    return f'a value cannot start with {char} — put the value in quotes, e.g. "{char}…"'


def _colon(m: re.Match[str], line: int, opened: int) -> str:
    return (
        "a ':' where YAML cannot take one — quote a value that contains ': ' "
        '(name: "Acme: Shanghai"), and line up the keys of one mapping at the same indentation'
    )


def _indentation(m: re.Match[str], line: int, opened: int) -> str:
    return (
        f"this line's indentation does not fit the block that starts at line {opened} — line "
        "it up with the keys or list items it belongs to (spaces only)"
    )


def _unclosed_quote(m: re.Match[str], line: int, opened: int) -> str:
    return "a quoted value that starts on this line is never closed — add the closing quote"


def _no_colon(m: re.Match[str], line: int, opened: int) -> str:
    return "a line without ':' where a key was expected — write key: value, or quote the text"


def _alias(m: re.Match[str], line: int, opened: int) -> str:
    name = m.group(1)
    return (
        f"*{name} refers to an anchor &{name} that is not defined above — put the value in "
        "quotes if the * is meant literally"
    )


def _escape(m: re.Match[str], line: int, opened: int) -> str:
    return (
        f"\\{m.group(1)} is not an escape in double quotes — use single quotes instead, or "
        "write \\\\ for a backslash"
    )


# (pattern on PyYAML's problem, its context; whether the line to show is where it opened)
_KNOWN: list[tuple[str, str, bool, Plain]] = [
    (r"found (?:character '\\t'|a tab character)", "", False, _tab),
    (r"found character '(.)' that cannot start any token", "", False, _cannot_start),
    (r"mapping values are not allowed here", "", False, _colon),
    (r"found unexpected end of stream", "scanning a quoted scalar", True, _unclosed_quote),
    (r"expected ',' or '\]'", "flow sequence", True, _not_closed("list", "]", "items")),
    (
        r"expected ',' or '\}'",
        "flow mapping",
        True,
        _not_closed("mapping", "}", "pairs"),
    ),
    (r"expected <block end>|did not find expected (?:key|'-')", "", False, _indentation),
    (r"could not find expected ':'", "scanning a simple key", True, _no_colon),
    (r"found undefined alias '([^']*)'", "", False, _alias),
    (r"found unknown escape character '(.)'", "", False, _escape),
]


def plain_syntax_error(exc: yaml.MarkedYAMLError, filename: str) -> str:
    """``<file>:<line> <what is wrong, and the fix>`` for a YAML syntax error."""
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else 1
    opened = exc.context_mark.line + 1 if exc.context_mark is not None else line
    problem, context = exc.problem or "", exc.context or ""
    for pattern, in_context, at_opening, plain in _KNOWN:
        m = re.match(pattern, problem)
        if m and in_context in context:
            return f"{filename}:{opened if at_opening else line} {plain(m, line, opened)}"
    message = problem or context or "invalid YAML"
    if exc.problem and exc.context:
        message += f" ({exc.context} at line {opened})"
    return f"{filename}:{line} {message}"


_SEXAGESIMAL = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}


def base_sixty(node: yaml.ScalarNode) -> str | None:
    """YAML 1.1 reads an unquoted ``9:30`` as the number 570 (base 60), which a time field
    would then take as seconds: what to tell the admin instead, or ``None``."""
    if node.tag not in _SEXAGESIMAL or ":" not in node.value or node.style:
        return None
    number = yaml.safe_load(node.value)
    first, rest = node.value.split(":", 1)
    fixed = f"{first.lstrip('+-').zfill(2)}:{rest}"
    return (
        f"{node.value} without quotes is the number {number} in YAML (it counts in base 60) "
        f'— write it in quotes: "{fixed}"'
    )
