"""Balances of the open API: a person's leave of each type, for HR and payroll systems — what
/balance shows, read through the same ledger functions. Read only; grants stay HR's act."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from pydantic import BaseModel, Field

from bot import ApiContext, Skill
from skills.leave import view


class ExpiringOut(BaseModel):
    """Part of a balance that expires soon: usable up to and including ``last_day``."""

    amount: float = Field(examples=[2.5])
    last_day: date


class BalanceOut(BaseModel):
    """One leave type's balance. Amounts are in days (``day``, ``half_day`` units) or hours
    (``hour``). A type without a balance (``limited: false``) gives ``balance: null`` and what
    was ``taken``."""

    type: str = Field(examples=["annual"])
    label: dict[str, str] = Field(examples=[{"en": "Annual leave", "zh": "年假"}])
    unit: Literal["day", "half_day", "hour"]
    limited: bool
    balance: float | None = Field(examples=[7.5])
    held: float = Field(description="held by pending requests: the balance less this is free")
    taken: float | None = None
    expiring: list[ExpiringOut]


class BalancesOut(BaseModel):
    person: str
    as_of: date
    expiring_within_days: int
    balances: list[BalanceOut]


async def balances(ctx: ApiContext, handle: str) -> BalancesOut:
    """Each leave type's balance of ``handle``, what pending requests hold and what expires
    within the skill's ``soon_days`` (as /balance shows)."""
    person = await ctx.person_named(handle)
    out = []
    for f in await view.figures(ctx, person):
        limited = f.spec.limited
        expiring = [
            ExpiringOut(amount=left / 100, last_day=end - timedelta(days=1))
            for end, left in sorted(f.ends.items())
        ]
        out.append(
            BalanceOut(
                type=f.name,
                label=dict(f.spec.label.texts),
                unit=f.spec.unit,
                limited=limited,
                balance=f.have / 100 if limited else None,
                held=f.held / 100,
                taken=None if limited else -f.have / 100,
                expiring=expiring,
            )
        )
    return BalancesOut(
        person=person.handle,
        as_of=ctx.today(),
        expiring_within_days=ctx.config.soon_days,
        balances=out,
    )


def serve(skill: Skill) -> None:
    """Add the operation above to the skill."""
    skill.register_api(
        "GET", "/balances/{handle}", balances, scope="balances:read", summary="Leave balances"
    )
