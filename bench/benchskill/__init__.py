"""The skill the benchmarks drive: the peers' W1/W2 plugin commands, and a fan-out for W4.

Not installed as an entry point: only bench/ loads it. Its texts are machine-checked by the
benchmarks (``hello <i>``, ``stored <i>``), so they are not translated.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import bindparam, insert
from sqlmodel import Field, SQLModel

from bot import Context, Prepared, Rest, Skill

skill = Skill(
    "bench",
    description="Benchmark commands",
    migrations=Path(__file__).parent / "migrations",
)


class Record(SQLModel, table=True):
    __tablename__ = "bench_records"
    id: int | None = Field(default=None, primary_key=True)
    key: str
    person_id: int


@skill.command("echo", help="Answers with the text")
async def echo(ctx: Context, text: Rest) -> None:
    await ctx.reply(text)


_STORE = Prepared(insert(Record).values(key=bindparam("key"), person_id=bindparam("person_id")))


@skill.command("persist", help="Stores one row, then answers")
async def persist(ctx: Context, key: Rest) -> None:
    await _STORE.run(ctx.session, {"key": key, "person_id": ctx.person.id})
    await ctx.reply(f"stored {key}")


@skill.command("persist_orm", help="Stores one row as an ORM object, then answers")
async def persist_orm(ctx: Context, key: Rest) -> None:
    ctx.session.add(Record(key=key, person_id=ctx.person.id))
    await ctx.reply(f"stored {key}")


@skill.command("fanout", help="Notifies everyone in the team")
async def fanout(ctx: Context, team: str, text: Rest) -> None:
    people = await ctx.team(team)
    for person in people:
        await ctx.notify(person, text)
    await ctx.reply(f"notified {len(people)}")
