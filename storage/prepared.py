"""Prepared statements: the few statements every event runs, on the DBAPI cursor.

SQLAlchemy's execution of a statement (the session, the execution context, the result and its
rows) costs 50-150 µs of Python whatever the statement does, several times what SQLite takes to
run it. A :class:`Prepared` is a Core statement compiled once per dialect, with its columns' bind
processors (a ``UTCDateTime`` is turned into what the driver takes as SQLAlchemy would); running
it takes the DBAPI cursor of the session's connection, in the session's transaction (and in the
handler's savepoint if one is open: the connection is asked of the session first, which begins
both), and hands back tuples whose values are typed as the ORM types them (a date, a
datetime, a boolean, from SQLite's text and integers: the columns' result processors).

Only for statements whose parameters are all named binds (no expanding ``IN``, no
``literal_execute``), built at import or once per shape. A statement that differs by database
(``INSERT … ON CONFLICT`` of ``sqlalchemy.dialects.sqlite`` and ``…postgresql``) is given as a
mapping of dialect names to statements. A driver's error is raised as SQLAlchemy's
(``sqlalchemy.exc.IntegrityError`` and the others), as a session would.

Skills reach it as ``bot.Prepared`` (see docs/writing-skills.md, "Statements on the hot path").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, bindparam, exc
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.schema import ScalarElementColumnDefault
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.inline_sqlite import InlineConnection

Params = Mapping[str, Any]
_INLINE = "deskmate.prepared.inline"  # in session.info: (its transaction, the SQLite connection)


Processor = Callable[[Any], Any] | None


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]  # the binds, in the order the driver takes them
    processors: tuple[Processor, ...]
    results: tuple[Processor, ...] | None  # each column's result processor (None: none has one)
    fixed: dict[str, Any]  # the binds whose value is known (a LIMIT, a column default: _fixed)
    plain: bool  # no bind processors: the values go to the driver as they are

    def typed(self, rows: Sequence[Sequence[Any]]) -> list[tuple[Any, ...]]:
        results = self.results
        if results is None:
            return [tuple(row) for row in rows]
        return [
            tuple(v if p is None else p(v) for v, p in zip(row, results, strict=True))
            for row in rows
        ]

    def args(self, params: Params) -> tuple[Any, ...]:
        if self.fixed:
            params = {**self.fixed, **params}
        if self.plain:
            return tuple([params[name] for name in self.names])
        return tuple(
            [
                params[name] if process is None else process(params[name])
                for name, process in zip(self.names, self.processors, strict=True)
            ]
        )


class Prepared:
    """A Core statement compiled once per dialect, run on the DBAPI cursor of a session.

    ``statement``: a Core statement whose parameters are named binds (``bindparam("day")``; in
    ``values()`` and comparisons with a column they take the column's type), or a mapping of
    dialect names (``"sqlite"``, ``"postgresql"``) to such statements."""

    def __init__(self, statement: ClauseElement | Mapping[str, ClauseElement]) -> None:
        self.statement = statement
        self._compiled: dict[str, _Compiled] = {}

    def compiled(self, dialect: Dialect) -> _Compiled:
        found = self._compiled.get(dialect.name)
        if found is None:
            statement = self.statement
            if isinstance(statement, Mapping):
                if dialect.name not in statement:
                    raise ValueError(f"no statement for {dialect.name}: only {sorted(statement)}")
                statement = statement[dialect.name]
            compiled = cast(SQLCompiler, statement.compile(dialect=dialect))
            names = tuple(compiled.positiontup or ())
            if "POSTCOMPILE" in compiled.string or (not names and compiled.binds):
                raise ValueError(f"not a statement to prepare: {compiled.string}")
            processors = tuple(
                compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
                for name in names
            )
            returned = getattr(statement, "exported_columns", ())
            results = tuple(
                c.type.dialect_impl(dialect).result_processor(dialect, None) for c in returned
            )
            typed = results if any(p is not None for p in results) else None
            fixed, plain = _fixed(compiled, names), not any(processors)
            found = _Compiled(compiled.string, names, processors, typed, fixed, plain)
            self._compiled[dialect.name] = found
        return found

    async def rows(self, session: AsyncSession, params: Params) -> list[tuple[Any, ...]]:
        """Run it once; the rows it returns (``SELECT``, ``RETURNING``) as tuples, their values
        typed as the columns are."""
        rows: list[tuple[Any, ...]] = await self._go(session, [params], True)
        return rows

    async def run(self, session: AsyncSession, params: Params) -> int:
        """Run it once; the number of rows it changed."""
        changed: int = await self._go(session, [params], False)
        return changed

    async def each(self, session: AsyncSession, many: Sequence[Params]) -> None:
        """Run it once per set of parameters (``executemany``: one call, no rows back)."""
        if many:
            await self._go(session, many, None)

    async def _go(self, session: AsyncSession, many: Sequence[Params], fetch: bool | None) -> Any:
        if session.sync_session.autoflush and (session.new or session.dirty or session.deleted):
            await session.flush()  # as session.exec would: the ORM's pending writes go first
        inline = await _inline(session)
        if inline is None:  # PostgreSQL: the DBAPI cursor, in SQLAlchemy's greenlet
            return await session.run_sync(self._run, many, fetch)
        sqlite, dialect = inline  # SQLite: in the loop's thread, no greenlet
        compiled = self.compiled(dialect)
        args = [compiled.args(p) for p in many]
        try:
            rows, changed = await sqlite.execute(compiled.sql, args, many=fetch is None)
        except dialect.loaded_dbapi.Error as error:
            raise _wrapped(dialect, compiled.sql, many, error) from error
        return compiled.typed(rows) if fetch else changed if fetch is False else None

    def _run(self, session: Session, many: Sequence[Params], fetch: bool | None) -> Any:
        connection = session.connection()  # begins the transaction, and a pending savepoint
        compiled = self.compiled(connection.dialect)
        cursor = connection.connection.cursor()
        try:
            if fetch is None:
                cursor.executemany(compiled.sql, [compiled.args(p) for p in many])
                return None
            cursor.execute(compiled.sql, compiled.args(many[0]))
            if fetch:
                rows = cursor.fetchall() if cursor.description is not None else []
                return compiled.typed(rows)
            return cursor.rowcount
        except connection.dialect.loaded_dbapi.Error as error:
            raise _wrapped(connection.dialect, compiled.sql, many, error) from error
        finally:
            cursor.close()


def _fixed(compiled: SQLCompiler, names: Sequence[str]) -> dict[str, Any]:
    """The binds whose value is known when compiling: a literal's (a ``LIMIT``), and a column's
    scalar default (``Field(default=5)``) or ``onupdate`` where the statement leaves the column
    out. A default computed in Python (a ``default_factory``) is not: the caller gives it."""
    defaults = {c.key: c.default for c in compiled.insert_prefetch}
    defaults.update({c.key: c.onupdate for c in compiled.update_prefetch})
    fixed: dict[str, Any] = {}
    for name in names:
        default = defaults.get(name)
        if default is not None:
            if isinstance(default, ScalarElementColumnDefault):
                fixed[name] = default.arg
        elif not compiled.binds[name].required:
            fixed[name] = compiled.binds[name].effective_value
    return fixed


async def _inline(session: AsyncSession) -> tuple[InlineConnection, Dialect] | None:
    """The session's SQLite connection (None on another engine), inside its transaction and
    innermost savepoint: asked of the session once per (sub)transaction, which begins them."""
    sync = session.sync_session
    cached = session.info.get(_INLINE)
    if cached is not None and cached[0] is (
        sync.get_nested_transaction() or sync.get_transaction()
    ):
        return cast(tuple[InlineConnection, Dialect] | None, cached[1])
    connection = await session.connection()
    driver = connection.sync_connection.connection.driver_connection  # type: ignore[union-attr]
    found = (driver, connection.dialect) if isinstance(driver, InlineConnection) else None
    current = sync.get_nested_transaction() or sync.get_transaction()
    session.info[_INLINE] = (current, found)
    return found


def _wrapped(
    dialect: Dialect, sql: str, many: Sequence[Params], error: Exception
) -> exc.DBAPIError:
    dbapi = dialect.loaded_dbapi
    params = list(many) if len(many) > 1 else dict(many[0])
    wrapped = exc.DBAPIError.instance(sql, params, error, dbapi.Error)
    assert isinstance(wrapped, exc.DBAPIError)
    return wrapped


def binds(table: Table, columns: Sequence[str], suffix: str = "") -> dict[str, Any]:
    """Typed binds for ``insert(table).values(...)`` of these columns, named
    ``<column><suffix>``."""
    return {name: bindparam(f"{name}{suffix}", type_=table.c[name].type) for name in columns}


def rows_of(table: Table, columns: Sequence[str], n: int) -> list[dict[str, Any]]:
    """``n`` rows of typed binds for a multi-row ``insert(table).values(...)``: the binds of row
    ``i`` are named ``<column>_<i>`` (see :func:`flat`)."""
    return [binds(table, columns, f"_{i}") for i in range(n)]


def flat(rows: Sequence[Params]) -> dict[str, Any]:
    """The parameters of :func:`rows_of`'s binds for these rows."""
    return {f"{name}_{i}": value for i, row in enumerate(rows) for name, value in row.items()}
