"""Accounts matched to people by a verified e-mail.

The rule: an account the directory does not know yet, for which its platform gives a verified
e-mail (Slack's ``profile.email`` once ``is_email_confirmed``, not an invited user's), belongs
to the person whose e-mail it is (written in the config, a CSV import or the open API) — when
exactly one person still here has that e-mail and no account on that platform yet. Then the
account is linked to them instead of making a new person. Two people or more with that e-mail is
a conflict: nothing is guessed (the account stays unlinked; the admins are told where there is
someone to tell — once per conflict, remembered in the audit log across restarts and instances,
and again only when it changes: another e-mail, or other people). E-mails are compared without
regard to case.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.events import Account
from bot.i18n import Text, _
from bot.roster import IN_CHUNK, account_row
from storage.models import AuditEntry, Person, PlatformAccount

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Conflict:
    """An account whose e-mail several people have: linked to none of them."""

    account: Account
    email: str
    handles: tuple[str, ...]

    def detail(self) -> dict[str, str]:
        """What the audit log keeps of it (and compares, to tell a conflict once)."""
        account = self.account
        return {
            "platform": account.platform,
            "account": account.id,
            "email": self.email,
            "people": ", ".join(self.handles),
        }


CONFLICT = "email_conflict"  # the audit log's action for a conflict the admins were told of


@dataclass
class Matches:
    """The accounts matched (account -> person id), and the conflicts."""

    found: dict[Account, int]
    conflicts: list[Conflict]


def warning(conflict: Conflict) -> Text:
    """What the admins are told of a conflict: the account, and who all have its e-mail."""
    account = conflict.account
    where = {
        "platform": account.platform,
        "account": f"{account.name} ({account.id})" if account.name else account.id,
        "email": conflict.email,
    }
    *others, last = [f"@{handle}" for handle in conflict.handles]
    if len(others) == 1:
        return _(
            "⚠️ The {platform} account {account} has the e-mail {email}, which both {first} and "
            "{second} have: it is linked to neither. Give each of them their own e-mail, or write "
            "the account under one person's accounts: in the config.",
            first=others[0],
            second=last,
            **where,
        )
    return _(
        "⚠️ The {platform} account {account} has the e-mail {email}, which {people} and {last} "
        "all have: it is linked to none of them. Give each person their own e-mail, or write the "
        "account under one person's accounts: in the config.",
        people=", ".join(others),
        last=last,
        **where,
    )


async def match(session: AsyncSession, accounts: Sequence[Account]) -> Matches:
    """The person each of ``accounts`` (not in the directory yet) belongs to by its e-mail;
    accounts without an e-mail, or whose e-mail nobody has, are not in the answer. A few queries
    however many."""
    wanted = [a for a in accounts if a.email]
    out = Matches({}, [])
    if not wanted:
        return out
    emails = sorted({(a.email or "").lower() for a in wanted})
    owners: dict[str, list[tuple[int, str]]] = {}  # e-mail -> (person id, handle) of each
    for i in range(0, len(emails), IN_CHUNK):
        rows = await session.exec(
            select(func.lower(Person.email), Person.id, Person.handle).where(
                func.lower(Person.email).in_(emails[i : i + IN_CHUNK]),
                col(Person.left_on).is_(None),
            )
        )
        for email, person_id, handle in rows.all():
            owners.setdefault(str(email), []).append((person_id or 0, handle))
    ids = sorted({person_id for found in owners.values() for person_id, _h in found})
    has: set[tuple[int, str]] = set()  # (person id, platform) of their accounts
    for i in range(0, len(ids), IN_CHUNK):
        rows2 = await session.exec(
            select(PlatformAccount.person_id, PlatformAccount.platform).where(
                col(PlatformAccount.person_id).in_(ids[i : i + IN_CHUNK])
            )
        )
        has.update(rows2.all())
    for account in wanted:
        email = (account.email or "").lower()
        found = sorted(owners.get(email, []), key=lambda p: p[1])
        if len(found) > 1:
            out.conflicts.append(Conflict(account, email, tuple(h for _id, h in found)))
        elif found and (found[0][0], account.platform) not in has:
            out.found[account] = found[0][0]
            has.add((found[0][0], account.platform))  # one account per platform
    return out


async def claim(session: AsyncSession, accounts: Sequence[Account]) -> dict[Account, int]:
    """Link the accounts whose e-mail is one person's to them (:func:`match`), by person id; a
    conflict is logged (the account becomes someone new, as before)."""
    matched = await match(session, accounts)
    for conflict in matched.conflicts:
        log.warning(
            "%s account %s: e-mail %s is the e-mail of %s: linked to none of them",
            conflict.account.platform,
            conflict.account.id,
            conflict.email,
            " and ".join(conflict.handles),
        )
    return await link(session, matched.found)


_ACCOUNTS: sa.Table = PlatformAccount.__table__  # type: ignore[attr-defined]
# built once: an account another instance linked meanwhile is left as it is (no IntegrityError
# rolling the caller's whole batch back)
_LINKS = {
    name: insert(_ACCOUNTS)
    .on_conflict_do_nothing(index_elements=["platform", "account_id"])
    .returning(_ACCOUNTS.c.platform, _ACCOUNTS.c.account_id)
    for name, insert in (("sqlite", sqlite_insert), ("postgresql", postgresql_insert))
}


async def link(session: AsyncSession, found: dict[Account, int]) -> dict[Account, int]:
    """Write the matched accounts, each to its person. Another instance may have linked one of
    them between the match and this write: it stays theirs, and the answer (account -> person
    id) says whose it is."""
    if not found:
        return {}
    rows = [account_row(person_id, account) for account, person_id in found.items()]
    dialect = (await session.connection()).dialect.name
    written = set((await session.exec(_LINKS[dialect], params=rows)).all())
    linked = {a: p for a, p in found.items() if (a.platform, a.id) in written}
    for account in found.keys() - linked.keys():  # linked meanwhile: by whom
        owner = await session.exec(
            select(PlatformAccount.person_id).where(
                PlatformAccount.platform == account.platform,
                PlatformAccount.account_id == account.id,
            )
        )
        linked[account] = owner.one()
    return linked


async def untold(session: AsyncSession, conflicts: Sequence[Conflict]) -> list[Conflict]:
    """The conflicts the admins have not been told of as they are now (the audit log's latest
    word on each account): new ones, and those whose e-mail or people changed since."""
    if not conflicts:
        return []
    rows = await session.exec(
        select(AuditEntry.detail)
        .where(col(AuditEntry.skill) == "directory", col(AuditEntry.action) == CONFLICT)
        .order_by(col(AuditEntry.id))
    )
    told: dict[tuple[str, str], dict[str, str]] = {}
    for detail in rows.all():
        said = json.loads(detail or "{}")
        told[(said.get("platform", ""), said.get("account", ""))] = said
    out: dict[tuple[str, str], Conflict] = {}
    for conflict in conflicts:
        key = (conflict.account.platform, conflict.account.id)
        if told.get(key) != conflict.detail():
            out[key] = conflict
    return list(out.values())


def told(session: AsyncSession, conflicts: Sequence[Conflict], now: datetime) -> None:
    """Record in the audit log that the admins were told of ``conflicts``."""
    for conflict in conflicts:
        detail = json.dumps(conflict.detail(), ensure_ascii=False)
        session.add(AuditEntry(at=now, skill="directory", action=CONFLICT, detail=detail))
