"""Outgoing webhooks: a receiver on 127.0.0.1 gets tasks.done when an assignee presses Done,
signed; a failing receiver gets it again with back-off until it answers 200, once, with the same
id; two instances on one PostgreSQL database send it once."""

from __future__ import annotations

import asyncio
import json
import os
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from aiohttp import web
from pydantic import SecretStr
from sqlmodel import col, select

from bot.api.webhooks import Webhooks
from bot.clock import FakeClock
from bot.config import DeliveryConfig
from bot.config.api import WebhookConfig
from skills.tasks import skill as tasks
from storage.models import ApiRequest, WebhookDelivery
from tests.api.conftest import API, START, TEAM, TOKENS

SECRET = "whsec-0123456789abcdef"
DOC = (Path(__file__).parents[2] / "docs" / "api.md").read_text(encoding="utf-8")


def docs_verify() -> Callable[..., bool]:
    """The receiver's check as docs/api.md shows it."""
    (code,) = [b for b in re.findall(r"```python\n(.*?)```", DOC, re.S) if "def verify" in b]
    namespace: dict[str, Any] = {}
    exec(code, namespace)
    return namespace["verify"]  # type: ignore[no-any-return]


@dataclass
class Receiver:
    """A webhook receiver: answers each delivery ``failures`` 500s first, then 200; checks each
    signature as docs/api.md shows."""

    failures: int = 0
    delay: float = 0.0  # seconds before answering: senders of two instances overlap
    stall_first: asyncio.Event | None = None  # the first call answers once it is set
    first_call: asyncio.Event = field(default_factory=asyncio.Event)
    port: int = 0
    calls: list[tuple[int, str, dict[str, object]]] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        verify = docs_verify()
        # the bot's fake clock signs in 2026-11: freshness is not what this checks
        assert verify(SECRET, request.headers, body, tolerance=10**10)
        assert not verify("another-secret-0123", request.headers, body, tolerance=10**10)
        assert not verify(SECRET, request.headers, body + b" ", tolerance=10**10)
        delivery = request.headers["Deskmate-Webhook-Id"]
        tried = sum(1 for _s, i, _b in self.calls if i == delivery)
        status = 500 if tried < self.failures else 200
        self.calls.append((status, delivery, json.loads(body)))
        await asyncio.sleep(self.delay)
        self.first_call.set()
        if self.stall_first is not None and len(self.calls) == 1:
            await self.stall_first.wait()
        return web.Response(status=status)


@pytest_asyncio.fixture
async def receiver() -> AsyncIterator[Receiver]:
    found = Receiver()
    app = web.Application()
    app.router.add_post("/hooks", found.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    found.port = runner.addresses[0][1]
    yield found
    await runner.cleanup()


def config(receiver: Receiver) -> str:
    return (
        TEAM
        + API
        + f"""
  webhooks:
    erp:
      url: http://127.0.0.1:{receiver.port}/hooks
      events: [tasks.done, tasks.created]
      secret: {SECRET}
"""
    )


async def test_task_done_reaches_a_failing_receiver_once_it_answers(deskmate, receiver):
    receiver.failures = 3
    chat = await deskmate(tasks, config=config(receiver), start=START)
    await chat.say("mike", "/task add @alice Ship it")
    await chat.press("alice", "Done")
    await chat.advance(timedelta(seconds=1))
    statuses = [s for s, _id, body in receiver.calls if body["event"] == "tasks.done"]
    assert statuses == [500]
    await chat.advance(
        timedelta(seconds=5)
    )  # back-off: 5 s, 10 s, 20 s (delivery.retry_base_seconds)
    await chat.advance(timedelta(seconds=10))
    assert len([c for c in receiver.calls if c[2]["event"] == "tasks.done"]) == 3
    await chat.advance(timedelta(seconds=18))  # 34 s after the first attempt
    assert len([c for c in receiver.calls if c[2]["event"] == "tasks.done"]) == 3
    await chat.advance(timedelta(seconds=1))
    assert len([c for c in receiver.calls if c[2]["event"] == "tasks.done"]) == 4
    await chat.advance("1h")
    done = [c for c in receiver.calls if c[2]["event"] == "tasks.done"]
    assert [s for s, _id, _b in done] == [500, 500, 500, 200]
    assert len({i for _s, i, _b in done}) == 1
    body = done[-1][2]
    assert body["id"] == done[-1][1]
    assert body["data"] == {
        "task": 1,
        "title": "Ship it",
        "status": "done",
        "priority": "normal",
        "due_at": None,
        "creator": "mike",
        "assignees": ["alice"],
        "by": "alice",
    }
    created = [c for c in receiver.calls if c[2]["event"] == "tasks.created"]
    assert [s for s, _id, _b in created] == [500, 500, 500, 200]
    assert await chat.count(WebhookDelivery) == 2


async def test_a_receiver_still_failing_after_the_last_attempt_is_given_up(deskmate, receiver):
    receiver.failures = 100
    chat = await deskmate(tasks, config=config(receiver), start=START)
    await chat.say("mike", "/task add @alice Ship it")
    await chat.advance("1d")
    assert len(receiver.calls) == 8  # delivery.max_attempts
    async with chat.bot.db.transaction() as session:
        row = await session.get(WebhookDelivery, 1)
    assert row is not None
    assert (row.status, row.last_error) == ("failed", "HTTP 500")


@pytest.mark.skipif(
    os.environ.get("DESKMATE_TEST_DB") != "postgresql", reason="two instances need PostgreSQL"
)
async def test_two_instances_on_postgresql_send_it_once(deskmate, deskmate_database, receiver):
    receiver.delay = 0.05
    url = await deskmate_database(tasks)
    one = await deskmate(tasks, config=config(receiver), start=START, database_url=url)
    two = await deskmate(tasks, config=config(receiver), start=START, database_url=url)
    for _ in range(5):
        await one.say("mike", "/task add @alice Ship it")
    await asyncio.gather(*(bot.advance(timedelta(seconds=1)) for bot in (one, two, one, two)))
    ids = [i for _s, i, _b in receiver.calls]
    assert len(ids) == 5
    assert len(set(ids)) == 5


async def test_clock_ins_outs_and_acknowledgements_are_sent_too(deskmate, receiver):
    from skills.clockin import skill as clockin
    from skills.receipts import skill as receipts
    from tests.skills.clockin_fixtures import fake_approvals

    team = TEAM.replace("team: eng}", "team: eng, roles: [admin]}", 1)  # mike may post notices
    hooks = config(receiver).replace(
        "[tasks.done, tasks.created]", "[clockin.in, clockin.out, receipts.acknowledged]"
    )
    chat = await deskmate(
        clockin, fake_approvals, receipts, config=team + hooks[len(TEAM) :], start=START
    )
    await chat.say("alice", "/in")
    await chat.advance("1h")
    await chat.say("alice", "/out")
    await chat.say("mike", "/notice --ack @alice Fill in the form")
    await chat.press("alice", "Got it ✓")
    await chat.advance("1m")
    sent = [(b["event"], b["data"]) for _s, _i, b in receiver.calls]
    assert sent == [
        (
            "clockin.in",
            {
                "person": "alice",
                "at": "2026-11-23T02:00:00Z",
                "day": "2026-11-23",
                "source": "command",
            },
        ),
        (
            "clockin.out",
            {
                "person": "alice",
                "at": "2026-11-23T03:00:00Z",
                "day": "2026-11-23",
                "source": "command",
            },
        ),
        ("receipts.acknowledged", {"notice": 1, "person": "alice", "at": "2026-11-23T03:00:00Z"}),
    ]


async def test_a_sender_whose_receiver_stalls_past_the_lease_sends_nothing_twice(
    deskmate, receiver
):
    """Two senders on one database (two instances): the first stalls on a slow receiver past
    its lease; the second takes over what is due; the first then records nothing and sends
    nothing the second sent."""
    chat = await deskmate(tasks, config=TEAM + API, start=START)  # no webhooks of its own
    hooks = {
        "erp": WebhookConfig(
            url=f"http://127.0.0.1:{receiver.port}/hooks",
            events=["tasks.created"],
            secret=SecretStr(SECRET),
        )
    }
    clock = FakeClock(START)
    one, two = (Webhooks(hooks, chat.bot.db, clock, DeliveryConfig()) for _ in range(2))
    async with chat.bot.db.transaction() as session:
        for n in (1, 2):
            body = json.dumps({"id": f"d{n}", "event": "tasks.created", "data": {"task": n}})
            session.add(
                WebhookDelivery(
                    delivery_id=f"d{n}",
                    webhook="erp",
                    event="tasks.created",
                    body=body,
                    created_at=START,
                    due_at=START,
                )
            )
    receiver.stall_first = release = asyncio.Event()
    stalled = asyncio.create_task(one.drain())
    await asyncio.wait_for(receiver.first_call.wait(), timeout=10)
    clock.advance(timedelta(seconds=61))  # the first sender's lease ran out
    assert await two.drain() == 2
    release.set()
    assert await stalled == 0
    sent = [i for _s, i, _b in receiver.calls]
    assert sorted(sent) == ["d1", "d1", "d2"]  # d1: the stalled POST and the new sender's
    async with chat.bot.db.transaction() as session:
        # ordered: PostgreSQL gives no order (an updated row moves), d2 came first once
        query = select(WebhookDelivery).order_by(col(WebhookDelivery.delivery_id))
        rows = (await session.exec(query)).all()
        assert [(r.delivery_id, r.status, r.attempts) for r in rows] == [
            ("d1", "sent", 1),
            ("d2", "sent", 1),
        ]
    for sender in (one, two):
        await sender.stop()


async def test_idempotent_answers_and_sent_deliveries_are_forgotten_after_keep_days(
    deskmate, receiver
):
    chat = await deskmate(tasks, config=config(receiver), start=START)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{chat.bot.api.port}",
        headers={"Authorization": f"Bearer {TOKENS['HR']}", "Idempotency-Key": "k1"},
    ) as hr:
        message = {"to": {"people": ["alice"]}, "text": "Payslips are out"}
        assert (await hr.post("/v1/messages", json=message)).status_code == 202
        await chat.say("mike", "/task add @alice Ship it")
        await chat.advance("29d")
        assert (await chat.count(ApiRequest), await chat.count(WebhookDelivery)) == (1, 1)
        again = await hr.post("/v1/messages", json=message)
        assert again.headers.get("Idempotent-Replay") == "true"
        await chat.advance("2d")  # past 30 days: the next daily job (03:40) forgets them
        assert (await chat.count(ApiRequest), await chat.count(WebhookDelivery)) == (0, 0)
        await chat.bot.settled()
        assert [m.text for m in chat.inbox("alice")].count("Payslips are out\nvia hr") == 1
        again = await hr.post("/v1/messages", json=message)  # forgotten: a new message
        assert again.status_code == 202
        assert "Idempotent-Replay" not in again.headers


async def test_people_deactivated_is_sent_from_chat_and_from_the_api(deskmate, receiver):
    from skills.admin import skill as admin

    team = TEAM.replace("team: eng}", "team: eng, roles: [admin]}", 1)  # mike: admin
    hooks = config(receiver).replace("[tasks.done, tasks.created]", "[people.deactivated]")
    chat = await deskmate(tasks, admin, config=team + hooks[len(TEAM) :], start=START)
    await chat.say("mike", "/people offboard @bob --to @alice")
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{chat.bot.api.port}",
        headers={"Authorization": f"Bearer {TOKENS['HR']}"},
    ) as hr:
        assert (await hr.post("/v1/people/carol/deactivate")).status_code == 200
        assert (await hr.post("/v1/people/carol/deactivate")).status_code == 200  # once
    await chat.advance("1m")
    sent = [(b["event"], b["data"]) for _s, _i, b in receiver.calls]
    assert sent == [
        (
            "people.deactivated",
            {
                "person": "bob",
                "successor": "alice",
                "by": "mike",
                "source": "admin",
                "on": "2026-11-23",
            },
        ),
        (
            "people.deactivated",
            {"person": "carol", "successor": None, "by": None, "source": "api", "on": "2026-11-23"},
        ),
    ]


def test_the_page_gives_every_offboarding_source_and_says_the_list_is_open():
    """An adapter or a skill may offboard under a name of its own: a receiver must not expect
    only the built-in sources."""
    from bot.handover import SOURCES

    (row,) = [line for line in DOC.splitlines() if line.startswith("| `people.deactivated`")]
    assert all(f"`{source}`" in row for source in SOURCES)
    assert "the list is open" in row
