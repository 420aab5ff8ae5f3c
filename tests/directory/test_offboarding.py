"""Offboarding through the harness: ``/people offboard`` hands every kind of work over — to the
successor named, else to the manager — and the person who left can do nothing any more."""

from datetime import UTC, datetime

import pytest

from skills.admin import skill as admin
from skills.tasks import skill as tasks
from storage.models import AuditEntry, Person

START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai

TEAM = """
org: {timezone: Asia/Shanghai}
people:
  - {id: root, accounts: {console: root}, roles: [admin]}
  - {id: mike, accounts: {console: mike}}
  - {id: bob, accounts: {console: bob}, manager: mike, roles: [admin]}
  - {id: carol, accounts: {console: carol}}
  - {id: alice, accounts: {console: alice}}
"""


@pytest.fixture
async def chat(deskmate):
    return await deskmate(admin, tasks, config=TEAM, start=START)


async def left(chat, handle):
    async with chat.bot.db.transaction() as session:
        person = (
            await session.exec(Person.__table__.select().where(Person.handle == handle))
        ).first()
    return person


# --- the command ------------------------------------------------------------------------------


async def test_offboarding_answers_with_the_summary_and_records_it(chat):
    await chat.say("alice", "/task add @bob Ship the report")
    out = await chat.say("root", "/people offboard @bob --to @carol")
    assert out.one().text == (
        "👋 @bob has left (Mon 23 Nov 2026): their work goes to @carol.\n"
        "📋 Tasks: 1 reassigned, 0 created by them now led by @carol"
    )
    assert await chat.count(AuditEntry) == 1
    assert await chat.count(Person) == 5  # nothing deleted
