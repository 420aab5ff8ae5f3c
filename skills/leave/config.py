"""The leave options under ``skills.leave``: the leave types (unit, counting, pay, limits), how
each is granted (yearly on 1 January or on the hire anniversary, monthly, or by hand; amounts by
seniority tiers), when grants expire (carried over to a day of the next year, or after some
months), and the approval flows whose requests spend balances."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, model_validator

from bot import LocalizedText, StrictModel
from skills.leave import crosscheck

Unit = Literal["day", "half_day", "hour"]
_MONTH_DAY = re.compile(r"(\d{2})-(\d{2})")


def _check_month_day(value: str) -> str:
    m = _MONTH_DAY.fullmatch(value)
    if not m or not (1 <= int(m[1]) <= 12 and 1 <= int(m[2]) <= 31):
        raise ValueError(f"{value!r} is not a month and day — write MM-DD, e.g. 03-31")
    return value


MonthDay = Annotated[str, AfterValidator(_check_month_day)]


class Tier(StrictModel):
    """From ``years`` of seniority (full years since ``hired_on``) on, a grant is ``amount``."""

    years: int = Field(ge=0, le=60)
    amount: Decimal = Field(ge=0, le=366)


class GrantRule(StrictModel):
    """How a type is granted. ``every: year`` grants ``at`` ``jan1`` or on the hire
    ``anniversary``; ``month`` on the 1st of each month; ``manual``: only /leave grant."""

    every: Literal["year", "month", "manual"] = "manual"
    at: Literal["jan1", "anniversary"] = "jan1"
    amount: Decimal | None = Field(default=None, ge=0, le=366)  # the same for everyone
    tiers: list[Tier] = Field(default_factory=list)  # or by seniority
    # a yearly grant on 1 January for someone hired later that year: the days left in the year
    # (rounded down to the type's unit), granted on the hire day; false: nothing until 1 January
    prorate: bool = True

    @model_validator(mode="after")
    def _check(self) -> GrantRule:
        if self.every == "manual":
            if self.amount is not None or self.tiers:
                raise ValueError("a manual grant has no amount or tiers — set every: year or month")
            return self
        if (self.amount is None) == (not self.tiers):
            raise ValueError("give either amount or tiers, e.g. tiers: [{years: 0, amount: 5}]")
        years = [t.years for t in self.tiers]
        if years and (years != sorted(set(years)) or years[0] != 0):
            raise ValueError("tiers start at years: 0 and grow, e.g. [{years: 0}, {years: 10}]")
        if self.every == "month" and self.at != "jan1":
            raise ValueError("a monthly grant comes on the 1st of the month: leave out at:")
        return self


class Expiry(StrictModel):
    """When granted time runs out: what is left of a year's grant carries over to ``carry_until``
    of the next year (``03-31``), or a grant lasts ``months`` from its date; neither: never."""

    carry_until: MonthDay | None = None
    months: int | None = Field(default=None, ge=1, le=120)
    # with carry_until: at most this much of a year carries over; the rest expires on 31 Dec
    carry_max: Decimal | None = Field(default=None, ge=0, le=366)

    @model_validator(mode="after")
    def _one(self) -> Expiry:
        if self.carry_until is not None and self.months is not None:
            raise ValueError("give carry_until or months, not both")
        if self.carry_max is not None and self.carry_until is None:
            raise ValueError("carry_max caps what carries over to carry_until: set carry_until too")
        return self


class LeaveType(StrictModel):
    """One kind of leave (年假, 病假, 事假, 调休假)."""

    label: LocalizedText
    unit: Unit = "day"  # the smallest amount one takes: a day, half a day, an hour
    count: Literal["workdays", "calendar"] = "workdays"  # which days of a request count
    paid: bool = True
    limited: bool = True  # false: no balance is kept (a request is never refused for it)
    overdraft: Decimal = Field(default=Decimal(0), ge=0, le=366)  # how far below zero
    min_tenure_months: int = Field(default=0, ge=0, le=120)  # before the first use
    hours_per_day: Decimal = Field(default=Decimal(8), gt=0, le=24)  # hour units: a full day
    grant: GrantRule = Field(default_factory=GrantRule)
    expiry: Expiry = Field(default_factory=Expiry)

    @model_validator(mode="after")
    def _check(self) -> LeaveType:
        yearly = self.grant.every == "year" and self.grant.at == "jan1"
        if not yearly and self.expiry.carry_until is not None:
            raise ValueError("carry_until applies to grants on 1 January — use expiry.months")
        if not self.limited and self.grant.every != "manual":
            raise ValueError("an unlimited type keeps no balance: leave out grant")
        return self


_NAME = re.compile(r"[a-z][a-z0-9_]*")


def _check_types(types: dict[str, LeaveType]) -> dict[str, LeaveType]:
    for name in types:
        if not _NAME.fullmatch(name):
            raise ValueError(f"{name!r}: name a leave type with lower-case letters, e.g. annual")
    return types


class DayRule(StrictModel):
    """Overtime on one kind of day: whether it is allowed, how it is measured (``approved``: the
    time approved; ``clockins``: the time clocked outside the shift, or all of it on a day off;
    ``clockins_within``: the time clocked within the approved window), the unit it is rounded
    down to, and whether it becomes comp time or pay (reported with its ratio)."""

    allowed: bool = True
    measure: Literal["approved", "clockins", "clockins_within"] = "approved"
    min_unit_minutes: int = Field(default=30, ge=1, le=480)
    settle: Literal["comp", "pay"] = "pay"
    ratio: Decimal = Field(default=Decimal(1), gt=0, le=10)  # comp: hours credited per hour


def _pay(ratio: str) -> DayRule:
    return DayRule(settle="pay", ratio=Decimal(ratio))


# By default overtime is paid, at the ratios of Chinese labour law (150% on a workday, 200% on a
# rest day, 300% on a statutory holiday); an admin turns a kind of day into comp time.


class OvertimeConfig(StrictModel):
    """Overtime (加班) requests of the approval flows named here (fields ``date``, and ``hours``
    or ``from`` and ``to``), settled by the kind of day."""

    flows: list[str] = Field(default_factory=lambda: ["overtime"])
    comp_type: str = "comp"  # the leave type comp time is credited to
    comp_months: int | None = Field(default=6, ge=1, le=60)  # then it lapses; null: never
    # a day with at least this much clocked past the shift (or on a day off) and no overtime
    # request is pointed out to the person and their manager the next night; null: never
    flag_after_minutes: int | None = Field(default=60, ge=1, le=1440)
    workday: DayRule = Field(default_factory=lambda: _pay("1.5"))
    rest_day: DayRule = Field(default_factory=lambda: _pay("2"))
    holiday: DayRule = Field(default_factory=lambda: _pay("3"))


class LeaveConfig(StrictModel):
    """The leave types, and the approval flows that spend them."""

    types: Annotated[dict[str, LeaveType], AfterValidator(_check_types)] = Field(
        default_factory=dict
    )
    # approval flows whose requests spend a balance: their fields dates (date_range) and type
    # (choice: the leave type), optionally half (am|pm, one day) and hours (a number)
    flows: list[str] = Field(default_factory=lambda: ["leave"])
    remind_before_days: int = Field(default=30, ge=0, le=365)  # expiry reminders; 0: none
    soon_days: int = Field(default=60, ge=1, le=365)  # /balance shows what expires within
    overtime: OvertimeConfig = Field(default_factory=OvertimeConfig)

    def cross_check(self, skills: Mapping[str, BaseModel]) -> list[crosscheck.Problem]:
        """The leave types against the approval flows (see :mod:`skills.leave.crosscheck`)."""
        return list(crosscheck.problems(self, skills))

    @model_validator(mode="after")
    def _comp_type_exists(self) -> LeaveConfig:
        rules = (self.overtime.workday, self.overtime.rest_day, self.overtime.holiday)
        if any(r.allowed and r.settle == "comp" for r in rules):
            spec = self.types.get(self.overtime.comp_type)
            if spec is None or not spec.limited:
                known = ", ".join(n for n, t in self.types.items() if t.limited) or "none"
                raise ValueError(
                    f"overtime.comp_type: {self.overtime.comp_type!r} is not a leave type with "
                    f"a balance — known: {known}"
                )
        return self
