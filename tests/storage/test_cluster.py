"""Several ``deskmate run`` processes on one PostgreSQL database, as a cluster runs them: one at a
time runs the periodic jobs, each due time once, and when it is killed another takes over."""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from collections import Counter
from datetime import datetime

from tests.adapters.telegram.fake_telegram import FakeTelegram
from tests.storage import beat_skill
from tests.storage.cluster import DESKMATE, ROOT, TOKEN, Arrivals, Instance, write_config

BEAT = r"beat (\S+) starts"
READY = "Application started"


async def test_the_periodic_jobs_run_once_per_due_time_and_survive_the_leader(pg_url, tmp_path):
    """A job due every 3 s, two instances. The leader is SIGKILLed in the middle of a run (its
    transaction never commits): the other instance runs that due time again within a second and
    leads from then on. Every due time from the first to the last ran exactly once."""
    async with FakeTelegram(token=TOKEN) as fake:
        arrivals = Arrivals(fake)
        config = write_config(
            tmp_path,
            "cluster",
            database_url=pg_url,
            fake=fake,
            people=["ops"],
            skills=["beat"],
            plugins=["tests.storage.beat_skill:skill"],
        )
        a = await Instance.start("a", config)
        b: Instance | None = None
        try:
            await a.wait_for(BEAT, within=60)  # a is up and leads
            b = await Instance.start("b", config)
            await b.wait_for(READY, within=60)
            ready = time.monotonic()
            for _ in range(3):  # a leads while b runs
                ready = await _next_beat(a, ready)
            cut = await a.wait_for(BEAT, after=ready, within=10)  # a starts a run ...
            killed = a.kill()  # ... and dies in the middle of it
            lost_due = cut[1]
            takeover = await b.wait_for(BEAT, after=killed, within=10)
            after = killed
            for _ in range(3):  # b leads from now on
                after = await _next_beat(b, after)
            await b.stop()
        finally:
            await a.stop()
            if b is not None:
                await b.stop()
            await arrivals.close()

        texts = arrivals.texts()
        dues = [datetime.fromisoformat(t.removeprefix("beat ")) for t in texts]
        assert all(n == 1 for n in Counter(dues).values()), texts  # none twice
        ordered = sorted(dues)
        steps = {later - earlier for earlier, later in itertools.pairwise(ordered)}
        assert steps == {beat_skill.EVERY}, texts  # none lost, on one grid for both instances
        assert f"beat {lost_due}" in texts  # the run a died in was run by b ...
        assert takeover[1] == lost_due
        took = next(t for t, m in b.found(BEAT) if m[1] == lost_due) - killed
        assert took < 3, f"b took {took:.1f} s to run the due time a left"  # ... at once
        assert not [t for t, _m in b.found(BEAT) if t < killed]  # b ran nothing while a led
        assert not a.found(rf"beat {re.escape(lost_due)} ends")


async def _next_beat(instance: Instance, after: float) -> float:
    """Wait for the next run's end on ``instance``; returns when it came."""
    await instance.wait_for(r"beat \S+ ends", after=after, within=10)
    return max(t for t, _m in instance.found(r"beat \S+ ends"))


async def test_instances_starting_at_once_on_a_new_database_all_come_up(pg_url, tmp_path):
    """A cluster's instances start together on an empty database: one applies the migrations
    (of the core and of every skill), the others wait for it and find the tables there."""
    config = tmp_path / "config.yaml"
    config.write_text(f"storage: {{url: '{pg_url}'}}\n", encoding="utf-8")
    processes = [
        await asyncio.create_subprocess_exec(
            str(DESKMATE),
            "db",
            "upgrade",
            "--config",
            str(config),
            cwd=ROOT,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for _ in range(3)
    ]
    outputs = [await p.communicate() for p in processes]
    failed = [
        err.decode()[-2000:]
        for p, (_out, err) in zip(processes, outputs, strict=True)
        if p.returncode
    ]
    assert not failed, failed
    assert all(out.decode().startswith("OK: ") for out, _err in outputs)
