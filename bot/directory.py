"""The directory of people: declared in the config, or created the first time they are seen.

Every lookup returns a :class:`PersonRef`; handlers never touch the rows. The chats part (where
people are, and the language each chat reads) is :class:`bot.chats.Chats`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import matching, person_rows
from bot.chats import ChatLanguage, Chats
from bot.clock import Clock
from bot.config import Config, PersonConfig
from bot.declared import RoleChange, write_declared
from bot.events import Account
from bot.people import PersonRef
from bot.roster import IN_CHUNK, new_people
from bot.suggest import closest_person
from storage.engine import after_commit
from storage.models import Person, PlatformAccount

__all__ = ["IN_CHUNK", "SENDER_SECONDS", "ChatLanguage", "Directory"]

# built once: putting a statement together costs more than running it
_ACCOUNT = select(PlatformAccount).where(
    PlatformAccount.platform == bindparam("platform"),
    PlatformAccount.account_id == bindparam("account_id"),
)


# How long this process trusts what it remembers of a sender (another instance may change them)
SENDER_SECONDS = 60.0


@dataclass(frozen=True)
class _Sender:
    """What every event needs to know of its sender, remembered once committed."""

    person: PersonRef
    dm_open: bool  # this account's DM with the bot is known to work
    until: float  # time.monotonic() after which it is read again


class Directory(Chats):
    """People and chats, read and written inside the caller's transaction.

    Every event asks who sent it, in which chat, and whether they are a member: the answers are
    remembered by this process once the transaction that read or wrote them commits (never after
    a rollback). Chats are never deleted, so a chat is remembered for good; a sender for
    ``SENDER_SECONDS`` (another instance may change them; this one forgets at once when it
    does: the config's ``people:`` synced, a DM found closed)."""

    def __init__(
        self,
        config: Config,
        clock: Clock,
        handle_accounts: Mapping[str, Callable[[str], str]] | None = None,
    ) -> None:
        super().__init__(config, clock)
        # platforms where everyone declared has an account made of their handle (the console,
        # the test harness): platform -> handle to account id (read at each sync)
        self.handle_accounts = handle_accounts if handle_accounts is not None else {}
        self._senders: dict[tuple[str, str], _Sender] = {}  # (platform, account id) ->

    # --- reading ------------------------------------------------------------------------------

    async def get(self, session: AsyncSession, person_id: int) -> PersonRef | None:
        person = await session.get(Person, person_id)
        return await self._ref(session, person) if person else None

    async def by_handle(self, session: AsyncSession, handle: str) -> PersonRef | None:
        person = (await session.exec(select(Person).where(Person.handle == handle.lower()))).first()
        return await self._ref(session, person) if person else None

    async def by_account(
        self, session: AsyncSession, platform: str, account_id: str
    ) -> PersonRef | None:
        """The person behind an account, with all their accounts, in one query (every event
        asks it for its sender: :mod:`bot.person_rows`)."""
        rows = await person_rows.by_account(session, platform, account_id)
        return self._row_ref(rows) if rows else None

    def _row_ref(self, rows: Sequence[person_rows.Row]) -> PersonRef:
        org = self.config.org
        return person_rows.ref(rows, org.timezone, org.language, self.config.teams_led_by)

    async def by_accounts(
        self, session: AsyncSession, platform: str, account_ids: Sequence[str]
    ) -> dict[str, PersonRef]:
        """The people behind those of ``account_ids`` the directory knows, by account id (three
        queries per ``IN_CHUNK`` accounts, however many)."""
        owners: dict[str, int] = {}
        for i in range(0, len(account_ids), IN_CHUNK):
            chunk = list(account_ids[i : i + IN_CHUNK])
            rows = await session.exec(
                select(PlatformAccount.account_id, PlatformAccount.person_id).where(
                    PlatformAccount.platform == platform,
                    col(PlatformAccount.account_id).in_(chunk),
                )
            )
            owners.update(dict(rows.all()))
        people: dict[int, PersonRef] = {}
        wanted = list(set(owners.values()))
        for i in range(0, len(wanted), IN_CHUNK):
            people.update({p.id: p for p in await self.members(session, wanted[i : i + IN_CHUNK])})
        return {account: people[person] for account, person in owners.items() if person in people}

    async def by_username(
        self, session: AsyncSession, platform: str, username: str
    ) -> PersonRef | None:
        """A platform username (``@bob`` on Telegram), else a directory handle."""
        acc = (
            await session.exec(
                select(PlatformAccount).where(
                    PlatformAccount.platform == platform,
                    func.lower(PlatformAccount.username) == username.lower(),
                )
            )
        ).first()
        if acc:
            return await self.get(session, acc.person_id)
        return await self.by_handle(session, username)

    async def closest(
        self, session: AsyncSession, platform: str, typed: str
    ) -> tuple[str, str] | None:
        """Whom an unknown ``@typed`` most likely meant: the person whose username here,
        handle or display name (or a word of it: ``@erin`` for Erin Xu) is nearest. Returns
        how to mention them here (``@bob``) and their name; ``None`` when nobody is close."""
        people = (await session.exec(select(Person.id, Person.handle, Person.name))).all()
        usernames = (
            await session.exec(
                select(PlatformAccount.person_id, PlatformAccount.username).where(
                    PlatformAccount.platform == platform,
                    col(PlatformAccount.username).is_not(None),
                )
            )
        ).all()
        return closest_person(typed, people, usernames)

    async def team(self, session: AsyncSession, name: str) -> list[PersonRef]:
        ids = (await session.exec(select(Person.id).where(Person.team == name))).all()
        return await self.members(session, [i for i in ids if i is not None])

    async def team_leads(self, session: AsyncSession, name: str) -> list[PersonRef]:
        team = self.config.teams.get(name)
        found = [await self.by_handle(session, handle) for handle in team.leads] if team else []
        return [p for p in found if p is not None]

    async def account(
        self, session: AsyncSession, platform: str, account_id: str | None
    ) -> PlatformAccount | None:
        if account_id is None:
            return None
        params = {"platform": platform, "account_id": account_id}
        return (await session.exec(_ACCOUNT, params=params)).first()

    async def reachable(self, session: AsyncSession, platform: str, account_id: str) -> None:
        """They wrote to the bot privately: DMs work now."""
        found = await self.account(session, platform, account_id)
        if found is not None and found.dm_closed:
            found.dm_closed = False

    async def members(self, session: AsyncSession, ids: Iterable[int]) -> list[PersonRef]:
        """People by id, in two queries however many there are."""
        wanted = list(set(ids))
        rows = (await session.exec(select(Person).where(col(Person.id).in_(wanted)))).all()
        accounts = (
            await session.exec(
                select(PlatformAccount).where(col(PlatformAccount.person_id).in_(wanted))
            )
        ).all()
        by_person: dict[int, list[PlatformAccount]] = {}
        for acc in accounts:
            by_person.setdefault(acc.person_id, []).append(acc)
        return [self._make_ref(p, by_person.get(p.id or 0, [])) for p in rows]

    async def _ref(self, session: AsyncSession, person: Person) -> PersonRef:
        accounts = (
            await session.exec(
                select(PlatformAccount).where(PlatformAccount.person_id == person.id)
            )
        ).all()
        return self._make_ref(person, list(accounts))

    def _make_ref(self, person: Person, accounts: list[PlatformAccount]) -> PersonRef:
        org = self.config.org
        return person_rows.person_ref(
            person,
            {a.platform: a.account_id for a in accounts},
            org.timezone,
            org.language,
            self.config.teams_led_by,
        )

    # --- writing ------------------------------------------------------------------------------

    async def resolve_sender(
        self, session: AsyncSession, account: Account, *, in_dm: bool = False
    ) -> PersonRef:
        """The person behind a platform account; created on first sight. ``in_dm``: they wrote
        to the bot privately, so their DM works (again)."""
        key = (account.platform, account.id)
        known = self._senders.get(key)
        if known is not None and known.until > time.monotonic():
            if in_dm and not known.dm_open:
                await self.reachable(session, account.platform, account.id)
                self._remember_sender(session, key, known.person, dm_open=True)
            return known.person
        rows = await person_rows.by_account(session, account.platform, account.id)
        if rows:
            ref = self._row_ref(rows)
            closed = next(r.dm_closed for r in rows if (r.platform, r.account_id) == key)
            if in_dm and closed:
                await self.reachable(session, account.platform, account.id)
                closed = False
            self._remember_sender(session, key, ref, dm_open=not closed)
            return ref
        (found,) = await self.add_people(session, [account])
        self._remember_sender(session, key, found, dm_open=True)
        return found

    async def add_people(
        self, session: AsyncSession, accounts: Sequence[Account]
    ) -> list[PersonRef]:
        """The people of accounts the directory does not know yet (a sender on first sight, the
        members a platform lists): whose verified e-mail it is (:mod:`bot.matching`), else new
        ones as their platform describes them (no roles, team or manager), each with a free
        handle. Written in a few statements however many."""
        found = await matching.claim(session, accounts)
        known = {p.id: p for p in await self.members(session, found.values())} if found else {}
        strangers = [a for a in accounts if a not in found]
        made = iter(await new_people(session, strangers, self.clock.now()))
        org, leads = self.config.org, self.config.teams_led_by
        return [
            known[found[a]]
            if a in found
            else (p := next(made)).ref(a, org.timezone, org.language, leads(p.handle))
            for a in accounts
        ]

    def _remember_sender(
        self, session: AsyncSession, key: tuple[str, str], person: PersonRef, *, dm_open: bool
    ) -> None:
        def remember() -> None:
            until = time.monotonic() + SENDER_SECONDS
            self._senders[key] = _Sender(person, dm_open, until)

        after_commit(session, remember)

    def forget(self, person: PersonRef | None = None) -> None:
        """Read ``person`` (everyone: ``None``) again at their next event: they left, their
        accounts changed, the open API changed people."""
        for key in [*person.accounts.items()] if person else list(self._senders):
            self._senders.pop(key, None)

    def close_dm(self, account: PlatformAccount) -> None:
        """The platform won't let the bot message them privately (until they write to it)."""
        account.dm_closed = True
        self._senders.pop((account.platform, account.account_id), None)

    async def sync(self, session: AsyncSession, people: Sequence[PersonConfig]) -> list[RoleChange]:
        """Make the directory match the config's ``people:``
        (:func:`bot.declared.write_declared`); whose roles changed."""
        self._senders.clear()  # roles, teams and accounts may change: read everyone again
        after_commit(session, self._senders.clear)
        return await write_declared(session, people, self.clock.now(), self.handle_accounts)
