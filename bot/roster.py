"""Writing people: new people for accounts seen on a platform, the people the config declares,
and handles kept unique (made of a platform's name for someone: ``Carol.Wu`` -> ``carol.wu``).
:class:`bot.directory.Directory` calls these inside the caller's transaction."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import PersonConfig
from bot.events import Account
from bot.i18n import normalize_language
from storage.models import Person, PlatformAccount


@dataclass(frozen=True)
class RoleChange:
    """Someone's roles as the config gives them changed (recorded in the audit log)."""

    handle: str
    before: set[str]
    after: set[str]


IN_CHUNK = 500  # values per IN (...): SQLite and PostgreSQL cap a statement's parameters


async def new_people(
    session: AsyncSession, accounts: Sequence[Account], now: datetime
) -> list[tuple[Person, PlatformAccount]]:
    """New people for accounts the directory does not know yet, with the name, time zone and
    language their platform gave; each gets a free handle. Written in a few statements however
    many."""
    bases = [_handle_base(a.username or a.name or a.id) for a in accounts]
    taken = await _handles_taken(session, set(bases))
    people = []
    for account, base in zip(accounts, bases, strict=True):
        handle = base if base not in taken else await _free_handle(session, base, taken)
        taken.add(handle)
        person = Person(
            handle=handle,
            name=account.name or account.username or handle,
            timezone=account.timezone,
            language=normalize_language(account.language),
            created_at=now,
        )
        people.append(person)
    session.add_all(people)
    await session.flush()
    rows = [
        PlatformAccount(
            person_id=_id(person),
            platform=account.platform,
            account_id=account.id,
            username=account.username,
        )
        for person, account in zip(people, accounts, strict=True)
    ]
    session.add_all(rows)
    await session.flush()
    return list(zip(people, rows, strict=True))


async def write_declared(
    session: AsyncSession,
    people: Sequence[PersonConfig],
    now: datetime,
    handle_accounts: Mapping[str, Callable[[str], str]],
) -> list[RoleChange]:
    """Make the people rows match the config's ``people:``: declared people, their accounts,
    roles and managers. Someone no longer declared keeps their history but loses the roles the
    config gave them. Returns whose roles changed (for the audit log)."""
    by_handle: dict[str, Person] = {}
    changes: list[RoleChange] = []
    for pc in people:
        by_handle[pc.id] = await _upsert(session, pc, now, handle_accounts, changes)
    for pc in people:
        manager = by_handle.get(pc.manager) if pc.manager else None
        by_handle[pc.id].manager_id = manager.id if manager else None
    gone = await session.exec(
        select(Person).where(
            col(Person.declared).is_(True), col(Person.handle).not_in(list(by_handle))
        )
    )
    for person in gone.all():
        if person.roles:
            changes.append(RoleChange(person.handle, person.role_set(), set()))
        person.declared, person.roles, person.manager_id = False, "", None
    await session.flush()
    return changes


async def _upsert(
    session: AsyncSession,
    pc: PersonConfig,
    now: datetime,
    handle_accounts: Mapping[str, Callable[[str], str]],
    changes: list[RoleChange],
) -> Person:
    person = (await session.exec(select(Person).where(Person.handle == pc.id))).first()
    if person is None:  # the config is the record of a new person's first roles
        person = Person(handle=pc.id, name=pc.name or pc.id, created_at=now)
        session.add(person)
    elif person.role_set() != set(pc.roles):
        changes.append(RoleChange(pc.id, person.role_set(), set(pc.roles)))
    person.name = pc.name or pc.id
    person.timezone, person.language = pc.timezone, pc.language
    person.email, person.hired_on = pc.email, pc.hired_on
    person.roles, person.team, person.declared = ",".join(sorted(pc.roles)), pc.team, True
    await session.flush()
    assert person.id is not None
    # everyone declared can speak under their handle where the platform knows people so
    accounts = {platform: of(pc.id) for platform, of in handle_accounts.items()}
    accounts.update(pc.accounts)
    for platform, account_id in accounts.items():
        acc = (
            await session.exec(
                select(PlatformAccount).where(
                    PlatformAccount.platform == platform,
                    PlatformAccount.account_id == account_id,
                )
            )
        ).first()
        if acc is None:
            session.add(
                PlatformAccount(person_id=person.id, platform=platform, account_id=account_id)
            )
        else:
            acc.person_id = person.id
    return person


async def _handles_taken(session: AsyncSession, handles: set[str]) -> set[str]:
    wanted, taken = sorted(handles), set[str]()
    for i in range(0, len(wanted), IN_CHUNK):
        chunk = wanted[i : i + IN_CHUNK]
        rows = await session.exec(select(Person.handle).where(col(Person.handle).in_(chunk)))
        taken.update(rows.all())
    return taken


async def _free_handle(session: AsyncSession, base: str, taken: set[str]) -> str:
    """A handle like ``base`` no one has (in the directory, or in ``taken``)."""
    handle, n = base, 1
    while (
        handle in taken
        or (await session.exec(select(Person.id).where(Person.handle == handle))).first()
    ):
        n += 1
        handle = f"{base}{n}"
    return handle


def _handle_base(wanted: str) -> str:
    """A handle made of a platform's name for someone: ``Carol.Wu`` -> ``carol.wu``."""
    return re.sub(r"[^a-z0-9_.-]", "", wanted.lower())[:24] or "user"


def _id(person: Person) -> int:
    assert person.id is not None  # flushed
    return person.id
