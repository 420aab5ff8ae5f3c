"""Amounts of leave: reading what people type (``2d``, ``0.5d``, ``4h``, ``2天``, ``3小时``),
checking it against the type's unit, showing it (``2.5 d``), and how many days a request counts
(working days from the calendar, or every day)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

from bot import Text, UsageError, _, excerpt
from skills.leave.config import LeaveType

_AMOUNT = re.compile(r"([-+]?\d+(?:\.\d+)?)\s*(d|day|days|天|h|hour|hours|小时|)", re.I)
_HOURS = ("h", "hour", "hours", "小时")


def read(text: str, spec: LeaveType, name: str) -> int:
    """Hundredths of the type's base (a day; an hour for hour types), or a UsageError."""
    m = _AMOUNT.fullmatch(text.strip())
    if m is None:
        raise UsageError(_("'{value}' is not an amount — e.g. 2d, 0.5d or 4h", value=excerpt(text)))
    number = Decimal(m[1])
    in_hours = m[2].lower() in _HOURS
    if spec.unit == "hour":
        if not in_hours and m[2]:
            number *= spec.hours_per_day
    elif in_hours:
        raise UsageError(_("{type} is taken in days, not hours — e.g. 1d or 0.5d", type=spec.label))
    step = Decimal("0.5") if spec.unit == "half_day" else Decimal(1)
    if spec.unit != "hour" and number % step:
        raise UsageError(
            _("{type} is taken in whole days — e.g. 1d or 2d", type=spec.label)
            if spec.unit == "day"
            else _("{type} is taken in half days — e.g. 0.5d or 1.5d", type=spec.label)
        )
    if spec.unit == "hour" and number % Decimal("0.5"):
        raise UsageError(_("{type} is taken in half hours — e.g. 1.5h", type=spec.label))
    return int(number * 100)


def show(hundredths: int, spec: LeaveType) -> Text:
    """``2.5 d`` / ``2.5天``, ``4 h`` / ``4小时``."""
    return hours(hundredths) if spec.unit == "hour" else _("{n} d", n=_number(hundredths))


def hours(hundredths: int) -> Text:
    return _("{n} h", n=_number(hundredths))


def _number(hundredths: int) -> str:
    value = format(Decimal(hundredths) / 100, "f")
    return value.rstrip("0").rstrip(".") if "." in value else value


def days_of(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]
