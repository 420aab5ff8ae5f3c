"""Field types of the config models: person handles, person ids, time zones, currencies, ids."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import time, timedelta
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BeforeValidator,
    PlainSerializer,
    PlainValidator,
    ValidationInfo,
)
from pydantic_core import PydanticCustomError

from bot.config.problems import _describe, _did_you_mean
from bot.i18n import LANGUAGES, Localized

_PEOPLE = "deskmate.people"  # validation-context key: the person ids of the file
_PLATFORMS = "deskmate.platforms"  # ... and the installed platforms, each with an example chat
_ROLES = "deskmate.roles"  # ... and every role: admin, the skills' and the config's ``roles:``


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


def _check_role(value: str, info: ValidationInfo) -> str:
    """Inside :func:`load_config` (which passes the roles as context), the role must exist."""
    roles = info.context.get(_ROLES) if isinstance(info.context, dict) else None
    if roles is not None and value not in roles:
        message = _unknown_role(value, roles)
        raise PydanticCustomError("unknown_role", "{message}", {"message": message})
    return value


def _unknown_role(role: str, roles: Iterable[str]) -> str:
    known = ", ".join(sorted(roles)) or "none"
    return f"unknown role {role!r}{_did_you_mean(role, roles)} — known roles: {known}"


RoleName = Annotated[str, AfterValidator(_check_role)]
"""A string naming a role people can be given: ``admin``, a role a skill declares
(``skill.role(...)``) or one the admin defines under ``roles:`` in the config.

Use it in skill settings (who may post, export, decide); :func:`load_config` reports every role
that names none, with its line.

Example:
    >>> class NoticeSettings(StrictModel):
    ...     post_roles: list[RoleName] = ["admin"]
"""

_ROLE_NAME = re.compile(r"[a-z][a-z0-9_]{0,31}")


def _check_role_key(value: str) -> str:
    if not _ROLE_NAME.fullmatch(value):
        raise ValueError(
            f"expected a role name of lower-case letters, digits and _ (at most 32, starting "
            f"with a letter, e.g. director), got {value!r}"
        )
    return value


RoleKey = Annotated[str, AfterValidator(_check_role_key)]

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_WORKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri")
_PERSON_ID = re.compile(r"[a-z0-9][a-z0-9_.-]{0,31}")
_CURRENCY = re.compile(r"[A-Z]{3}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


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


def _check_email(value: str) -> str:
    if not _EMAIL.fullmatch(value):
        raise ValueError(f"expected an e-mail address such as alice@example.com, got {value!r}")
    return value.lower()


def _check_currency(value: str) -> str:
    if not _CURRENCY.fullmatch(value):
        raise ValueError(f"expected a 3-letter currency code such as CNY or USD, got {value!r}")
    return value


def _number_to_str(value: Any) -> Any:
    """Some platforms' ids are numbers; YAML reads ``12345`` as an int, the config keeps
    strings."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _platforms(info: ValidationInfo) -> Mapping[str, str | None] | None:
    """Inside :func:`load_config`: each installed platform, with an example chat id (or None)."""
    found = info.context.get(_PLATFORMS) if isinstance(info.context, dict) else None
    return found if isinstance(found, Mapping) else None


def _one_of(names: Iterable[str], *, quoted: bool = True) -> str:
    """``'console', 'slack' or 'telegram'`` (sorted; without quotes: ``console, slack or ...``)."""
    words = [repr(name) if quoted else name for name in sorted(names)]
    return f"{', '.join(words[:-1])} or {words[-1]}" if len(words) > 1 else "".join(words)


def _check_platform(value: str, info: ValidationInfo) -> str:
    """A key naming a platform (``accounts``, ``rate_limits``): one an installed adapter brings."""
    platforms = _platforms(info)
    if platforms is not None and value not in platforms:
        message = f"unknown key{_did_you_mean(value, platforms)} — expected {_one_of(platforms)}"
        raise PydanticCustomError("unknown_platform", "{message}", {"message": message})
    return value


def _check_chat_name(value: str, info: ValidationInfo) -> str:
    platform, sep, chat_id = value.partition(":")
    platforms = _platforms(info)
    known = platform in platforms if platforms is not None else bool(platform.strip())
    if not sep or not chat_id.strip() or not known:
        listed = f" (platform: {_one_of(platforms, quoted=False)})" if platforms else ""
        examples = sorted(f"{p}:{chat}" for p, chat in (platforms or {}).items() if chat)
        example = f", e.g. {' or '.join(examples)}" if examples else ""
        raise ValueError(f"expected <platform>:<chat id>{listed}{example}, got {value!r}")
    return value


TimeZoneName = Annotated[str, AfterValidator(_check_timezone)]
EmailAddress = Annotated[str, AfterValidator(_check_email)]
AccountId = Annotated[str, BeforeValidator(_number_to_str)]
PlatformName = Annotated[str, AfterValidator(_check_platform)]
"""A platform, as a key (``accounts: {slack: U1}``): one an installed adapter brings."""
ChatName = Annotated[str, AfterValidator(_check_chat_name)]
"""A chat as ``<platform>:<chat id>``: ``slack:C024BE91L``, ``telegram:-1001234567890``."""
Language = Literal["en", "zh"]  # = bot.i18n.LANGUAGES


def _people_typed(parse: Any) -> Any:
    """A validator that reads what people type (``2h``, ``19:00-09:00``) with a value parser."""

    def validate(value: Any) -> Any:
        from bot.errors import BadValue

        if not isinstance(value, str):
            return value
        try:
            return parse(value)
        except BadValue as exc:
            raise PydanticCustomError(
                "bad_value", "{message}", {"message": str(exc.text)}
            ) from None

    return BeforeValidator(validate)


def _duration(value: str) -> Any:
    from bot.values import parse_duration

    return parse_duration(value)


def _window(value: str) -> Any:
    from bot.values import parse_time_range

    return parse_time_range(value)


Duration = Annotated[timedelta, _people_typed(_duration)]
"""A length of time written as people type it: ``30m``, ``2h``, ``1d``, ``半小时``."""

TimeWindow = Annotated[tuple[time, time], _people_typed(_window)]
"""A daily window written ``19:00-09:00`` (it may wrap midnight)."""


_LOCALIZED_EXAMPLE = "e.g. Dates or {en: Dates, zh: 日期}"


def _localized(value: Any) -> Localized:
    if isinstance(value, Localized):
        return value
    if isinstance(value, str) and value.strip():
        return Localized.of(value)
    if isinstance(value, dict) and value:
        for language, text in value.items():
            if language not in LANGUAGES:
                message = (
                    f"unknown language {language!r}{_did_you_mean(str(language), LANGUAGES)} — "
                    f"use {' or '.join(LANGUAGES)}, {_LOCALIZED_EXAMPLE}"
                )
                raise PydanticCustomError("localized", "{message}", {"message": message})
            if not isinstance(text, str) or not text.strip():
                message = f"the {language} text is {_describe(text)} — {_LOCALIZED_EXAMPLE}"
                raise PydanticCustomError("localized", "{message}", {"message": message})
        return Localized({str(k): v for k, v in value.items()})
    message = f"expected a text, or one per language, {_LOCALIZED_EXAMPLE}; got {_describe(value)}"
    raise PydanticCustomError("localized", "{message}", {"message": message})


LocalizedText = Annotated[
    Localized,
    PlainValidator(_localized),
    PlainSerializer(lambda value: dict(value.texts), return_type=dict[str, str]),
]
"""A text shown to people, written once (``Leave``) or per language (``{en: Leave, zh: 请假}``);
use it in skill settings for what cards show (titles, labels, names)."""
