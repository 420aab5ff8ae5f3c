"""Polls: a question with options as buttons, one changeable vote each, live counts, a close."""

from pathlib import Path

from sqlmodel import Field, SQLModel, UniqueConstraint, select

from bot import Button, Context, Message, NotFound, PermissionDenied, Rest, Skill, UsageError, _

DIR = Path(__file__).parent
skill = Skill("poll", _("Quick polls"), migrations=DIR / "migrations", translations=DIR / "locales")


class Poll(SQLModel, table=True):
    __tablename__ = "poll_polls"
    id: int | None = Field(default=None, primary_key=True)
    creator_id: int
    question: str
    options: str  # one a line
    closed: bool = False


class Vote(SQLModel, table=True):
    __tablename__ = "poll_votes"
    __table_args__ = (UniqueConstraint("poll_id", "person_id"),)
    id: int | None = Field(default=None, primary_key=True)
    poll_id: int = Field(foreign_key="poll_polls.id", index=True)
    person_id: int
    choice: int


@skill.command("poll", help=_("Start a poll: /poll Lunch where? | pizza | sushi"))
async def start(ctx: Context, text: Rest) -> None:
    question, *options = [part.strip() for part in text.split("|")]
    if not question or len(options) < 2 or not all(options):
        raise UsageError(_("Give a question and at least two options, split by |."))
    poll = Poll(creator_id=ctx.person.id, question=question, options="\n".join(options))
    ctx.session.add(poll)
    await ctx.session.flush()
    await ctx.reply(await _card(ctx, poll), card=str(poll.id))


@skill.action("vote")
async def vote(ctx: Context, poll_id: int, choice: int) -> None:
    poll = await _open(ctx, poll_id)
    mine = Vote(poll_id=poll_id, person_id=ctx.person.id)
    query = select(Vote).where(Vote.poll_id == poll_id, Vote.person_id == mine.person_id)
    ballot = (await ctx.session.exec(query)).first() or mine
    ballot.choice = choice
    ctx.session.add(ballot)
    await ctx.session.flush()
    ctx.update_card(str(poll_id), await _card(ctx, poll))


@skill.action("close")
async def close(ctx: Context, poll_id: int) -> None:
    poll = await _open(ctx, poll_id)
    if ctx.person.id != poll.creator_id and not ctx.person.is_admin:
        raise PermissionDenied(_("Only the person who started the poll or an admin can close it."))
    poll.closed = True
    ctx.update_card(str(poll_id), await _card(ctx, poll))


async def _open(ctx: Context, poll_id: int) -> Poll:
    poll = await ctx.session.get(Poll, poll_id)
    if poll is None or poll.closed:
        raise NotFound(_("This poll is closed."))
    return poll


async def _card(ctx: Context, poll: Poll) -> Message:
    votes = (await ctx.session.exec(select(Vote.choice).where(Vote.poll_id == poll.id))).all()
    options = poll.options.split("\n")
    lines = "\n".join(f"{name}: {votes.count(i)}" for i, name in enumerate(options))
    if poll.closed:
        return Message(_("📊 {question} (closed)\n{lines}", question=poll.question, lines=lines))
    buttons = [Button(name, "poll.vote", f"{poll.id} {i}") for i, name in enumerate(options)]
    buttons.append(Button(_("Close"), "poll.close", str(poll.id)))
    return Message(
        _("📊 {question}\n{lines}", question=poll.question, lines=lines), buttons=buttons
    )
