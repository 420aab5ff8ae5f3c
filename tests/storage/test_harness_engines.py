"""The harness's engine as a skill author meets it: their own test files, run by pytest with
DESKMATE_TEST_DB set (or not), with the `deskmate` and `deskmate_database` fixtures. (Here, not in
tests/bot: these tests choose their engine themselves, so `make test` runs them once.)"""

import pytest

from bot.testing import EngineUnavailable
from skills.tasks import skill as tasks
from tests import conftest

INI = "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"

# Two tests in a row each find an empty database: no rows, numbering from 1 again.
TASKS = """
from skills.tasks import skill as tasks
from skills.tasks.models import Task

CONFIG = "people: [{id: alice}, {id: bob}]"


async def test_first(deskmate):
    chat = await deskmate(tasks, config=CONFIG)
    print("storage:", chat.bot.config.storage.url)
    card = (await chat.say("alice", "/task add @bob Ship it"))[0]
    assert card.text.startswith("📋 #1 Ship it")


async def test_second(deskmate):
    chat = await deskmate(tasks, config=CONFIG)
    assert await chat.count(Task) == 0
    card = (await chat.say("alice", "/task add @bob Fix it"))[0]
    assert card.text.startswith("📋 #1 Fix it")
"""


@pytest.fixture
def author(pytester, monkeypatch):
    """A skill author's project: pytest with the installed deskmate plugin."""
    pytester.makeini(INI)
    monkeypatch.delenv("DESKMATE_TEST_DB", raising=False)
    return pytester


REUSE = """
from deskmate_standup import skill as standup


async def test_with_standup(deskmate, deskmate_database):
    # a database made for no skill, migrated further by the bot (the standup table)
    chat = await deskmate(standup, database_url=await deskmate_database())
    assert (await chat.say("alice", "/standup shipped it")).text == "✅ Noted, @alice."


async def test_without(deskmate, deskmate_database):
    # must not get the database above back: a bot without standup can't start on it
    chat = await deskmate(database_url=await deskmate_database())
    assert "/help" in (await chat.say("alice", "/help")).text
"""


# A skill whose migration writes a row: every test finds that row, and only that one.
SEEDED = """
from pathlib import Path

from sqlalchemy import text

from bot.skill import Skill

seeded = Skill("seeded", migrations=Path(__file__).parent / "seeded_migrations")


async def check_and_add(chat):
    assert await chat.count("colours") == 1
    async with chat.bot.db.transaction() as session:
        await session.exec(text("INSERT INTO colours (name) VALUES ('red')"))
    assert await chat.count("colours") == 2


async def test_one(deskmate):
    await check_and_add(await deskmate(seeded))


async def test_two(deskmate):
    await check_and_add(await deskmate(seeded))
"""
SEEDED_MIGRATION = """
import sqlalchemy as sa
from alembic import op

revision = "seeded_0001"
down_revision = None
branch_labels = ("seeded",)
depends_on = "core_0001"


def upgrade():
    table = op.create_table(
        "colours",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(), nullable=False),
    )
    op.bulk_insert(table, [{"name": "blue"}])
"""


def test_postgresql_from_the_environment_with_a_fresh_database_per_test(author, monkeypatch):
    monkeypatch.setenv("DESKMATE_TEST_DB", "postgresql")
    author.makepyfile(test_tasks=TASKS, test_reuse=REUSE, test_seeded=SEEDED)
    author.mkdir("seeded_migrations")
    author.path.joinpath("seeded_migrations", "seeded_0001.py").write_text(SEEDED_MIGRATION)
    result = author.runpytest_subprocess("-s")
    result.assert_outcomes(passed=6)
    result.stdout.fnmatch_lines(
        [
            "deskmate: tests' databases on PostgreSQL at postgresql://postgres@127.0.0.1:5432/postgres",
            "*storage: postgresql+asyncpg://postgres@127.0.0.1:5432/deskmate_test_*",
        ]
    )


def test_sqlite_when_the_environment_names_no_engine(author):
    author.makepyfile(test_tasks=TASKS)
    result = author.runpytest_subprocess("-s")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        ["deskmate: tests' databases on SQLite", "*storage: sqlite+aiosqlite:///*/deskmate.db"]
    )


async def test_a_wrong_engine_is_named_with_what_is_expected(deskmate, monkeypatch):
    monkeypatch.setenv("DESKMATE_TEST_DB", "mysql://root@127.0.0.1")
    with pytest.raises(EngineUnavailable) as refused:
        await deskmate(tasks)
    assert str(refused.value) == (
        "DESKMATE_TEST_DB='mysql://root@127.0.0.1' is not an engine: expected 'sqlite', "
        "'postgresql' or a server's URL such as 'postgresql://postgres@127.0.0.1:5432'"
    )


async def test_postgresql_asked_for_but_not_there_fails_rather_than_skips(deskmate, monkeypatch):
    monkeypatch.setenv("DESKMATE_TEST_DB", "postgresql://postgres@127.0.0.1:1")
    with pytest.raises(EngineUnavailable) as refused:
        await deskmate(tasks)
    assert str(refused.value).startswith(
        "no PostgreSQL to make test databases on at postgresql://postgres@127.0.0.1:1/postgres ("
    )
    assert str(refused.value).endswith(
        "); start the server, or set DESKMATE_TEST_DB to another server's URL or to 'sqlite'"
    )


async def test_a_postgresql_test_skips_without_a_server_unless_it_is_required(
    tmp_path, monkeypatch
):
    monkeypatch.delenv("DESKMATE_TEST_DB", raising=False)
    monkeypatch.setattr(conftest, "PG_SERVER", "postgresql://postgres@127.0.0.1:1")
    monkeypatch.delenv("DESKMATE_REQUIRE_PG", raising=False)
    with pytest.raises(pytest.skip.Exception, match="set DESKMATE_REQUIRE_PG=1 to fail"):
        await conftest.postgresql_database(tmp_path)
    monkeypatch.setenv("DESKMATE_REQUIRE_PG", "1")
    with pytest.raises(EngineUnavailable, match="no PostgreSQL"):
        await conftest.postgresql_database(tmp_path)
