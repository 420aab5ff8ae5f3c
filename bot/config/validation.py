"""Validating the data read from YAML: the core models, each adapter's and each skill's section,
then cross-checks."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from bot.config.crosscheck import _check_handles, _check_people, _check_skills, _raw_ids
from bot.config.fields import _PEOPLE, _PLATFORMS, _ROLES
from bot.config.messages import _merge, _translate
from bot.config.models import (
    _SKILLS_META_KEYS,
    AdapterSettings,
    Config,
    PersonConfig,
    _SkillsMeta,
)
from bot.config.platforms import AdapterSchema
from bot.config.problems import Loc, Problem, _did_you_mean

M = TypeVar("M", bound=BaseModel)


def _validate(
    data: dict[str, Any],
    schemas: Mapping[str, type[BaseModel]],
    roles: set[str],
    adapters: Mapping[str, AdapterSchema],
) -> tuple[Config | None, list[Problem]]:
    """Validate the core models, every adapter's section and every skill's settings, then
    cross-check them."""
    raw_ids = _raw_ids(data)
    known = {person_id for _, person_id in raw_ids}
    platforms = {name: spec.chat_example for name, spec in adapters.items()}
    defined, problems = _defined_roles(data, roles)
    roles = roles | defined
    context: dict[str, Any] = {_PEOPLE: known, _PLATFORMS: platforms, _ROLES: roles}
    config = _try_validate(Config, data, (), problems, context)
    raw_adapters = data.get("adapters")
    raw_adapters = raw_adapters if isinstance(raw_adapters, dict) else {}
    adapter_settings = _validate_adapters(raw_adapters, adapters, problems, context)
    raw_skills = data.get("skills")
    raw_skills = raw_skills if isinstance(raw_skills, dict) else {}
    settings = _validate_skills(raw_skills, schemas, problems, context)
    checked = {**_salvaged(raw_skills, schemas, settings, context), **settings}
    people = _valid_people(config, data, context)
    problems += _check_people(people, raw_ids, roles)
    roots: list[tuple[Loc, BaseModel]] = [(("skills", n), s) for n, s in settings.items()]
    roots += [((), config)] if config else [(("people", i), p) for i, p in people]
    problems += _check_handles(roots, known)
    problems += _check_skills(checked, raw_skills.get("enabled"))
    if config is not None:
        config._skill_settings = settings
        config._adapter_settings = adapter_settings
        defaults = {name: spec.rate_limits for name, spec in adapters.items()}
        config.delivery.rate_limits = {**defaults, **config.delivery.rate_limits}
    return config, problems


def _defined_roles(data: dict[str, Any], declared: set[str]) -> tuple[set[str], list[Problem]]:
    """The names under ``roles:`` (the admin's own roles), and the problem of each that takes
    the name of ``admin`` or of a role a skill declares."""
    raw = data.get("roles")
    names = {str(name) for name in raw} if isinstance(raw, dict) else set()
    problems: list[Problem] = [
        (("roles", name), f"{name!r} is already a role (admin or a skill's) — pick another name")
        for name in sorted(names & declared)
    ]
    return names, problems


def _try_validate(
    model: type[M], value: Any, prefix: Loc, problems: list[Problem], context: dict[str, Any]
) -> M | None:
    """Validate ``value``; on failure add its problems, located under ``prefix``."""
    try:
        return model.model_validate(value, context=context)
    except ValidationError as exc:
        problems += _merge(p for e in exc.errors() for p in _translate(e, model, prefix, value))
        return None


def _validate_skills(
    raw: dict[str, Any],
    schemas: Mapping[str, type[BaseModel]],
    problems: list[Problem],
    context: dict[str, Any],
) -> dict[str, BaseModel]:
    """Check ``skills.enabled``/``plugins`` and the section names; validate every skill."""
    meta_input = {key: raw[key] for key in _SKILLS_META_KEYS if key in raw}
    _try_validate(_SkillsMeta, meta_input, ("skills",), problems, context)
    enabled = raw.get("enabled")
    seen: set[str] = set()
    for i, name in enumerate(enabled if isinstance(enabled, list) else []):
        if isinstance(name, str) and name not in schemas:
            problems.append((("skills", "enabled", i), _unknown_skill(name, schemas)))
        elif isinstance(name, str) and name in seen:
            problems.append((("skills", "enabled", i), f"{name!r} is listed twice"))
        seen.add(str(name))
    for name in raw:
        if name not in _SKILLS_META_KEYS and name not in schemas:
            problems.append((("skills", name), _unknown_skill(str(name), schemas)))
    settings: dict[str, BaseModel] = {}
    for name, schema in schemas.items():
        section = {} if raw.get(name) is None else raw[name]
        valid = _try_validate(schema, section, ("skills", name), problems, context)
        if valid is not None:
            settings[name] = valid
    return settings


def _salvaged(
    raw: dict[str, Any],
    schemas: Mapping[str, type[BaseModel]],
    valid: Mapping[str, BaseModel],
    context: dict[str, Any],
) -> dict[str, BaseModel]:
    """The settings of each cross-checking skill whose section has problems of its own, validated
    without the values that failed (their defaults instead), where that works: so one run of
    check-config reports its cross-checks too. A whole entry of a section (a leave type, say) is
    never left out, nor a required value: then the skill is not cross-checked."""
    salvaged: dict[str, BaseModel] = {}
    for name, schema in schemas.items():
        if name in valid or not callable(getattr(schema, "cross_check", None)):
            continue
        data = copy.deepcopy({} if raw.get(name) is None else raw[name])
        for _attempt in range(20):
            try:
                salvaged[name] = schema.model_validate(data, context=context)
                break
            except ValidationError as exc:
                if not all(_drop(data, e["loc"]) for e in exc.errors() if e["type"] != "missing"):
                    break
                if any(e["type"] == "missing" for e in exc.errors()):
                    break
    return salvaged


def _drop(data: Any, loc: tuple[Any, ...]) -> bool:
    """Leave out the value at ``loc``: a setting (``remind_before_days``) or one of an entry's
    (``types.annual.unit``); ``False`` when it is not such a value."""
    if len(loc) == 2 or not loc:
        return False
    for key in loc[:-1]:
        data = data.get(key) if isinstance(data, dict) else None
    if not isinstance(data, dict) or loc[-1] not in data:
        return False
    del data[loc[-1]]
    return True


def _validate_adapters(
    raw: dict[str, Any],
    adapters: Mapping[str, AdapterSchema],
    problems: list[Problem],
    context: dict[str, Any],
) -> dict[str, AdapterSettings]:
    """Each installed adapter's section, validated by the model it declares."""
    for name in raw:
        if name not in adapters:
            installed = ", ".join(sorted(adapters)) or "none"
            unknown = f"unknown adapter {name!r}{_did_you_mean(str(name), adapters)}"
            problems.append((("adapters", name), f"{unknown} — installed: {installed}"))
    settings: dict[str, AdapterSettings] = {}
    for name, spec in adapters.items():
        section = {} if raw.get(name) is None else raw[name]
        valid = _try_validate(spec.config, section, ("adapters", name), problems, context)
        if valid is not None:
            settings[name] = valid
    return settings


def _unknown_skill(name: str, schemas: Mapping[str, type[BaseModel]]) -> str:
    installed = ", ".join(sorted(schemas)) or "none"
    return f"unknown skill {name!r}{_did_you_mean(name, schemas)} — installed: {installed}"


def _valid_people(
    config: Config | None, data: dict[str, Any], context: dict[str, Any]
) -> list[tuple[int, PersonConfig]]:
    """The people that validate on their own, so cross-checks run even when others fail."""
    if config is not None:
        return list(enumerate(config.people))
    people = data.get("people")
    valid: list[tuple[int, PersonConfig]] = []
    for i, entry in enumerate(people if isinstance(people, list) else []):
        person = _try_validate(PersonConfig, entry, (), [], context)
        if person is not None:
            valid.append((i, person))
    return valid
