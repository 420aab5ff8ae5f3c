"""Whose attendance a report covers, and who may see it: a person sees their own records, team
leads their team's, admins everyone's. Also reads the month people type (``2026-11``, ``11月``)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from bot import (
    Context,
    Mention,
    NotFound,
    PermissionDenied,
    PersonRef,
    TextLike,
    UsageError,
    _,
    excerpt,
)
from skills.clockin import store

Default = Literal["me", "mine"]  # me: the sender; mine: what the sender may see (for exports)


@dataclass(frozen=True)
class Scope:
    people: list[PersonRef]
    title: TextLike | Mention  # @bob, team eng, everyone
    single: bool


async def resolve(
    ctx: Context, person: PersonRef | None, team: str | None, default: Default = "me"
) -> Scope:
    """The people asked for, after checking the sender may see them."""
    me = ctx.person
    if team is not None:
        return await _team(ctx, team)
    if person is not None:
        if person.id != me.id and not me.is_admin and not me.leads_team(person.team):
            raise PermissionDenied(
                _(
                    "Only {who}, a lead of their team or an admin can see their attendance.",
                    who=person.mention,
                )
            )
        return Scope([person], person.mention, True)
    if default == "mine" and me.is_admin:
        return Scope(await store.everyone(ctx), _("everyone"), False)
    if default == "mine" and me.leads:
        members = {p.id: p for t in sorted(me.leads) for p in await ctx.team(t)}
        return Scope(
            list(members.values()), _("team {team}", team=", ".join(sorted(me.leads))), False
        )
    return Scope([me], me.mention, True)


async def _team(ctx: Context, team: str) -> Scope:
    if not ctx.team_exists(team):
        example = ctx.person.team or next(iter(sorted(ctx.person.leads)), "eng")
        raise NotFound(
            _(
                "There is no team “{team}” — use a team from the config, e.g. team:{example}",
                team=excerpt(team),
                example=example,
            )
        )
    if not (ctx.person.is_admin or ctx.person.leads_team(team)):
        raise PermissionDenied(
            _("Only the leads of team {team} or an admin can see its attendance.", team=team)
        )
    members = await ctx.team(team)
    if not members:
        raise NotFound(_("Team {team} has no members yet.", team=team))
    return Scope(members, _("team {team}", team=team), False)


_YM = re.compile(r"(\d{4})[-/.年](\d{1,2})月?")
_M = re.compile(r"(\d{1,2})月?")
_NAMED = {
    "month": 0, "this-month": 0, "本月": 0, "这个月": 0,
    "last-month": -1, "上月": -1, "上个月": -1,
}  # fmt: skip


def parse_month(text: str | None, today: date) -> tuple[date, date]:
    """The first and last day of the month typed: ``2026-11``, ``11``, ``11月``,
    ``2026年11月``, ``month``/``本月``, ``last-month``/``上个月``; none: this month."""
    t = (text or "month").strip().lower()
    year, month = today.year, today.month
    if t in _NAMED:
        year, month = divmod(year * 12 + month - 1 + _NAMED[t], 12)
        month += 1
    elif m := _YM.fullmatch(t):
        year, month = int(m[1]), int(m[2])
    elif m := _M.fullmatch(t):
        month = int(m[1])
        year = year if month <= today.month else year - 1  # "12" in January: last December
    else:
        month = 0
    if not 1 <= month <= 12:
        raise UsageError(
            _("'{value}' is not a month — e.g. 2026-11, 11月 or last-month", value=excerpt(text))
        )
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
