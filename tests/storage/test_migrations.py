"""Upgrading a database made by an earlier Deskmate keeps its data: chats gain a language."""

from alembic import command
from sqlalchemy import text

from bot.testing import make_harness
from skills.admin import skill as admin
from skills.tasks import skill as tasks
from storage import Database
from storage.migrate import alembic_config

TEAM = "people: [{id: mike, roles: [admin]}, {id: alice}]"


async def _database_at_the_first_revision(url: str) -> None:
    """A database as the first release left it, with one chat in it."""
    db = Database(url)

    def to_first(connection):
        cfg = alembic_config()
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "core_0001")

    async with db.engine.begin() as conn:
        await conn.run_sync(to_first)
        await conn.execute(
            text(
                "INSERT INTO chats (platform, chat_id, kind, title) "
                "VALUES ('console', 'general', 'group', '#general')"
            )
        )
    await db.dispose()


async def test_an_old_sqlite_database_is_upgraded_and_its_chats_gain_a_language(tmp_path):
    await _upgraded_keeps_its_chat(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}", tmp_path)


async def test_an_old_postgresql_database_is_upgraded_and_its_chats_gain_a_language(
    pg_url, tmp_path
):
    await _upgraded_keeps_its_chat(pg_url, tmp_path)


async def _upgraded_keeps_its_chat(url, tmp_path):
    await _database_at_the_first_revision(url)
    chat = await make_harness([tasks, admin], tmp_path, config=TEAM, database_url=url)
    try:
        out = await chat.say("mike", "/deskmate lang")
        assert out.one().text.startswith("🌐 This chat reads English (the org's language).")
        await chat.say("mike", "/deskmate lang zh")
        out = await chat.say("alice", "/task add Water the plants")
        assert out[0].text.startswith("📋 #1 Water the plants\n负责人: @alice")
        async with chat.bot.db.transaction() as session:
            rows = (await session.exec(text("SELECT chat_id, language FROM chats"))).all()
        assert [tuple(r) for r in rows] == [("general", "zh")]  # the same row, a language now
    finally:
        await chat.close()
