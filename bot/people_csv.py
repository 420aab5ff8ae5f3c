"""The directory as a CSV file: ``deskmate people import people.csv [--dry-run]`` and ``deskmate
people export``, in one format (:data:`COLUMNS`).

The rule that combines sources: the config's ``people:`` are the config's — a CSV row for one of
them is refused (change them in the config); everyone else is the CSV's: a row adds them or
changes what it gives (an empty cell leaves a value as it is), and ``left_on`` offboards them.
An import is all or nothing: any bad row (reported with its line and reason) and nothing of it is
applied.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Config, PersonConfig, installed_schemas
from bot.config.fields import _PEOPLE, _PLATFORMS, _ROLES, _unknown_role
from bot.csvfile import csv_bytes
from bot.roster import IN_CHUNK, update_rows
from storage.models import Person, PlatformAccount

_PEOPLE_T: sa.Table = Person.__table__  # type: ignore[attr-defined]
_ACCOUNTS_T: sa.Table = PlatformAccount.__table__  # type: ignore[attr-defined]
_INSERT_PEOPLE = sa.insert(_PEOPLE_T).returning(_PEOPLE_T.c.id, _PEOPLE_T.c.handle)
_NEW = {
    "timezone": None,
    "language": None,
    "roles": "",
    "team": None,
    "manager_id": None,
    "declared": False,
    "email": None,
    "hired_on": None,
}
_ACCOUNT_DEFAULTS = {"username": None, "dm_chat_id": None, "dm_closed": False}

COLUMNS = ("id", "name", "email", "manager", "team", "roles", "accounts", "hired_on", "left_on")
"""``roles``: space-separated (``admin hr``); ``accounts``: ``platform:id`` pairs, space-separated
(``slack:U01 telegram:100001``); dates as ``2026-11-30``."""


@dataclass
class Import:
    """What a CSV file asks: valid rows (with their line), or the problems that stop it."""

    rows: list[tuple[int, PersonConfig]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def read(
    text: str,
    config: Config,
    roles: set[str],
    known: set[str],
    name: str,
    emails: Mapping[str, str] | None = None,
) -> Import:
    """Parse and validate every row of ``text``; ``known``: the handles the directory has;
    ``emails``: its people's e-mails (lower-case) -> handle, one person's each."""
    found = Import()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in reader.fieldnames or []]
    unknown = [h for h in header if h not in COLUMNS]
    if "id" not in header or unknown:
        what = f"unknown column {unknown[0]!r}" if unknown else "no id column"
        found.problems.append(f"{name}:1 {what} — the columns are {', '.join(COLUMNS)}")
        return found
    raw = [
        (i, {k.strip(): (v or "").strip() for k, v in row.items() if k})
        for i, row in enumerate(reader, start=2)
    ]
    ids = {row.get("id", "") for _i, row in raw}
    leaving = {row.get("id", "") for _i, row in raw if row.get("left_on")}  # give e-mails up
    owners = {email: handle for email, handle in (emails or {}).items() if handle not in leaving}
    declared = {p.id for p in config.people}
    platforms = {n: s.chat_example for n, s in installed_schemas().items()}
    context = {_PEOPLE: ids | declared | known, _ROLES: roles, _PLATFORMS: platforms}
    seen: set[str] = set()
    for line, row in raw:
        person_id = row.get("id", "")
        if person_id in declared:
            found.problems.append(
                f"{name}:{line} id: {person_id!r} is declared in the config — change them there"
            )
            continue
        if person_id in seen:
            found.problems.append(f"{name}:{line} id: {person_id!r} is on an earlier line too")
            continue
        seen.add(person_id)
        try:
            person = PersonConfig.model_validate(_fields(row), context=context)
        except ValidationError as exc:
            for error in exc.errors():
                where = ".".join(str(p) for p in error["loc"]) or "row"
                found.problems.append(f"{name}:{line} {where}: {error['msg']}")
            _bad_roles(found, name, line, row.get("roles", "").replace(",", " ").split(), roles)
            continue
        except ValueError as exc:
            found.problems.append(f"{name}:{line} {exc}")
            continue
        bad = _bad_roles(found, name, line, person.roles, roles)
        if not _shared_email(found, f"{name}:{line}", person, owners) and not bad:
            found.rows.append((line, person))
    return found


def _shared_email(found: Import, where: str, person: PersonConfig, owners: dict[str, str]) -> bool:
    """Someone else has the row's e-mail (bot.matching would link an account to neither)."""
    email = (person.email or "").lower() if person.left_on is None else ""
    other = owners.setdefault(email, person.id) if email else person.id
    if other != person.id:
        found.problems.append(
            f"{where} email: {person.email!r} is also the e-mail of {other} — give each person "
            "their own: an account with that e-mail would be linked to neither"
        )
    return other != person.id


def _bad_roles(found: Import, name: str, line: int, given: list[str], roles: set[str]) -> bool:
    bad = False
    for i, role in enumerate(given):
        if role not in roles:
            found.problems.append(f"{name}:{line} roles.{i}: {_unknown_role(role, roles)}")
            bad = True
    return bad


def _fields(row: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {k: v for k, v in row.items() if v and k not in ("roles", "accounts")}
    if row.get("roles"):
        data["roles"] = row["roles"].replace(",", " ").split()
    if row.get("accounts"):
        pairs = [p.partition(":") for p in row["accounts"].split()]
        bad = [p for p, sep, v in pairs if not sep or not v]
        if bad:
            raise ValueError(f"accounts: {bad[0]!r} — write platform:id, e.g. slack:U01")
        data["accounts"] = {p: v for p, _sep, v in pairs}
    return data


@dataclass
class Plan:
    """What an import changes: people added, changed (which fields), offboarded."""

    added: list[str] = field(default_factory=list)
    changed: list[tuple[str, list[str]]] = field(default_factory=list)
    leaving: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"add {handle}" for handle in self.added]
        out += [f"change {handle}: {', '.join(fields)}" for handle, fields in self.changed]
        out += [f"offboard {handle}" for handle in self.leaving]
        return out


async def plan(session: AsyncSession, rows: Sequence[tuple[int, PersonConfig]]) -> Plan:
    handles = [p.id for _line, p in rows]
    existing: dict[str, Person] = {}
    for i in range(0, len(handles), IN_CHUNK):
        chunk = handles[i : i + IN_CHUNK]
        found = await session.exec(select(Person).where(col(Person.handle).in_(chunk)))
        existing.update({p.handle: p for p in found.all()})
    out = Plan()
    for _line, wanted in rows:
        person = existing.get(wanted.id)
        if person is None:
            out.added.append(wanted.id)
        else:
            changed = [
                name
                for name, new, old in (
                    ("name", wanted.name, person.name),
                    ("email", wanted.email, person.email),
                    ("team", wanted.team, person.team),
                    ("hired_on", wanted.hired_on, person.hired_on),
                    ("roles", set(wanted.roles), person.role_set()),
                )
                if new not in (None, set()) and new != old
            ]
            if changed:
                out.changed.append((wanted.id, changed))
        if wanted.left_on is not None and (person is None or person.left_on is None):
            out.leaving.append(wanted.id)
    return out


async def export(session: AsyncSession) -> bytes:
    """Everyone the directory has, in :data:`COLUMNS` (people who left with their ``left_on``)."""
    people = (await session.exec(select(Person).order_by(col(Person.handle)))).all()
    accounts: dict[int, list[str]] = {}
    for acc in await session.exec(select(PlatformAccount).order_by(col(PlatformAccount.id))):
        accounts.setdefault(acc.person_id, []).append(f"{acc.platform}:{acc.account_id}")
    handles = {p.id: p.handle for p in people}
    rows = [
        [
            p.handle,
            p.name,
            p.email or "",
            handles.get(p.manager_id, "") if p.manager_id else "",
            p.team or "",
            " ".join(sorted(p.role_set())),
            " ".join(accounts.get(p.id or 0, [])),
            _day(p.hired_on),
            _day(p.left_on),
        ]
        for p in people
    ]
    return csv_bytes(list(COLUMNS), rows)


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


async def apply(
    session: AsyncSession, rows: Sequence[tuple[int, PersonConfig]], now: datetime
) -> dict[str, int]:
    """Write the rows (an empty cell leaves a value as it is); returns the people's ids by
    handle. A few statements however many rows: everyone concerned read at once, a statement
    per kind of change for all rows (Core statements: ``Person`` objects loaded before are not
    refreshed)."""
    conn = await session.connection()
    wanted = {p.id: p for _line, p in rows}
    handles = sorted(set(wanted) | {p.manager for p in wanted.values() if p.manager})
    found: dict[str, Any] = {}
    for i in range(0, len(handles), IN_CHUNK):
        query = sa.select(_PEOPLE_T).where(_PEOPLE_T.c.handle.in_(handles[i : i + IN_CHUNK]))
        found.update({row.handle: row for row in await conn.execute(query)})
    new = [p for p in wanted.values() if p.id not in found]
    ids = {handle: row.id for handle, row in found.items()}
    if new:
        made = [{**_NEW, **_given(p), "handle": p.id, "created_at": now} for p in new]
        made = [{**row, "name": row.get("name") or row["handle"]} for row in made]
        inserted = await conn.execute(_INSERT_PEOPLE, made)
        ids.update({handle: person_id for person_id, handle in inserted})
    changed = []
    for p in wanted.values():
        values = _given(p) if p.id in found else {}  # the new have theirs, but managers
        if p.manager:
            values["manager_id"] = ids.get(p.manager)
        row = found.get(p.id)
        if values and (row is None or any(getattr(row, k) != v for k, v in values.items())):
            changed.append({**values, "row_id": ids[p.id]})
    await update_rows(conn, _PEOPLE_T, changed)
    await _write_accounts(conn, wanted.values(), ids)
    return ids


def _given(p: PersonConfig) -> dict[str, Any]:
    """The columns a row gives (its empty cells left out)."""
    values = {
        "name": p.name,
        "email": p.email,
        "team": p.team,
        "timezone": p.timezone,
        "language": p.language,
        "hired_on": p.hired_on,
    }
    given = {k: v for k, v in values.items() if v is not None}
    return {**given, "roles": ",".join(sorted(p.roles))} if p.roles else given


async def _write_accounts(
    conn: AsyncConnection, people: Iterable[PersonConfig], ids: dict[str, int]
) -> None:
    """Each account to its person: added, or moved from whoever had it."""
    owners = {(k, v): ids[p.id] for p in people for k, v in p.accounts.items()}
    known: dict[tuple[str, str], tuple[int, int]] = {}  # -> (row id, person id)
    for platform in sorted({k for k, _v in owners}):
        accounts = sorted(v for k, v in owners if k == platform)
        for i in range(0, len(accounts), IN_CHUNK):
            query = sa.select(_ACCOUNTS_T.c.id, _ACCOUNTS_T.c.account_id, _ACCOUNTS_T.c.person_id)
            query = query.where(
                _ACCOUNTS_T.c.platform == platform,
                _ACCOUNTS_T.c.account_id.in_(accounts[i : i + IN_CHUNK]),
            )
            known.update({(platform, a): (r, o) for r, a, o in await conn.execute(query)})
    added = [
        {"person_id": o, "platform": k, "account_id": v, **_ACCOUNT_DEFAULTS}
        for (k, v), o in owners.items()
        if (k, v) not in known
    ]
    if added:
        await conn.execute(sa.insert(_ACCOUNTS_T), added)
    moved = [
        {"person_id": o, "row_id": known[key][0]}
        for key, o in owners.items()
        if key in known and known[key][1] != o
    ]
    await update_rows(conn, _ACCOUNTS_T, moved)
