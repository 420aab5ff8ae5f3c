"""Shared by the clockin tests: a team with schedules, and a test-only stand-in for the approvals
skill that emits what approvals will emit (so these tests don't depend on it)."""

from datetime import UTC, datetime
from typing import Any

from bot import Context, Skill

# Monday 23 Nov 2026 09:00 in Shanghai (the harness's start)
TEAM = """
org: {timezone: Asia/Shanghai}
people:
  - {id: mike, team: eng}
  - {id: alice, team: eng}
  - {id: bob, team: eng}
  - {id: dave, team: eng}
  - {id: nina, team: night}
  - {id: hans, team: berlin}
  - {id: carol, team: ops}
  - {id: eve}
  - {id: root, roles: [admin]}
teams:
  eng: {leads: [mike]}
  ops: {leads: [carol]}
skills:
  clockin:
    schedules:
      office: {start: "09:00", end: "18:00", grace: 10m, calendar: cn}
      night: {start: "22:00", end: "06:00", grace: 5m}
      berlin: {timezone: Europe/Berlin, start: "09:00", end: "17:00", grace: 5m}
      flex: {start: "08:00", end: "17:00", core: "10:00-16:00", grace: 0m}
    teams: {eng: office, night: night, berlin: berlin, ops: flex}
    calendars:
      cn: {holidays: [2026-11-26], workdays: [2026-11-28]}
    geofences: [{name: HQ, lat: 31.2304, lon: 121.4737, radius_m: 300}]
    summaries: [{chat: "console:general", at: "09:30", teams: [eng]}]
"""


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


fake_approvals = Skill("fake_approvals")
PAYLOADS: dict[int, dict[str, Any]] = {}


@fake_approvals.command("approve", help="test only: emit approvals.approved for a request")
async def approve(ctx: Context, request: int) -> None:
    await ctx.emit("approvals.approved", **await _payload(ctx, request))


@fake_approvals.command("reject", help="test only: emit approvals.rejected for a request")
async def reject(ctx: Context, request: int) -> None:
    await ctx.emit("approvals.rejected", **await _payload(ctx, request))


async def _payload(ctx: Context, request: int) -> dict[str, Any]:
    wanted = dict(PAYLOADS[request])
    requester = await ctx.find_person(wanted.pop("who"))
    assert requester is not None
    return {
        "request": request,
        "requester": requester.id,
        "decided_by": ctx.person.id,
        "decided_at": ctx.now(),
        **wanted,
    }
