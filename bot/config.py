"""Typed YAML configuration, validated once at start; every problem reported with its line.

Admins edit one YAML file. :func:`load_config` reads it, replaces ``${ENV_VAR}`` references,
validates it with the pydantic models below (unknown keys are errors everywhere, so a misspelled
key never goes unnoticed), validates each skill's section with the schema that skill declares,
then cross-checks people, roles and person handles. All problems are reported together, sorted by
line, one per line, in the form ``<file>:<line> <key.path>: <message>``::

    config.yaml:7 org.timezon: unknown key (did you mean 'timezone'?)
    config.yaml:12 people[0].accounts.slack: expected a string, got a list
    config.yaml:42 skills.approvals.steps[1].approver: unknown person 'bobb' (did you mean 'bob'?)

Environment references: ``${NAME}`` is replaced by the variable's value (an error names it when it
is unset), ``${NAME:-default}`` falls back to ``default`` when it is unset or empty, and ``$${``
writes a literal ``${``. They are replaced in string values (not in keys); the result stays a
string, which the models convert where a number or a boolean is expected.
"""

from __future__ import annotations

import difflib
import enum
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from pathlib import Path
from types import MappingProxyType, NoneType, UnionType
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    model_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from bot.errors import ConfigError

__all__ = [
    "AdaptersConfig",
    "Config",
    "ConsoleConfig",
    "DeliveryConfig",
    "LoggingConfig",
    "OrgConfig",
    "PersonConfig",
    "PersonHandle",
    "SlackConfig",
    "StorageConfig",
    "StrictModel",
    "TelegramConfig",
    "Weekday",
    "load_config",
    "parse_config",
]

Loc = tuple[str | int, ...]
Problem = tuple[Loc, str]
M = TypeVar("M", bound=BaseModel)


# --- field types ---------------------------------------------------------------------------------


_PEOPLE = "deskmate.people"  # validation-context key: the person ids of the file


def _check_handle(value: str, info: ValidationInfo) -> str:
    """Inside :func:`load_config` (which passes the ids as context), the person must exist."""
    people = info.context.get(_PEOPLE) if isinstance(info.context, dict) else None
    if people is not None and value not in people:
        message = _unknown_person(value, people)
        raise PydanticCustomError("unknown_person", "{message}", {"message": message})
    return value


def _unknown_person(handle: str, people: Iterable[str]) -> str:
    return f"unknown person {handle!r}{_did_you_mean(handle, people)}"


_PERSON_REF = AfterValidator(_check_handle)

PersonHandle = Annotated[str, _PERSON_REF]
"""A string naming a person of the directory (``people[].id``).

Use it in skill settings; :func:`load_config` reports every handle that names nobody, with its
line, wherever it sits (nested models, lists, dict values or keys, ``Optional``): the values
written in the file while validating, the defaults a skill declares by walking the result.

Example:
    >>> class Step(StrictModel):
    ...     approver: PersonHandle
    ...     cc: list[PersonHandle] = []
"""

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_WORKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri")
_PERSON_ID = re.compile(r"[a-z0-9][a-z0-9_.-]{0,31}")
_CURRENCY = re.compile(r"[A-Z]{3}")


def _check_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(
            f"unknown time zone {value!r} — use an IANA name such as Asia/Shanghai"
        ) from None
    return value


def _check_person_id(value: str) -> str:
    if not _PERSON_ID.fullmatch(value):
        raise ValueError(
            f"expected a person id of lower-case letters, digits, '.', '_' or '-' "
            f"(at most 32, starting with a letter or digit, e.g. alice), got {value!r}"
        )
    return value


def _check_currency(value: str) -> str:
    if not _CURRENCY.fullmatch(value):
        raise ValueError(f"expected a 3-letter currency code such as CNY or USD, got {value!r}")
    return value


def _number_to_str(value: Any) -> Any:
    """Telegram ids are numbers; YAML reads ``12345`` as an int, the config keeps strings."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


TimeZoneName = Annotated[str, AfterValidator(_check_timezone)]
AccountId = Annotated[str, BeforeValidator(_number_to_str)]
Platform = Literal["console", "slack", "telegram"]
Language = Literal["en", "zh"]  # = bot.i18n.LANGUAGES


# --- models --------------------------------------------------------------------------------------


class StrictModel(BaseModel):
    """Base of every config model: unknown keys are errors; an empty section means its defaults.

    Example:
        >>> class TasksSettings(StrictModel):
        ...     reminder_hour: int = 9
    """

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _drop_empty_sections(cls, data: Any) -> Any:
        """``people:`` with nothing under it (YAML null) means the default, not an error."""
        if not isinstance(data, dict):
            return data
        fields = cls.model_fields
        return {
            key: value
            for key, value in data.items()
            if not (value is None and key in fields and fields[key].default_factory is not None)
        }


def _require(model: BaseModel, wanted: Iterable[tuple[str, str]]) -> None:
    """Raise one error listing every ``(key, reason)`` whose value is missing or empty."""
    missing = [(key, reason) for key, reason in wanted if not getattr(model, key)]
    if missing:
        summary = "; ".join(f"{key} is required {reason}" for key, reason in missing)
        raise PydanticCustomError(
            "required_setting", "{summary}", {"summary": summary, "missing": missing}
        )


class OrgConfig(StrictModel):
    """The organisation: its name, default language, time zone, work week and currency."""

    name: str = "Deskmate"
    language: Language = "en"
    timezone: TimeZoneName = "UTC"
    workdays: list[Weekday] = Field(default_factory=lambda: list(_WORKDAYS))
    currency: Annotated[str, AfterValidator(_check_currency)] = "CNY"
    holidays: list[date] = Field(default_factory=list)


class StorageConfig(StrictModel):
    """Where Deskmate keeps its data (an SQLAlchemy async URL)."""

    url: str = "sqlite+aiosqlite:///deskmate.db"
    echo: bool = False


class PersonConfig(StrictModel):
    """One person of the directory; ``name`` defaults to ``id``."""

    id: Annotated[str, AfterValidator(_check_person_id)]
    name: str | None = None
    accounts: dict[Platform, AccountId] = Field(default_factory=dict)
    manager: PersonHandle | None = None
    roles: list[str] = Field(default_factory=list)
    team: str | None = None
    timezone: TimeZoneName | None = None
    language: Language | None = None

    @model_validator(mode="after")
    def _default_name(self) -> PersonConfig:
        if self.name is None:
            self.name = self.id
        return self


class ConsoleConfig(StrictModel):
    """The built-in console adapter (``deskmate console``)."""

    enabled: bool = True
    chat: str = "general"
    user: str = "you"


class SlackConfig(StrictModel):
    """The Slack adapter, in socket mode (``app_token``) or http mode (``signing_secret``)."""

    enabled: bool = False
    mode: Literal["socket", "http"] = "socket"
    bot_token: str | None = None
    app_token: str | None = None
    signing_secret: str | None = None
    api_url: str | None = None
    command_prefix: str = ""
    http_host: str = "127.0.0.1"
    http_port: int = 3000

    @model_validator(mode="after")
    def _check_tokens(self) -> SlackConfig:
        if self.enabled:
            wanted = [("bot_token", "when Slack is enabled")]
            if self.mode == "socket":
                wanted.append(("app_token", "in socket mode"))
            else:
                wanted.append(("signing_secret", "in http mode"))
            _require(self, wanted)
        return self


class TelegramConfig(StrictModel):
    """The Telegram adapter, polling or behind a webhook."""

    enabled: bool = False
    token: str | None = None
    mode: Literal["polling", "webhook"] = "polling"
    base_url: str | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_host: str = "127.0.0.1"
    webhook_port: int = 8443
    bot_username: str | None = None

    @model_validator(mode="after")
    def _check_tokens(self) -> TelegramConfig:
        if self.enabled:
            wanted = [("token", "when Telegram is enabled")]
            if self.mode == "webhook":
                wanted += [
                    ("webhook_url", "in webhook mode"),
                    ("webhook_secret", "in webhook mode"),
                ]
            _require(self, wanted)
        return self


class AdaptersConfig(StrictModel):
    """The chat platforms Deskmate connects to."""

    console: ConsoleConfig = Field(default_factory=ConsoleConfig)
    slack: SlackConfig = Field(default_factory=SlackConfig)
    telegram: TelegramConfig = Field(default_factory=TelegramConfig)


class RateLimit(StrictModel):
    """A token bucket: ``per_second`` on average, ``burst`` at once."""

    per_second: Annotated[float, Field(gt=0)]
    burst: Annotated[int, Field(ge=1)] = 1


class PlatformLimits(StrictModel):
    """How fast delivery may send on one platform: overall, and to any one chat or person."""

    overall: RateLimit
    per_chat: RateLimit


def _default_limits() -> dict[str, PlatformLimits]:
    # Published limits: Telegram ~30 msg/s overall, ~1/s per chat; Slack chat.postMessage ~1/s
    # per channel with short bursts (PLATFORMS.md).
    return {
        "telegram": PlatformLimits(
            overall=RateLimit(per_second=30, burst=30), per_chat=RateLimit(per_second=1, burst=3)
        ),
        "slack": PlatformLimits(
            overall=RateLimit(per_second=20, burst=20), per_chat=RateLimit(per_second=1, burst=3)
        ),
        "console": PlatformLimits(
            overall=RateLimit(per_second=1000, burst=1000),
            per_chat=RateLimit(per_second=1000, burst=1000),
        ),
    }


class DeliveryConfig(StrictModel):
    """The outbox and timers: how often they are drained, retries, and rate limits."""

    tick_seconds: Annotated[float, Field(gt=0, le=3600)] = 5
    max_attempts: Annotated[int, Field(ge=1, le=100)] = 8
    retry_base_seconds: Annotated[float, Field(gt=0)] = 5
    rate_limits: dict[Platform, PlatformLimits] = Field(default_factory=_default_limits)

    def limits(self, platform: str) -> PlatformLimits:
        return self.rate_limits.get(platform) or _default_limits().get(
            platform, _default_limits()["console"]
        )


class LoggingConfig(StrictModel):
    """Log verbosity."""

    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class Config(StrictModel):
    """The whole configuration. Build it with :func:`load_config`, which also fills
    :attr:`skill_settings` and runs the cross-checks.

    Example:
        >>> config = parse_config("people:\\n  - id: alice\\n")
        >>> config.person("alice").name
        'alice'
    """

    org: OrgConfig = Field(default_factory=OrgConfig)
    storage: StorageConfig = Field(default_factory=StorageConfig)
    logging: LoggingConfig = Field(default_factory=LoggingConfig)
    people: list[PersonConfig] = Field(default_factory=list)
    adapters: AdaptersConfig = Field(default_factory=AdaptersConfig)
    delivery: DeliveryConfig = Field(default_factory=DeliveryConfig)
    skills: dict[str, Any] = Field(default_factory=dict)
    _skill_settings: dict[str, BaseModel] = PrivateAttr(default_factory=dict)

    @property
    def skill_settings(self) -> dict[str, BaseModel]:
        """Each installed skill's validated settings, by skill name (defaults if no section)."""
        return self._skill_settings

    def person(self, handle: str) -> PersonConfig | None:
        """The person whose id is ``handle``, or ``None``.

        Example:
            >>> parse_config("people: [{id: bob}]").person("bob").id
            'bob'
        """
        return next((p for p in self.people if p.id == handle), None)


class _SkillsMeta(StrictModel):
    """The two reserved keys of ``skills:``."""

    enabled: list[str] | None = None
    plugins: list[str] = Field(default_factory=list)


_SKILLS_META_KEYS = ("enabled", "plugins")


# --- public API ----------------------------------------------------------------------------------

_NO_SCHEMAS: Mapping[str, type[BaseModel]] = MappingProxyType({})


def load_config(
    path: Path | str,
    *,
    skill_schemas: Mapping[str, type[BaseModel]] = _NO_SCHEMAS,
    known_roles: Iterable[str] = ("admin",),
    environ: Mapping[str, str] | None = None,
) -> Config:
    """Read, interpolate, validate and cross-check the YAML config file at ``path``.

    Args:
        path: the YAML file; problems name it as written here.
        skill_schemas: each installed skill's settings model, by skill name.
        known_roles: every role a skill declares; ``people[].roles`` must use only these.
        environ: where ``${VAR}`` is looked up (default: ``os.environ``).

    Returns:
        The validated :class:`Config`, with ``skill_settings`` filled for every skill.

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
    )


def parse_config(
    text: str,
    *,
    filename: str = "config.yaml",
    skill_schemas: Mapping[str, type[BaseModel]] = _NO_SCHEMAS,
    known_roles: Iterable[str] = ("admin",),
    environ: Mapping[str, str] | None = None,
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
    root, data, problems = _read_yaml(text, filename, env)
    config, more = _validate(data, skill_schemas, set(known_roles))
    # a value whose ${VAR} failed keeps its text: do not report that text as invalid too
    read_errors = {loc for loc, _ in problems}
    problems += [(loc, message) for loc, message in more if loc not in read_errors]
    if problems or config is None:
        raise ConfigError(_render(problems, root, filename))
    return config


# --- reading YAML --------------------------------------------------------------------------------


def _read_yaml(
    text: str, filename: str, environ: Mapping[str, str]
) -> tuple[yaml.Node | None, dict[str, Any], list[Problem]]:
    """Compose the node tree (for lines), interpolate env references, then build the data."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        problems = _interpolate_nodes(root, environ) + _duplicate_keys(root)
        data = loader.construct_document(root) if root is not None else {}
    except yaml.MarkedYAMLError as exc:
        raise ConfigError([_syntax_problem(exc, filename)]) from None
    except yaml.YAMLError as exc:
        raise ConfigError([f"{filename}:1 {exc}"]) from None
    finally:
        loader.dispose()
    if data is None:
        data = {}
    if not isinstance(data, dict):
        got = _describe(data)
        raise ConfigError(
            [f"{filename}:1 expected a mapping of sections (org:, people:, ...), got {got}"]
        )
    return root, data, problems


def _syntax_problem(exc: yaml.MarkedYAMLError, filename: str) -> str:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else 1
    message = exc.problem or exc.context or "invalid YAML"
    if exc.problem and exc.context:
        where = f" at line {exc.context_mark.line + 1}" if exc.context_mark is not None else ""
        message += f" ({exc.context}{where})"
    return f"{filename}:{line} {message}"


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


def _interpolate_nodes(root: yaml.Node | None, environ: Mapping[str, str]) -> list[Problem]:
    """Replace ``${VAR}`` in every string value, in place; return the problems found."""
    problems: list[Problem] = []
    for loc, node in _nodes(root):
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


def _duplicate_keys(root: yaml.Node | None) -> list[Problem]:
    problems: list[Problem] = []
    for loc, node in _nodes(root):
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


# --- validation ----------------------------------------------------------------------------------


def _validate(
    data: dict[str, Any], schemas: Mapping[str, type[BaseModel]], roles: set[str]
) -> tuple[Config | None, list[Problem]]:
    """Validate the core models and every skill's settings, then cross-check them."""
    problems: list[Problem] = []
    raw_ids = _raw_ids(data)
    known = {person_id for _, person_id in raw_ids}
    context: dict[str, Any] = {_PEOPLE: known}
    config = _try_validate(Config, data, (), problems, context)
    raw_skills = data.get("skills")
    raw_skills = raw_skills if isinstance(raw_skills, dict) else {}
    settings = _validate_skills(raw_skills, schemas, problems, context)
    people = _valid_people(config, data, context)
    problems += _check_people(people, raw_ids, roles)
    roots: list[tuple[Loc, BaseModel]] = [(("skills", n), s) for n, s in settings.items()]
    roots += [((), config)] if config else [(("people", i), p) for i, p in people]
    problems += _check_handles(roots, known)
    if config is not None:
        config._skill_settings = settings
    return config, problems


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
    for i, name in enumerate(enabled if isinstance(enabled, list) else []):
        if isinstance(name, str) and name not in schemas:
            problems.append((("skills", "enabled", i), _unknown_skill(name, schemas)))
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


def _unknown_skill(name: str, schemas: Mapping[str, type[BaseModel]]) -> str:
    installed = ", ".join(sorted(schemas)) or "none"
    return f"unknown skill {name!r}{_did_you_mean(name, schemas)} — installed: {installed}"


# --- cross-checks --------------------------------------------------------------------------------


def _raw_ids(data: dict[str, Any]) -> list[tuple[int, str]]:
    """``(index, id)`` of every person written with a string id, valid or not."""
    people = data.get("people")
    if not isinstance(people, list):
        return []
    return [
        (i, entry["id"])
        for i, entry in enumerate(people)
        if isinstance(entry, dict) and isinstance(entry.get("id"), str)
    ]


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


def _check_people(
    people: list[tuple[int, PersonConfig]], raw_ids: list[tuple[int, str]], roles: set[str]
) -> list[Problem]:
    problems = _duplicate_ids(raw_ids) + _duplicate_accounts(people)
    known = ", ".join(sorted(roles)) or "none"
    for i, person in people:
        if person.manager is not None and person.manager == person.id:
            problems.append((("people", i, "manager"), "a person cannot be their own manager"))
        for j, role in enumerate(person.roles):
            if role not in roles:
                problems.append(
                    (("people", i, "roles", j), f"unknown role {role!r} — known roles: {known}")
                )
    return problems


def _duplicate_ids(raw_ids: list[tuple[int, str]]) -> list[Problem]:
    first: dict[str, int] = {}
    problems: list[Problem] = []
    for i, person_id in raw_ids:
        if person_id in first:
            message = f"duplicate person id {person_id!r} (also people[{first[person_id]}])"
            problems.append((("people", i, "id"), message))
        first.setdefault(person_id, i)
    return problems


def _duplicate_accounts(people: list[tuple[int, PersonConfig]]) -> list[Problem]:
    owner: dict[tuple[str, str], tuple[int, str]] = {}
    problems: list[Problem] = []
    for i, person in people:
        for platform, account in person.accounts.items():
            if (platform, account) in owner:
                j, other = owner[platform, account]
                message = f"{platform} account {account!r} is also used by {other!r} (people[{j}])"
                problems.append((("people", i, "accounts", platform), message))
            owner.setdefault((platform, account), (i, person.id))
    return problems


def _check_handles(roots: list[tuple[Loc, BaseModel]], known: set[str]) -> list[Problem]:
    """Every :data:`PersonHandle` under ``roots`` must be a known person id.

    Values read from the file were checked while validating; this walk also catches the defaults
    a skill declares (pydantic never validates those).
    """
    problems: list[Problem] = []
    for prefix, model in roots:
        for loc, handle in _model_handles(model, prefix):
            if handle not in known:
                problems.append((loc, _unknown_person(handle, known)))
    return problems


def _model_handles(model: BaseModel, path: Loc) -> Iterator[tuple[Loc, str]]:
    for name, field in type(model).model_fields.items():
        handle = any(meta is _PERSON_REF for meta in field.metadata)
        key = field.alias or name
        yield from _value_handles(getattr(model, name), field.annotation, (*path, key), handle)


def _value_handles(
    value: Any, annotation: Any, path: Loc, handle: bool
) -> Iterator[tuple[Loc, str]]:
    """The person handles in ``value``, guided by its declared ``annotation``."""
    if isinstance(value, BaseModel):
        yield from _model_handles(value, path)
        return
    annotation, handle = _resolve(annotation, value, handle)
    args = get_args(annotation)
    if isinstance(value, str):
        if handle:
            yield path, value
    elif isinstance(value, Mapping):
        key_type, value_type = args if len(args) == 2 else (Any, Any)
        for key, item in value.items():
            if isinstance(key, str) and _resolve(key_type, key, False)[1]:
                yield (*path, key), key
            yield from _value_handles(item, value_type, (*path, str(key)), False)
    elif isinstance(value, list | tuple | set | frozenset):
        for i, item in enumerate(value):
            yield from _value_handles(item, _item_type(args, i), (*path, i), False)


def _resolve(annotation: Any, value: Any, handle: bool) -> tuple[Any, bool]:
    """Strip ``Annotated`` (noting a person marker) and pick the union member ``value`` fits."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation, *metadata = get_args(annotation)
            handle = handle or any(meta is _PERSON_REF for meta in metadata)
        elif origin is Union or origin is UnionType:
            fits = [arg for arg in get_args(annotation) if _fits(arg, value)]
            annotation = fits[0] if fits else Any
        else:
            return annotation, handle


def _fits(annotation: Any, value: Any) -> bool:
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    kind = get_origin(annotation) or annotation
    return isinstance(kind, type) and isinstance(value, kind)


def _item_type(args: tuple[Any, ...], index: int) -> Any:
    if not args:
        return Any
    if len(args) == 2 and args[1] is Ellipsis:
        return args[0]
    return args[index] if index < len(args) else args[-1]


# --- pydantic errors -> admin messages ----------------------------------------------------------

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


def _has(data: Any, part: str | int) -> bool:
    if isinstance(data, list):
        return isinstance(part, int) and 0 <= part < len(data)
    return isinstance(data, dict) and part in data


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
    close = difflib.get_close_matches(word, [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


# --- where in the models is a location? ---------------------------------------------------------


def _members(annotation: Any) -> list[Any]:
    """The alternatives of an annotation: ``Annotated`` stripped, unions split, ``None`` dropped."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _members(get_args(annotation)[0])
    if origin is Union or origin is UnionType:
        return [m for arg in get_args(annotation) if arg is not NoneType for m in _members(arg)]
    return [annotation]


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _field_names(model: type[BaseModel]) -> list[str]:
    return [field.alias or name for name, field in model.model_fields.items()]


def _step(annotation: Any, part: str | int) -> Any:
    """The annotation one step down ``part`` (a field, a list index or a dict key)."""
    for member in _members(annotation):
        origin, args = get_origin(member), get_args(member)
        if _is_model(member) and isinstance(part, str):
            fields = {field.alias or name: field for name, field in member.model_fields.items()}
            if part in fields:
                return fields[part].annotation
        elif origin in (list, tuple, set, frozenset) and isinstance(part, int) and args:
            return _item_type(args, part)
        elif origin in (dict, Mapping) and len(args) == 2:
            return args[1]
    return None


def _annotation_at(root: type[BaseModel], loc: Loc) -> Any:
    annotation: Any = root
    for part in loc:
        annotation = _step(annotation, part)
        if annotation is None:
            return None
    return annotation


def _keys_at(root: type[BaseModel], loc: Loc) -> list[str]:
    """The keys the model(s) at ``loc`` accept, for a did-you-mean."""
    members = _members(_annotation_at(root, loc))
    return [name for member in members if _is_model(member) for name in _field_names(member)]


def _choices_at(root: type[BaseModel], loc: Loc, *, key: bool = False) -> list[str]:
    """The allowed values (``Literal`` or ``Enum``) at ``loc``, or of the dict key at ``loc``."""
    annotation = _annotation_at(root, loc[:-1] if key else loc)
    if key:
        dicts = [m for m in _members(annotation) if get_origin(m) in (dict, Mapping)]
        annotation = get_args(dicts[0])[0] if dicts else None
    choices: list[str] = []
    for member in _members(annotation):
        if get_origin(member) is Literal:
            choices += [str(arg) for arg in get_args(member)]
        elif isinstance(member, type) and issubclass(member, enum.Enum):
            choices += [str(item.value) for item in member]
    return choices


# --- rendering -----------------------------------------------------------------------------------


def _render(problems: list[Problem], root: yaml.Node | None, filename: str) -> list[str]:
    """``<file>:<line> <key.path>: <message>`` for each problem, sorted by line, no repeats."""
    rows = sorted(((_line(root, loc), _format_loc(loc), msg) for loc, msg in problems), key=_first)
    lines: list[str] = []
    for line, path, message in rows:
        text = f"{filename}:{line} {path}: {message}" if path else f"{filename}:{line} {message}"
        if text not in lines:
            lines.append(text)
    return lines


def _first(row: tuple[int, str, str]) -> int:
    return row[0]


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


def _format_loc(loc: Loc) -> str:
    """``("people", 0, "accounts")`` -> ``people[0].accounts``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text
