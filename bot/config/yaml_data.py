"""The data of a YAML text built straight from libyaml's events, without the node tree; and the
``${ENV}`` interpolation both readers share.

For 10,000 people the node tree is ≈65 MB (a node and two marks per value), four times the data
it gives, and all of it lived at once with the data being built from it. Built from the events,
only the data is kept, and the same walk interpolates ``${VAR}`` and finds the problems the
tree's walk finds (unresolved references, duplicate keys, numbers written like times), at the
same key paths and in the same order.

:func:`build` takes the YAML configs are written in: mappings, lists, plain and quoted scalars,
anchors and aliases. A text with anything else (a tag, a merge key ``<<``, a key that is not a
scalar, an alias used before its node ends, several documents) or with an error raises
:class:`Unsupported` or :class:`yaml.YAMLError`: the node tree reads it then
(:mod:`bot.config.yaml_source`), as it reads every text and words every error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import yaml

from bot.config.problems import Loc, Problem
from bot.config.syntax import base_sixty

_STR_TAG = "tag:yaml.org,2002:str"
# what a plain scalar may resolve to here besides text; any other tag (merge, value) is unsupported
_BUILT = frozenset(f"tag:yaml.org,2002:{kind}" for kind in ("null", "bool", "int", "float"))
_SEXAGESIMAL = frozenset({"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"})
_ENV_REF = re.compile(r"\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$\{")
_NO_KEY = object()  # a mapping waiting for its next key


class Unsupported(Exception):
    """The text uses what only the node tree reads."""


class _Open:
    """A mapping or a list being built, and where its next value goes."""

    __slots__ = ("anchor", "container", "first", "key", "name", "order")

    def __init__(self, container: dict[Any, Any] | list[Any], anchor: str | None, order: int):
        self.container = container
        self.anchor = anchor
        self.order = order  # the mapping's rank in the document (for its duplicates' order)
        self.key: Any = _NO_KEY  # a mapping's key waiting for its value
        self.name = ""  # that key as written (its part of the key path)
        self.first: dict[str, int] = {}  # a mapping's keys as written -> their first line

    def wants_key(self) -> bool:
        return self.key is _NO_KEY and isinstance(self.container, dict)

    def part(self) -> str | int:
        """This container's part of the key path of the value being built."""
        return self.name if isinstance(self.container, dict) else len(self.container)


class _Builder:
    """One document: :meth:`document` returns its data and problems."""

    def __init__(self, loader: yaml.CSafeLoader, environ: Mapping[str, str]) -> None:
        if loader.yaml_path_resolvers or None in loader.yaml_implicit_resolvers:
            raise Unsupported("path or wildcard resolvers")
        self.loader = loader
        self.environ = environ
        self.resolvers = loader.yaml_implicit_resolvers
        self.anchors: dict[str, Any] = {}
        self.unfinished: set[str] = set()  # anchors of containers not ended yet
        self.built: dict[tuple[str, str], Any] = {}  # (tag, text) -> value, for non-text scalars
        self.stack: list[_Open] = []
        self.mappings = 0
        self.interpolated: list[Problem] = []
        self.duplicates: list[tuple[int, Problem]] = []
        self.sexagesimal: list[Problem] = []

    def document(self) -> tuple[Any, list[Problem]]:
        get = self.loader.get_event
        get()  # StreamStartEvent
        if isinstance(get(), yaml.StreamEndEvent):
            return None, []
        data = self.node()
        get()  # DocumentEndEvent
        if not isinstance(get(), yaml.StreamEndEvent):
            raise Unsupported("several documents")
        self.duplicates.sort(key=_rank)
        return data, self.interpolated + [p for _, p in self.duplicates] + self.sexagesimal

    def node(self) -> Any:
        """The node that starts with the next event, built with everything in it."""
        get, stack = self.loader.get_event, self.stack
        while True:
            event = get()
            kind = type(event)
            top = stack[-1] if stack else None
            if top is not None and kind is not yaml.MappingEndEvent and top.wants_key():
                self.key(top, event)
                continue
            if kind is yaml.ScalarEvent:
                value = self.scalar(event)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                self.open(event, {} if kind is yaml.MappingStartEvent else [])
                continue
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                done = stack.pop()
                if done.anchor is not None:
                    self.unfinished.discard(done.anchor)
                value = done.container
            elif kind is yaml.AliasEvent:
                value = self.alias(event)
            else:
                raise Unsupported(kind.__name__)
            if not stack:
                return value
            top = stack[-1]
            if isinstance(top.container, dict):
                top.container[top.key] = value
                top.key = _NO_KEY
            else:
                top.container.append(value)

    def open(self, event: Any, container: dict[Any, Any] | list[Any]) -> None:
        if event.tag is not None:
            raise Unsupported("a tag")
        self.anchor(event.anchor, container)
        if event.anchor is not None:
            self.unfinished.add(event.anchor)
        order = self.mappings
        if isinstance(container, dict):
            self.mappings += 1
        self.stack.append(_Open(container, event.anchor, order))

    def key(self, top: _Open, event: Any) -> None:
        """A mapping's next key: a plain or quoted scalar, its duplicates noted by line."""
        if type(event) is not yaml.ScalarEvent or event.anchor is not None:
            raise Unsupported("a key that is not a scalar, or has an anchor")
        name = event.value
        top.key, top.name = self.constructed(event), name
        line = event.start_mark.line + 1 if event.start_mark is not None else 1
        if name in top.first and name != "<<":
            loc = (*self.loc()[:-1], name)
            problem = (loc, f"duplicate key (also line {top.first[name]})")
            self.duplicates.append((top.order, problem))
        top.first.setdefault(name, line)

    def scalar(self, event: Any) -> Any:
        """A value: text interpolated, numbers written like times noted, others built."""
        value: Any = event.value
        tag = self.tag(event)
        if tag == _STR_TAG:
            if "$" in value:
                value, errors = interpolate(value, self.environ)
                if errors:
                    loc = self.loc()
                    self.interpolated += [(loc, error) for error in errors]
        else:
            if tag in _SEXAGESIMAL and ":" in value:
                node = yaml.ScalarNode(tag, value, style=event.style)
                if (message := base_sixty(node)) is not None:
                    self.sexagesimal.append((self.loc(), message))
            value = self.constructed(event, tag)
        self.anchor(event.anchor, value)
        return value

    def tag(self, event: Any) -> str:
        """The tag the composer gives a scalar: resolved from a plain one's text, else text."""
        if event.tag is not None:
            raise Unsupported("a tag")
        text: str = event.value
        if event.implicit[0]:
            for tag, regexp in self.resolvers.get(text[0] if text else "", ()):
                if regexp.match(text):
                    return str(tag)
        return _STR_TAG

    def constructed(self, event: Any, tag: str | None = None) -> Any:
        """The value of a scalar event as PyYAML's safe constructor makes it."""
        tag = self.tag(event) if tag is None else tag
        if tag == _STR_TAG:
            return event.value
        if tag not in _BUILT:
            raise Unsupported(tag)
        cache = (tag, event.value)
        if cache not in self.built:
            node = yaml.ScalarNode(tag, event.value, style=event.style)
            self.built[cache] = self.loader.yaml_constructors[tag](self.loader, node)
        return self.built[cache]

    def alias(self, event: Any) -> Any:
        if event.anchor not in self.anchors or event.anchor in self.unfinished:
            raise Unsupported("an alias the tree reads")
        return self.anchors[event.anchor]

    def anchor(self, anchor: str | None, value: Any) -> None:
        if anchor is None:
            return
        if anchor in self.anchors:
            raise Unsupported("a duplicate anchor")  # the tree says where both are
        self.anchors[anchor] = value

    def loc(self) -> Loc:
        """The key path of the value being built."""
        return tuple(frame.part() for frame in self.stack)


def _rank(entry: tuple[int, Problem]) -> int:
    return entry[0]


def build(loader: yaml.CSafeLoader, environ: Mapping[str, str]) -> tuple[Any, list[Problem]]:
    """The data of the one document ``loader`` parses, and its problems: unresolved ``${VAR}``,
    duplicate keys, numbers written like times (as :mod:`bot.config.yaml_source` finds them on
    the tree).

    Raises:
        Unsupported: the text uses what only the node tree reads.
        yaml.YAMLError: the text is not valid YAML.
    """
    return _Builder(loader, environ).document()


def interpolate(text: str, environ: Mapping[str, str]) -> tuple[str, list[str]]:
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
