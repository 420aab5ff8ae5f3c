"""Shared fixtures. The ``deskmate`` and ``deskmate_database`` fixtures come from the installed
pytest plugin (bot.testing.plugin), on the engine DESKMATE_TEST_DB names."""

import os
from pathlib import Path

import pytest

from bot.testing import (
    Engine,
    EngineUnavailable,
    ScratchDatabase,
    engine_from_environment,
    scratch_database,
)

pytest_plugins = ["pytester"]  # tests/bot/test_harness_engines.py runs a skill author's tests

PG_SERVER = "postgresql://postgres@127.0.0.1:5432"


async def postgresql_database(directory: Path) -> ScratchDatabase:
    """A fresh PostgreSQL database, on the server DESKMATE_TEST_DB names if it names one, else on
    PG_SERVER. With no server there the test is skipped, unless DESKMATE_REQUIRE_PG is set (CI
    sets it) or DESKMATE_TEST_DB asked for PostgreSQL: then it fails."""
    engine = engine_from_environment()
    required = bool(os.environ.get("DESKMATE_REQUIRE_PG")) or not engine.is_sqlite
    try:
        return await scratch_database(
            directory, engine=Engine.postgresql(PG_SERVER) if engine.is_sqlite else engine
        )
    except EngineUnavailable as exc:
        if required:
            raise
        pytest.skip(f"{exc}; set DESKMATE_REQUIRE_PG=1 to fail")


@pytest.fixture
async def pg_url(tmp_path):
    """A fresh PostgreSQL database for one test (see postgresql_database), released after it."""
    database = await postgresql_database(tmp_path)
    yield database.url
    await database.release()
