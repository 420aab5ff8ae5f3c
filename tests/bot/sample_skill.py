"""A skill used by the core's tests: one command per feature of the core."""

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Literal

from sqlmodel import Field, SQLModel

from bot import (
    Button,
    Context,
    DateRange,
    Message,
    Money,
    Opt,
    PersonRef,
    Rest,
    Skill,
    TimeRange,
    _,
)

skill = Skill(
    "sample",
    description=_("Exercises the core"),
    migrations=Path(__file__).parent / "sample_migrations",
    translations=Path(__file__).parent / "sample_locales",
)
reviewer = skill.role("reviewer", _("May review"))


class Note(SQLModel, table=True):
    __tablename__ = "sample_notes"
    id: int | None = Field(default=None, primary_key=True)
    text: str


@skill.command("ping", help=_("Answers pong"))
async def ping(ctx: Context) -> None:
    await ctx.reply(_("pong, {who}", who=ctx.person.mention))


@skill.command("note", help=_("Store a note"))
async def note(ctx: Context, text: Rest) -> None:
    ctx.session.add(Note(text=text))
    await ctx.reply(_("Noted: {text}", text=text))


@skill.command("boom", help=_("Stores a note, then fails"))
async def boom(ctx: Context, text: Rest) -> None:
    ctx.session.add(Note(text=text))
    await ctx.notify(ctx.person, _("you will never see this"))
    await ctx.reply(_("you will never see this either"))
    raise RuntimeError("kaboom")


@skill.command("assign", help=_("Assign people a thing"))
async def assign(
    ctx: Context,
    people: list[PersonRef],
    title: Rest,
    due: Annotated[datetime | None, Opt("due")] = None,
    cc: Annotated[list[PersonRef] | None, Opt("cc")] = None,
) -> None:
    for person in people:
        await ctx.notify(
            person,
            Message(
                _("{sender} assigned you {title}", sender=ctx.person.mention, title=title),
                buttons=[Button(_("Done"), "sample.done", title, style="primary")],
            ),
        )
    await ctx.reply(
        _(
            "Assigned {title} to {people}, due {due}, cc {cc}",
            title=title,
            people=[p.mention for p in people],
            due=due or _("never"),
            cc=[p.mention for p in cc or []],
        )
    )


@skill.action("done")
async def done(ctx: Context, value: str) -> None:
    await ctx.reply(_("{who} finished {title}", who=ctx.person.mention, title=value))


@skill.command("review", help=_("Only reviewers"), requires=reviewer)
async def review(ctx: Context) -> None:
    await ctx.reply(_("reviewed"))


@skill.command("types", help=_("Every parameter type"))
async def types(
    ctx: Context,
    who: PersonRef,
    length: timedelta,
    day: date,
    at: time,
    window: TimeRange,
    span: DateRange,
    amount: Money,
    kind: Literal["leave", "expense"],
    n: int,
    word: str,
) -> None:
    await ctx.reply(
        _(
            "{who} {length} {day} {at} {w1}-{w2} {s1}..{s2} {amount} {kind} {n} {word}",
            who=who.mention,
            length=length,
            day=day,
            at=at,
            w1=window.start,
            w2=window.end,
            s1=span.start,
            s2=span.end,
            amount=amount,
            kind=kind,
            n=n,
            word=word,
        )
    )


@skill.command("list", help=_("Optional choices in any order"))
async def list_(
    ctx: Context,
    scope: Literal["mine", "all"] = "mine",
    state: Literal["open", "done"] = "open",
    span: DateRange | None = None,
) -> None:
    await ctx.reply(f"{scope} {state} {span.start if span else '-'}")
