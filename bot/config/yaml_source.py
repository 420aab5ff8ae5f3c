"""Reading the YAML text: syntax errors, ``${ENV}`` interpolation, duplicate keys, and lines.

The data is built from libyaml's events where it can be (:mod:`bot.config.yaml_data`: no node
tree, a fraction of the memory); otherwise from the composed node tree, which reads every text
and words every syntax error. The tree, composed again, gives every problem the line of its key.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import yaml

from bot.config.problems import Loc, Problem, _describe, _has
from bot.config.syntax import base_sixty, plain_syntax_error
from bot.config.yaml_data import Unsupported, build, interpolate
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


def _read_yaml(
    text: str, filename: str, environ: Mapping[str, str]
) -> tuple[dict[str, Any], list[Problem]]:
    """The data with env references interpolated, and the problems found reading it: built
    from libyaml's events where :mod:`bot.config.yaml_data` can, else from the node tree,
    dropped then (for 10,000 people it is four times the size of the data and of the validated
    config together). :func:`_tree` composes it again to find the lines of problems."""
    read = _from_events(text, environ)
    data, problems = _from_tree(text, filename, environ) if read is None else read
    if data is None:
        data = {}
    if not isinstance(data, dict):
        got = _describe(data)
        raise ConfigError(
            [f"{filename}:1 expected a mapping of sections (org:, people:, ...), got {got}"]
        )
    return data, problems


def _from_events(text: str, environ: Mapping[str, str]) -> tuple[Any, list[Problem]] | None:
    """The data and problems built from libyaml's events; ``None`` for a text with a tab (libyaml
    takes one where PyYAML does not), one :func:`bot.config.yaml_data.build` leaves to the
    tree, or one with a syntax error (the tree's readers word it)."""
    if "\t" in text:
        return None
    loader = _FastLoader(text)
    try:
        return build(loader, environ)
    except (Unsupported, yaml.YAMLError):
        return None
    finally:
        loader.dispose()


def _from_tree(text: str, filename: str, environ: Mapping[str, str]) -> tuple[Any, list[Problem]]:
    """Compose the node tree, interpolate env references in it, then build the data."""
    loader: yaml.SafeLoader | yaml.CSafeLoader | None = None
    try:
        loader, root = _compose(text)
        problems = _node_problems(root, environ)
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        raise ConfigError([plain_syntax_error(exc, filename)]) from None
    except yaml.YAMLError as exc:
        raise ConfigError([f"{filename}:1 {exc}"]) from None
    finally:
        if loader is not None:
            loader.dispose()
    return data, problems


def _tree(text: str) -> yaml.Node | None:
    """The node tree of a text :func:`_read_yaml` has read (for the lines of its problems)."""
    loader, root = _compose(text)
    loader.dispose()
    return root


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


def _node_problems(root: yaml.Node | None, environ: Mapping[str, str]) -> list[Problem]:
    """In one walk of the tree (for 10,000 people, 200,000 nodes): ``${VAR}`` replaced in every
    string value, in place; then the problems found: unresolved references, duplicate keys,
    and numbers written like times (9:30 unquoted is 570)."""
    interpolated: list[Problem] = []
    duplicates: list[Problem] = []
    sexagesimal: list[Problem] = []
    for loc, node in _nodes(root):
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _STR_TAG and "$" in node.value:
                node.value, errors = interpolate(node.value, environ)
                interpolated += [(loc, error) for error in errors]
            if (message := base_sixty(node)) is not None:
                sexagesimal.append((loc, message))
        elif isinstance(node, yaml.MappingNode):
            duplicates += _duplicate_keys(loc, node)
    return interpolated + duplicates + sexagesimal


def _duplicate_keys(loc: Loc, node: yaml.MappingNode) -> list[Problem]:
    problems: list[Problem] = []
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
