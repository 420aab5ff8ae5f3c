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
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Config, PersonConfig, installed_schemas
from bot.config.fields import _PEOPLE, _PLATFORMS, _ROLES, _unknown_role
from bot.csvfile import csv_bytes
from storage.models import Person, PlatformAccount

COLUMNS = ("id", "name", "email", "manager", "team", "roles", "accounts", "hired_on", "left_on")
"""``roles``: space-separated (``admin hr``); ``accounts``: ``platform:id`` pairs, space-separated
(``slack:U01 telegram:100001``); dates as ``2026-11-30``."""


@dataclass
class Import:
    """What a CSV file asks: valid rows (with their line), or the problems that stop it."""

    rows: list[tuple[int, PersonConfig]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def read(text: str, config: Config, roles: set[str], known: set[str], name: str) -> Import:
    """Parse and validate every row of ``text``; ``known``: the handles the directory has."""
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
        if not _bad_roles(found, name, line, person.roles, roles):
            found.rows.append((line, person))
    return found


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
    existing = {
        p.handle: p
        for p in (await session.exec(select(Person).where(col(Person.handle).in_(handles)))).all()
    }
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
) -> dict[str, Person]:
    """Write the rows (an empty cell leaves a value as it is); returns the people by handle."""
    handles = [p.id for _line, p in rows]
    people = {
        p.handle: p
        for p in (await session.exec(select(Person).where(col(Person.handle).in_(handles)))).all()
    }
    for _line, wanted in rows:
        person = people.get(wanted.id)
        if person is None:
            person = people[wanted.id] = Person(handle=wanted.id, name=wanted.id, created_at=now)
            session.add(person)
        person.name = wanted.name or person.name
        for name in ("email", "team", "timezone", "language", "hired_on"):
            if getattr(wanted, name) is not None:
                setattr(person, name, getattr(wanted, name))
        if wanted.roles:
            person.roles = ",".join(sorted(wanted.roles))
    await session.flush()
    for _line, wanted in rows:
        person = people[wanted.id]
        if wanted.manager:
            manager = (
                people.get(wanted.manager)
                or (
                    await session.exec(select(Person).where(Person.handle == wanted.manager))
                ).first()
            )
            person.manager_id = manager.id if manager else None
        for platform, account_id in wanted.accounts.items():
            found = (
                await session.exec(
                    select(PlatformAccount).where(
                        PlatformAccount.platform == platform,
                        PlatformAccount.account_id == account_id,
                    )
                )
            ).first()
            assert person.id is not None
            if found is None:
                session.add(
                    PlatformAccount(person_id=person.id, platform=platform, account_id=account_id)
                )
            else:
                found.person_id = person.id
    await session.flush()
    return people
