"""A skill for the live console's tests: a reminder seconds away (people type whole minutes, and
a test should not wait one), and work that takes long (a command, a timer job) to quit during.
The console loads it with ``skills.plugins: ["tests.adapters.console_skill:skill"]``."""

import asyncio
from datetime import timedelta

from bot import Context, JobContext, Rest, Skill, _

skill = Skill("live", description=_("Seconds-away reminders and slow work"))


@skill.command("later", help=_("Remind me in some seconds: /later 2 stretch"))
async def later(ctx: Context, seconds: int, text: Rest) -> None:
    await ctx.timers.set(
        f"later-{ctx.person.id}",
        ctx.now() + timedelta(seconds=seconds),
        kind="later",
        payload={"person": ctx.person.id, "text": text},
    )
    await ctx.reply(_("In {n} s.", n=seconds))


@skill.timer("later")
async def remind(ctx: JobContext, key: str, payload: dict) -> None:
    person = await ctx.person_by_id(payload["person"])
    assert person is not None
    await ctx.notify(person, _("⏰ {text}", text=payload["text"]))


@skill.command("slow", help=_("Work for some seconds before answering: /slow 60"))
async def slow(ctx: Context, seconds: int) -> None:
    await asyncio.sleep(seconds)
    await ctx.reply(_("Done after {n} s.", n=seconds))


@skill.command("slowjob", help=_("A timer job that works for some seconds: /slowjob 60"))
async def slow_job(ctx: Context, seconds: int) -> None:
    await ctx.timers.set("slow", ctx.now(), kind="slow", payload={"seconds": seconds})
    await ctx.reply(_("A job starts now."))


@skill.timer("slow")
async def work(ctx: JobContext, key: str, payload: dict) -> None:
    await asyncio.sleep(payload["seconds"])
