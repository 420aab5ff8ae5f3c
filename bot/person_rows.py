"""Who is behind an account, read as columns: every event asks it for its sender, and a sender
never seen before (a whole office's first ``/in``) asks it for nothing. One prepared statement
(:mod:`storage.prepared`) joins the person to all their accounts; its values are typed as the ORM
types them (dates and booleans from SQLite's text and integers) and no ORM object is made."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy import bindparam
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.people import PersonRef
from storage.models import Person, PlatformAccount
from storage.prepared import Prepared

_PEOPLE: sa.Table = Person.__table__  # type: ignore[attr-defined]
_ACCOUNTS: sa.Table = PlatformAccount.__table__  # type: ignore[attr-defined]


class Row(NamedTuple):
    """A person's columns with one of their accounts (a row per account)."""

    id: int
    handle: str
    name: str
    timezone: str | None
    language: str | None
    roles: str
    team: str | None
    manager_id: int | None
    email: str | None
    hired_on: date | None
    left_on: date | None
    prefers: str | None
    platform: str
    account_id: str
    dm_closed: bool


_THIS = _ACCOUNTS.alias("this")
_PERSON = [_PEOPLE.c[name] for name in Row._fields[:12]]
_ACCOUNT = [_ACCOUNTS.c.platform, _ACCOUNTS.c.account_id, _ACCOUNTS.c.dm_closed]
_STATEMENT = (
    sa.select(*_PERSON, *_ACCOUNT)
    .select_from(
        _PEOPLE.join(_THIS, _THIS.c.person_id == _PEOPLE.c.id).join(
            _ACCOUNTS, _ACCOUNTS.c.person_id == _PEOPLE.c.id
        )
    )
    .where(_THIS.c.platform == bindparam("platform"), _THIS.c.account_id == bindparam("account_id"))
)
_BY_ACCOUNT = Prepared(_STATEMENT)


async def by_account(session: AsyncSession, platform: str, account_id: str) -> list[Row]:
    """The person behind the account, a row for each of their accounts (none: nobody)."""
    rows = await _BY_ACCOUNT.rows(session, {"platform": platform, "account_id": account_id})
    return list(map(Row._make, rows))


def ref(
    rows: Sequence[Row], timezone: str, language: str, leads: Callable[[str], frozenset[str]]
) -> PersonRef:
    """The person of :func:`by_account`'s rows as the directory shows them."""
    accounts = {r.platform: r.account_id for r in rows}
    return person_ref(rows[0], accounts, timezone, language, leads)


def person_ref(
    p: Person | Row,
    accounts: dict[str, str],
    timezone: str,
    language: str,
    leads: Callable[[str], frozenset[str]],
) -> PersonRef:
    """A person as the directory shows them: the org's zone and language unless their own; no
    roles once they left."""
    assert p.id is not None  # (a stored person)
    return PersonRef(
        id=p.id,
        handle=p.handle,
        name=p.name,
        timezone=p.timezone or timezone,
        language=p.language or language,
        roles=frozenset() if p.left_on else frozenset(r for r in p.roles.split(",") if r),
        accounts=accounts,
        team=p.team,
        manager_id=p.manager_id,
        leads=leads(p.handle),
        email=p.email,
        hired_on=p.hired_on,
        left_on=p.left_on,
        prefers=p.prefers,
    )
