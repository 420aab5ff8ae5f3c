"""The config's two YAML readers agree: the data built from libyaml's events (no node tree, a
fraction of the memory) and the one built from the node tree give the same data, the same
problems and the same messages with the same lines, on random YAML as admins write it and as
they mistype it; the events reader is the one that reads a plain config and a big directory."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.directory_bench import directory_yaml
from bot.config import Config, parse_config, yaml_source
from bot.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
ENV = {"A": "1", "EMPTY": "", "TOKEN": "xoxb-1"}

KEYS = ["org", "name", "a", "b", "1", "'1'", "01", '"a"', "true", "~", "c d", "<<", "'<<'", "="]
# fmt: off
SCALARS = [
    "1", "01", "0x1F", "0o17", "1_000", "-3", "1.5", ".inf", "-.Inf", ".nan", "1e3",
    "9:30", "-1:30", "1:30.5", "'9:30'", '"9:30"', "190:20:30",
    "~", "null", "Null", "", "yes", "No", "on", "OFF", "true", "False", "y",
    "2020-03-01", "2020-03-01 10:00:00", "text", "two words", "'quoted'", '"dq \\u00e9"',
    "${A}", "${UNSET}", "${EMPTY:-fallback}", "${UNSET:-x}", "$${A}", "${", "a${A}b${B}",
    "'${A}'", '"${UNSET}"', "Asia/Shanghai", "张三", "*x", "*y", "&x 5", "&y '${A}'",
    "!!str 5", "!!int '7'", "=", "<<", "[1, a, '9:30']", "{a: 1, a: 2}", "[]", "{}",
    "*z", "|\n  block\n  text", ">-\n  folded ${A}",
]
# fmt: on
TYPOS = ["- bad", "a: b", "'unclosed", "@x", "%", "[1, 2", "\tb", "*nowhere"]


@st.composite
def _block(draw: st.DrawFn, indent: int = 0, depth: int = 0) -> str:
    """A block mapping or list at ``indent``: its lines."""
    mapping = draw(st.booleans())
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        lead = " " * indent + (draw(st.sampled_from(KEYS)) + ":" if mapping else "-")
        if depth < 3 and draw(st.integers(0, 3)) == 0:
            anchor = draw(st.sampled_from(["", " &x", " &y", " &z"]))
            tag = draw(st.sampled_from(["", "", "", " !!map" if mapping else " !!seq"]))
            child = draw(_block(indent + 2, depth + 1))
            lines.append(f"{lead}{anchor}{tag}\n{child}")
        else:
            scalar = draw(st.sampled_from(SCALARS * 4 + TYPOS))  # a typo now and then
            value = scalar.replace("\n", "\n" + " " * (indent + 2))
            lines.append(f"{lead} {value}" if value else lead)
    return "\n".join(lines)


def _anchors_once(text: str) -> str:
    """Each anchor defined once (a second ``&x`` is an error the tree reports): later ones
    renamed, so that most aliases have a node to refer to."""
    count: dict[str, int] = {}

    def rename(match: re.Match[str]) -> str:
        name = match.group(1)
        count[name] = count.get(name, 0) + 1
        return f"&{name}" if count[name] == 1 else f"&{name}{count[name]}"

    return re.sub(r"&([xyz])\b", rename, text)


@st.composite
def _texts(draw: st.DrawFn) -> str:
    text = draw(_block())
    if not text.startswith("-") and draw(st.booleans()):  # what the aliases refer to
        text = "defs:\n  - &x 7\n  - &y {k: '9:30', k: '${UNSET}'}\n  - &z [a, 9:30]\n" + text
    text = _anchors_once(text)
    text = draw(st.sampled_from(["", "", "", "", "---\n", "%YAML 1.1\n---\n", "# c\n"])) + text
    text += draw(st.sampled_from(["", "", "", "", "", "\n---\nb: 1", "\n...\n", "\n# end"]))
    return text + "\n"


def _without_events(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yaml_source, "_from_events", lambda text, environ: None)


def _outcome(read: Callable[[], Any]) -> Any:
    try:
        return read()
    except ConfigError as exc:
        return exc.problems


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_texts())
def test_events_and_tree_read_the_same(text: str) -> None:
    events = yaml_source._from_events(text, ENV)
    tree = _outcome(lambda: yaml_source._from_tree(text, "c.yaml", ENV))
    if events is not None:  # the events reader leaves a text it cannot read to the tree
        assert events == tree
        assert repr(events) == repr(tree)  # the same types too (1 is not True, nan is nan)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_texts())
def test_the_admin_reads_the_same_problems(text: str) -> None:
    with pytest.MonkeyPatch.context() as patch:
        schemas = {"a": Config}
        fast = _outcome(lambda: parse_config(text, filename="c.yaml", environ=ENV))
        fast_nested = _outcome(lambda: parse_config(text, environ=ENV, skill_schemas=schemas))
        _without_events(patch)
        assert _outcome(lambda: parse_config(text, filename="c.yaml", environ=ENV)) == fast
        assert _outcome(lambda: parse_config(text, environ=ENV, skill_schemas=schemas)) == (
            fast_nested
        )


TIMES_AND_DUPLICATES = """\
org:
  timezone: Asia/Shanghai
  timezone: UTC
people:
  - id: alice
    name: ${UNSET}
  - id: bob
    name: &n ${NOPE}
    team: *n
skills:
  quiet_hours:
    start: 9:30
"""


def test_problems_keep_their_words_and_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError) as fast:
        parse_config(TIMES_AND_DUPLICATES, environ={})
    assert fast.value.problems[:3] == [
        "config.yaml:3 org.timezone: duplicate key (also line 2)",
        "config.yaml:6 people[0].name: environment variable UNSET is not set",
        "config.yaml:8 people[1].name: environment variable NOPE is not set",
    ]
    _without_events(monkeypatch)
    with pytest.raises(ConfigError) as tree:
        parse_config(TIMES_AND_DUPLICATES, environ={})
    assert tree.value.problems == fast.value.problems


@pytest.mark.parametrize(
    "text",
    [
        (ROOT / "config.example.yaml").read_text(encoding="utf-8"),
        (ROOT / "tests" / "fixtures" / "config" / "full.yaml").read_text(encoding="utf-8"),
        directory_yaml(300),
    ],
    ids=["config.example.yaml", "full.yaml", "300 people"],
)
def test_configs_are_read_without_the_node_tree(text: str) -> None:
    """What keeps a start of 10,000 people under 200 MB: the tree is never composed for them."""
    read = yaml_source._from_events(text, ENV)
    assert read is not None
    assert read == yaml_source._from_tree(text, "c.yaml", ENV)
