"""Daily stand-ups: everyone posts what they did and what is next; a summary goes to the chat."""

from datetime import date
from pathlib import Path

from sqlmodel import Field, SQLModel, col, select

from bot import ChatTarget, Context, JobContext, Message, Rest, Skill, _

HERE = Path(__file__).parent
skill = Skill(
    "standup",
    description=_("Daily stand-ups"),
    migrations=HERE / "migrations",
    translations=HERE / "locales",
)


class Update(SQLModel, table=True):
    __tablename__ = "standup_updates"
    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(index=True)
    handle: str
    day: date = Field(index=True)
    text: str


@skill.command("standup", help=_("Post your stand-up for today: /standup shipped the report"))
async def post(ctx: Context, text: Rest) -> None:
    ctx.session.add(
        Update(chat_id=ctx.chat_id, handle=ctx.person.handle, day=ctx.today(), text=text)
    )
    await ctx.reply(_("✅ Noted, {who}.", who=ctx.person.mention))


@skill.command("standup today", help=_("Show today's stand-ups in this chat"))
async def today(ctx: Context) -> None:
    await ctx.reply(await _summary(ctx, ctx.chat_id, ctx.today()))


@skill.job(cron="0 18 * * mon-fri")
async def post_summaries(ctx: JobContext) -> None:
    """At 18:00 on workdays (org time), each chat that had stand-ups gets the day's summary."""
    day = ctx.today()
    chats = await ctx.session.exec(select(Update.chat_id).where(Update.day == day).distinct())
    for chat_id in chats.all():
        await ctx.notify(ChatTarget(chat_id), await _summary(ctx, chat_id, day))


async def _summary(ctx: JobContext, chat_id: int, day: date) -> Message:
    query = select(Update).where(Update.chat_id == chat_id, Update.day == day)
    rows = (await ctx.session.exec(query.order_by(col(Update.id)))).all()
    if not rows:
        return Message(_("No stand-ups yet today."))
    lines = "\n".join(f"• @{u.handle}: {u.text}" for u in rows)
    return Message(_("🗒 Stand-ups for {day}\n{lines}", day=day, lines=lines))
