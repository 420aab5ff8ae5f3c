"""Several ``deskmate run`` processes on one PostgreSQL database, as a cluster runs them: they start
together, one at a time runs the periodic jobs (each due time once, and when it is killed another
takes over), and the notifications an instance was sending when it died are sent by another."""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy import text

from storage import Database
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
            people=[{"id": "ops", "accounts": {"telegram": "2000"}}],
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


STAFF = 30
BOSS = {"id": 1000, "is_bot": False, "first_name": "Boss", "language_code": "en"}


async def test_rows_a_killed_instance_was_sending_are_sent_by_another_within_15_s(pg_url, tmp_path):
    """A notice to 30 people; the instance sending it, paced at 2 messages a second, claimed them
    all at once. They wait for their turn longer than the 6 s lease, which the instance keeps
    renewing, so the other instance (ticking every 5 s) leaves them alone. 12 s in, the sender is
    SIGKILLed: the other instance sends every row it held within 15 s of its death, and no one
    gets the notice twice.

    Each instance talks to a fake Telegram of its own, so what each one sent is known."""
    people = [{"id": "boss", "roles": ["admin"], "accounts": {"telegram": "1000"}}]
    people += [
        {"id": f"p{i}", "team": "all", "accounts": {"telegram": str(2000 + i)}}
        for i in range(STAFF)
    ]
    staff = {str(2000 + i) for i in range(STAFF)}
    pace = {"overall": {"per_second": 2, "burst": 1}, "per_chat": {"per_second": 1, "burst": 3}}
    slow = {"rate_limits": {"telegram": pace}}
    async with FakeTelegram(token=TOKEN) as fake_a, FakeTelegram(token=TOKEN) as fake_b:
        configs = [
            write_config(
                tmp_path,
                name,
                database_url=pg_url,
                fake=fake,
                people=people,
                skills=["help", "receipts"],
                **extra,
            )
            for name, fake, extra in (("a", fake_a, {"delivery": slow}), ("b", fake_b, {}))
        ]
        by_a, by_b = Arrivals(fake_a), Arrivals(fake_b)
        a, b = [await Instance.start(name, c) for name, c in zip("ab", configs, strict=True)]
        db = Database(pg_url)
        try:
            await a.wait_for(READY, within=60)
            await b.wait_for(READY, within=60)
            fake_a.message(user=BOSS, text="/notice team:all Fire drill at 15:00")

            async def twelve_seconds_in() -> bool:  # and a recorded what it sent so far
                sent = len(_to(by_a, staff))
                return sent >= 24 and len(await _rows(db, "sent")) == sent

            await _until(twelve_seconds_in, within=30)
            killed = a.kill()
            claimed = set(await _rows(db, "sending"))
            in_flight = (staff - set(await _rows(db, "sent"))) & set(_to(by_a, staff))

            async def all_received() -> bool:
                return set(_to(by_a, staff)) | set(_to(by_b, staff)) == staff

            await _until(all_received, within=20)
        finally:
            await db.dispose()
            for instance in (a, b):
                await instance.stop()
            await by_a.close()
            await by_b.close()

    after = {account: t - killed for t, account in _arrivals(by_b, staff)}
    assert min(after.values()) > 0  # b took nothing from a while a was alive
    assert len(claimed) >= 5  # a died holding rows
    assert set(after) >= claimed  # b sent every one of them ...
    slowest = max(after[account] for account in claimed)
    assert slowest < 15, f"the last row a had claimed went out {slowest:.1f} s after it died"
    received = Counter(_to(by_a, staff) + _to(by_b, staff))
    twice = {account for account, n in received.items() if n > 1}
    assert twice <= in_flight  # ... and none twice (one being sent as a died might be)
    assert len(in_flight) <= 1


_ROWS = """
    SELECT a.account_id FROM outbox o
    JOIN platform_accounts a ON a.person_id = o.person_id AND a.platform = 'telegram'
    WHERE o.status = :status AND a.account_id != '1000'
"""


async def _rows(db: Database, status: str) -> list[str]:
    """The staff accounts whose notification has ``status``."""
    async with db.transaction() as session:
        found = await session.exec(text(_ROWS), params={"status": status})  # type: ignore[call-overload]
        return [str(account) for (account,) in found.all()]


def _arrivals(arrivals: Arrivals, staff: set[str]) -> list[tuple[float, str]]:
    """When each message to the staff arrived, and to whom."""
    arrivals.texts()
    sent = [(t, str(call.args.get("chat_id"))) for t, call in arrivals.sent]
    return [(t, chat) for t, chat in sent if chat in staff]


def _to(arrivals: Arrivals, staff: set[str]) -> list[str]:
    return [chat for _t, chat in _arrivals(arrivals, staff)]


async def _until(check: Callable[[], Awaitable[bool]], *, within: float) -> None:
    deadline = time.monotonic() + within
    while not await check():
        assert time.monotonic() < deadline, f"{check.__name__}: not within {within} s"
        await asyncio.sleep(0.005)
