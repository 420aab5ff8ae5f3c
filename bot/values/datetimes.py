"""Moments: a date and a time of day, a time alone, or an offset from now, returned in UTC."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

from bot.errors import BadValue, excerpt
from bot.i18n import _
from bot.values.dates import _date_or_none, _natural_date
from bot.values.durations import _signed_offset
from bot.values.normalize import _norm
from bot.values.times import _time_or_none
from bot.values.when import When

_DATE_TIME_T = re.compile(r"(?<=[0-9])t(?=[0-9])")
_ZH_SHORTHANDS = (("今晚", "今天晚上"), ("明早", "明天早上"), ("明晚", "明天晚上"))


def _at(day: date, clock: time, when: When) -> datetime:
    """Wall-clock ``day clock`` in the person's zone, as UTC (fold=0 for repeated/missing hours)."""
    return datetime.combine(day, clock, tzinfo=when.tz).astimezone(UTC)


def _date_time_splits(t: str) -> Iterator[tuple[str, str]]:
    """Candidate (date, time) cuts: at ``@``, at ``T``, at a space, after a Chinese character."""
    if "@" in t:
        left, _at_sign, right = t.partition("@")
        yield left.strip(), right.strip()
    if match := _DATE_TIME_T.search(t):
        yield t[: match.start()], t[match.end() :]
    for i in range(1, len(t)):
        if t[i] == " " or "\u4e00" <= t[i - 1] <= "\u9fff":
            yield t[:i].strip(), t[i:].strip()


def _datetime_or_none(t: str, when: When, default_time: time) -> datetime | None:
    now = when.now.astimezone(UTC).replace(second=0, microsecond=0)
    if t in ("now", "现在", "現在"):
        return now
    if (offset := _signed_offset(t)) is not None:
        return now + timedelta(minutes=offset[0])
    if (clock := _time_or_none(t)) is not None:
        today = _at(when.today, clock, when)
        return today if today > when.now else _at(when.today + timedelta(days=1), clock, when)
    if (day := _date_or_none(t, when)) is not None:
        return _at(day, default_time, when)
    for left, right in _date_time_splits(t):
        day = _date_or_none(left, when)
        clock = _time_or_none(right) if day is not None else None
        if day is not None and clock is not None:
            return _at(day, clock, when)
    day = _natural_date(t, when)
    return None if day is None else _at(day, default_time, when)


def parse_datetime(s: str, when: When, default_time: time = time(18, 0)) -> datetime:
    """A moment, read in the person's time zone and returned in UTC.

    Reads a date as in :func:`parse_date` (at ``default_time``), optionally followed by a time as
    in :func:`parse_time` after a space, ``T`` or ``@`` (``2026-12-01 18:00``, ``fri 17:00``,
    ``tomorrow@9am``, ``明天 9点``, ``明天下午3点``, ``今晚8点``); a time alone (today if still
    ahead, else tomorrow); or an offset from now (``2h``, ``30m``, ``1d``, ``2小时后``), to the
    minute. Missing or repeated wall-clock hours at DST changes are read with fold=0.

    Example:
        >>> when = When(datetime(2026, 11, 23, 4, tzinfo=UTC), ZoneInfo("Asia/Shanghai"))
        >>> parse_datetime("tomorrow 9am", when)
        datetime.datetime(2026, 11, 24, 1, 0, tzinfo=datetime.timezone.utc)
    """
    t = _norm(s)
    for short, long in _ZH_SHORTHANDS:
        t = t.replace(short, long)
    found = _datetime_or_none(t, when, default_time)
    if found is None:
        raise BadValue(
            _(
                "'{value}' is not a date or time — use e.g. fri 17:00, 2026-12-01 18:00, "
                "tomorrow@9am, 明天 9点 or 2h",
                value=excerpt(s),
            )
        )
    return found
