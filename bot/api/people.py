"""The directory of the open API: people (list, read, create, update, deactivate) and teams
(list). People declared in the config stay the config's: the API reads them but changes only
people it or the platforms added (a change to a declared one is refused with 409, naming the
config); anyone may be deactivated (offboarded), as with ``/people offboard``."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from zoneinfo import available_timezones

from pydantic import BaseModel, Field, field_validator
from sqlmodel import select

from bot.api.context import ApiContext, Conflict
from bot.config.fields import EmailAddress
from bot.errors import UsageError
from bot.i18n import LANGUAGES, _
from bot.people import PersonRef
from bot.skill import Skill
from storage.models import Person, PlatformAccount

HANDLE = r"^[a-z][a-z0-9_.-]{0,63}$"


class PersonOut(BaseModel):
    handle: str
    name: str
    team: str | None
    manager: str | None
    roles: list[str]
    timezone: str
    language: str
    accounts: dict[str, str]
    leads: list[str]
    email: str | None
    hired_on: date | None
    left_on: date | None = Field(description="The day they left (deactivated); null: still here")
    declared: bool = Field(description="Declared in the config: changed only there")


class PersonChange(BaseModel):
    """What to change (every field optional); ``null`` clears team, manager, time zone, language."""

    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    team: Annotated[str, Field(max_length=100)] | None = None
    manager: str | None = None
    timezone: str | None = Field(default=None, examples=["Asia/Shanghai"])
    language: str | None = Field(default=None, examples=["zh"])
    roles: list[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]] | None = None
    accounts: dict[str, Annotated[str, Field(min_length=1, max_length=128)]] | None = Field(
        default=None, examples=[{"slack": "U024BE7LH"}]
    )
    email: Annotated[EmailAddress, Field(max_length=254)] | None = Field(
        default=None, examples=["dave@example.com"]
    )
    hired_on: date | None = Field(default=None, description="Seniority, for leave grants")

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is not None and value not in available_timezones():
            raise ValueError("an IANA time zone, e.g. Asia/Shanghai")
        return value

    @field_validator("language")
    @classmethod
    def _language(cls, value: str | None) -> str | None:
        if value is not None and value not in LANGUAGES:
            raise ValueError(f"one of {', '.join(LANGUAGES)}")
        return value

    @field_validator("roles")
    @classmethod
    def _no_admin(cls, value: list[str] | None) -> list[str] | None:
        if value and "admin" in value:
            raise ValueError("admin is given in the config only")
        return value


class NewPerson(PersonChange):
    handle: Annotated[str, Field(pattern=HANDLE, examples=["dave"])]
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None


class TeamOut(BaseModel):
    name: str
    title: str | None
    leads: list[str]
    members: list[str]


async def person_out(ctx: ApiContext, person: PersonRef) -> PersonOut:
    manager = await ctx.person_by_id(person.manager_id) if person.manager_id else None
    row = await ctx.session.get(Person, person.id)
    return PersonOut(
        handle=person.handle,
        name=person.name,
        team=person.team,
        manager=manager.handle if manager else None,
        roles=sorted(person.roles),
        timezone=person.timezone,
        language=person.language,
        accounts=dict(person.accounts),
        leads=sorted(person.leads),
        email=row.email if row else None,
        hired_on=row.hired_on if row else None,
        left_on=person.left_on,
        declared=bool(row and row.declared),
    )


async def list_people(ctx: ApiContext, team: str | None = None) -> list[PersonOut]:
    """Everyone of the directory this client may act for (of ``team`` if given)."""
    people = await ctx.team(team) if team else await ctx.everyone()
    return [await person_out(ctx, p) for p in people if ctx.caller.may_act_for(p)]


async def read_person(ctx: ApiContext, handle: str) -> PersonOut:
    return await person_out(ctx, await ctx.person_named(handle))


async def create_person(ctx: ApiContext, body: NewPerson) -> PersonOut:
    """Add someone to the directory (a new hire before their first message, say), with their
    platform accounts so the bot knows them when they write."""
    if await ctx.find_person(body.handle) is not None:
        raise Conflict(_("{handle} is in the directory already.", handle=body.handle))
    row = Person(handle=body.handle, name=body.name or body.handle, created_at=ctx.now())
    ctx.session.add(row)
    await _apply(ctx, row, body)
    found = await ctx.find_person(body.handle)
    assert found is not None
    ctx.check_person(found)  # a client limited to teams adds people to its teams only
    return await person_out(ctx, found)


async def update_person(ctx: ApiContext, handle: str, body: PersonChange) -> PersonOut:
    """Change someone the API or a platform added (not one the config declares)."""
    person = await ctx.person_named(handle)
    row = await ctx.session.get(Person, person.id)
    assert row is not None
    if row.declared:
        raise Conflict(
            _("{handle} is declared in the config: change them there (people:).", handle=handle)
        )
    await _apply(ctx, row, body)
    changed = await ctx.person_by_id(person.id)
    assert changed is not None
    ctx.check_person(changed)
    return await person_out(ctx, changed)


async def _apply(ctx: ApiContext, row: Person, body: PersonChange) -> None:
    given = body.model_fields_set
    if body.name is not None:
        row.name = body.name
    if "team" in given:
        row.team = body.team
    if "timezone" in given:
        row.timezone = body.timezone
    if "language" in given:
        row.language = body.language
    if "email" in given:
        row.email = body.email
    if "hired_on" in given:
        row.hired_on = body.hired_on
    if body.roles is not None:
        known = ctx.known_roles()
        unknown = sorted(set(body.roles) - known)
        if unknown:
            raise UsageError(
                _(
                    "roles: unknown {roles} — the roles are: {known}",
                    roles=", ".join(unknown),
                    known=", ".join(sorted(known - {"admin"})),
                )
            )
        row.roles = ",".join(sorted(set(body.roles)))
    if "manager" in given:
        manager = await ctx.person_named(body.manager) if body.manager else None
        if manager is not None and manager.handle == row.handle:
            raise UsageError(_("manager: someone else than {handle}", handle=row.handle))
        row.manager_id = manager.id if manager else None
    await ctx.session.flush()
    for platform, account in (body.accounts or {}).items():
        query = select(PlatformAccount).where(
            PlatformAccount.platform == platform, PlatformAccount.account_id == account
        )
        taken = (await ctx.session.exec(query)).first()
        if taken is not None and taken.person_id != row.id:
            raise Conflict(
                _(
                    "The {platform} account {account} is someone else's.",
                    platform=platform,
                    account=account,
                )
            )
        if taken is None:
            assert row.id is not None
            ctx.session.add(
                PlatformAccount(person_id=row.id, platform=platform, account_id=account)
            )
    await ctx.session.flush()
    ctx.forget_senders()


async def list_teams(ctx: ApiContext) -> list[TeamOut]:
    """Every team: declared under ``teams:`` or named by someone's team. A client limited to
    some people or teams sees only those of them (members and leads), and no team left empty."""
    everyone = await ctx.everyone()
    names = sorted(ctx.team_names() | {p.team for p in everyone if p.team})
    visible = [p for p in everyone if ctx.caller.may_act_for(p)]
    handles, limited = {p.handle for p in visible}, ctx.caller.limited
    out = []
    for name in names:
        declared = ctx.team_config(name)
        members = [p.handle for p in visible if p.team == name]
        leads = [h for h in (declared.leads if declared else []) if not limited or h in handles]
        if limited and not (members or leads):
            continue
        out.append(
            TeamOut(
                name=name, title=declared.name if declared else None, leads=leads, members=members
            )
        )
    return out


class Deactivation(BaseModel):
    successor: str | None = Field(
        default=None, description="Who takes their work over; default: their manager"
    )


class Deactivated(BaseModel):
    outcome: Literal["deactivated", "already left"]
    successor: str | None = Field(description="Who took their work over")
    person: PersonOut


async def deactivate_person(
    ctx: ApiContext, handle: str, body: Deactivation | None = None
) -> Deactivated:
    """Someone leaves (离职): marked as left, their work handed over by each skill, out of the
    group chats the bot may remove them from, as ``/people offboard``. Once: a second call
    answers ``already left`` and changes nothing."""
    person = await ctx.person_named(handle)
    heir = await ctx.person_named(body.successor) if body and body.successor else None
    if heir is not None and (heir.id == person.id or heir.has_left):
        raise UsageError(_("successor: someone still here other than {handle}", handle=handle))
    handover = await ctx.offboard(person, heir, source="api")  # in this call's transaction
    row = await ctx.session.get(Person, person.id, populate_existing=True)
    now = await ctx.person_by_id(person.id)
    assert row is not None
    assert now is not None
    heir = await ctx.person_by_id(row.successor_id) if row.successor_id else None
    return Deactivated(
        outcome="already left" if handover is None else "deactivated",
        successor=heir.handle if heir else None,
        person=await person_out(ctx, now),
    )


def serve(skill: Skill) -> None:
    skill.register_api("GET", "/people", list_people, scope="directory:read", summary="List people")
    skill.register_api(
        "GET", "/people/{handle}", read_person, scope="directory:read", summary="Read a person"
    )
    skill.register_api(
        "POST",
        "/people",
        create_person,
        scope="directory:write",
        summary="Add a person",
        status=201,
    )
    skill.register_api(
        "PATCH",
        "/people/{handle}",
        update_person,
        scope="directory:write",
        summary="Change a person",
    )
    skill.register_api(
        "POST",
        "/people/{handle}/deactivate",
        deactivate_person,
        scope="directory:write",
        summary="Deactivate a person (offboarding)",
    )
    skill.register_api("GET", "/teams", list_teams, scope="directory:read", summary="List teams")
