"""The entry points: read a config file or text, validate it, and raise every problem at once."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import MappingProxyType

from pydantic import BaseModel

from bot.config.models import Config
from bot.config.platforms import AdapterSchema, installed_schemas
from bot.config.report import _render
from bot.config.validation import _validate
from bot.config.yaml_source import _read_yaml, _tree
from bot.errors import ConfigError

_NO_SCHEMAS: Mapping[str, type[BaseModel]] = MappingProxyType({})


def load_config(
    path: Path | str,
    *,
    skill_schemas: Mapping[str, type[BaseModel]] = _NO_SCHEMAS,
    known_roles: Iterable[str] = ("admin",),
    environ: Mapping[str, str] | None = None,
    adapters: Mapping[str, AdapterSchema] | None = None,
) -> Config:
    """Read, interpolate, validate and cross-check the YAML config file at ``path``.

    Args:
        path: the YAML file; problems name it as written here.
        skill_schemas: each installed skill's settings model, by skill name.
        known_roles: every role a skill declares; ``people[].roles`` must use only these.
        environ: where ``${VAR}`` is looked up (default: ``os.environ``).
        adapters: the platforms there are, by name: each validates its section
            ``adapters.<platform>`` and gives its default rate limits (default: every installed
            adapter, entry-point group ``deskmate.adapters``).

    Returns:
        The validated :class:`Config`, with ``skill_settings`` filled for every skill and
        ``adapter_settings`` for every adapter.

    Raises:
        ConfigError: with every problem found, sorted by line.

    Example:
        With a skill ``tasks`` whose settings model is ``TasksSettings``::

            config = load_config("config.yaml", skill_schemas={"tasks": TasksSettings})
            config.skill_settings["tasks"].reminder_hour  # 9 unless the file sets it
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise ConfigError([f"{path}: cannot read the file ({reason})"]) from None
    return parse_config(
        text,
        filename=str(path),
        skill_schemas=skill_schemas,
        known_roles=known_roles,
        environ=environ,
        adapters=adapters,
    )


def parse_config(
    text: str,
    *,
    filename: str = "config.yaml",
    skill_schemas: Mapping[str, type[BaseModel]] = _NO_SCHEMAS,
    known_roles: Iterable[str] = ("admin",),
    environ: Mapping[str, str] | None = None,
    adapters: Mapping[str, AdapterSchema] | None = None,
) -> Config:
    """Like :func:`load_config`, from the YAML ``text``; ``filename`` is used in problems.

    Example:
        >>> parse_config("org:\\n  timezone: Asia/Shanghai\\n").org.timezone
        'Asia/Shanghai'
        >>> parse_config("org:\\n  timezon: UTC\\n")
        Traceback (most recent call last):
        bot.errors.ConfigError: config.yaml:2 org.timezon: unknown key (did you mean 'timezone'?)
    """
    env = os.environ if environ is None else environ
    platforms = installed_schemas() if adapters is None else adapters
    with _collector_paused():
        data, problems = _read_yaml(text, filename, env)
        config, more = _validate(data, skill_schemas, set(known_roles), platforms)
    # a value whose ${VAR} failed keeps its text: do not report that text as invalid too
    read_errors = {loc for loc, _ in problems}
    problems += [(loc, message) for loc, message in more if loc not in read_errors]
    if problems or config is None:
        raise ConfigError(_render(problems, _tree(text), filename))
    return config


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while the config is read and validated. Reading
    builds a tree of every key and value (370,000 objects for 10,000 people), all of it in use:
    each pass of the collector rescans it to free nothing, which made reading take ten times as
    long. What is dropped meanwhile is freed as usual (by reference counting)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
