"""The status of a notice for its sender: who acknowledged and when, who is pending, and a CSV
when the audience is too big to list in the chat."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime
from typing import Any

from bot import Context, File, Message, PersonRef, _, csv_bytes
from skills.receipts import reminders, store, view
from skills.receipts.models import Notice


async def status(ctx: Context, shown: Notice) -> Message:
    """Who acknowledged (and when) and who not; a CSV of everyone when the list is long."""
    receipts = await store.receipts(ctx.session, shown.id or 0)
    people = {
        p.id: p for p in await ctx.people([p for p, _at in receipts.acked] + receipts.pending)
    }
    acked = [(people[p], at) for p, at in receipts.acked if p in people]
    pending = [people[p] for p in receipts.pending if p in people]
    sender = await reminders.sender_of(ctx, shown)
    message = view.status(
        shown,
        sender.mention,
        [view.acked_item(p.mention, at) for p, at in acked],
        [p.mention for p in pending],
    )
    if len(acked) + len(pending) <= view.SHOWN:
        return message
    header = [ctx.t(column) for column in COLUMNS]
    names = {p.id: ctx.t(p.listed()) for p in people.values()}  # "Bob (left)" once they left
    content = await blocking(_csv, header, names, acked, pending, ctx.person.tz)
    name = ctx.t(_("notice-{id}.csv", id=shown.id))
    return replace(message, files=[File(name, content, "text/csv")])


async def blocking(func: Any, *args: Any) -> Any:
    """The one way this skill runs blocking work (CSV files): in a worker thread."""
    return await asyncio.to_thread(func, *args)


COLUMNS = [_("person"), _("name"), _("acknowledged_at")]  # in the reader's language


def _csv(
    header: list[str],
    names: dict[int, str],
    acked: list[tuple[PersonRef, datetime]],
    pending: list[PersonRef],
    tz: Any,
) -> bytes:
    rows = [
        [p.handle, names[p.id], at.astimezone(tz).strftime("%Y-%m-%d %H:%M")] for p, at in acked
    ]
    rows += [[person.handle, names[person.id], ""] for person in pending]
    return csv_bytes(header, rows)
