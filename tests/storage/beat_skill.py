"""A skill for the cluster tests: a periodic job every few seconds (declared like any skill's job)
that tells @ops the time it was due. Each run takes a second, so a leader can die in the middle
of one."""

import asyncio
import logging
from datetime import timedelta

from bot import JobContext, Skill

skill = Skill("beat", description="Tells @ops each due time of a periodic job")
log = logging.getLogger(__name__)

EVERY = timedelta(seconds=3)


@skill.job(every=EVERY)
async def beat(ctx: JobContext) -> None:
    assert ctx.due_at is not None
    due = ctx.due_at.isoformat()
    log.info("beat %s starts", due)
    ops = await ctx.find_person("ops")
    assert ops is not None
    await ctx.notify(ops, f"beat {due}")
    await asyncio.sleep(1.0)  # the run commits after this
    log.info("beat %s ends", due)
