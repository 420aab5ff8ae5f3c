"""Alembic migrations: the core's and each skill's, upgraded together to all heads.

Each skill that has tables ships a ``migrations`` folder of Alembic revisions on its own branch
(``branch_labels = ("<skill>",)``, ``depends_on = "core_0001"``); :func:`upgrade` runs the
core's and every enabled skill's. It runs at start-up and by ``deskmate db upgrade``; on
PostgreSQL, instances starting together take turns (an advisory lock for the transaction), so the
first one migrates and the others find the tables there.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import text

from storage.engine import Database

MIGRATIONS = Path(__file__).parent / "migrations"
LOCK_KEY = 0x6465736B6D6D6967  # "deskmmig": one migration at a time (the leader's lock differs)


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
        if not db.is_sqlite:  # held until this transaction ends (DDL is transactional there)
            await conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_KEY})
        await conn.run_sync(run)
