"""People as a platform's own directory describes them (Slack's ``users.list``, and its events
when a profile changes): :class:`ProfileSync` updates the people the directory knows by those
accounts and offboards the ones deactivated there.

The rule that combines it with the other sources: **the config's people are the config's** —
their name, time zone, language and e-mail stay as the config writes them, whatever the platform
says; a platform updates the people the config does not declare, and only with what it gives (no
e-mail without the scope to read it: the one known stays). Accounts the directory does not know
are left alone (a person is made of one when it is first seen, as before). A deactivated account
offboards its person, declared or not, once, with the platform as the source; their work goes to
their manager and the admins get the summary.

A platform's directory is read at start and every
:meth:`~bot.adapter.KeepsDirectory.directory_every` by the instance that runs the periodic jobs (one
read of a large workspace, paced by the platform, rather than one per instance); what the platform
pushes comes to whichever instance it reaches.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import matching, queries
from bot.adapter import Adapter, KeepsDirectory
from bot.clock import Clock
from bot.directory import IN_CHUNK, Directory
from bot.events import Profile
from bot.handover import Handover
from bot.i18n import normalize_language
from bot.job_context import Outbox
from bot.matching import Conflict
from bot.messages import Message
from bot.roster import update_rows
from bot.scheduler import JobFunc, Scheduler
from storage import Database
from storage.leader import Leadership, claim_run
from storage.models import Person, PlatformAccount

log = logging.getLogger(__name__)

Offboard = Callable[..., Awaitable[Handover | None]]  # Bot.offboard(person_id, source=...)
_PEOPLE: sa.Table = Person.__table__  # type: ignore[attr-defined]
_ACCOUNTS: sa.Table = PlatformAccount.__table__  # type: ignore[attr-defined]
_KNOWN = (
    sa.select(
        _ACCOUNTS.c.id.label("account_row"),
        _ACCOUNTS.c.account_id,
        _ACCOUNTS.c.username,
        _PEOPLE.c.id,
        _PEOPLE.c.name,
        _PEOPLE.c.timezone,
        _PEOPLE.c.language,
        _PEOPLE.c.email,
        _PEOPLE.c.declared,
        _PEOPLE.c.left_on,
    )
    .join(_PEOPLE, _PEOPLE.c.id == _ACCOUNTS.c.person_id)
    .where(
        _ACCOUNTS.c.platform == sa.bindparam("platform"),
        _ACCOUNTS.c.account_id.in_(sa.bindparam("accounts", expanding=True)),
    )
)


class ProfileSync:
    """Reads the platforms' directories (scheduled) and applies what they say (also what an
    adapter hands in through :meth:`~bot.adapter.AdapterHost.profiles`)."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        leadership: Leadership,
        directory: Directory,
        offboard: Offboard,
        outbox: Outbox,
    ) -> None:
        self.db, self.clock, self.leadership = db, clock, leadership
        self.directory = directory
        self.offboard = offboard
        self.outbox = outbox
        self._reads: set[asyncio.Task[bool]] = set()  # the reads at start, under way

    def schedule(self, scheduler: Scheduler, adapters: Iterable[Adapter]) -> None:
        """A periodic job per platform whose directory is turned on."""
        for platform, adapter in _keeping(adapters):
            every = adapter.directory_every()
            assert every is not None
            scheduler.add(f"directory.{platform}", self.job(platform, adapter), every=every)

    def start(self, adapters: Iterable[Adapter]) -> None:
        """Read each directory now (once the adapters have started), in the background."""
        for platform, adapter in _keeping(adapters):
            task = asyncio.get_running_loop().create_task(self._read(platform, adapter))
            self._reads.add(task)
            task.add_done_callback(self._reads.discard)

    async def _read(self, platform: str, adapter: KeepsDirectory) -> bool:
        return await self.job(platform, adapter)(self.clock.now())

    async def settled(self) -> None:
        """Wait for the reads started at start (tests)."""
        while self._reads:
            await asyncio.gather(*self._reads, return_exceptions=True)

    async def stop(self) -> None:
        for task in list(self._reads):
            task.cancel()
        await self.settled()

    def job(self, platform: str, adapter: KeepsDirectory) -> JobFunc:
        """Read ``adapter``'s directory for a due time, on the leader, once per due time."""
        name = f"directory.{platform}"

        async def run(due: datetime) -> bool:
            if not await self.leadership.held():
                return False  # the leader reads it
            async with self.db.transaction() as session:
                if not await claim_run(session, name, due, self.clock.now()):
                    return True
            try:  # never inside a transaction: a large directory takes minutes to page
                found = await adapter.directory()
            except Exception:
                log.exception("could not read the directory of %s", name)
                return True
            await self.apply(found)
            log.info("%s: %d accounts read", name, len(found))
            return True

        return run

    async def apply(self, found: Sequence[Profile]) -> None:
        """Update the people known by these accounts; link the others to the person with their
        e-mail (:mod:`bot.matching`); offboard the deactivated (each in a transaction of its
        own; someone offboarded already is left alone)."""
        by_platform: dict[str, list[Profile]] = {}
        for profile in found:
            by_platform.setdefault(profile.account.platform, []).append(profile)
        leaving: list[tuple[int, str]] = []
        changed = False
        async with self.db.transaction() as session:
            conn = await session.connection()
            strangers: list[Profile] = []
            for platform, profiles in by_platform.items():
                wrote, gone = await _update_known(conn, platform, profiles, strangers)
                changed = changed or wrote
                leaving += [(person_id, platform) for person_id in gone]
            changed = await self._match(session, strangers) or changed
        if changed:  # names and languages changed: senders are read again
            self.directory.forget()
        for person_id, platform in leaving:
            try:
                await self.offboard(person_id, source=platform)
            except Exception:
                log.exception(
                    "could not offboard person %s (deactivated on %s)", person_id, platform
                )

    async def _match(self, session: AsyncSession, strangers: Sequence[Profile]) -> bool:
        """Link the accounts not known yet whose e-mail is one person's to them; tell the admins
        of an e-mail several people have (once per conflict: the audit log remembers it across
        restarts). Whether any was linked."""
        accounts = [replace(p.account, email=p.email) for p in strangers if p.active and p.email]
        matched = await matching.match(session, accounts)
        await matching.link(session, matched.found)
        conflicts = await matching.untold(session, matched.conflicts)
        ids = await queries.ids_with_role(session, "admin") if conflicts else []
        admins = await self.directory.members(session, ids) if ids else []
        for conflict, admin in itertools.product(conflicts, admins):
            told = _conflict(conflict)
            await self.outbox.enqueue(session, admin, told, skill="directory", sender=None)
        if admins:  # remembered once told: an admin named later hears of it
            matching.told(session, conflicts, self.clock.now())
        return bool(matched.found)


def _conflict(conflict: Conflict) -> Message:
    return Message(matching.warning(conflict))


def _keeping(adapters: Iterable[Adapter]) -> list[tuple[str, KeepsDirectory]]:
    """The adapters whose platform's directory is turned on, by platform."""
    return [
        (a.platform, a)
        for a in adapters
        if isinstance(a, KeepsDirectory) and a.directory_every() is not None
    ]


async def _update_known(
    conn: AsyncConnection, platform: str, profiles: Sequence[Profile], strangers: list[Profile]
) -> tuple[bool, list[int]]:
    """Write what changed of the people known by these accounts (the config's people: only
    their usernames): whether anything did, and the ids of those deactivated who have not left
    yet. The profiles of accounts not known are added to ``strangers``."""
    ids = [p.account.id for p in profiles]
    rows: dict[str, Any] = {}
    for i in range(0, len(ids), IN_CHUNK):
        params = {"platform": platform, "accounts": ids[i : i + IN_CHUNK]}
        rows.update({row.account_id: row for row in await conn.execute(_KNOWN, params)})
    people: list[dict[str, Any]] = []
    accounts: list[dict[str, Any]] = []
    gone: list[int] = []
    for profile in profiles:
        row = rows.get(profile.account.id)
        if row is None:
            strangers.append(profile)
            continue
        if not profile.active:
            if row.left_on is None:
                gone.append(row.id)
            continue
        account = profile.account
        if account.username and account.username != row.username:
            accounts.append({"username": account.username, "row_id": row.account_row})
        changed = {} if row.declared else _changes(row, profile)
        if changed:
            people.append({**changed, "row_id": row.id})
    # in the order of their ids: two instances writing the same rows take their locks alike
    await update_rows(conn, _PEOPLE, sorted(people, key=lambda r: int(r["row_id"])))
    await update_rows(conn, _ACCOUNTS, sorted(accounts, key=lambda r: int(r["row_id"])))
    return bool(people or accounts), gone


def _changes(row: Any, profile: Profile) -> dict[str, Any]:
    """The columns of an undeclared person the profile changes (what it leaves empty stays)."""
    account = profile.account
    given = {
        "name": account.name[:200],
        "timezone": account.timezone,
        "language": normalize_language(account.language),
        "email": profile.email.lower() if profile.email else None,
    }
    return {key: value for key, value in given.items() if value and getattr(row, key) != value}
