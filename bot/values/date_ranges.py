"""Inclusive spans of days: ``start..end``, named weeks and months, or a single date."""

from __future__ import annotations

import calendar
import re
from datetime import date, time, timedelta

from bot.errors import BadValue, excerpt
from bot.i18n import _
from bot.values.dates import _date_or_none, _natural_date
from bot.values.datetimes import _at
from bot.values.normalize import _norm
from bot.values.when import When

MAX_SPAN_DAYS = 366

_SPAN_NAMES = {
    ("w", 0): "week this-week 本周 本週 这周 這週 这个星期 本星期 这个礼拜",
    ("w", 1): "next-week 下周 下週 下个星期 下個星期 下星期 下个礼拜 下礼拜",
    ("w", -1): "last-week 上周 上週 上个星期 上個星期 上星期 上个礼拜 上礼拜",
    ("m", 0): "month this-month 本月 这个月 這個月",
    ("m", 1): "next-month 下月 下个月 下個月",
    ("m", -1): "last-month 上月 上个月 上個月",
}
_SPANS = {name: key for key, names in _SPAN_NAMES.items() for name in names.split()}
_DATE_RANGE_SEP = re.compile(r"\.\.|~|〜|–|—|至|到|-| to ")


def _named_span(t: str, today: date) -> tuple[date, date] | None:
    key = _SPANS.get(re.sub(r"[ _]", "-", t))
    if key is None:
        return None
    kind, shift = key
    if kind == "w":
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=shift)
        return monday, monday + timedelta(days=6)
    year, month0 = divmod(today.year * 12 + today.month - 1 + shift, 12)
    last_day = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, 1), date(year, month0 + 1, last_day)


def _split_range(t: str, when: When) -> tuple[date, date] | None:
    """``start..end``; an end like ``fri`` that falls before the start is read from the start."""
    for match in _DATE_RANGE_SEP.finditer(t):
        start = _date_or_none(t[: match.start()].strip(), when)
        right = t[match.end() :].strip()
        end = _date_or_none(right, when) if start is not None else None
        if start is None or end is None:
            continue
        if end < start:
            from_start = When(_at(start, time(12), when), when.tz)
            end = max(end, _date_or_none(right, from_start) or end)
        return start, end
    return None


def parse_date_range(s: str, when: When) -> tuple[date, date]:
    """An inclusive span of days, at most 366 long.

    Reads ``start..end`` (also ``~``, ``-``, ``–``, ``至``, ``到``, `` to ``) with each side as in
    :func:`parse_date` (``12-01..12-03``, ``mon..fri``, ``12月1日至12月3日``, ``明天..下周一``);
    ``week``/``this-week``/``本周``, ``next-week``/``下周``, ``last-week``/``上周`` (Monday to
    Sunday), ``month``/``本月``, ``next-month``/``下个月``, ``last-month``/``上个月``;
    a single date.

    Example:
        >>> when = When(datetime(2026, 11, 23, 4, tzinfo=UTC), ZoneInfo("Asia/Shanghai"))
        >>> parse_date_range("12-01..12-03", when)
        (datetime.date(2026, 12, 1), datetime.date(2026, 12, 3))
    """
    t = _norm(s)
    span = _named_span(t, when.today)
    if span is None and (day := _date_or_none(t, when)) is not None:
        span = (day, day)
    span = span or _split_range(t, when)
    if span is None and (day := _natural_date(t, when)) is not None:
        span = (day, day)
    if span is None:
        raise BadValue(
            _(
                "'{value}' is not a date range — use e.g. 12-01..12-03, mon..fri, week or 下周",
                value=excerpt(s),
            )
        )
    start, end = span
    if end < start:
        raise BadValue(
            _("'{value}': the range ends before it starts — e.g. 12-01..12-03", value=excerpt(s))
        )
    if (end - start).days + 1 > MAX_SPAN_DAYS:
        raise BadValue(
            _("'{value}' is longer than 366 days — e.g. 2026-01-01..2026-12-31", value=excerpt(s))
        )
    return start, end
