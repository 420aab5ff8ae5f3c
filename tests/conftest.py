"""Shared fixtures. The ``deskmate`` harness fixture comes from the installed pytest plugin."""

import os
import secrets

import asyncpg
import pytest

PG_SERVER = "postgresql://postgres@127.0.0.1:5432"


@pytest.fixture
async def pg_url():
    """A fresh PostgreSQL database for one test (dropped after it)."""
    name = f"deskmate_test_{secrets.token_hex(4)}"
    try:
        admin = await asyncpg.connect(f"{PG_SERVER}/postgres")
    except OSError as exc:  # no server: CI has one (it sets DESKMATE_REQUIRE_PG), laptops may not
        if os.environ.get("DESKMATE_REQUIRE_PG"):
            raise
        pytest.skip(f"no PostgreSQL at {PG_SERVER} ({exc}); set DESKMATE_REQUIRE_PG=1 to fail")
    await admin.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    await admin.close()
