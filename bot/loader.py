"""Finding skills and adapters: installed packages declare them under the ``deskmate.skills`` and
``deskmate.adapters`` entry-point groups (built-in ones too); the config may add skills by dotted
path (``skills.plugins``) and choose which run (``skills.enabled``), and enables adapters
(``adapters.<platform>.enabled``)."""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict

from bot.adapter import AdapterSpec
from bot.config import Config, installed_schemas, load_config
from bot.errors import ConfigError
from bot.skill import Skill


def installed_skills() -> dict[str, Skill]:
    """Every skill an installed package declares under ``deskmate.skills``."""
    found: dict[str, Skill] = {}
    for ep in entry_points(group="deskmate.skills"):
        skill = ep.load()
        if not isinstance(skill, Skill):
            raise ConfigError([f"entry point {ep.name} = {ep.value} is not a deskmate Skill"])
        found[skill.name] = skill
    return found


def installed_adapters() -> dict[str, AdapterSpec[Any]]:
    """Every adapter an installed package declares under ``deskmate.adapters``, by platform."""
    found: dict[str, AdapterSpec[Any]] = {}
    for name, spec in installed_schemas().items():
        if not isinstance(spec, AdapterSpec):
            raise ConfigError([f"the adapter {name!r} is not a deskmate AdapterSpec"])
        found[name] = spec
    return found


def import_skill(path: str) -> Skill:
    """``"package.module:skill"`` (or ``"package.module"`` holding a ``skill``) -> the Skill."""
    module_name, _sep, attr = path.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ConfigError([f"skills.plugins: cannot import {module_name!r}: {exc}"]) from exc
    skill = getattr(module, attr or "skill", None)
    if not isinstance(skill, Skill):
        raise ConfigError([f"skills.plugins: {path!r} is not a deskmate Skill"])
    return skill


def _plugin_paths(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
        # read again by load_config, with lines: here libyaml, and only a file that has plugins
        raw = yaml.load(text, Loader=yaml.CSafeLoader) if "plugins" in text else {}
    except (OSError, ValueError, yaml.YAMLError):
        return []  # load_config reports it, with the line
    raw = raw or {}
    skills = raw.get("skills") if isinstance(raw, dict) else None
    plugins = skills.get("plugins") if isinstance(skills, dict) else None
    return [str(p) for p in plugins] if isinstance(plugins, list) else []


def load(path: Path | str) -> tuple[Config, list[Skill]]:
    """Validate the config against every available skill; return it and the enabled skills."""
    path = Path(path)
    available = installed_skills()
    for plugin in _plugin_paths(path):
        skill = import_skill(plugin)
        available[skill.name] = skill
    schemas = {name: s.config for name, s in available.items() if s.config is not None}
    for name in available:
        schemas.setdefault(name, NoOptions)
    roles = {"admin", *(r for s in available.values() for r in s.roles)}
    config = load_config(path, skill_schemas=schemas, known_roles=roles)
    enabled = config.skills.get("enabled")
    names = list(available) if enabled is None else list(enabled)
    return config, [available[n] for n in names]


class NoOptions(BaseModel):
    """The settings of a skill that has none (its section must be empty)."""

    model_config = ConfigDict(extra="forbid")
