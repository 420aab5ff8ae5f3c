"""Fresh databases for tests, on the engine the environment names.

``DESKMATE_TEST_DB`` chooses the engine:

- unset or ``sqlite``: a SQLite file in the test's temporary folder;
- ``postgresql``: a database of its own on the PostgreSQL server at 127.0.0.1:5432 (user
  ``postgres``);
- ``postgresql://user:password@host:port``: the same, on that server (the user needs the right to
  create databases).

A fresh database has the tables of the skills it is made for and no rows. Once per test run and
set of migrations a template is migrated; tests get copies of it (SQLite's backup API; on
PostgreSQL ``CREATE DATABASE ... TEMPLATE``), so the bot's migrations at start find nothing to do.

On PostgreSQL, making and dropping a database costs tens of milliseconds on a quiet machine and
over a second on a busy one (``CREATE DATABASE`` copies the template through the write-ahead log,
``DROP DATABASE`` waits for a checkpoint), so a database a test is done with is emptied for the
next test of the same run instead: its rows deleted and its sequences set back, in one
transaction, a few milliseconds. One whose tables are no longer the template's (a test migrated
another skill or changed a table) is dropped, and so are the copies of a template with rows (a
migration that writes some). Test databases commit without waiting for the disk
(``synchronous_commit = off``: nothing a test can see changes). Everything is dropped when the
process exits.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import graphlib
import os
import secrets
import shutil
import sqlite3
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
from sqlalchemy import URL, make_url
from sqlalchemy.exc import ArgumentError

from bot.skill import Skill
from storage import Database, upgrade

ENGINE_VARIABLE = "DESKMATE_TEST_DB"
DEFAULT_POSTGRESQL = "postgresql://postgres@127.0.0.1:5432"
_PREFIX = "deskmate_test_"  # every database made here is named so (templates: deskmate_test_tpl_)


class EngineUnavailable(RuntimeError):
    """The engine the environment names can't be used (a bad value, or no server)."""


@dataclass(frozen=True)
class Engine:
    """Where tests' databases are made: SQLite files, or databases on a PostgreSQL server."""

    name: str  # "sqlite" or "postgresql"
    server: URL | None = None  # PostgreSQL: the maintenance database to connect to

    @classmethod
    def postgresql(cls, server: str = DEFAULT_POSTGRESQL) -> Engine:
        """PostgreSQL at ``server`` (``postgresql://user@host:port``, optionally ``/database``:
        the one to connect to for making databases, by default ``postgres``)."""
        try:
            url = make_url(server)
        except ArgumentError as exc:
            raise EngineUnavailable(_expected(server)) from exc
        if url.drivername not in ("postgresql", "postgresql+asyncpg"):
            raise EngineUnavailable(_expected(server))
        maintenance = url.set(drivername="postgresql", database=url.database or "postgres")
        return cls("postgresql", maintenance)

    @property
    def is_sqlite(self) -> bool:
        return self.server is None

    def describe(self) -> str:
        if self.server is None:
            return "SQLite"
        return f"PostgreSQL at {self.server.render_as_string(hide_password=True)}"


def engine_from_environment(environ: Mapping[str, str] = os.environ) -> Engine:
    """The engine ``DESKMATE_TEST_DB`` names (SQLite when it is unset or empty)."""
    value = environ.get(ENGINE_VARIABLE, "").strip()
    if value.lower() in ("", "sqlite"):
        return Engine("sqlite")
    if value.lower() == "postgresql":
        return Engine.postgresql()
    return Engine.postgresql(value)


def _expected(value: str) -> str:
    return (
        f"{ENGINE_VARIABLE}={value!r} is not an engine: expected 'sqlite', 'postgresql' or a "
        "server's URL such as 'postgresql://postgres@127.0.0.1:5432'"
    )


async def check_engine(engine: Engine | None = None) -> Engine:
    """The engine (by default the one ``DESKMATE_TEST_DB`` names) once it is known to answer:
    a PostgreSQL server must take a connection. Raises :class:`EngineUnavailable` if not."""
    engine = engine or engine_from_environment()
    if engine.server is not None:
        conn = await _connect(engine.server)
        await conn.close()
    return engine


class ScratchDatabase:
    """One fresh database: pass :attr:`url` to the bot, :meth:`release` it when the test is over
    (after the bots on it have stopped)."""

    def __init__(self, url: str, engine: Engine, pooled: _Pooled | None = None) -> None:
        self.url = url
        self.engine = engine
        self._pooled = pooled  # PostgreSQL: where the database goes back to

    async def release(self) -> None:
        """Done with it: on PostgreSQL the database is emptied for another test (or dropped);
        a SQLite file stays in the test's folder."""
        if self._pooled is not None:
            pooled, self._pooled = self._pooled, None
            await _postgres.give_back(pooled)


async def scratch_database(
    directory: Path, skills: Iterable[Skill] = (), *, engine: Engine | None = None
) -> ScratchDatabase:
    """A fresh database with the tables of ``skills`` (and the core's), on ``engine`` (by default
    the one ``DESKMATE_TEST_DB`` names); a SQLite file goes into ``directory``. Pass the skills the
    bot will run: the bot adds the tables of others at start, but can't run on a database made
    for a skill it doesn't have."""
    engine = engine or engine_from_environment()
    locations = tuple(sorted({str(s.migrations) for s in skills if s.migrations}))
    if engine.server is None:
        path = directory / "deskmate.db"
        _copy_sqlite(await _sqlite.template(locations), path)
        return ScratchDatabase(f"sqlite+aiosqlite:///{path}", engine)
    pooled = await _postgres.take(engine.server, locations)
    return ScratchDatabase(_bot_url(engine.server, pooled.name), engine, pooled)


class _SqliteTemplates:
    """Migrated SQLite files, one per set of migrations, in a folder removed at exit."""

    def __init__(self) -> None:
        self._made: dict[tuple[str, ...], str] = {}
        self._folder: Path | None = None
        atexit.register(self._remove)

    async def template(self, locations: tuple[str, ...]) -> str:
        if locations not in self._made:
            if self._folder is None:
                self._folder = Path(tempfile.mkdtemp(prefix="deskmate-templates-"))
            path = self._folder / f"template-{len(self._made)}.db"
            await _migrate(f"sqlite+aiosqlite:///{path}", locations)
            self._made[locations] = str(path)
        return self._made[locations]

    def _remove(self) -> None:
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)


@dataclass
class _Template:
    name: str
    fingerprint: str  # the tables, columns, constraints and revisions a copy must still have
    emptying: str | None  # the statements that make a copy as the template again (see _emptying)
    idle: list[str] = field(default_factory=list)  # emptied copies waiting for a test


@dataclass(frozen=True, eq=False)
class _Pooled:
    server: URL
    template: _Template
    name: str


class _PostgresPool:
    """The templates this process migrated and the databases it made from them."""

    def __init__(self) -> None:
        self._templates: dict[tuple[URL, tuple[str, ...]], _Template] = {}
        self._made: set[tuple[URL, str]] = set()  # every database, dropped at exit
        atexit.register(self._drop_everything)

    async def take(self, server: URL, locations: tuple[str, ...]) -> _Pooled:
        key = (server, locations)
        if key not in self._templates:
            self._templates[key] = await self._make_template(server, locations)
        template = self._templates[key]
        if template.idle:
            return _Pooled(server, template, template.idle.pop())
        name = await self._create(server, f'TEMPLATE "{template.name}"')
        return _Pooled(server, template, name)

    async def give_back(self, pooled: _Pooled) -> None:
        """Empty the database for the next test; drop it if it isn't the template's any more."""
        try:
            conn = await _connect(_bot_url(pooled.server, pooled.name, driver="postgresql"))
            try:
                await conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )  # a bot the test left running: as DROP DATABASE ... WITH (FORCE) would
                emptying = pooled.template.emptying
                reusable = emptying is not None and (
                    await conn.fetchval(_FINGERPRINT) == pooled.template.fingerprint
                )
                if reusable:
                    await conn.execute(emptying)
            finally:
                await conn.close()
        except asyncpg.PostgresError:  # e.g. a test dropped or renamed it
            reusable = False
        if reusable:
            pooled.template.idle.append(pooled.name)
        else:
            await self._drop(pooled.server, pooled.name)

    async def _make_template(self, server: URL, locations: tuple[str, ...]) -> _Template:
        name = await self._create(server, "", template=True)
        try:
            await _migrate(_bot_url(server, name), locations)
            conn = await _connect(_bot_url(server, name, driver="postgresql"))
            try:
                fingerprint = await conn.fetchval(_FINGERPRINT)
                emptying = await _emptying(conn)
            finally:
                await conn.close()
        except BaseException:
            await self._drop(server, name)
            raise
        return _Template(name, fingerprint, emptying)

    async def _create(self, server: URL, source: str, *, template: bool = False) -> str:
        name = f"{_PREFIX}{'tpl_' if template else ''}{secrets.token_hex(6)}"
        conn = await _connect(server)
        try:
            await conn.execute(f'CREATE DATABASE "{name}" {source}')
            self._made.add((server, name))
            await conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit TO off')
        finally:
            await conn.close()
        return name

    async def _drop(self, server: URL, name: str) -> None:
        conn = await _connect(server)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()
        self._made.discard((server, name))

    def _drop_everything(self) -> None:
        made, self._made = sorted(self._made, key=str), set()
        self._templates.clear()

        async def drop_all() -> None:
            for server, name in made:
                await self._drop(server, name)

        if made:
            with contextlib.suppress(Exception):  # the server went away first: nothing to drop
                asyncio.run(drop_all())


# What a copy must share with its template to be emptied and used again: its schemas, tables
# and other relations, columns, constraints, types, functions, triggers and Alembic revisions.
_FINGERPRINT = """
WITH user_namespaces AS (
    SELECT oid, nspname FROM pg_namespace
    WHERE nspname NOT IN ('pg_catalog', 'information_schema')
      AND nspname NOT LIKE 'pg_toast%' AND nspname NOT LIKE 'pg_temp%'
), items AS (
    SELECT 'schema ' || nspname AS item FROM user_namespaces
    UNION ALL
    SELECT 'relation ' || c.oid::regclass::text || ' ' || c.relkind::text
    FROM pg_class c JOIN user_namespaces n ON n.oid = c.relnamespace
    UNION ALL
    SELECT 'column ' || a.attrelid::regclass::text || '.' || a.attname || ' '
           || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull::text || ' '
           || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid JOIN user_namespaces n ON n.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE a.attnum > 0 AND NOT a.attisdropped
    UNION ALL
    SELECT 'constraint ' || conrelid::regclass::text || ' ' || conname || ' '
           || pg_get_constraintdef(oid)
    FROM pg_constraint WHERE connamespace IN (SELECT oid FROM user_namespaces)
    UNION ALL
    SELECT 'type ' || t.oid::regtype::text
    FROM pg_type t JOIN user_namespaces n ON n.oid = t.typnamespace
    UNION ALL
    SELECT 'function ' || p.oid::regprocedure::text
    FROM pg_proc p JOIN user_namespaces n ON n.oid = p.pronamespace
    UNION ALL
    SELECT 'trigger ' || tgrelid::regclass::text || ' ' || tgname
    FROM pg_trigger WHERE NOT tgisinternal
    UNION ALL
    SELECT 'revision ' || version_num FROM alembic_version
)
SELECT md5(string_agg(item, E'\\n' ORDER BY item)) FROM items
"""

_USER_TABLES = """
SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
  AND c.relname <> 'alembic_version'
"""
_FOREIGN_KEYS = "SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint"
_FOREIGN_KEYS += " WHERE contype = 'f'"
_SEQUENCES = """
SELECT format('%L', format('%I.%I', schemaname, sequencename)),
       coalesce(last_value, start_value), last_value IS NOT NULL
FROM pg_sequences WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
"""


async def _emptying(conn: asyncpg.Connection) -> str | None:
    """One transaction deleting every row (a referencing table before the one it references) and
    setting every sequence back to where the template has it: much cheaper than TRUNCATE, which
    makes new files for each table. None if the template has rows (a migration wrote some):
    its copies are not emptied and used again, but dropped."""
    tables = [row[0] for row in await conn.fetch(_USER_TABLES)]
    if tables and await conn.fetchval(
        "SELECT " + " OR ".join(f"EXISTS (SELECT FROM {table})" for table in tables)
    ):
        return None
    order = graphlib.TopologicalSorter({table: set[str]() for table in tables})
    for child, parent in await conn.fetch(_FOREIGN_KEYS):
        if child != parent and child in tables and parent in tables:
            order.add(parent, child)  # rows referring to a table go before its own
    try:
        deletes = [f"DELETE FROM {table}" for table in order.static_order()]
    except graphlib.CycleError:  # tables referring to each other: all at once
        deletes = [f"TRUNCATE {', '.join(tables)} RESTART IDENTITY"] if tables else []
    restarts = [
        f"SELECT setval({sequence}, {value}, {called})"
        for sequence, value, called in await conn.fetch(_SEQUENCES)
    ]
    return ";\n".join(["BEGIN", *deletes, *restarts, "COMMIT"])


async def _migrate(url: str, locations: tuple[str, ...]) -> None:
    db = Database(url)
    try:
        await upgrade(db, [Path(p) for p in locations])
    finally:
        await db.dispose()


def _copy_sqlite(template: str, path: Path) -> None:
    source = sqlite3.connect(template)
    target = sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _bot_url(server: URL, name: str, *, driver: str = "postgresql+asyncpg") -> str:
    return server.set(drivername=driver, database=name).render_as_string(hide_password=False)


async def _connect(server: URL | str) -> asyncpg.Connection:
    url = make_url(server) if isinstance(server, str) else server
    try:
        return await asyncpg.connect(url.render_as_string(hide_password=False), timeout=10)
    except OSError as exc:  # refused, or no answer in time
        where = url.render_as_string(hide_password=True)
        raise EngineUnavailable(
            f"no PostgreSQL to make test databases on at {where} ({exc}); start the server, or "
            f"set {ENGINE_VARIABLE} to another server's URL or to 'sqlite'"
        ) from exc


_sqlite = _SqliteTemplates()
_postgres = _PostgresPool()
