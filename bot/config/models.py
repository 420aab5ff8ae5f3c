"""The pydantic models of the config file: one per section, all strict about unknown keys."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr, model_validator
from pydantic_core import PydanticCustomError

from bot.config.api import ApiConfig
from bot.config.fields import (
    _WORKDAYS,
    AccountId,
    ChatName,
    EmailAddress,
    Language,
    LocalizedText,
    PersonHandle,
    PlatformName,
    RoleKey,
    TimeZoneName,
    Weekday,
    _check_currency,
    _check_person_id,
)


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


def require(model: BaseModel, wanted: Iterable[tuple[str, str]]) -> None:
    """Raise one error listing every ``(key, reason)`` whose value is missing or empty; each is
    reported at its own key (``adapters.slack.bot_token: required when Slack is enabled``).
    For a ``model_validator(mode="after")`` of settings whose keys depend on each other."""
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
    accounts: dict[PlatformName, AccountId] = Field(default_factory=dict)
    manager: PersonHandle | None = None
    roles: list[str] = Field(default_factory=list)
    team: str | None = None
    timezone: TimeZoneName | None = None
    language: Language | None = None
    email: EmailAddress | None = None
    hired_on: date | None = None
    """The first day of work: seniority for leave grants (``2019-03-01``)."""
    left_on: date | None = None
    """The day they left: from then on they are offboarded, their work handed over."""
    successor: PersonHandle | None = None
    """Who takes their work over when they leave (default: their manager)."""

    @model_validator(mode="after")
    def _default_name(self) -> PersonConfig:
        if self.name is None:
            self.name = self.id
        return self


class RoleConfig(StrictModel):
    """A role the admin defines (``roles: {director: {label: {en: Director, zh: 总监}}}``):
    people hold it like the skills' roles, and skills' settings may name it."""

    label: LocalizedText
    description: LocalizedText | None = None


class TeamConfig(StrictModel):
    """A team of the directory (people join one with ``team:``); its leads see and decide for it."""

    name: str | None = None
    leads: list[PersonHandle] = Field(default_factory=list)


class ChatConfig(StrictModel):
    """One chat (a Slack channel, a Telegram group, a console chat): the language everyone
    there reads, unless an admin typed ``/deskmate lang`` in it."""

    language: Language


class AdapterSettings(StrictModel):
    """Base of an adapter's section (``adapters.<platform>``): the adapter declares its model,
    derived from this one, and brings it by entry point (see :class:`bot.adapter.AdapterSpec`).

    Example:
        >>> class MatrixSettings(AdapterSettings):
        ...     homeserver: str = "https://matrix.example.org"
    """

    enabled: bool = False


class RateLimit(StrictModel):
    """A token bucket: ``per_second`` on average, ``burst`` at once."""

    per_second: Annotated[float, Field(gt=0)]
    burst: Annotated[int, Field(ge=1)] = 1


class PlatformLimits(StrictModel):
    """How fast delivery may send on one platform: overall, and to any one chat or person."""

    overall: RateLimit
    per_chat: RateLimit


UNLISTED_LIMITS = PlatformLimits(
    overall=RateLimit(per_second=1000, burst=1000), per_chat=RateLimit(per_second=1000, burst=1000)
)
"""The limits of a platform that neither its adapter nor the config gives any."""


class DeliveryConfig(StrictModel):
    """The outbox and timers: how often they are drained, retries, and rate limits."""

    tick_seconds: Annotated[float, Field(gt=0, le=3600)] = 5
    max_attempts: Annotated[int, Field(ge=1, le=100)] = 8
    retry_base_seconds: Annotated[float, Field(gt=0)] = 5
    # filled by load_config: each installed adapter's defaults, replaced by those of the file
    rate_limits: dict[PlatformName, PlatformLimits] = Field(default_factory=dict)

    def limits(self, platform: str) -> PlatformLimits:
        return self.rate_limits.get(platform) or UNLISTED_LIMITS


class LoggingConfig(StrictModel):
    """Log verbosity, and how lines look: ``text`` for people, ``json`` (one object a line) for
    a log collector."""

    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    format: Literal["text", "json"] = "text"


class MonitoringConfig(StrictModel):
    """The small HTTP port of ``deskmate run``: ``/healthz``, ``/readyz``, ``/metrics``."""

    enabled: bool = False
    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=0, le=65535)] = 9464
    # /readyz: an adapter that holds a connection (Socket Mode, long polling) must have heard
    # from its platform within this long
    heard_within_seconds: Annotated[float, Field(gt=0)] = 120
    check_timeout_seconds: Annotated[float, Field(gt=0, le=60)] = 2


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
    monitoring: MonitoringConfig = Field(default_factory=MonitoringConfig)
    people: list[PersonConfig] = Field(default_factory=list)
    teams: dict[str, TeamConfig] = Field(default_factory=dict)
    roles: dict[RoleKey, RoleConfig] = Field(default_factory=dict)
    chats: dict[ChatName, ChatConfig] = Field(default_factory=dict)  # {"slack:C024BE91L": ...}
    adapters: dict[str, Any] = Field(default_factory=dict)  # as written; see adapter_settings
    delivery: DeliveryConfig = Field(default_factory=DeliveryConfig)
    skills: dict[str, Any] = Field(default_factory=dict)
    api: ApiConfig = Field(default_factory=ApiConfig)
    _skill_settings: dict[str, BaseModel] = PrivateAttr(default_factory=dict)
    _adapter_settings: dict[str, AdapterSettings] = PrivateAttr(default_factory=dict)

    @property
    def skill_settings(self) -> dict[str, BaseModel]:
        """Each installed skill's validated settings, by skill name (defaults if no section)."""
        return self._skill_settings

    @property
    def adapter_settings(self) -> dict[str, AdapterSettings]:
        """Each installed adapter's validated section (``adapters.<platform>``), by platform,
        in the model the adapter declares (its defaults if the file has no section)."""
        return self._adapter_settings

    def person(self, handle: str) -> PersonConfig | None:
        """The person whose id is ``handle``, or ``None``.

        Example:
            >>> parse_config("people: [{id: bob}]").person("bob").id
            'bob'
        """
        return next((p for p in self.people if p.id == handle), None)

    def chat_language(self, platform: str, chat_id: str) -> str | None:
        """The language ``chats:`` gives a chat, or ``None``.

        Example:
            >>> parse_config("chats: {'slack:C1': {language: zh}}").chat_language("slack", "C1")
            'zh'
        """
        found = self.chats.get(f"{platform}:{chat_id}")
        return found.language if found else None

    def team_names(self) -> set[str]:
        """Every team the config knows: declared under ``teams:`` or named by a person."""
        return set(self.teams) | {p.team for p in self.people if p.team}

    def teams_led_by(self, handle: str) -> frozenset[str]:
        """The teams whose ``leads`` name ``handle``."""
        return frozenset(name for name, team in self.teams.items() if handle in team.leads)


class _SkillsMeta(StrictModel):
    """The two reserved keys of ``skills:``."""

    enabled: list[str] | None = None
    plugins: list[str] = Field(default_factory=list)


_SKILLS_META_KEYS = ("enabled", "plugins")
