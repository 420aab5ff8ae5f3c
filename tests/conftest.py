"""Shared fixtures. The ``deskmate`` and ``deskmate_database`` fixtures come from the installed
pytest plugin (bot.testing.plugin), on the engine DESKMATE_TEST_DB names."""

import os

import pytest

from bot.testing import Engine, EngineUnavailable, engine_from_environment, scratch_database


@pytest.fixture
async def pg_url(tmp_path):
    """A fresh PostgreSQL database for one test (released after it), on the server DESKMATE_TEST_DB
    names if it names one, else on 127.0.0.1:5432. With no server the test is skipped, unless
    DESKMATE_REQUIRE_PG is set (CI sets it): then it fails."""
    engine = engine_from_environment()
    if engine.is_sqlite:
        engine = Engine.postgresql()
    try:
        database = await scratch_database(tmp_path, engine=engine)
    except EngineUnavailable as exc:
        if os.environ.get("DESKMATE_REQUIRE_PG"):
            raise
        pytest.skip(f"{exc}; set DESKMATE_REQUIRE_PG=1 to fail")
    yield database.url
    await database.release()
