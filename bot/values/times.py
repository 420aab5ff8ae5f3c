"""Times of day (``19:00``, ``7pm``, ``下午3点``) and daily time ranges (``19:00-09:00``)."""

from __future__ import annotations

import re
from datetime import time

from bot.errors import BadValue, excerpt
from bot.i18n import _
from bot.values.normalize import _norm

_CLOCK = re.compile(r"([0-9]{1,2}):([0-9]{2})")
_AMPM = re.compile(r"([0-9]{1,2})(?::([0-9]{2}))? ?([ap])\.?m?\.?")
_ZH_CLOCK = re.compile(r"([0-9]{1,2}) ?[点點时時] ?(?:(半)|([0-9]{1,2}) ?分?|([13]) ?刻|整)?")
_ZH_PERIOD = re.compile(r"(凌晨|早上|早晨|清晨|上午|中午|下午|傍晚|晚上|夜里|夜裡|夜间|夜間|晚) ?")
_AM_PERIODS = {"凌晨", "早上", "早晨", "清晨", "上午"}
_NIGHT_PERIODS = {"晚上", "夜里", "夜裡", "夜间", "夜間", "晚"}  # 晚上12点 is midnight
_NAMED_TIMES = {"noon": time(12), "midday": time(12), "midnight": time(0), "中午": time(12)}
_NAMED_TIMES |= {"午夜": time(0), "半夜": time(0)}


def _valid_time(hour: int, minute: int, t: str) -> time:
    if hour > 23 or minute > 59:
        raise BadValue(
            _(
                "'{value}' is not a time of day — use HH:MM between 00:00 and 23:59, e.g. 19:00",
                value=excerpt(t),
            )
        )
    return time(hour, minute)


def _from_12h(hour: int, half: str, t: str) -> int:
    if not 1 <= hour <= 12:
        raise BadValue(
            _(
                "'{value}' is not a time of day — with am/pm the hour is 1 to 12, e.g. 7pm",
                value=excerpt(t),
            )
        )
    return hour % 12 + (12 if half == "p" else 0)


def _from_period(period: str, hour: int, t: str) -> int:
    """Apply 上午/下午/晚上...: ``下午3点`` is 15:00, ``晚上12点`` is midnight."""
    if period in _AM_PERIODS:
        if hour > 12:
            raise BadValue(
                _("'{value}' is not a morning time — e.g. 上午9点 or 下午3点", value=excerpt(t))
            )
        return 0 if (hour == 12 and period == "凌晨") else hour
    if hour == 12:
        return 0 if period in _NIGHT_PERIODS else 12
    return hour + 12 if 1 <= hour < 12 else hour


def _time_or_none(t: str, *, bare_hour: bool = False) -> time | None:
    """Read ``t`` as a time of day; None if it is not shaped like one."""
    if t in _NAMED_TIMES:
        return _NAMED_TIMES[t]
    if match := _AMPM.fullmatch(t):
        return _valid_time(_from_12h(int(match[1]), match[3], t), int(match[2] or 0), t)
    period = _ZH_PERIOD.match(t)
    body = t[period.end() :] if period else t
    if match := _CLOCK.fullmatch(body):
        hour, minute = int(match[1]), int(match[2])
    elif match := _ZH_CLOCK.fullmatch(body):
        hour = int(match[1])
        minute = 30 if match[2] else int(match[3] or 0) + 15 * int(match[4] or 0)
    elif bare_hour and re.fullmatch(r"[0-9]{1,2}", body):
        hour, minute = int(body), 0
    else:
        return None
    if period:
        hour = _from_period(period[1], hour, t)
    return _valid_time(hour, minute, t)


def parse_time(s: str) -> time:
    """A time of day.

    Reads ``19:00``, ``9:30``, ``9am``, ``7pm``, ``7:30 pm``, ``12am`` (00:00), ``12pm`` (12:00),
    ``noon``, ``midnight``, ``19点``, ``9点半``, ``9点30``, ``9点30分``, ``9点一刻``, ``下午3点``,
    ``上午9点``, ``晚上7点``, ``下午3:30``.

    Example:
        >>> parse_time("7:30pm")
        datetime.time(19, 30)
    """
    t = _norm(s)
    found = _time_or_none(t)
    if found is not None:
        return found
    if re.fullmatch(r"[0-9]{1,2}", t) and int(t) < 24:
        raise BadValue(
            _(
                "'{value}' needs minutes or am/pm — e.g. {example} or {hour}pm",
                value=excerpt(t),
                example=f"{int(t)}:00",
                hour=int(t) % 12 or 12,
            )
        )
    raise BadValue(
        _("'{value}' is not a time — use e.g. 19:00, 9:30, 7pm or 19点", value=excerpt(s))
    )


_TIME_RANGE_SEP = re.compile(r" ?(?:\.\.|-|~|〜|–|—|到|至) ?| to ")


def parse_time_range(s: str) -> tuple[time, time]:
    """A daily span of time from start to end; it may wrap midnight.

    Reads ``9:00-18:00``, ``19:00-09:00``, ``9-18`` (whole hours), ``9am-6pm``, ``19:00~09:00``,
    ``19:00–09:00``, ``19:00 to 09:00``, ``19点-9点``, ``19:00到09:00``, ``晚上7点到早上9点``.

    Example:
        >>> parse_time_range("19:00-09:00")
        (datetime.time(19, 0), datetime.time(9, 0))
    """
    t = _norm(s)
    parts = _TIME_RANGE_SEP.split(t)
    ends = [_time_or_none(p, bare_hour=True) for p in parts] if len(parts) == 2 else []
    start, end = ends if len(ends) == 2 else (None, None)
    if start is None or end is None:
        raise BadValue(
            _(
                "'{value}' is not a time range — use e.g. 9:00-18:00, 19:00-09:00 or 9am-6pm",
                value=excerpt(s),
            )
        )
    if end < start < time(12) and _says_morning(parts[0]) and _is_bare_hour(parts[1]):
        end = end.replace(hour=end.hour + 12)  # 9am-6: a working day, not a night
    if start == end:
        raise BadValue(
            _("'{value}' starts and ends at the same time — e.g. 19:00-09:00", value=excerpt(s))
        )
    return start, end


def _says_morning(part: str) -> bool:
    return "am" in part or "上午" in part or "早上" in part


def _is_bare_hour(part: str) -> bool:
    """An hour of the clock's face with nothing saying morning or evening: ``6``, ``6:30``
    (not ``06:00``, which reads as 24-hour time)."""
    return re.fullmatch(r"\s*[1-9](:\d{2})?\s*|\s*1[01](:\d{2})?\s*", part) is not None
