"""Who an approver spec names for one requester: a person, everyone with a role, the requester's
manager (or the manager's manager), or the leads of the requester's team."""

from __future__ import annotations

from bot import JobContext, PersonRef


async def with_role(ctx: JobContext, role: str) -> list[PersonRef]:
    """Everyone the directory gives ``role``."""
    return await ctx.people_with_role(role)


async def resolve(ctx: JobContext, spec: str, requester: PersonRef) -> list[PersonRef]:
    """The people ``spec`` names for ``requester`` (maybe nobody: a manager nobody declared)."""
    if spec == "manager":
        return await _managers(ctx, requester, 1)
    if spec == "manager.manager":
        return await _managers(ctx, requester, 2)
    if spec == "lead":
        return await ctx.team_leads(requester.team) if requester.team else []
    if spec.startswith("role:"):
        return await with_role(ctx, spec.removeprefix("role:"))
    found = await ctx.find_person(spec)
    return [found] if found is not None else []


async def _managers(ctx: JobContext, person: PersonRef, levels: int) -> list[PersonRef]:
    current: PersonRef | None = person
    for _level in range(levels):
        if current is None or current.manager_id is None:
            return []
        current = await ctx.person_by_id(current.manager_id)
    return [current] if current is not None else []


async def resolve_all(ctx: JobContext, specs: list[str], requester: PersonRef) -> list[PersonRef]:
    """Everyone the specs name, once each, in order."""
    people: dict[int, PersonRef] = {}
    for spec in specs:
        for person in await resolve(ctx, spec, requester):
            people.setdefault(person.id, person)
    return list(people.values())
