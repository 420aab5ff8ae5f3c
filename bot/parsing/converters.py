"""The types the parser knows, and how a skill adds one.

Each type has a converter: how it is read from text (``parse(text, env)``, raising
:class:`~bot.errors.BadValue` saying what was wrong), how a usage shows it (``<date>``), and how a
value is written back as text (a button's payload, see :func:`pack`). The built-in types are
registered here the way a skill registers its own, with :func:`register_converter`.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

from bot import values
from bot.errors import BadValue, RegistrationError, excerpt
from bot.i18n import Money, TextLike, _
from bot.people import PersonRef


@dataclass(frozen=True)
class DateRange:
    """An inclusive range of dates in the person's time zone."""

    start: date
    end: date


@dataclass(frozen=True)
class TimeRange:
    """A daily window of time; ``end`` may be before ``start`` (it wraps midnight)."""

    start: time
    end: time


MentionResolver = Callable[[str], Awaitable[PersonRef | None]]
# whom an unknown mention most likely meant: how to mention them and their name
PersonSuggester = Callable[[str], Awaitable[tuple[str, str] | None]]


async def _nobody(token: str) -> tuple[str, str] | None:
    return None


@dataclass
class ParseEnv:
    """What parsing needs beyond the text: the time, the person's zone, and mention handling."""

    when: values.When
    is_mention: Callable[[str], bool]
    resolve_mention: MentionResolver
    currency: str = "CNY"
    closest_person: PersonSuggester = _nobody
    translate: Callable[[TextLike], str] = str  # a text as this person reads it (a choice's label)


T = TypeVar("T")


@dataclass(frozen=True)
class Converter:
    """How one type is read from text, shown in a usage, and written into a button's payload."""

    parse: Callable[[str, ParseEnv], Any]
    describe: TextLike  # how a usage shows the value: ``<date>`` (in the reader's language)
    format: Callable[[Any], str] = str  # the text ``parse`` reads back (a button's payload)
    claims: Callable[[str], bool] | None = None  # a word meant as this type even when bad


_CONVERTERS: dict[Any, Converter] = {}


def register_converter(
    tp: type[T] | Any,
    parse: Callable[[str, ParseEnv], T],
    describe: TextLike,
    *,
    format: Callable[[T], str] = str,
    claims: Callable[[str], bool] | None = None,
) -> None:
    """Teach the parser a type: commands, flow fields and button payloads may then declare it.

    ``parse(text, env)`` returns the value or raises :class:`~bot.errors.BadValue` saying what
    was wrong and what is expected (the parser adds which argument); ``describe`` is how a usage
    shows it (``_("<sku>")``); ``format`` writes a value as text ``parse`` reads back (how a
    button carries it; ``str`` by default). ``claims(word)``, if given, tells a word meant as
    this type even when it does not read (``-5`` for an amount): where a form's fields are typed
    in any order, such a word is reported against this field rather than given to another.
    Registering a type twice with another parser is an error; the same registration again (a
    module reloaded) is not.

    Example:
        >>> register_converter(Sku, lambda text, env: Sku.read(text), _("<sku>"))
    """
    found = _CONVERTERS.get(tp)
    if found is not None and (found.parse, found.format) != (parse, format):
        raise RegistrationError(f"a converter for {tp!r} is registered already")
    _CONVERTERS[tp] = Converter(parse, describe, format, claims)


def _date_range(s: str, env: ParseEnv) -> DateRange:
    return DateRange(*values.parse_date_range(s, env.when))


def _time_range(s: str, env: ParseEnv) -> TimeRange:
    return TimeRange(*values.parse_time_range(s))


def _date_range_text(r: DateRange) -> str:
    return f"{r.start.isoformat()}..{r.end.isoformat()}"


def _time_range_text(r: TimeRange) -> str:
    return f"{r.start.strftime('%H:%M')}-{r.end.strftime('%H:%M')}"


def _money_text(m: Money) -> str:
    return f"{m.amount}{m.currency}"


def _datetime_text(d: datetime) -> str:
    return d.isoformat(timespec="minutes")


def read_datetime(s: str, env: ParseEnv) -> datetime:
    return values.parse_datetime(s, env.when)


# the built-in types, registered as a skill registers its own
register_converter(timedelta, lambda s, env: values.parse_duration(s), _("<duration>"))
register_converter(
    date, lambda s, env: values.parse_date(s, env.when), _("<date>"), format=date.isoformat
)
register_converter(datetime, read_datetime, _("<date>"), format=_datetime_text)
register_converter(
    time, lambda s, env: values.parse_time(s), _("<HH:MM>"), format=lambda t: t.strftime("%H:%M")
)
register_converter(DateRange, _date_range, _("<dates>"), format=_date_range_text)
register_converter(TimeRange, _time_range, _("<HH:MM-HH:MM>"), format=_time_range_text)
_NUMBERISH = re.compile(r"[-+]?[¥$€£#]?\d[\d,.]*\w{0,3}")


def numberish(word: str) -> bool:
    """``-5``, ``¥3,000``, ``12.5k``: a word written as a number, whether or not it reads."""
    return bool(_NUMBERISH.fullmatch(word))


register_converter(
    Money,
    lambda s, env: values.parse_money(s, env.currency),
    _("<amount>"),
    format=_money_text,
    claims=numberish,
)
register_converter(int, lambda s, env: _parse_int(s), _("<number>"), claims=numberish)


def as_is(s: str, env: ParseEnv) -> str:
    return s


register_converter(str, as_is, "")  # shown by its label or name: <team>


def converter_of(annotation: Any) -> Converter | None:
    """The converter registered for ``annotation``, if any."""
    return _CONVERTERS.get(annotation)


def convert(annotation: Any, text: str, env: ParseEnv) -> Any:
    """``text`` read as ``annotation`` (a registered type); raises :class:`BadValue`."""
    return _CONVERTERS[annotation].parse(text, env)


def pack(*args: Any) -> str:
    """A button's value carrying ``args``: each written by its type's converter, read back by
    the action's typed parameters (``Button(_("Done"), "tasks.done", pack(task.id))`` for
    ``async def done(ctx, task_id: int)``). A value with spaces is quoted."""
    parts = []
    for arg in args:
        converter = _CONVERTERS.get(type(arg))
        text = converter.format(arg) if converter else str(arg)
        parts.append(f'"{text}"' if not text or any(c.isspace() for c in text) else text)
    return " ".join(parts)


def _parse_int(s: str) -> int:
    s = s.strip().removeprefix("#")  # "#12": how chats name things by number
    if not re.fullmatch(r"[+-]?\d{1,12}", s) or not s.isascii():
        raise BadValue(_("'{value}' is not a whole number — e.g. 12", value=excerpt(s)))
    return int(s)
