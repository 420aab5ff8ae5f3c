"""``/deskmate audit``: who did what, when — the last entries, or all of them as a CSV file."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from bot import Context, File, Lines, Message, PermissionDenied, PersonRef, Text, _, csv_bytes

SHOWN = 10


def may_read(ctx: Context) -> None:
    if not (ctx.person.is_admin or ctx.person.has_role("hr")):
        raise PermissionDenied(_("Only admins and HR can read the audit log."))


async def show(ctx: Context, who: PersonRef | None, since: date | None, as_csv: bool) -> Message:
    may_read(ctx)
    start = datetime.combine(since, time(0), tzinfo=ctx.person.tz) if since else None
    records = await ctx.audit_log(who, start)
    ids = sorted({r.person_id for r in records if r.person_id is not None})
    people = {p.id: p for p in await ctx.people(ids)}
    if as_csv:
        rows = [
            [
                r.at.astimezone(ctx.person.tz).strftime("%Y-%m-%d %H:%M"),
                people[r.person_id].handle if r.person_id in people else "",
                r.skill,
                r.action,
                _detail(r.detail),
            ]
            for r in records
        ]
        content = csv_bytes(["at", "who", "skill", "action", "detail"], rows)
        name = f"audit-{ctx.today().isoformat()}.csv"
        summary = _("🗂 Audit log: {n} entries", n=len(records))
        return Message(summary, files=[File(name, content, "text/csv")])
    if not records:
        return Message(_("🗂 Nothing in the audit log for that."))
    lines: list[Text] = [
        _(
            "{at} {who} {skill}.{action} {detail}",
            at=r.at,
            who=people[r.person_id].mention if r.person_id in people else "🤖",
            skill=r.skill,
            action=r.action,
            detail=_detail(r.detail),
        )
        for r in records[:SHOWN]
    ]
    more = len(records) - SHOWN
    text = _("🗂 Audit log ({n} entries):\n{lines}", n=len(records), lines=Lines(lines))
    if more > 0:
        text = _(
            "{text}\n… and {more} more: /deskmate audit csv sends them all", text=text, more=more
        )
    return Message(text)


def _detail(detail: dict[str, Any]) -> str:
    """``person=bob successor=carol``: empty values left out, lists joined with commas."""
    shown = {k: ",".join(map(str, v)) if isinstance(v, list) else v for k, v in detail.items()}
    return " ".join(f"{k}={v}" for k, v in shown.items() if v not in (None, "", {}))
