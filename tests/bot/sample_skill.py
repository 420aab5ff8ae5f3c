"""A skill used by the core's tests: one command per feature of the core."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Literal

from sqlmodel import Field, SQLModel

from bot import (
    BadValue,
    Button,
    Context,
    DateRange,
    JobContext,
    Message,
    Money,
    Opt,
    ParseEnv,
    PersonRef,
    Rest,
    Skill,
    Table,
    TimeRange,
    UsageError,
    _,
    excerpt,
    pack,
    register_converter,
)

skill = Skill(
    "sample",
    description=_("Exercises the core"),
    migrations=Path(__file__).parent / "sample_migrations",
    translations=Path(__file__).parent / "sample_locales",
)
reviewer = skill.role("reviewer", _("May review"))
skill.digest_label("assigned", _("{n} thing assigned"), _("{n} things assigned"))


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


@skill.command("half", help=_("Halve an even number"))
async def half(ctx: Context, n: int) -> None:
    if n % 2:  # refused before the session is reached: nothing to undo
        raise UsageError(_("{n} is odd — give an even number, e.g. /half 4", n=n))
    await ctx.reply(_("Half of {n} is {half}", n=n, half=n // 2))


@skill.command("relang", help=_("Set this chat's language, then fail"))
async def relang(ctx: Context, language: str) -> None:
    await ctx.set_chat_language(language)
    await ctx.chat_language()  # read back: what the process would remember of it
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
            group="assigned",
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


@skill.command("urgent", help=_("Send an urgent message"))
async def urgent(ctx: Context, who: PersonRef, text: Rest) -> None:
    await ctx.notify(
        who, _("🚨 {sender}: {text}", sender=ctx.person.mention, text=text), urgent=True
    )
    await ctx.reply(_("Sent."))


@skill.command("spam", help=_("Notify someone n times"))
async def spam(ctx: Context, who: PersonRef, n: int) -> None:
    for i in range(n):
        await ctx.notify(who, _("message {i}", i=i))
    await ctx.reply(_("Queued {n}.", n=n))


@skill.command("remind", help=_("Remind me later"))
async def remind(ctx: Context, after: timedelta, text: Rest) -> None:
    await ctx.timers.set(
        f"remind-{ctx.person.id}",
        ctx.now() + after,
        kind="reminder",
        payload={"person": ctx.person.id, "text": text},
    )
    await ctx.reply(_("I'll remind you at {at}.", at=ctx.now() + after))


@skill.command("unremind", help=_("Cancel my reminder"))
async def unremind(ctx: Context) -> None:
    await ctx.timers.cancel(f"remind-{ctx.person.id}")
    await ctx.reply(_("Cancelled."))


@skill.timer("reminder")
async def fire_reminder(ctx: JobContext, key: str, payload: dict) -> None:
    person = await ctx.person_by_id(payload["person"])
    assert person is not None
    await ctx.notify(person, _("⏰ {text}", text=payload["text"]))


@skill.command("relay", help=_("Pass a message on through a hook"))
async def relay(ctx: Context, who: PersonRef, text: Rest) -> None:
    await ctx.emit("relayed", person=who.id, text=text)
    await ctx.reply(_("Relayed."))


@skill.on("sample.relayed")
async def on_relayed(ctx: JobContext, payload: dict) -> None:
    person = await ctx.person_by_id(payload["person"])
    assert person is not None
    await ctx.notify(person, _("📨 {text}", text=payload["text"]))


@skill.command("sheet", help=_("Post a table and send it to someone"))
async def sheet(ctx: Context, who: PersonRef) -> None:
    done = _("done")  # one word in many cells
    table = Table(
        _("sheet-{n}.csv", n=1),
        [_("item"), _("state")],
        [["=1+1", done], ["写周报", done], [3, _("open")]],
    )
    await ctx.notify(who, Message(_("A sheet for you"), files=[table]))
    await ctx.reply(Message(_("A sheet"), files=[table]))


# --- a type of its own: registered once, read by a command and carried by a button ----------


@dataclass(frozen=True)
class Sku:
    """A stock-keeping unit: two letters, a dash, digits (``AB-12``)."""

    code: str


def _sku(text: str, env: ParseEnv) -> Sku:
    code = text.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}-\d{1,6}", code):
        raise BadValue(_("'{value}' is not an article code — e.g. AB-12", value=excerpt(text)))
    return Sku(code)


register_converter(Sku, _sku, _("<article>"), format=lambda sku: sku.code)


@skill.command("stock", help=_("Offer an article to reserve"))
async def stock(ctx: Context, sku: Sku, count: int = 1) -> None:
    await ctx.reply(
        Message(
            _("{sku}: {n} in stock", sku=sku.code, n=count),
            buttons=[
                Button(_("Reserve"), "sample.reserve", pack(sku, count)),
                Button(_("Reserve (old card)"), "sample.reserve", "no-such-article"),
            ],
        )
    )


@skill.action("reserve")
async def reserve(ctx: Context, sku: Sku, count: int) -> None:
    await ctx.reply(_("{who} reserved {n} × {sku}", who=ctx.person.mention, n=count, sku=sku.code))
