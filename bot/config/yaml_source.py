"""Reading the YAML text: syntax errors, ``${ENV}`` interpolation, duplicate keys, and lines.

The composed node tree is kept so that every problem can be reported at the line of its key.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

import yaml

from bot.config.problems import Loc, Problem, _describe, _has
from bot.config.syntax import base_sixty_problems, plain_syntax_error
from bot.errors import ConfigError


class _Loader(yaml.SafeLoader):
    """Safe YAML that leaves dates as text, so the models check them and point at the line."""


class _FastLoader(yaml.CSafeLoader):
    """The same, parsed by libyaml: about twenty times faster on a big directory, with the same
    nodes and line marks; its syntax errors are worded differently, and it takes a tab where
    PyYAML does not, so those files are read by :class:`_Loader` (see :func:`_compose`)."""


_Loader.yaml_implicit_resolvers = _FastLoader.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


Nodes = list[tuple[Loc, yaml.Node]]  # every node of the tree with its key path


def _read_yaml(
    text: str, filename: str, environ: Mapping[str, str]
) -> tuple[yaml.Node | None, dict[str, Any], list[Problem]]:
    """Compose the node tree (for lines), interpolate env references, then build the data."""
    loader: yaml.SafeLoader | yaml.CSafeLoader | None = None
    try:
        loader, root = _compose(text)
        nodes = list(_nodes(root))  # walked once: the tree of a big directory is large
        problems = _interpolate_nodes(nodes, environ) + _duplicate_keys(nodes)
        problems += base_sixty_problems(nodes)  # 9:30 unquoted is 570
        data = loader.construct_document(root) if root is not None else {}
    except yaml.MarkedYAMLError as exc:
        raise ConfigError([plain_syntax_error(exc, filename)]) from None
    except yaml.YAMLError as exc:
        raise ConfigError([f"{filename}:1 {exc}"]) from None
    finally:
        if loader is not None:
            loader.dispose()
    if data is None:
        data = {}
    if not isinstance(data, dict):
        got = _describe(data)
        raise ConfigError(
            [f"{filename}:1 expected a mapping of sections (org:, people:, ...), got {got}"]
        )
    return root, data, problems


def _compose(text: str) -> tuple[yaml.SafeLoader | yaml.CSafeLoader, yaml.Node | None]:
    """The node tree, and the loader to construct it with: libyaml's where it reads the text as
    PyYAML does; PyYAML's for a text with a tab, and for one libyaml cannot read, so that a
    syntax error is worded (and explained by :mod:`bot.config.syntax`) as PyYAML words it."""
    if "\t" not in text:
        fast = _FastLoader(text)
        try:
            return fast, fast.get_single_node()
        except yaml.YAMLError:
            fast.dispose()
    slow = _Loader(text)
    try:
        return slow, slow.get_single_node()
    except yaml.YAMLError:
        slow.dispose()
        raise


def _nodes(node: yaml.Node | None, path: Loc = ()) -> Iterator[tuple[Loc, yaml.Node]]:
    """Every node with its key path; a node reached again through an alias is not repeated."""
    seen: set[int] = set()
    stack: list[tuple[Loc, yaml.Node]] = [(path, node)] if node is not None else []
    while stack:
        loc, current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield loc, current
        if isinstance(current, yaml.MappingNode):
            stack += [((*loc, _key_name(k)), v) for k, v in reversed(current.value)]
        elif isinstance(current, yaml.SequenceNode):
            stack += [((*loc, i), v) for i, v in reversed(list(enumerate(current.value)))]


def _key_name(node: yaml.Node) -> str:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else "?"


_STR_TAG = "tag:yaml.org,2002:str"
_ENV_REF = re.compile(r"\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$\{")


def _interpolate_nodes(nodes: Nodes, environ: Mapping[str, str]) -> list[Problem]:
    """Replace ``${VAR}`` in every string value, in place; return the problems found."""
    problems: list[Problem] = []
    for loc, node in nodes:
        if isinstance(node, yaml.ScalarNode) and node.tag == _STR_TAG and "$" in node.value:
            node.value, errors = _interpolate(node.value, environ)
            problems += [(loc, error) for error in errors]
    return problems


def _interpolate(text: str, environ: Mapping[str, str]) -> tuple[str, list[str]]:
    """``${NAME}``, ``${NAME:-default}`` and ``$${`` in ``text``; unresolved ones stay as is."""
    errors: list[str] = []

    def replace(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        if match.group(0) == "$${":
            return "${"
        if name is None:
            errors.append(
                "malformed ${...}: write ${NAME} or ${NAME:-default} ($${ for a literal ${)"
            )
            return match.group(0)
        value = environ.get(name)
        if not value and default is not None:
            return default
        if value is None:
            errors.append(f"environment variable {name} is not set")
            return match.group(0)
        return value

    return _ENV_REF.sub(replace, text), errors


def _duplicate_keys(nodes: Nodes) -> list[Problem]:
    problems: list[Problem] = []
    for loc, node in nodes:
        if not isinstance(node, yaml.MappingNode):
            continue
        first: dict[str, int] = {}
        for key, _ in node.value:
            name = _key_name(key)
            line = key.start_mark.line + 1
            if name in first and name != "<<":
                problems.append(((*loc, name), f"duplicate key (also line {first[name]})"))
            first.setdefault(name, line)
    return problems


def _line(root: yaml.Node | None, loc: Loc) -> int:
    """The 1-based line of the deepest entry of ``loc`` present in the file (its key's line)."""
    if root is None:
        return 1
    node, line = root, root.start_mark.line + 1
    for part in loc:
        found = _child(node, part)
        if found is None:
            break
        line, node = found[0].start_mark.line + 1, found[1]
    return line


def _child(node: yaml.Node, part: str | int) -> tuple[yaml.Node, yaml.Node] | None:
    """``(key node, value node)`` of a mapping entry, or ``(item, item)`` of a sequence item."""
    if isinstance(node, yaml.MappingNode):
        for key, value in reversed(node.value):
            if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                return key, value
    elif isinstance(node, yaml.SequenceNode) and _has(node.value, part):
        return node.value[part], node.value[part]
    return None
