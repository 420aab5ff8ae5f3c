"""Alembic migrations: the core's and each skill's, upgraded together to all heads.

Each skill that has tables ships a ``migrations`` folder of Alembic revisions on its own branch
(``branch_labels = ("<skill>",)``, ``depends_on = "core_0001"``); :func:`upgrade` runs the
core's and every enabled skill's. It runs at start-up and by ``deskmate db upgrade``.

On PostgreSQL, instances starting together take turns (:func:`take_turn`, an advisory lock held
until the transaction ends): the first one migrates and loads the directory, the others wait and
find the tables and the people there.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.engine import Database

MIGRATIONS = Path(__file__).parent / "migrations"
STARTING = 0x6465736B73746172  # "deskstar": one instance's start-up writes at a time


async def take_turn(conn: AsyncConnection) -> None:
    """Wait until no other instance is in its start-up writes (PostgreSQL; until this
    transaction ends). SQLite has one process."""
    if conn.dialect.name == "postgresql":
        await conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": STARTING})


def alembic_config(version_locations: Iterable[Path] = ()) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    locations = [MIGRATIONS / "versions", *version_locations]
    cfg.set_main_option("version_locations", " ".join(str(p) for p in locations))
    cfg.set_main_option("path_separator", "space")
    return cfg


async def upgrade(db: Database, version_locations: Iterable[Path] = ()) -> None:
    """Upgrade the database to the newest revision of the core and of every given skill."""
    cfg = alembic_config(version_locations)

    def run(sync_connection: Any) -> None:
        cfg.attributes["connection"] = sync_connection
        command.upgrade(cfg, "heads")

    async with db.engine.begin() as conn:
        await take_turn(conn)  # (DDL is transactional on PostgreSQL)
        await conn.run_sync(run)
