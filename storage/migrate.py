"""Alembic migrations: the core's and each skill's, upgraded together to all heads.

Each skill that has tables ships a ``migrations`` folder of Alembic revisions on its own branch
(``branch_labels = ("<skill>",)``, ``depends_on = "core_0001"``); :func:`upgrade` runs the
core's and every enabled skill's. It runs at start-up and by ``deskmate db upgrade``.

On PostgreSQL, instances starting together take turns (:func:`take_turn`, an advisory lock held
until the transaction ends): the first one migrates and loads the directory, the others wait and
find the tables and the people there.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel.sql.sqltypes import AutoString

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


async def missing_heads(db: Database, version_locations: Iterable[Path] = ()) -> list[str]:
    """The newest revisions (of the core and of the given skills) this database lacks: empty
    when it is up to date. A database a newer version already upgraded (revisions this code
    does not know) counts as up to date: new versions only add (docs/deploying.md)."""
    script = ScriptDirectory.from_config(alembic_config(version_locations))

    def applied(sync_connection: Any) -> set[str]:
        return set(MigrationContext.configure(sync_connection).get_current_heads())

    async with db.engine.connect() as conn:
        found = await conn.run_sync(applied)
    known = {r.revision for r in script.walk_revisions()}
    if found - known:
        return []
    reached = {r.revision for head in found for r in script.iterate_revisions(head, "base") if r}
    return sorted(set(script.get_heads()) - reached)


def _render_type(kind: str, obj: Any, autogen_context: Any) -> str | bool:
    """Column types a generated revision can import and type-check: SQLModel's ``AutoString`` as
    ``sa.String``, Deskmate's own types (``storage.types``) with their import. Anything else as
    Alembic renders it."""
    if kind != "type":
        return False
    if isinstance(obj, AutoString):
        return f"sa.String(length={obj.length})" if obj.length else "sa.String()"
    if type(obj).__module__ == "storage.types":
        autogen_context.imports.add("import storage.types")
        timezone = getattr(obj, "timezone", None)
        args = "timezone=True" if timezone else ""
        return f"storage.types.{type(obj).__name__}({args})"
    return False


async def revision(
    tables: Iterable[str],
    label: str,
    folder: Path,
    message: str,
    version_locations: Iterable[Path] = (),
) -> Path | None:
    """Write the next revision of the branch ``label`` into ``folder``, generated (Alembic
    autogenerate) from how the models of ``tables`` differ from what the branch's revisions
    make. The revisions run on a scratch SQLite database, never on a team's. Returns the new
    file, or None when the models and the revisions agree."""
    own = set(tables)
    cfg = alembic_config([*version_locations, folder])
    script = ScriptDirectory.from_config(cfg)
    # the branch's revisions are named <label>_0001, <label>_0002...
    suffixes = [rev.revision.removeprefix(f"{label}_") for rev in script.walk_revisions()]
    numbers = [int(n) for n in suffixes if n.isdigit()]
    first = not numbers
    written: list[Path] = []

    def include(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
        return table in own

    def keep_changes(context: Any, revision: Any, directives: list[Any]) -> None:
        if directives[0].upgrade_ops.is_empty():
            directives[:] = []

    ruff = shutil.which("ruff", path=os.pathsep.join([str(Path(sys.executable).parent), *_path()]))
    if ruff:  # the file as the formatter writes it (where ruff is installed)
        cfg.set_section_option("post_write_hooks", "hooks", "fix format")
        for hook, options in (
            ("fix", "check --fix --exit-zero --quiet"),
            ("format", "format --quiet"),
        ):
            cfg.set_section_option("post_write_hooks", f"{hook}.type", "exec")
            cfg.set_section_option("post_write_hooks", f"{hook}.executable", ruff)
            cfg.set_section_option(
                "post_write_hooks", f"{hook}.options", f"{options} REVISION_SCRIPT_FILENAME"
            )
    cfg.attributes["autogenerate"] = {
        "include_object": include,
        "process_revision_directives": keep_changes,
        "render_item": _render_type,
    }
    with tempfile.TemporaryDirectory() as scratch:
        db = Database(f"sqlite+aiosqlite:///{Path(scratch) / 'scratch.db'}")
        try:
            await upgrade(db, [*version_locations, folder])

            def run(sync_connection: Any) -> None:
                cfg.attributes["connection"] = sync_connection
                made = command.revision(
                    cfg,
                    message=message,
                    autogenerate=True,
                    head="base" if first else f"{label}@head",
                    branch_label=label if first else None,
                    depends_on="core_0001" if first else None,
                    version_path=str(folder),
                    rev_id=f"{label}_{max(numbers, default=0) + 1:04d}",
                )
                if made is not None and not isinstance(made, list):
                    written.append(Path(made.path))

            async with db.engine.begin() as conn:
                await conn.run_sync(run)
        finally:
            await db.dispose()
    return written[0] if written else None


def _path() -> list[str]:
    return os.environ.get("PATH", "").split(os.pathsep)
