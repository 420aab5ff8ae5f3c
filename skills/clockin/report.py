"""/attendance: a person's week, a month (totals, with the month chart), today's board, the CSV
export. Rows come from :func:`store.ensure_days`; files are made off the event loop through
:func:`offload`, the one choke point for blocking work."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

from babel.dates import format_skeleton, get_day_names

from bot import (
    Context,
    File,
    JobContext,
    Lines,
    Mention,
    Message,
    PersonRef,
    Table,
    TextLike,
    UsageError,
    _,
    csv_bytes,
)
from skills.clockin import chart, store, view
from skills.clockin.models import Day
from skills.clockin.punch import who_is
from skills.clockin.schedule import Plans
from skills.clockin.scope import Scope
from skills.clockin.store import Who

SHOWN = 10
T = TypeVar("T")


async def offload(func: Callable[..., T], *args: Any) -> T:
    """Run blocking work (CSV, PNG) in a thread, so the bot keeps answering meanwhile."""
    return await asyncio.to_thread(func, *args)


def _who(ctx: JobContext, people: Sequence[PersonRef]) -> list[Who]:
    return store.who(Plans(ctx.config, ctx.org), sorted(people, key=lambda p: p.handle))


async def week(ctx: Context, person: PersonRef) -> Message:
    """A person's week so far, a line a day, with totals."""
    w = who_is(ctx, person)
    today = ctx.now().astimezone(w.plan.tz).date()
    monday = today - timedelta(days=today.weekday())
    rows = await store.ensure_days(ctx, [w], monday, monday + timedelta(days=6))
    head = (
        _("🕘 Your week from {start}", start=monday)
        if person.id == ctx.person.id
        else _("🕘 {who}'s week from {start}", who=person.mention, start=monday)
    )
    if not rows:
        return Message(_("{head}: nothing recorded yet — /in to clock in.", head=head))
    lines = [view.day_line(w.plan, r) for r in rows]
    return Message(
        _("{head}\n{lines}", head=head, lines=Lines(lines)), context=view.Totals.of(rows).text()
    )


async def month(ctx: Context, scope: Scope, first: date, last: date, *, text: bool) -> Message:
    """A month's totals (each person's for a team) with the chart attached."""
    people = _who(ctx, scope.people)
    rows = await store.ensure_days(ctx, people, first, last)
    png = await _chart(ctx, scope, people, rows, first, last)
    label = f"{first:%Y-%m}"
    files: list[File | Table] = [
        File(ctx.t(_("attendance-{month}.png", month=label)), png, "image/png")
    ]
    head = _("🕘 Attendance {month} — {who}", month=label, who=scope.title)
    if not text:
        return Message(head, files=files)
    if scope.single:
        totals = view.Totals.of(rows)
        return Message(_("{head}\n{totals}", head=head, totals=totals.text()), files=files)
    by_person = _by_person(rows)
    each = [(w, view.Totals.of(by_person.get(w.person.id, []))) for w in people]
    totals = sum((t for _w, t in each), view.Totals())
    lines = [t.short(w.person) for w, t in each[:SHOWN]]
    if len(each) > SHOWN:
        lines.append(_("…and {n} more people: see the chart", n=len(each) - SHOWN))
    return Message(
        _("{head}\n{totals}\n{lines}", head=head, totals=totals.text(), lines=Lines(lines)),
        files=files,
    )


def _by_person(rows: Sequence[Day]) -> dict[int, list[Day]]:
    found: dict[int, list[Day]] = {}
    for r in rows:
        found.setdefault(r.person_id, []).append(r)
    return found


async def _chart(
    ctx: Context, scope: Scope, people: list[Who], rows: Sequence[Day],
    first: date, last: date,
) -> bytes:  # fmt: skip
    labels = _chart_labels(ctx, first, scope.title)
    if scope.single:
        return await offload(chart.person_month, labels, first, rows)
    by_person = _by_person(rows)
    grid = [(w.person.handle, by_person.get(w.person.id, [])) for w in people]
    return await offload(chart.team_month, labels, first, last, grid)


def _chart_labels(ctx: Context, first: date, who: TextLike | Mention) -> chart.Labels:
    """A chart's texts in the sender's language: month and weekday names from the locale's data
    (``November 2026``, ``Mon`` / ``2026年11月``, ``周一``), the rest from the catalogs."""
    language = ctx.person.language
    days = get_day_names("abbreviated", context="stand-alone", locale=language)
    month = format_skeleton("yMMMM", first, locale=language)
    return chart.Labels(
        language=language,
        title=ctx.t(_("Attendance {month} — {who}", month=month, who=who)),
        weekdays=[days[i] for i in range(7)],
        statuses={s: ctx.t(name) for s, name in view.STATUS_NAMES.items()},
        field=ctx.t(view.FIELD_NAME),
    )


async def today(ctx: Context, scope: Scope) -> Message:
    """Who is in, late, in the field, on leave or not in yet today."""
    people = _who(ctx, scope.people)
    now = ctx.now()
    pairs = await today_rows(ctx, people)
    if not pairs and scope.single and not people[0].scheduled:
        return Message(
            _(
                "You have no work schedule, so there is no workday to show today; your "
                "clock-ins still count (/attendance shows them). An admin sets schedules in "
                "the config."
            )
        )
    if not pairs and scope.single:
        return Message(_("Today is not a workday for you."))
    if not pairs:
        return Message(_("Nobody in {who} has a workday today.", who=scope.title))
    at = now.astimezone(ctx.person.tz).time().replace(second=0, microsecond=0)
    counts = view.TodayCounts.of([(w.person, w.plan, r) for w, r in pairs], now)
    lines = [view.person_line(w.person, w.plan, r) for w, r in pairs[:SHOWN]]
    if len(pairs) > SHOWN:
        lines.append(_("…and {n} more people", n=len(pairs) - SHOWN))
    return Message(_("{head}\n{lines}", head=counts.text(at), lines=Lines(lines)))


async def today_rows(ctx: JobContext, people: list[Who]) -> list[tuple[Who, Day]]:
    """Each scheduled person's day today in their schedule's zone (those at work on a day off
    too)."""
    found = []
    by_day: dict[date, list[Who]] = {}
    for w in people:
        by_day.setdefault(ctx.now().astimezone(w.plan.tz).date(), []).append(w)
    for day, group in by_day.items():
        rows = {r.person_id: r for r in await store.ensure_days(ctx, group, day, day)}
        for w in group:
            row = rows.get(w.person.id)
            if row is not None and (row.scheduled or row.first_in is not None):
                found.append((w, row))
    return found


async def export(ctx: Context, scope: Scope, first: date, last: date) -> Message:
    """Every person's every day of a month, as a CSV file, with a three-line summary."""
    if first > ctx.today():
        example = f"{ctx.today():%Y-%m}"
        raise UsageError(
            _(
                "{month} hasn't started yet — export a month up to this one, "
                "e.g. /attendance export {example}",
                month=f"{first:%Y-%m}",
                example=example,
            )
        )
    people = _who(ctx, scope.people)
    rows = await store.ensure_days(ctx, people, first, last)
    data = await offload(export_csv, people, rows, csv_words(ctx, people))
    label = f"{first:%Y-%m}"
    head = _(
        "📎 Attendance {month} — {who}: {people} people, {days} person-days.",
        month=label,
        who=scope.title,
        people=len({r.person_id for r in rows}),
        days=len(rows),
    )
    return Message(
        _("{head}\n{totals}", head=head, totals=view.Totals.of(rows).text()),
        files=[File(ctx.t(_("attendance-{month}.csv", month=label)), data, "text/csv")],
    )


# the export is in its reader's language, as the chat is: its columns and the bot's words
# (statuses, modes); dates, times and numbers stay as a spreadsheet reads them. Its reader is
# the sender alone (a private reply), so its words are rendered with ctx.t and the file is
# written in the worker thread, rather than as a Table rendered on the event loop.
CSV_COLUMNS = [
    _("date"), _("person"), _("name"), _("team"), _("schedule"), _("status"), _("first_in"),
    _("last_out"), _("late_minutes"), _("early_minutes"), _("worked_hours"), _("mode"),
    _("place"), _("leave_type"),
]  # fmt: skip


@dataclass(frozen=True)
class CsvWords:
    """The words of an export in its reader's language, rendered before the worker thread."""

    columns: list[str]
    statuses: dict[str, str]
    modes: dict[str, str]
    names: dict[int, str]  # by person id: "Bob (left)" once they left


def csv_words(ctx: Context, people: Sequence[Who]) -> CsvWords:
    return CsvWords(
        columns=[ctx.t(c) for c in CSV_COLUMNS],
        statuses={s: ctx.t(name) for s, name in view.STATUS_NAMES.items()},
        modes={m: ctx.t(name) for m, name in view.MODE_NAMES.items()},
        names={w.person.id: ctx.t(w.person.listed()) for w in people},
    )


def export_csv(people: Sequence[Who], rows: Sequence[Day], words: CsvWords) -> bytes:
    by_id = {w.person.id: w for w in people}
    lines = []
    for r in sorted(rows, key=lambda r: (by_id[r.person_id].person.handle, r.day)):
        w = by_id[r.person_id]
        first, last = view.clock(w.plan, r)
        lines.append(
            [
                r.day.isoformat(),
                w.person.handle,
                words.names.get(w.person.id, w.person.name),
                w.person.team or "",
                w.plan.name,
                words.statuses.get(r.status, r.status),
                first.strftime("%H:%M") if first else "",
                last.strftime("%H:%M") if last else "",
                r.late_minutes,
                r.early_minutes,
                f"{r.worked_minutes / 60:.2f}",
                words.modes.get(r.mode, r.mode),
                r.place,
                r.leave_type,
            ]
        )
    return csv_bytes(words.columns, lines)
