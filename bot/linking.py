"""One person, several accounts: ``/link`` in one platform's DM gives a one-time code to type in
the other platform's DM. A code lasts ``CODE_MINUTES``, works once, and whoever types
``MAX_FAILURES`` wrong codes waits ``CODE_MINUTES`` before trying again (no guessing)."""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta

from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.errors import PermissionDenied, UsageError
from bot.i18n import _
from bot.people import PersonRef
from storage.models import AuditEntry, LinkCode, LinkFailure, Person, PlatformAccount

CODE_MINUTES = 10
MAX_FAILURES = 5


async def issue(session: AsyncSession, person: PersonRef, platform: str, now: datetime) -> str:
    """A fresh code for ``person`` (given on ``platform``); their earlier ones stop working."""
    await session.exec(
        update(LinkCode)
        .where(col(LinkCode.person_id) == person.id, col(LinkCode.used_at).is_(None))
        .values(used_at=now)
    )
    code = f"{secrets.randbelow(1_000_000):06d}"
    while await session.get(LinkCode, code) is not None:
        code = f"{secrets.randbelow(1_000_000):06d}"
    expires = now + timedelta(minutes=CODE_MINUTES)
    session.add(LinkCode(code=code, person_id=person.id, platform=platform, expires_at=expires))
    return code


async def redeem(
    session: AsyncSession, claimant: PersonRef, platform: str, code: str, now: datetime
) -> int | None:
    """``claimant`` typed ``code`` on ``platform``: their account there joins the person who got
    the code, in one conditional update (a code works once). Returns that person's id; ``None``
    for a code that doesn't work — counted (so the caller must commit, not raise)."""
    await _not_locked_out(session, claimant, now)
    used = await session.exec(
        update(LinkCode)
        .where(
            col(LinkCode.code) == code.strip(),
            col(LinkCode.used_at).is_(None),
            col(LinkCode.expires_at) > now,
            col(LinkCode.platform) != platform,
        )
        .values(used_at=now)
        .returning(col(LinkCode.person_id))
    )
    found = used.first()
    if found is None:
        await _failed(session, claimant, now)
        return None
    owner = int(found[0])
    if owner == claimant.id:
        raise UsageError(_("Type the code on the other platform, not where you got it."))
    owner_row = await session.get(Person, owner)
    assert owner_row is not None
    owner_accounts = await session.exec(
        select(PlatformAccount.platform).where(col(PlatformAccount.person_id) == owner)
    )
    if platform in owner_accounts.all():
        raise UsageError(
            _("Your account is already linked to another {platform} account.", platform=platform)
        )
    await session.exec(
        update(PlatformAccount)
        .where(
            col(PlatformAccount.person_id) == claimant.id,
            col(PlatformAccount.platform) == platform,
        )
        .values(person_id=owner)
    )
    detail = {"person": owner_row.handle, "account": f"{platform}", "was": claimant.handle}
    session.add(
        AuditEntry(
            at=now, person_id=owner, skill="directory", action="link", detail=json.dumps(detail)
        )
    )
    return owner


async def _not_locked_out(session: AsyncSession, claimant: PersonRef, now: datetime) -> None:
    row = await session.get(LinkFailure, claimant.id)
    window = timedelta(minutes=CODE_MINUTES)
    if row is not None and row.count >= MAX_FAILURES and row.since + window > now:
        raise PermissionDenied(
            _(
                "Too many wrong codes — try again after {at}, with a new code from /link.",
                at=row.since + window,
            )
        )


async def _failed(session: AsyncSession, claimant: PersonRef, now: datetime) -> None:
    row = await session.get(LinkFailure, claimant.id)
    if row is None or row.since + timedelta(minutes=CODE_MINUTES) <= now:
        row = row or LinkFailure(person_id=claimant.id, since=now)
        row.count, row.since = 0, now
    row.count += 1
    session.add(row)
