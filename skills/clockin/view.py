"""How attendance reads: status names, one line per day or person, totals, the day's counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime, time, timedelta
from decimal import Decimal

from bot import PersonRef, Text, _
from skills.clockin.models import (
    ABSENT,
    EARLY,
    FIELD,
    HOLIDAY,
    LATE,
    LEAVE,
    MISSING_OUT,
    OFF,
    OFFICE,
    OPEN,
    PRESENT,
    REMOTE,
    Day,
)
from skills.clockin.schedule import Plan
from skills.clockin.status import NOT_IN

STATUS_NAMES: dict[str, Text] = {
    PRESENT: _("present"),
    LATE: _("late"),
    EARLY: _("left early"),
    MISSING_OUT: _("no clock-out"),
    ABSENT: _("absent"),
    LEAVE: _("on leave"),
    HOLIDAY: _("holiday"),
    OFF: _("day off"),
    OPEN: _("at work"),
    NOT_IN: _("not in yet"),
}
FIELD_NAME = _("field")
REMOTE_NAME = _("remote")
MODE_NAMES: dict[str, Text] = {OFFICE: _("office"), FIELD: FIELD_NAME, REMOTE: REMOTE_NAME}


def clock(plan: Plan, row: Day) -> tuple[time | None, time | None]:
    def local(at: datetime | None) -> time | None:
        if at is None:
            return None
        return at.astimezone(plan.tz).time().replace(second=0, microsecond=0)

    return local(row.first_in), local(row.last_out)


def details(plan: Plan, row: Day) -> list[Text]:
    """What a day was: ``09:05–18:10``, ``late 5 min``, ``field: Client HQ``, ``9 h 5 min``."""
    first, last = clock(plan, row)
    parts: list[Text] = []
    if first is not None or last is not None:
        parts.append(_("{first}–{last}", first=first or "?", last=last or "…"))
    parts.append(STATUS_NAMES.get(row.status, _("present")))
    if row.status == LEAVE and row.leave_type:
        parts[-1] = _("on leave ({type})", type=row.leave_type)
    if row.late_minutes and row.status != LATE:
        parts.append(_("late {late}", late=timedelta(minutes=row.late_minutes)))
    elif row.late_minutes:
        parts[-1] = _("late {late}", late=timedelta(minutes=row.late_minutes))
    if row.early_minutes and row.status != LEAVE:
        parts.append(_("left {early} early", early=timedelta(minutes=row.early_minutes)))
    if row.mode == FIELD:
        parts.append(_("field: {place}", place=row.place))
    elif row.mode == REMOTE:
        parts.append(REMOTE_NAME)
    if row.worked_minutes:
        parts.append(_("worked {worked}", worked=timedelta(minutes=row.worked_minutes)))
    extra = overtime_minutes(plan, row)
    if extra >= OVERTIME_SHOWN:
        parts.append(_("overtime {extra}", extra=timedelta(minutes=extra)))
    return parts


OVERTIME_SHOWN = 60  # minutes past the shift's end (or worked on a day off) shown as overtime


def overtime_minutes(plan: Plan, row: Day) -> int:
    """Time clocked past the shift's end on a workday, or all the time worked on a day off."""
    if not row.scheduled:
        return row.worked_minutes
    if row.last_out is None:
        return 0
    return max(0, int((row.last_out - plan.shift(row.day).end).total_seconds() // 60))


def day_line(plan: Plan, row: Day) -> Text:
    return _("{day} · {details}", day=row.day, details=dots(details(plan, row)))


def person_line(person: PersonRef, plan: Plan, row: Day | None) -> Text:
    if row is None:
        return _("{who} · no schedule today", who=person.mention)
    return _("{who} · {details}", who=person.mention, details=dots(details(plan, row)))


def dots(parts: Sequence[Text]) -> Text:
    """Parts shown joined by `` · ``."""
    names = {f"p{i}": p for i, p in enumerate(parts)}
    return Text(" · ".join(f"{{{k}}}" for k in names), names)  # no words: nothing to translate


def hours(minutes: int) -> Text:
    """Worked time over many days, in hours: ``169.6 h``."""
    return _("{hours} h", hours=(Decimal(minutes) / 60).quantize(Decimal("0.1")))


@dataclass(frozen=True)
class Totals:
    present: int = 0
    late: int = 0
    late_minutes: int = 0
    early: int = 0
    absent: int = 0
    leave: int = 0
    field: int = 0
    missing_out: int = 0
    worked_minutes: int = 0

    @classmethod
    def of(cls, rows: Sequence[Day]) -> Totals:
        """One pass over the days (a team's month is thousands of rows)."""
        n = [0] * 9
        for r in rows:
            status, late = r.status, r.late_minutes
            n[0] += r.first_in is not None
            n[1] += bool(late)
            n[2] += late
            n[3] += bool(r.early_minutes) and status != LEAVE
            n[4] += status == ABSENT
            n[5] += status == LEAVE
            n[6] += r.mode == FIELD
            n[7] += status == MISSING_OUT
            n[8] += r.worked_minutes
        return cls(*n)

    def __add__(self, other: Totals) -> Totals:
        return Totals(*(getattr(self, n) + getattr(other, n) for n in _TOTALS))

    def text(self) -> Text:
        return _(
            "Days present {present} · late {late} ({late_minutes}) · left early {early} · "
            "absent {absent} · on leave {leave} · in the field {field} · no clock-out {missing} · "
            "worked {worked}",
            present=self.present,
            late=self.late,
            late_minutes=timedelta(minutes=self.late_minutes),
            early=self.early,
            absent=self.absent,
            leave=self.leave,
            field=self.field,
            missing=self.missing_out,
            worked=hours(self.worked_minutes),
        )

    def short(self, who: PersonRef) -> Text:
        return _(
            "{who}: present {present} · late {late} ({late_minutes}) · absent {absent} · "
            "on leave {leave} · worked {worked}",
            who=who.mention,
            present=self.present,
            late=self.late,
            late_minutes=timedelta(minutes=self.late_minutes),
            absent=self.absent,
            leave=self.leave,
            worked=hours(self.worked_minutes),
        )


_TOTALS = [f.name for f in fields(Totals)]  # not astuple(): it deep-copies, 250 times a team


@dataclass(frozen=True)
class TodayCounts:
    """The day so far: who is in (late and field among them), on leave, and not in."""

    present: int
    late: int
    field: int
    leave: int
    absent: list[PersonRef]

    @classmethod
    def of(cls, rows: Sequence[tuple[PersonRef, Plan, Day]], now: datetime) -> TodayCounts:
        """Absent: not in once their grace time is over (before that: not in yet)."""

        def absent(plan: Plan, r: Day) -> bool:
            late = plan.shift(r.day).late_from + plan.grace
            return r.status == ABSENT or (r.status == NOT_IN and now > late)

        return cls(
            present=sum(1 for _p, _s, r in rows if r.first_in is not None),
            late=sum(1 for _p, _s, r in rows if r.late_minutes),
            field=sum(1 for _p, _s, r in rows if r.first_in is not None and r.mode == FIELD),
            leave=sum(1 for _p, _s, r in rows if r.status == LEAVE),
            absent=[p for p, s, r in rows if absent(s, r)],
        )

    def text(self, at: time, shown: int = 10) -> Text:
        absent = [p.mention for p in self.absent[:shown]]
        more = len(self.absent) - len(absent)
        names = _("{names} and {n} more", names=absent, n=more) if more > 0 else absent
        counts = dict(
            at=at, present=self.present, late=self.late, field=self.field, leave=self.leave
        )
        if not self.absent:
            return _(
                "🕘 Today {at} — in {present}, late {late}, field {field}, on leave {leave}, "
                "absent 0",
                **counts,
            )
        return _(
            "🕘 Today {at} — in {present}, late {late}, field {field}, on leave {leave}, "
            "absent {absent}: {names}",
            absent=len(self.absent),
            names=names,
            **counts,
        )
