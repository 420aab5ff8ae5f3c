"""Writing the people the config declares (``people:``): their rows, accounts, roles and
managers made to match it at each start. :meth:`bot.directory.Directory.sync` calls
:func:`write_declared` inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import PersonConfig
from bot.roster import update_rows
from storage.models import Person, PlatformAccount

_PEOPLE: sa.Table = Person.__table__  # type: ignore[attr-defined]
_ACCOUNTS: sa.Table = PlatformAccount.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class RoleChange:
    """Someone's roles as the config gives them changed (recorded in the audit log)."""

    handle: str
    before: set[str]
    after: set[str]


async def write_declared(
    session: AsyncSession,
    people: Sequence[PersonConfig],
    now: datetime,
    handle_accounts: Mapping[str, Callable[[str], str]],
) -> list[RoleChange]:
    """Make the people rows match the config's ``people:``: declared people, their accounts,
    roles and managers. Someone no longer declared keeps their history but loses the roles the
    config gave them. Returns whose roles changed (for the audit log).

    Everyone and every account is read in two queries, compared with the config, and only what
    differs is written, a statement per kind of change for all rows at once: a start with the
    directory unchanged reads and writes nothing else. The rows are written by Core statements,
    so ``Person`` objects this session loaded before are not refreshed."""
    conn = await session.connection()
    rows = {row.handle: row for row in (await conn.execute(sa.select(_PEOPLE))).all()}
    ids = {handle: row.id for handle, row in rows.items()}
    new = [pc for pc in people if pc.id not in rows]
    if new:
        made = [{**_declared_values(pc), "handle": pc.id, "created_at": now} for pc in new]
        inserted = await conn.execute(
            sa.insert(_PEOPLE).returning(_PEOPLE.c.id, _PEOPLE.c.handle), made
        )
        ids.update({handle: person_id for person_id, handle in inserted.all()})
    await update_rows(conn, _PEOPLE, _changed_people(people, rows, ids))
    await _write_accounts(conn, _declared_accounts(people, ids, handle_accounts))
    return _role_changes(people, rows)


def _role_changes(
    people: Sequence[PersonConfig], rows: Mapping[str, sa.Row[Any]]
) -> list[RoleChange]:
    """Whose roles the config changed: people it had before (a new person's first roles are
    recorded by the config itself), and people no longer declared, who lose theirs."""
    changes = []
    for pc in people:
        if pc.id in rows and _role_set(rows[pc.id].roles) != set(pc.roles):
            changes.append(RoleChange(pc.id, _role_set(rows[pc.id].roles), set(pc.roles)))
    declared = {pc.id for pc in people}
    for handle, row in rows.items():
        if row.declared and handle not in declared and row.roles:
            changes.append(RoleChange(handle, _role_set(row.roles), set()))
    return changes


def _role_set(roles: str) -> set[str]:
    return {role for role in roles.split(",") if role}


def _changed_people(
    people: Sequence[PersonConfig], rows: Mapping[str, sa.Row[Any]], ids: Mapping[str, int]
) -> list[dict[str, Any]]:
    """What to write to make the rows (by handle) match the config: each changed row's columns
    and its ``row_id``. People just added get their manager (they have the rest)."""
    changed = []
    left = {r.id: (r.successor_id, r.manager_id) for r in rows.values() if r.left_on is not None}
    for pc in people:
        standing = _standing(ids.get(pc.id), ids.get(pc.manager or ""), left)
        manager: dict[str, Any] = {"manager_id": standing}
        row = rows.get(pc.id)
        if row is None:
            if manager["manager_id"] is not None:
                changed.append({**manager, "row_id": ids[pc.id]})
            continue
        wanted = {**_declared_values(pc), **manager}
        if any(getattr(row, key) != value for key, value in wanted.items()):
            changed.append({**wanted, "row_id": row.id})
    declared = {pc.id for pc in people}
    undeclared = {"declared": False, "roles": "", "manager_id": None}
    changed += [
        {**undeclared, "row_id": row.id}
        for handle, row in rows.items()
        if row.declared and handle not in declared
    ]
    return changed


def _standing(
    person_id: int | None, manager_id: int | None, left: Mapping[int, tuple[int | None, int | None]]
) -> int | None:
    """The config's manager, or, when they have left, whoever took their work over (their
    successor's successor when that one left too): an offboarding's move of their reports stays
    at the next start, whatever the config still says. ``left``: who left -> (successor, their
    manager). The successor of their own manager reports to that one's manager, as offboarding
    made them: no one is their own manager."""
    seen: set[int] = set()
    while manager_id is not None and manager_id in left and manager_id not in seen:
        seen.add(manager_id)
        heir, own = left[manager_id]
        manager_id = own if heir == person_id else heir
    return None if manager_id in seen or manager_id == person_id else manager_id


def _declared_values(pc: PersonConfig) -> dict[str, Any]:
    """The columns of a declared person's row that the config gives (a new field goes here)."""
    return {
        "name": pc.name or pc.id,
        "timezone": pc.timezone,
        "language": pc.language,
        "email": pc.email,
        "hired_on": pc.hired_on,
        "roles": ",".join(sorted(pc.roles)),
        "team": pc.team,
        "declared": True,
    }


def _declared_accounts(
    people: Sequence[PersonConfig],
    ids: Mapping[str, int],
    handle_accounts: Mapping[str, Callable[[str], str]],
) -> dict[tuple[str, str], int]:
    """``(platform, account id) -> person id`` of every account the config gives someone."""
    owners: dict[tuple[str, str], int] = {}
    for pc in people:
        # everyone declared can speak under their handle where the platform knows people so
        accounts = {platform: of(pc.id) for platform, of in handle_accounts.items()}
        accounts.update(pc.accounts)
        for platform, account_id in accounts.items():
            owners[platform, account_id] = ids[pc.id]
    return owners


async def _write_accounts(conn: AsyncConnection, owners: Mapping[tuple[str, str], int]) -> None:
    """Add the accounts not there yet; give those that are to the person the config names."""
    read = sa.select(_ACCOUNTS.c.id, _ACCOUNTS.c.platform, _ACCOUNTS.c.account_id)
    found = await conn.execute(read.add_columns(_ACCOUNTS.c.person_id))
    known = {(platform, account): (row_id, owner) for row_id, platform, account, owner in found}
    added, moved = [], []
    for (platform, account_id), person_id in owners.items():
        if (platform, account_id) not in known:
            added.append({"person_id": person_id, "platform": platform, "account_id": account_id})
        elif known[platform, account_id][1] != person_id:
            moved.append({"person_id": person_id, "row_id": known[platform, account_id][0]})
    if added:
        defaults = {"username": None, "dm_chat_id": None, "dm_closed": False}
        await conn.execute(sa.insert(_ACCOUNTS), [{**defaults, **row} for row in added])
    await update_rows(conn, _ACCOUNTS, moved)
