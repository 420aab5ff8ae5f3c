"""Lengths of time (``30m``, ``1h30m``, ``2小时``) and signed offsets (``-2d``, ``3 days ago``)."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

from bot.errors import BadValue, excerpt
from bot.i18n import _
from bot.values.normalize import _norm

MAX_DURATION_MINUTES = 366 * 24 * 60

_UNIT_MINUTES = {"s": 0, "m": 1, "h": 60, "d": 24 * 60, "w": 7 * 24 * 60}
_UNIT_NAMES = {
    "s": "s sec secs second seconds 秒 秒钟 秒鐘",
    "m": "m min mins minute minutes 分 分钟 分鐘",
    "h": "h hr hrs hour hours 小时 小時 个小时 個小時 钟头 鐘頭 个钟头 個鐘頭",
    "d": "d day days 天",
    "w": "w wk wks week weeks 周 週 星期 个星期 個星期 礼拜 禮拜 个礼拜 個禮拜",
}
_UNITS = {name: unit for unit, names in _UNIT_NAMES.items() for name in names.split()}
_DURATION_PART = re.compile(r"([0-9]+(?:\.[0-9]+)?) ?([a-z\u4e00-\u9fff]+) ?")
_HALF_HOUR = (
    (re.compile(r"^半个?小时"), "30分钟"),
    (re.compile(r"([0-9]+)个半小时"), r"\1小时30分钟"),
    (re.compile(r"([0-9]+)个?小时半"), r"\1小时30分钟"),
)
_OFFSET_AFFIX = re.compile(r"(in )?(.+?)(?: ?(ago|later|前|以前|之前|后|後|以后|以後|之后|之後))?")
_PAST = {"ago", "前", "以前", "之前"}


def _offset(t: str) -> tuple[int, set[str]] | None:
    """``1h30m`` -> ``(90, {"h", "m"})``; ``-2d`` is negative; None if not shaped like one."""
    sign, body = (-1, t[1:]) if t.startswith("-") else (1, t.removeprefix("+"))
    for pattern, replacement in _HALF_HOUR:
        body = pattern.sub(replacement, body)
    parts: list[tuple[Decimal, str]] = []
    position = 0
    for match in _DURATION_PART.finditer(body):
        if match.start() != position or match.group(2) not in _UNITS:
            return None
        parts.append((Decimal(match.group(1)), _UNITS[match.group(2)]))
        position = match.end()
    if not parts or position != len(body):
        return None
    if any(unit == "s" for _n, unit in parts):
        raise BadValue(
            _("'{value}' uses seconds — the smallest unit is minutes, e.g. 1m", value=excerpt(t))
        )
    total = sum((number * _UNIT_MINUTES[unit] for number, unit in parts), Decimal(0))
    if total == 0:
        raise BadValue(_("'{value}' must be positive — e.g. 30m, 2h or 1d", value=excerpt(t)))
    if total > MAX_DURATION_MINUTES:
        raise BadValue(
            _("'{value}' is too long — at most 366 days, e.g. 30d or 52w", value=excerpt(t))
        )
    if total != total.to_integral_value():
        raise BadValue(
            _("'{value}' is not a whole number of minutes — e.g. 1h30m", value=excerpt(t))
        )
    return sign * int(total), {unit for _n, unit in parts}


def _signed_offset(t: str) -> tuple[int, set[str]] | None:
    """Like :func:`_offset`, also reading ``in 3d``, ``3 days ago``, ``3天后``, ``2小时前``."""
    match = _OFFSET_AFFIX.fullmatch(t)
    found = _offset(match.group(2)) if match else None
    if match is None or found is None:
        return None
    minutes, units = found
    return (-minutes if match.group(3) in _PAST else minutes), units


def parse_duration(s: str) -> timedelta:
    """A positive length of time, in whole minutes, at most 366 days.

    Reads ``30m``, ``2h``, ``1d``, ``1w``, ``1h30m``, ``1.5h``, ``30min``, ``2hr``, ``2 hours``,
    ``30分钟``, ``2个小时``, ``1天``, ``半小时``, ``1个半小时``, ``1周``, ``三天``.

    Example:
        >>> parse_duration("1h30m")
        datetime.timedelta(seconds=5400)
    """
    t = _norm(s)
    found = _offset(t)
    if found is None:
        if re.fullmatch(r"\+?[0-9]{1,6}", t):
            raise BadValue(
                _(
                    "'{value}' needs a unit — e.g. {example}, 2h or 1d",
                    value=excerpt(t),
                    example=_("{value}m", value=t),  # as the reader types minutes: 30分钟
                )
            )
        raise BadValue(_("'{value}' is not a duration — use e.g. 30m, 2h or 1d", value=excerpt(s)))
    minutes, _units = found
    if minutes < 0:
        raise BadValue(_("'{value}' must be positive — e.g. 30m, 2h or 1d", value=excerpt(t)))
    return timedelta(minutes=minutes)
