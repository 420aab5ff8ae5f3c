"""The directory of people: declared in the config, or created the first time they are seen.

Every lookup returns a :class:`PersonRef`; handlers never touch the rows.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam
from sqlalchemy.orm import aliased
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import Clock
from bot.config import Config, PersonConfig
from bot.events import Account, ChatRef
from bot.i18n import normalize_language
from bot.people import PersonRef
from bot.suggest import closest
from storage.engine import after_commit
from storage.models import Chat, ChatMember, Person, PlatformAccount

_THIS = aliased(PlatformAccount)
# built once: putting a statement together costs more than running it (every event runs this)
_BY_ACCOUNT = (
    select(Person, PlatformAccount)
    .join(_THIS, col(_THIS.person_id) == col(Person.id))
    .join(PlatformAccount, col(PlatformAccount.person_id) == col(Person.id))
    .where(_THIS.platform == bindparam("platform"), _THIS.account_id == bindparam("account_id"))
)
_ACCOUNT = select(PlatformAccount).where(
    PlatformAccount.platform == bindparam("platform"),
    PlatformAccount.account_id == bindparam("account_id"),
)


IN_CHUNK = 500  # values per IN (...): SQLite and PostgreSQL cap a statement's parameters

# How long this process trusts what it remembers of a sender (another instance may change them)
SENDER_SECONDS = 60.0
# ... and of a chat's language (an admin may set it through another instance)
CHAT_LANGUAGE_SECONDS = 60.0


@dataclass(frozen=True)
class _Sender:
    """What every event needs to know of its sender, remembered once committed."""

    person: PersonRef
    dm_open: bool  # this account's DM with the bot is known to work
    until: float  # time.monotonic() after which it is read again


@dataclass(frozen=True)
class _ChatLanguage:
    """What this process remembers of a chat's language, once committed."""

    platform: str
    chat_id: str  # the platform's id, which ``chats:`` in the config is keyed by
    set_here: str | None  # by /deskmate lang in the chat
    until: float  # time.monotonic() after which it is read again


@dataclass(frozen=True)
class ChatLanguage:
    """The language everyone in a chat reads, and where it comes from."""

    language: str
    set_here: str | None  # set in the chat (``/deskmate lang zh``); wins over the config
    configured: str | None  # ``chats:`` in the config; wins over the org's language


class Directory:
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
        self.config = config
        self.clock = clock
        # platforms where everyone declared has an account made of their handle (the console,
        # the test harness): platform -> handle to account id (read at each sync)
        self.handle_accounts = handle_accounts if handle_accounts is not None else {}
        self._chats: dict[tuple[str, str], tuple[int, str]] = {}  # -> (row id, title)
        self._senders: dict[tuple[str, str], _Sender] = {}  # (platform, account id) ->
        self._members: dict[tuple[int, int], bool] = {}  # (chat row, person) -> active
        self._languages: dict[int, _ChatLanguage] = {}  # chat row -> its language

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
        asks it for its sender)."""
        rows = await self._with_accounts(session, platform, account_id)
        return self._make_ref(rows[0][0], [acc for _person, acc in rows]) if rows else None

    async def _with_accounts(
        self, session: AsyncSession, platform: str, account_id: str
    ) -> Sequence[tuple[Person, PlatformAccount]]:
        params = {"platform": platform, "account_id": account_id}
        return (await session.exec(_BY_ACCOUNT, params=params)).all()

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
        typed_as = {person_id: str(username) for person_id, username in usernames}
        known: dict[str, int] = {}  # a word people might type -> the person's id
        for person_id, username in typed_as.items():
            known.setdefault(username.lower(), person_id)
        names = {row_id or 0: (handle, name) for row_id, handle, name in people}
        for person_id, (handle, _name) in names.items():
            known.setdefault(handle.lower(), person_id)
        for person_id, (_handle, name) in names.items():
            words = name.lower().split()
            for word in ["".join(words), *words]:
                known.setdefault(word, person_id)
        meant = closest(typed.lower(), known)
        if meant is None:
            return None
        pid = known[meant]
        handle, name = names[pid]
        return f"@{typed_as.get(pid, handle)}", name

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
        assert person.id is not None
        return PersonRef(
            id=person.id,
            handle=person.handle,
            name=person.name,
            timezone=person.timezone or self.config.org.timezone,
            language=person.language or self.config.org.language,
            roles=frozenset(person.role_set()),
            accounts={a.platform: a.account_id for a in accounts},
            team=person.team,
            manager_id=person.manager_id,
            leads=self.config.teams_led_by(person.handle),
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
        rows = await self._with_accounts(session, account.platform, account.id)
        if rows:
            ref = self._make_ref(rows[0][0], [acc for _person, acc in rows])
            this = next(a for _p, a in rows if (a.platform, a.account_id) == key)
            if in_dm and this.dm_closed:
                this.dm_closed = False
            self._remember_sender(session, key, ref, dm_open=not this.dm_closed)
            return ref
        (found,) = await self.add_people(session, [account])
        self._remember_sender(session, key, found, dm_open=True)
        return found

    async def add_people(
        self, session: AsyncSession, accounts: Sequence[Account]
    ) -> list[PersonRef]:
        """New people for accounts the directory does not know yet (a sender on first sight, the
        members a platform lists), with the name, time zone and language their platform gave;
        each gets a free handle. Written in a few statements however many."""
        bases = [_handle_base(a.username or a.name or a.id) for a in accounts]
        taken = await self._handles_taken(session, set(bases))
        people = []
        for account, base in zip(accounts, bases, strict=True):
            handle = base if base not in taken else await self._free_handle(session, base, taken)
            taken.add(handle)
            person = Person(
                handle=handle,
                name=account.name or account.username or handle,
                timezone=account.timezone,
                language=normalize_language(account.language),
                created_at=self.clock.now(),
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
        return [self._make_ref(p, [acc]) for p, acc in zip(people, rows, strict=True)]

    def _remember_sender(
        self, session: AsyncSession, key: tuple[str, str], person: PersonRef, *, dm_open: bool
    ) -> None:
        def remember() -> None:
            until = time.monotonic() + SENDER_SECONDS
            self._senders[key] = _Sender(person, dm_open, until)

        after_commit(session, remember)

    def close_dm(self, account: PlatformAccount) -> None:
        """The platform won't let the bot message them privately (until they write to it)."""
        account.dm_closed = True
        self._senders.pop((account.platform, account.account_id), None)

    async def _handles_taken(self, session: AsyncSession, handles: set[str]) -> set[str]:
        wanted, taken = sorted(handles), set[str]()
        for i in range(0, len(wanted), IN_CHUNK):
            chunk = wanted[i : i + IN_CHUNK]
            rows = await session.exec(select(Person.handle).where(col(Person.handle).in_(chunk)))
            taken.update(rows.all())
        return taken

    async def _free_handle(self, session: AsyncSession, base: str, taken: set[str]) -> str:
        """A handle like ``base`` no one has (in the directory, or in ``taken``)."""
        handle, n = base, 1
        while (
            handle in taken
            or (await session.exec(select(Person.id).where(Person.handle == handle))).first()
        ):
            n += 1
            handle = f"{base}{n}"
        return handle

    async def ensure_chat(self, session: AsyncSession, chat: ChatRef) -> int:
        """The database id of a chat, created on first sight (title kept up to date)."""
        known = self._chats.get((chat.platform, chat.id))
        if known is not None and (not chat.title or chat.title == known[1]):
            return known[0]
        row = (
            await session.exec(
                select(Chat).where(Chat.platform == chat.platform, Chat.chat_id == chat.id)
            )
        ).first()
        if row is None:
            row = Chat(platform=chat.platform, chat_id=chat.id, kind=chat.kind, title=chat.title)
            session.add(row)
            await session.flush()
        elif chat.title and row.title != chat.title:
            row.title = chat.title
        row_id, title = row.id, row.title
        assert row_id is not None
        known_as = (row_id, title)
        after_commit(session, lambda: self._chats.__setitem__((chat.platform, chat.id), known_as))
        self._remember_language(session, row)
        return row_id

    async def chat_language(self, session: AsyncSession, chat_id: int) -> ChatLanguage:
        """The language everyone in a chat (by its database id) reads: the one set there with
        ``/deskmate lang``, else the one ``chats:`` in the config gives it, else the org's."""
        known = self._languages.get(chat_id)
        if known is None or known.until <= time.monotonic():
            row = await session.get(Chat, chat_id)
            if row is None:
                return ChatLanguage(self.config.org.language, None, None)
            known = self._remember_language(session, row)
        configured = self.config.chat_language(known.platform, known.chat_id)
        language: str = known.set_here or configured or self.config.org.language
        return ChatLanguage(language, known.set_here, configured)

    async def chat_language_at(self, session: AsyncSession, platform: str, chat_id: str) -> str:
        """The language of a chat by the platform's id (one the bot never saw: the config's
        ``chats:``, else the org's)."""
        known = self._chats.get((platform, chat_id))
        row_id = known[0] if known else None
        if row_id is None:
            row_id = (
                await session.exec(
                    select(Chat.id).where(Chat.platform == platform, Chat.chat_id == chat_id)
                )
            ).first()
        if row_id is None:
            return self.config.chat_language(platform, chat_id) or self.config.org.language
        return (await self.chat_language(session, row_id)).language

    async def set_chat_language(
        self, session: AsyncSession, chat_id: int, language: str | None
    ) -> None:
        """Set the language of a chat (``None``: back to the config's, else the org's)."""
        row = await session.get(Chat, chat_id)
        if row is None:
            raise LookupError(f"no chat {chat_id}")
        row.language = language
        await session.flush()

        def forget() -> None:
            self._languages.pop(chat_id, None)

        forget()  # this transaction reads the row from now on, the others once it commits
        after_commit(session, forget)

    def _remember_language(self, session: AsyncSession, row: Chat) -> _ChatLanguage:
        assert row.id is not None
        row_id = row.id
        known = _ChatLanguage(
            row.platform,
            row.chat_id,
            normalize_language(row.language),
            time.monotonic() + CHAT_LANGUAGE_SECONDS,
        )
        after_commit(session, lambda: self._languages.__setitem__(row_id, known))
        return known

    async def seen_in(
        self, session: AsyncSession, chat_id: int, person_id: int, *, active: bool = True
    ) -> None:
        """Remember that a person is (or no longer is) in a chat."""
        key = (chat_id, person_id)
        if self._members.get(key) == active:
            return
        after_commit(session, lambda: self._members.__setitem__(key, active))
        row = await session.get(ChatMember, key)
        if row is None:
            session.add(
                ChatMember(
                    chat_id=chat_id, person_id=person_id, active=active, updated_at=self.clock.now()
                )
            )
        elif row.active != active:
            row.active, row.updated_at = active, self.clock.now()

    async def seen_members(self, session: AsyncSession, chat_id: int) -> list[int]:
        rows = await session.exec(
            select(ChatMember.person_id).where(
                ChatMember.chat_id == chat_id, col(ChatMember.active).is_(True)
            )
        )
        return list(rows.all())

    async def chat(self, session: AsyncSession, chat_id: int) -> ChatRef | None:
        row = await session.get(Chat, chat_id)
        if row is None:
            return None
        return ChatRef(row.platform, row.chat_id, "dm" if row.kind == "dm" else "group", row.title)

    async def sync(self, session: AsyncSession, people: Sequence[PersonConfig]) -> None:
        """Make the directory match the config's ``people:``: declared people, their accounts,
        roles and managers. Someone no longer declared keeps their history but loses the roles
        the config gave them."""
        self._senders.clear()  # roles, teams and accounts may change: read everyone again
        after_commit(session, self._senders.clear)
        by_handle: dict[str, Person] = {}
        for pc in people:
            by_handle[pc.id] = await self._upsert(session, pc)
        for pc in people:
            manager = by_handle.get(pc.manager) if pc.manager else None
            by_handle[pc.id].manager_id = manager.id if manager else None
        gone = await session.exec(
            select(Person).where(
                col(Person.declared).is_(True), col(Person.handle).not_in(list(by_handle))
            )
        )
        for person in gone.all():
            person.declared, person.roles, person.manager_id = False, "", None
        await session.flush()

    async def _upsert(self, session: AsyncSession, pc: PersonConfig) -> Person:
        person = (await session.exec(select(Person).where(Person.handle == pc.id))).first()
        if person is None:
            person = Person(handle=pc.id, name=pc.name or pc.id, created_at=self.clock.now())
            session.add(person)
        person.name = pc.name or pc.id
        person.timezone, person.language = pc.timezone, pc.language
        person.roles, person.team, person.declared = ",".join(sorted(pc.roles)), pc.team, True
        await session.flush()
        assert person.id is not None
        # everyone declared can speak under their handle where the platform knows people so
        accounts = {platform: of(pc.id) for platform, of in self.handle_accounts.items()}
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


def _handle_base(wanted: str) -> str:
    """A handle made of a platform's name for someone: ``Carol.Wu`` -> ``carol.wu``."""
    return re.sub(r"[^a-z0-9_.-]", "", wanted.lower())[:24] or "user"


def _id(person: Person) -> int:
    assert person.id is not None  # flushed
    return person.id
