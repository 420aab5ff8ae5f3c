"""Writing people: new people for accounts seen on a platform, the people the config declares,
and handles kept unique (made of a platform's name for someone: ``Carol.Wu`` -> ``carol.wu``).
:class:`bot.directory.Directory` calls these inside the caller's transaction."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import bindparam, insert
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.events import Account
from bot.i18n import normalize_language
from bot.people import PersonRef
from storage.models import Person, PlatformAccount
from storage.prepared import Prepared, binds, flat, rows_of

IN_CHUNK = 500  # values per IN (...): SQLite and PostgreSQL cap a statement's parameters
_PEOPLE: sa.Table = Person.__table__  # type: ignore[attr-defined]
_ACCOUNTS: sa.Table = PlatformAccount.__table__  # type: ignore[attr-defined]

# prepared once (putting a statement together costs more than running it): people seen for the
# first time (``NEW_CHUNK`` at a time, their ids returned with their handles), their accounts,
# and the handles already taken (per number of handles asked)
NEW_CHUNK = 100
_PERSON_COLUMNS = (
    *("handle", "name", "timezone", "language", "roles"),
    *("team", "manager_id", "declared", "created_at"),
)
_ACCOUNT_COLUMNS = ("person_id", "platform", "account_id", "username", "dm_chat_id", "dm_closed")
_NEW_ACCOUNTS = Prepared(insert(_ACCOUNTS).values(binds(_ACCOUNTS, _ACCOUNT_COLUMNS)))
_HANDLE = Prepared(sa.select(_PEOPLE.c.id).where(_PEOPLE.c.handle == bindparam("handle")))


@functools.cache
def _new_people(n: int) -> Prepared:
    values = rows_of(_PEOPLE, _PERSON_COLUMNS, n)
    return Prepared(insert(_PEOPLE).values(values).returning(_PEOPLE.c.id, _PEOPLE.c.handle))


@functools.cache
def _taken(n: int) -> Prepared:
    handles = [bindparam(f"handle_{i}", type_=_PEOPLE.c.handle.type) for i in range(n)]
    return Prepared(sa.select(_PEOPLE.c.handle).where(_PEOPLE.c.handle.in_(handles)))


@dataclass(frozen=True)
class NewPerson:
    """A person just written for an account seen on a platform (no roles, team or manager)."""

    id: int
    handle: str
    name: str
    timezone: str | None
    language: str | None

    def ref(
        self, account: Account, timezone: str, language: str, leads: frozenset[str]
    ) -> PersonRef:
        """As the directory shows them: the org's zone and language unless their platform's."""
        return PersonRef(
            self.id,
            self.handle,
            self.name,
            self.timezone or timezone,
            self.language or language,
            accounts={account.platform: account.id},
            leads=leads,
        )


def account_row(person_id: int, account: Account) -> dict[str, Any]:
    """A ``platform_accounts`` row linking ``account`` to the person (its DM not opened yet)."""
    return {
        "person_id": person_id,
        "platform": account.platform,
        "account_id": account.id,
        "username": account.username,
        "dm_chat_id": None,
        "dm_closed": False,
    }


async def new_people(
    session: AsyncSession, accounts: Sequence[Account], now: datetime
) -> list[NewPerson]:
    """New people for accounts the directory does not know yet, with the name, time zone and
    language their platform gave; each gets a free handle. Written in two statements however
    many (prepared statements: no ORM objects, no flush)."""
    bases = [_handle_base(a.username or a.name or a.id) for a in accounts]
    taken = await _handles_taken(session, set(bases))
    rows: list[dict[str, Any]] = []
    for account, base in zip(accounts, bases, strict=True):
        handle = base if base not in taken else await _free_handle(session, base, taken)
        taken.add(handle)
        rows.append(
            {
                "handle": handle,
                "name": account.name or account.username or handle,
                "timezone": account.timezone,
                "language": normalize_language(account.language),
                "roles": "",
                "team": None,
                "manager_id": None,
                "declared": False,
                "created_at": now,
            }
        )
    if not rows:
        return []
    ids: dict[str, int] = {}  # by handle (unique), whatever order the rows come back in
    for i in range(0, len(rows), NEW_CHUNK):
        chunk = rows[i : i + NEW_CHUNK]
        made = await _new_people(len(chunk)).rows(session, flat(chunk))
        ids.update((handle, person_id) for person_id, handle in made)
    links = [
        account_row(person_id, account)
        for person_id, account in zip((ids[r["handle"]] for r in rows), accounts, strict=True)
    ]
    await _NEW_ACCOUNTS.each(session, links)
    return [
        NewPerson(ids[row["handle"]], row["handle"], row["name"], row["timezone"], row["language"])
        for row in rows
    ]


async def update_rows(conn: AsyncConnection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Each row's columns set, by its ``row_id``; one statement per set of columns changed."""
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        by_columns.setdefault(tuple(sorted(row)), []).append(row)
    for columns, batch in by_columns.items():
        del columns  # the SET clause is made of the keys of the parameters
        statement = sa.update(table).where(table.c.id == sa.bindparam("row_id"))
        await conn.execute(statement, batch)


async def _handles_taken(session: AsyncSession, handles: set[str]) -> set[str]:
    wanted, taken = sorted(handles), set[str]()
    for i in range(0, len(wanted), IN_CHUNK):
        chunk = wanted[i : i + IN_CHUNK]
        rows = await _taken(len(chunk)).rows(
            session, {f"handle_{i}": h for i, h in enumerate(chunk)}
        )
        taken.update(handle for (handle,) in rows)
    return taken


async def _free_handle(session: AsyncSession, base: str, taken: set[str]) -> str:
    """A handle like ``base`` no one has (in the directory, or in ``taken``)."""
    handle, n = base, 1
    while handle in taken or await _HANDLE.rows(session, {"handle": handle}):
        n += 1
        handle = f"{base}{n}"
    return handle


def _handle_base(wanted: str) -> str:
    """A handle made of a platform's name for someone: ``Carol.Wu`` -> ``carol.wu``."""
    return re.sub(r"[^a-z0-9_.-]", "", wanted.lower())[:24] or "user"


def _id(person: Person) -> int:
    assert person.id is not None  # flushed
    return person.id
