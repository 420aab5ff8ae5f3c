"""How quiet hours are shown and typed: the /quiet card and days off."""

from __future__ import annotations

import re

from bot import Context, Field, Message, Text, UsageError, _, excerpt
from skills.quiet_hours import store
from skills.quiet_hours.schedule import Schedule, quiet_until

DAY_NAMES: list[Text] = [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]
_EN = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_ZH = "一二三四五六日"
_NONE = {"none", "no", "无", "没有"}


def parse_days(text: str) -> frozenset[int]:
    """``sat,sun``, ``saturday sunday``, ``周六,周日``, ``星期六`` -> weekday numbers; ``none``."""
    words = [w for w in re.split(r"[\s,，、]+", text.strip().lower()) if w]
    if len(words) == 1 and words[0] in _NONE:
        return frozenset()
    days = set()
    for word in words:
        day = _day(word)
        if day is None:
            raise UsageError(
                _(
                    "'{value}' is not a day of the week — e.g. /quiet days sat,sun "
                    "or /quiet days 周六,周日",
                    value=excerpt(word),
                )
            )
        days.add(day)
    if not days:
        raise UsageError(_("Say which days, e.g. /quiet days sat,sun (or none)"))
    return frozenset(days)


def _day(word: str) -> int | None:
    for i, name in enumerate(_EN):
        if word[:3] == name and (len(word) == 3 or word.endswith("day")):
            return i
    m = re.fullmatch(r"(?:周|星期|礼拜)([一二三四五六日天])", word)
    if m:
        return _ZH.index("日" if m[1] == "天" else m[1])
    return None


def days_text(days: frozenset[int]) -> list[Text] | Text:
    return [DAY_NAMES[d] for d in sorted(days)] if days else _("none")


async def status_card(ctx: Context, schedule: Schedule) -> Message:
    """🌙 the person's window, days off, mode, VIPs and what happens now."""
    settings = await store.settings_of(ctx.session, ctx.person.id)
    window = (
        _("{start}-{end}", start=schedule.window[0], end=schedule.window[1])
        if schedule.window
        else _("none")
    )
    vips = [p.mention for p in await ctx.people(await store.vip_ids(ctx.session, ctx.person.id))]
    return Message(
        _("🌙 Quiet hours of {who}", who=ctx.person.mention),
        fields=[
            Field(_("Off work"), window),
            Field(_("Days off"), days_text(schedule.days_off)),
            Field(_("Mode"), _("hold") if settings.mode == "hold" else _("silent")),
            Field(_("VIPs"), vips or _("none")),
            Field(_("Now"), await _now_text(ctx, schedule, settings.enabled)),
        ],
    )


async def _now_text(ctx: Context, schedule: Schedule, enabled: bool) -> Text:
    if not enabled:
        return _("quiet hours are off — notifications come at once")
    quiet = quiet_until(schedule, ctx.now())
    if quiet is None:
        return _("at work — notifications come at once")
    settings = await store.settings_of(ctx.session, ctx.person.id)
    if settings.mode == "silent":
        return _("quiet until {until} — notifications come without a push", until=quiet[0])
    waiting = await ctx.held_count(ctx.person)
    return _("quiet until {until} — {n} waiting, they come then", until=quiet[0], n=waiting)
