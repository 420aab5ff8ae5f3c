"""Stopping (SIGTERM) drains: the sends in flight finish, the outbox rows claimed and not sent
are handed back at once, and whoever starts next sends them, each once."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text

from storage import Database
from tests.adapters.slack import conftest as slack_conftest
from tests.adapters.slack.conftest import make_bot
from tests.adapters.slack.fake_slack import FakeSlack
from tests.bot import sample_skill

NOTES = 12


async def test_stopping_hands_back_the_rows_it_claimed(
    fake_slack: FakeSlack, database_url, monkeypatch: pytest.MonkeyPatch
):
    slow = slack_conftest.CONFIG.replace(
        "per_chat: {{per_second: 1000, burst: 100}}", "per_chat: {{per_second: 2, burst: 1}}"
    )
    monkeypatch.setattr(slack_conftest, "CONFIG", slow)
    first = await make_bot(fake_slack, database_url, extra=[sample_skill.skill])
    assert first.bot is not None
    assert await first.command("U1", f"/spam <@U2|bob> {NOTES}") == 200
    await first.until(lambda: len(first.posted("U2")) >= 2)  # paced: two a second
    asked = time.monotonic()
    await first.bot.stop()
    took = time.monotonic() - asked
    assert took < 8, f"stopping took {took:.1f} s"
    sent_before = len(first.posted("U2"))
    assert sent_before < NOTES  # it stopped in the middle

    statuses = await _statuses(database_url)
    assert statuses.get("sending", 0) == 0  # none left claimed by the instance that stopped
    assert statuses.get("sent", 0) == sent_before
    assert statuses.get("pending", 0) == NOTES - sent_before

    second = await make_bot(fake_slack, database_url, extra=[sample_skill.skill])
    try:
        await second.until(lambda: len(second.posted("U2")) >= NOTES, timeout=15)
    finally:
        assert second.bot is not None
        await second.bot.stop()
    received = [c.args.get("text") for c in second.posted("U2")]
    assert sorted(received) == sorted(f"message {i}" for i in range(NOTES))  # each once


async def _statuses(url: str) -> dict[str, int]:
    db = Database(url)
    try:
        async with db.transaction() as session:
            found = await session.exec(  # type: ignore[call-overload]
                text("SELECT status, count(*) FROM outbox WHERE skill = 'sample' GROUP BY status")
            )
            return {str(status): int(n) for status, n in found.all()}
    finally:
        await db.dispose()
