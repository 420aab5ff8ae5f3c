"""What /balance and /balance history show: a line per type (with what is held and what expires
soon), and the ledger explained line by line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bot import JobContext, Lines, PersonRef, Text, _
from skills.leave import amounts, ledger
from skills.leave.config import LeaveConfig, LeaveType
from skills.leave.models import ADJUST, EXPIRE, GRANT, REVERSAL, USE, LedgerEntry
from skills.leave.overtime import TAKEN_BACK

HISTORY_LINES = 10


@dataclass
class Figures:
    """One type's balance of a person, in hundredths: what the ledger sums to, what pending
    requests hold, and what expires within ``soon_days`` (by the day it ends)."""

    name: str
    spec: LeaveType
    have: int
    held: int
    ends: dict[date, int]


async def figures(ctx: JobContext[LeaveConfig], person: PersonRef) -> list[Figures]:
    """Each configured type's :class:`Figures` (three queries, whatever the length of the
    ledger); what /balance and the API's balances show."""
    have = await ledger.balances(ctx, person.id)
    held = await ledger.held_by_type(ctx, person.id)
    lots = await ledger.all_open_lots(ctx, person.id)
    today = ctx.today()
    soon = today + timedelta(days=ctx.config.soon_days)
    out = []
    for name, spec in ctx.config.types.items():
        ends: dict[date, int] = {}
        for lot in lots.get(name, []):
            end = lot.entry.expires_on
            if end is not None and today < end <= soon:
                ends[end] = ends.get(end, 0) + lot.left
        out.append(Figures(name, spec, have.get(name, 0), held.get(name, 0), ends))
    return out


async def form_notes(ctx: JobContext[LeaveConfig], payload: dict[str, Any]) -> None:
    """For the form of a leave flow (``approvals.form``): beside each leave type the requester
    may choose, what they can take (``7.5 d left``; ``as needed`` for unlimited types), and its
    label where the flow's choice has none (``comp`` -> Comp time / 调休假)."""
    answer = payload.get("answer")
    if payload.get("flow") not in ctx.config.flows or not isinstance(answer, dict):
        return
    person = await ctx.person_by_id(int(payload.get("requester") or 0))
    if person is None:
        return
    notes: dict[str, Text] = answer.setdefault("type", {})
    named = payload.get("labels")
    if isinstance(named, dict):  # a type the flow gives no label: the leave type's own
        types = ctx.config.types.items()
        named.setdefault("type", {}).update({n: t.label.text() for n, t in types})
    for f in await figures(ctx, person):
        if not f.spec.limited:
            notes[f.name] = _("as needed")
        elif f.held:
            left, held = _show(f.have - f.held, f.spec), _show(f.held, f.spec)
            notes[f.name] = _("{amount} left ({held} held by pending requests)", amount=left,
                              held=held)  # fmt: skip
        else:
            notes[f.name] = _("{amount} left", amount=_show(f.have, f.spec))


async def balance(ctx: JobContext[LeaveConfig], person: PersonRef) -> Text:
    """A line per type."""
    if not ctx.config.types:
        return _("No leave types are set up yet — an admin adds them under skills.leave.types.")
    lines = [_line(f.spec, f.have, f.held, f.ends) for f in await figures(ctx, person)]
    return _("🏖 Leave of {who}\n{lines}", who=person.mention, lines=Lines(lines))


def _line(spec: LeaveType, have: int, held: int, ends: dict[date, int]) -> Text:
    if not spec.limited:
        return _("• {type}: as needed, {used} taken", type=spec.label, used=_show(-have, spec))
    parts: list[Text] = []
    if held:
        parts.append(_("{amount} held by pending requests", amount=_show(held, spec)))
    for end, left in sorted(ends.items()):
        last = end - timedelta(days=1)
        parts.append(_("{amount} expire after {day}", amount=_show(left, spec), day=last))
    if not parts:
        return _("• {type}: {amount}", type=spec.label, amount=_show(have, spec))
    return _("• {type}: {amount} ({notes})", type=spec.label, amount=_show(have, spec), notes=parts)


def _show(hundredths: int, spec: LeaveType) -> Text:
    return amounts.show(hundredths, spec)


async def history(ctx: JobContext[LeaveConfig], person: PersonRef, type_: str | None) -> Text:
    rows = await ledger.history(ctx, person.id, type_, HISTORY_LINES + 1)
    if not rows:
        return _("No leave on record for {who} yet.", who=person.mention)
    people = {p.id: p for p in await ctx.people([r.by_id for r in rows if r.by_id])}
    lines = [_explain(ctx.config, r, people) for r in rows[:HISTORY_LINES]]
    if len(rows) > HISTORY_LINES:
        lines.append(_("… and older lines"))
    return _(
        "📒 Leave history of {who}, newest first\n{lines}", who=person.mention, lines=Lines(lines)
    )


def _explain(config: LeaveConfig, row: LedgerEntry, people: dict[int, PersonRef]) -> Text:
    spec = config.types.get(row.type)
    label = spec.label if spec else row.type
    amount = amounts.show(row.hundredths, spec) if spec else str(row.hundredths / 100)
    sign = "+" if row.hundredths > 0 else ""
    who = people[row.by_id].mention if row.by_id in people else "🤖"
    what = _what(row, who, label, spec)
    return _("• {day} {sign}{amount} · {what}", day=row.on, sign=sign, amount=amount, what=what)


def _what(row: LedgerEntry, who: object, label: object, spec: LeaveType | None) -> Text:
    words = row.reason.split(" ")
    if row.kind == GRANT and row.by_id is None and words[1:2] == ["prorated"]:
        left, total = words[2].split("/")
        return _("{type} granted for {period}, pro-rated: {left} of its {total} days",
                 type=label, period=words[-1], left=left, total=total)  # fmt: skip
    if row.kind == GRANT and row.by_id is None:
        return _("{type} granted for {period}", type=label, period=words[-1])
    if row.kind == GRANT:
        return _("{type} granted by {who}: {reason}", type=label, who=who, reason=row.reason)
    if row.kind == USE:
        return _("{type} taken, request #{id} approved by {who}", type=label, id=row.request_id,
                 who=who)  # fmt: skip
    if row.kind == REVERSAL and words[0] == TAKEN_BACK:
        return _taken_back(row, label, spec, int(words[-1]))
    if row.kind == REVERSAL:
        return _("{type} given back, request #{id} withdrawn", type=label, id=row.request_id)
    if row.kind == EXPIRE and words[0] == "carry_max" and spec is not None:
        cap = amounts.show(int(words[-1]), spec)
        if row.hundredths > 0:  # the balance of 31 December grew smaller after the cap
            return _("{type} back under the carry-over cap of {cap}: the year's end balance "
                     "changed", type=label, cap=cap)  # fmt: skip
        return _("{type} over the carry-over cap of {cap}: expired at the end of the year",
                 type=label, cap=cap)  # fmt: skip
    if row.kind == EXPIRE:
        return _("{type} expired unused", type=label)
    if row.kind == ADJUST:
        return _("{type} adjusted by {who}: {reason}", type=label, who=who, reason=row.reason)
    return _("{type}: {reason}", type=label, reason=row.reason)


def _taken_back(row: LedgerEntry, label: object, spec: LeaveType | None, spent: int) -> Text:
    """A withdrawn overtime's comp time taken back: only what was left of its credit."""
    if not spent:
        return _("{type} taken back, overtime #{id} withdrawn", type=label, id=row.request_id)
    used = amounts.show(spent, spec) if spec else str(spent / 100)
    return _("{type} taken back, overtime #{id} withdrawn ({used} of it already spent)",
             type=label, id=row.request_id, used=used)  # fmt: skip
