"""Texts and the values in them: a :class:`Text` is translated late, in the reader's language.

A skill writes ``_("Task #{id} assigned to {who}", id=12, who=bob)``. Nothing is translated when the
text is built: the runtime renders it for whoever reads it (the sender of a command, or the
recipient of a notification, each in their own language and time zone); see :mod:`bot.i18n` for
the catalogs and the translator, :mod:`bot.markup` for rendering into spans.

Placeholders are ``{name}``; values are formatted by the reader's locale: datetimes in their time
zone (``Fri 28 Nov 18:00`` / ``11月28日周五 18:00``), durations (``2 h 30 min`` / ``2小时30分钟``),
money with its currency, people as mentions, lists joined, nested texts rendered too.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

LANGUAGES = ("en", "zh")
DEFAULT_LANGUAGE = "en"


def normalize_language(code: str | None) -> str | None:
    """``zh-CN``, ``zh_Hans``, ``ZH`` -> ``zh``; ``en-US`` -> ``en``; anything else -> ``None``."""
    if not code:
        return None
    base = code.replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else None


@dataclass(frozen=True)
class Text:
    """A translatable text with its placeholder values. Build it with :func:`_`."""

    msgid: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:  # for logs and exceptions only; chat always renders per reader
        try:
            return self.msgid.format(**{k: _plain(v) for k, v in self.params.items()})
        except (KeyError, IndexError, ValueError):
            return self.msgid


TextLike = Text | str


def _(msgid: str, /, **params: Any) -> Text:
    """Mark ``msgid`` for translation, with placeholder values.

    Example:
        >>> _("Task #{id} is done", id=12)
        Text(msgid='Task #{id} is done', params={'id': 12})
    """
    return Text(msgid, params)


def _plain(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_plain(v) for v in value)
    return str(value)


@dataclass(frozen=True)
class Mention:
    """A person named in a text; each adapter renders it natively (``<@U1>``, ``@alice``)."""

    person_id: int
    name: str
    accounts: Mapping[str, str] = field(default_factory=dict)
    left: bool = False  # they left the organisation: shown "@bob (left)" wherever named

    def __str__(self) -> str:
        return f"@{self.name}"


@dataclass(frozen=True)
class Money:
    """An amount of money in a currency (ISO 4217 code)."""

    amount: Decimal
    currency: str

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


@dataclass(frozen=True)
class Zoned:
    """A time shown in a given time zone rather than the reader's (``until 09:00, their time``)."""

    at: datetime
    timezone: str


@dataclass(frozen=True)
class Relative:
    """A time shown relative to now: ``in 2 days``, ``3 hours ago`` / ``2天后``, ``3小时前``."""

    at: datetime


@dataclass(frozen=True)
class Localized:
    """A text an admin wrote in the config, once or per language (a flow's field label:
    ``Dates`` or ``{en: Dates, zh: 日期}``). As a placeholder value it shows in the reader's
    language (else English, else the first one given), as written: never a template.

    Example:
        >>> dates = Localized.of({"en": "Dates", "zh": "日期"})
        >>> dates.in_language("zh"), dates.in_language("fr")
        ('日期', 'Dates')
        >>> Localized.of("Dates").in_language("zh")
        'Dates'
    """

    texts: Mapping[str, str]

    @classmethod
    def of(cls, value: str | Mapping[str, str]) -> Localized:
        """One text for every language, or one per language."""
        return cls({DEFAULT_LANGUAGE: value} if isinstance(value, str) else dict(value))

    def in_language(self, language: str) -> str:
        found = self.texts.get(language) or self.texts.get(DEFAULT_LANGUAGE)
        return found if found is not None else next(iter(self.texts.values()), "")

    def matches(self, typed: str) -> bool:
        """Whether ``typed`` is this text in any of its languages (any case)."""
        wanted = typed.strip().casefold()
        return any(text.casefold() == wanted for text in self.texts.values())

    def text(self) -> Text:
        """As a :class:`Text` (for a field's or a form's label), rendered per reader."""
        return Text("{text}", {"text": self})

    def __str__(self) -> str:
        return self.in_language(DEFAULT_LANGUAGE)


_JUST_NOW = {"en": "just now", "zh": "刚刚"}  # babel says "in 0 seconds"


@dataclass(frozen=True)
class Locale:
    """Who a text is rendered for: their language, time zone and the current time."""

    language: str = DEFAULT_LANGUAGE
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    now: datetime | None = None


_EN_DT = "EEE d MMM HH:mm"
_ZH_DT = "M月d日EEE HH:mm"
_EN_DATE = "EEE d MMM"
_ZH_DATE = "M月d日EEE"


def format_value(value: Any, loc: Locale) -> str:
    """Format one placeholder value for the reader (not for :class:`Text`/:class:`Mention`)."""
    from babel.numbers import format_currency, format_decimal

    babel_locale = "zh_Hans_CN" if loc.language == "zh" else "en_GB"
    if isinstance(value, Relative):
        from babel.dates import format_timedelta

        now = loc.now or value.at
        if abs(value.at - now) < timedelta(minutes=1):
            return _JUST_NOW.get(loc.language, _JUST_NOW["en"])
        return format_timedelta(
            value.at - now, add_direction=True, threshold=1.1, locale=babel_locale
        )
    if isinstance(value, Localized):
        return value.in_language(loc.language)
    if isinstance(value, Zoned):
        return format_value(value.at, Locale(loc.language, ZoneInfo(value.timezone), loc.now))
    if isinstance(value, datetime):
        local = value.astimezone(loc.timezone)
        pattern = _ZH_DT if loc.language == "zh" else _EN_DT
        if loc.now is not None and local.year != loc.now.astimezone(loc.timezone).year:
            pattern = ("y年" + pattern) if loc.language == "zh" else pattern.replace("MMM", "MMM y")
        return _wall_time(
            local.replace(second=0, microsecond=0, tzinfo=None), pattern, babel_locale
        )
    if isinstance(value, date):
        pattern = _ZH_DATE if loc.language == "zh" else _EN_DATE
        return _day(value, pattern, babel_locale)
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, timedelta):
        return format_duration(value, loc.language)
    if isinstance(value, Money):
        return format_currency(value.amount, value.currency, locale=babel_locale)
    if isinstance(value, Decimal | float):
        return format_decimal(value, locale=babel_locale)
    if isinstance(value, bool):
        return ("是" if value else "否") if loc.language == "zh" else ("yes" if value else "no")
    return str(value)


@lru_cache(maxsize=4096)
def _wall_time(wall: datetime, pattern: str, babel_locale: str) -> str:
    """A local time as the reader reads it, formatted once per minute shown (a burst of
    answers shows the same few minutes thousands of times; Babel takes ≈20 µs each). ``wall``:
    naive local time to the minute, so two zones' equal instants never share an entry; the
    patterns show nothing finer and no zone."""
    from babel.dates import format_datetime

    return format_datetime(wall, pattern, locale=babel_locale)


@lru_cache(maxsize=4096)
def _day(day: date, pattern: str, babel_locale: str) -> str:
    from babel.dates import format_date

    return format_date(day, pattern, locale=babel_locale)


def format_duration(delta: timedelta, language: str = DEFAULT_LANGUAGE) -> str:
    """``2 h 30 min`` / ``2小时30分钟``; ``1 d 4 h``; under a minute: ``0 min``."""
    total = int(abs(delta.total_seconds()) // 60)
    days, rest = divmod(total, 24 * 60)
    hours, minutes = divmod(rest, 60)
    units = (("d", "天"), ("h", "小时"), ("min", "分钟"))
    parts = [(n, u) for n, u in zip((days, hours, minutes), units, strict=True) if n]
    if not parts:
        parts = [(0, units[2])]
    if language == "zh":
        return "".join(f"{n}{u[1]}" for n, u in parts)
    return " ".join(f"{n} {u[0]}" for n, u in parts)


def placeholders(template: str) -> set[str]:
    """The placeholder names used in a template (to check catalogs against their msgids)."""
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(template) if name}
