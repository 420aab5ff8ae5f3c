"""The config's ``people:`` synced into the directory at each start: what changed is written,
what did not is left alone."""

from datetime import date

from sqlalchemy import event

from tests.bot.sample_skill import skill

FIRST = """
people:
  - {id: mike, name: Mike Wang, roles: [admin], team: eng, accounts: {slack: U1MIKE}}
  - {id: alice, name: Alice Chen, manager: mike, accounts: {slack: U2ALICE, telegram: "42"}}
  - {id: bob, name: Bob Li, manager: mike, timezone: Europe/Berlin}
"""

SECOND = """
people:
  - {id: alice, name: Alice Chen-Li, email: alice@example.com, hired_on: 2024-07-15,
     accounts: {slack: U2ALICE}}
  - {id: bob, name: Bob Li, manager: alice, roles: [reviewer], language: zh,
     accounts: {telegram: "42"}}
  - {id: carol, manager: bob, team: ops}
"""


async def people(chat, *handles):
    async with chat.bot.db.transaction() as session:
        found = [await chat.bot.directory.by_handle(session, h) for h in handles]
    return dict(zip(handles, found, strict=True))


async def test_a_restart_writes_what_the_config_changed(deskmate):
    first = await deskmate(skill, config=FIRST)
    before = await people(first, "mike", "alice", "bob")
    url = first.bot.config.storage.url
    await first.close()
    again = await deskmate(skill, config=SECOND, database_url=url)
    now = await people(again, "mike", "alice", "bob", "carol")
    mike, alice, bob, carol = now.values()
    assert [p.id for p in (mike, alice, bob)] == [p.id for p in before.values()]
    # no longer declared: kept, without the roles and manager the config gave
    assert (mike.name, mike.roles, mike.manager_id) == ("Mike Wang", frozenset(), None)
    assert (alice.name, alice.email, alice.hired_on) == (
        "Alice Chen-Li",
        "alice@example.com",
        date(2024, 7, 15),
    )
    assert alice.manager_id is None
    assert alice.accounts == {"slack": "U2ALICE", "console": "alice"}
    assert (bob.manager_id, bob.roles, bob.language) == (alice.id, {"reviewer"}, "zh")
    assert bob.timezone == "UTC"  # the org's, now that the config gives none
    assert bob.accounts == {"telegram": "42", "console": "bob"}  # Telegram 42 moved from alice
    assert (carol.name, carol.manager_id, carol.team) == ("carol", bob.id, "ops")
    assert (await again.say("bob", "/review")).one().text == "reviewed"
    assert (await again.say("mike", "/review")).one().text.startswith("Only people with")


async def test_a_start_with_the_directory_unchanged_writes_nothing(deskmate):
    chat = await deskmate(skill, config=FIRST)
    statements: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement.split()[0].upper())

    engine = chat.bot.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        async with chat.bot.db.transaction() as session:
            await chat.bot.directory.sync(session, chat.bot.config.people)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert [s for s in statements if s in ("INSERT", "UPDATE", "DELETE")] == []
    assert statements.count("SELECT") == 2  # everyone, and every account
    alice = (await people(chat, "alice"))["alice"]
    assert alice.accounts == {"slack": "U2ALICE", "telegram": "42", "console": "alice"}
