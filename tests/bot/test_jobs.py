"""Periodic jobs on the fake clock: due times on the org's clock whatever the real date, each run
once (after a restart at the same moment, or by two instances), told its due time."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from bot import JobContext, Skill

skill = Skill("ticker", description="Periodic jobs for the tests")
PEOPLE = "org: {timezone: Asia/Shanghai}\npeople: [{id: bob, accounts: {console: bob}}]"


@skill.job(every=timedelta(minutes=20))
async def every_20_minutes(ctx: JobContext) -> None:
    bob = await ctx.find_person("bob")
    assert bob is not None
    await ctx.notify(bob, f"every 20 min, due {local(ctx):%H:%M}")


@skill.job(cron="30 9 * * *")
async def at_half_past_nine(ctx: JobContext) -> None:
    bob = await ctx.find_person("bob")
    assert bob is not None
    await ctx.notify(bob, f"09:30 job, due {local(ctx):%a %H:%M}")


def local(ctx):
    return ctx.due_at.astimezone(ZoneInfo(ctx.org.timezone))


def received(chat, prefix):
    return [s.text for s in chat.inbox("bob") if s.text.startswith(prefix)]


async def test_an_interval_job_runs_on_the_org_clock_whatever_the_real_date(deskmate):
    chat = await deskmate(skill, config=PEOPLE)  # Mon 09:00 in Shanghai
    await chat.advance("1h")
    assert received(chat, "every 20 min") == [
        "every 20 min, due 09:00",
        "every 20 min, due 09:20",
        "every 20 min, due 09:40",
        "every 20 min, due 10:00",
    ]


async def test_a_restart_at_the_moment_a_job_ran_does_not_run_it_again(deskmate):
    chat = await deskmate(skill, config=PEOPLE)
    await chat.advance("30m")  # 09:30: it runs
    assert received(chat, "09:30 job") == ["09:30 job, due Mon 09:30"]
    await chat.restart()  # back at once, still 09:30
    await chat.advance("1m")
    assert received(chat, "09:30 job") == ["09:30 job, due Mon 09:30"]


async def test_two_instances_that_both_lead_run_a_due_time_once(deskmate, tmp_path):
    """Two instances on one database, each believing it leads (as after a leader's connection
    dropped while another took the lock): the runs they record keep each due time to one run."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
    one = await deskmate(skill, config=PEOPLE, database_url=url)
    two = await deskmate(skill, config=PEOPLE, database_url=url)
    await one.advance("30m")
    await two.advance("30m")
    texts = received(one, "09:30 job") + received(two, "09:30 job")
    assert texts == ["09:30 job, due Mon 09:30"]
