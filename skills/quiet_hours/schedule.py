"""When someone is quiet: pure time arithmetic, in their own time zone.

A person is quiet during their daily off-work window (which may wrap midnight), on their days off
and holidays, during a break, and while the platform says Do Not Disturb. :func:`quiet_until` walks
from one quiet stretch to the next (Friday evening -> the weekend -> Monday morning) and says when
the quiet ends and why it started.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

Reason = Literal["off_hours", "day_off", "break", "dnd"]
LONGEST_QUIET = timedelta(days=31)  # no schedule holds anything longer (all days off...)


@dataclass(frozen=True)
class Schedule:
    """A person's quiet rules, already merged from their settings, team and org defaults."""

    tz: ZoneInfo
    window: tuple[time, time] | None = None  # daily off-work window, e.g. 19:00-09:00
    days_off: frozenset[int] = frozenset()  # weekday numbers, Monday = 0
    holidays: frozenset[date] = frozenset()
    break_until: datetime | None = None
    dnd_until: datetime | None = None


def quiet_until(schedule: Schedule, now: datetime) -> tuple[datetime, Reason] | None:
    """When the quiet that ``now`` falls in ends, and why it began; ``None`` if not quiet."""
    t, reason = now, None
    while (stretch := _stretch_end(schedule, t)) is not None:
        t, why = stretch
        reason = reason or why
        if t - now > LONGEST_QUIET:
            return None  # a schedule that is never at work would hold everything for ever
    return (t, reason) if reason is not None and t > now else None


def _stretch_end(s: Schedule, t: datetime) -> tuple[datetime, Reason] | None:
    if s.break_until is not None and t < s.break_until:
        return s.break_until, "break"
    if s.dnd_until is not None and t < s.dnd_until:
        return s.dnd_until, "dnd"
    local = t.astimezone(s.tz)
    if local.date() in s.holidays or local.weekday() in s.days_off:
        return _at(local.date() + timedelta(days=1), time(0, 0), s.tz), "day_off"
    if s.window is None:
        return None
    start, end = s.window
    now_t = local.time()
    if start < end:  # a window inside one day (e.g. 12:00-13:00)
        inside = start <= now_t < end
        return (_at(local.date(), end, s.tz), "off_hours") if inside else None
    if now_t >= start:  # wraps midnight: evening part
        return _at(local.date() + timedelta(days=1), end, s.tz), "off_hours"
    if now_t < end:  # morning part
        return _at(local.date(), end, s.tz), "off_hours"
    return None


def _at(day: date, at: time, tz: ZoneInfo) -> datetime:
    """A local wall-clock time as an aware datetime (a time skipped by DST moves forward)."""
    local = datetime.combine(day, at, tzinfo=tz)
    return local.astimezone(ZoneInfo("UTC")).astimezone(tz)
