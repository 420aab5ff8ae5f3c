"""Accounts linked by e-mail while another instance links them too: the account written first
stays, and the rest of the batch is written (no IntegrityError rolling it all back)."""

from datetime import UTC, datetime

from sqlmodel import select

from bot import matching
from bot.events import Account
from skills.admin import skill as admin
from storage.models import Person, PlatformAccount

START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)

TEAM = """
org: {timezone: Asia/Shanghai}
people:
  - {id: root, accounts: {console: root}, roles: [admin]}
  - {id: dora, email: dora@example.com}
  - {id: frank, email: frank@example.com}
"""


async def owners(chat):
    async with chat.bot.db.transaction() as session:
        rows = await session.exec(
            select(PlatformAccount.account_id, Person.handle)
            .join(Person, Person.id == PlatformAccount.person_id)
            .where(PlatformAccount.platform == "slack")
        )
        return dict(rows.all())


async def test_an_account_another_instance_linked_meanwhile_leaves_the_rest_written(deskmate):
    chat = await deskmate(admin, config=TEAM, start=START)
    dora = Account("slack", "U6", name="Dora", email="dora@example.com")
    frank = Account("slack", "U7", name="Frank", email="frank@example.com")
    async with chat.bot.db.transaction() as session:  # this instance matches both
        matched = await matching.match(session, [dora, frank])
    async with chat.bot.db.transaction() as session:  # the other one links dora's first
        await matching.claim(session, [dora])
    async with chat.bot.db.transaction() as session:  # then this one writes its batch
        linked = await matching.link(session, matched.found)
    assert await owners(chat) == {"U6": "dora", "U7": "frank"}
    assert set(linked) == {dora, frank}
