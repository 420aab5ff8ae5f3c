"""Calendar days: named days, weekdays, numeric and month-name dates, offsets, free-form text."""

from __future__ import annotations

import re
import warnings
from datetime import date, datetime, timedelta

from bot.errors import BadValue, excerpt
from bot.i18n import _
from bot.values.durations import _signed_offset
from bot.values.normalize import _norm
from bot.values.when import When

YEAR_WINDOW = 100  # dates are accepted within this many years of today

_NAMED_DAYS = {"today": 0, "tod": 0, "tdy": 0, "今天": 0, "今日": 0}
_NAMED_DAYS |= {"tomorrow": 1, "tmr": 1, "tmrw": 1, "tmw": 1, "明天": 1, "明日": 1}
_NAMED_DAYS |= {"yesterday": -1, "yday": -1, "昨天": -1, "昨日": -1, "前天": -2, "大前天": -3}
_NAMED_DAYS |= {"后天": 2, "後天": 2, "大后天": 3, "大後天": 3}
_EN_WEEKDAY_NAMES = (
    "mon monday",
    "tue tues tuesday",
    "wed weds wednesday",
    "thu thur thurs thursday",
    "fri friday",
    "sat saturday",
    "sun sunday",
)
_EN_WEEKDAYS = {n: i for i, names in enumerate(_EN_WEEKDAY_NAMES) for n in names.split()}
_ZH_WEEKDAYS = {"1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6, "日": 6, "天": 6}
_WEEK_SHIFT = {"last": -1, "this": 0, "next": 1, "上": -1, "本": 0, "这": 0, "這": 0, "下": 1}
_EN_WEEKDAY = re.compile(r"(?:(next|this|last)[ _-]?)?([a-z]+)")
_ZH_WEEKDAY = re.compile(
    r"(下个?|下個|本|这个?|這個?|上个?|上個)?(?:周|週|星期|礼拜|禮拜)([1-7日天])"
)
_MONTH_NAMES = (
    "jan january",
    "feb february",
    "mar march",
    "apr april",
    "may",
    "jun june",
    "jul july",
    "aug august",
    "sep sept september",
    "oct october",
    "nov november",
    "dec december",
)
_MONTHS = {n: i for i, names in enumerate(_MONTH_NAMES, 1) for n in names.split()}
_YMD = re.compile(r"([0-9]{4})([-/.])([0-9]{1,2})\2([0-9]{1,2})")
_ZH_YMD = re.compile(r"(?:([0-9]{4}) ?年 ?)?([0-9]{1,2}) ?月 ?([0-9]{1,2}) ?[日号號]?")
_MD = re.compile(r"([0-9]{1,2})[-/.]([0-9]{1,2})")
_EN_MD = re.compile(r"([a-z]+)\.? ?([0-9]{1,2})(?:st|nd|rd|th)?(?:,? ([0-9]{4}))?")
_EN_DM = re.compile(r"([0-9]{1,2})(?:st|nd|rd|th)? ?(?:of )?([a-z]+)\.?(?:,? ([0-9]{4}))?")


def _in_window(day: date, t: str, when: When) -> date:
    if abs(day.year - when.today.year) > YEAR_WINDOW:
        raise BadValue(
            _(
                "'{value}' is too far from today — use a year from {first} to {last}, "
                "or none, e.g. 12-01",
                value=excerpt(t),
                first=when.today.year - YEAR_WINDOW,
                last=when.today.year + YEAR_WINDOW,
            )
        )
    return day


def _calendar_date(t: str, when: When, year: int | None, month: int, day: int) -> date:
    """An explicit date, or with no year the occurrence nearest to today (within ~6 months)."""
    years = [year] if year is not None else [when.today.year + k for k in (-1, 0, 1)]
    found: list[date] = []
    for y in years:
        try:
            found.append(date(y, month, day))
        except ValueError:
            continue
    if not found:
        raise BadValue(
            _(
                "'{value}' is not a day in the calendar — check month and day, e.g. 12-01",
                value=excerpt(t),
            )
        )
    today = when.today
    return _in_window(min(found, key=lambda d: (abs((d - today).days), d < today)), t, when)


def _weekday_date(today: date, weekday: int, which: str | None) -> date:
    """The next such day (today counts) if ``which`` is None, else that day of a shifted week."""
    if which is None:
        return today + timedelta(days=(weekday - today.weekday()) % 7)
    shift = _WEEK_SHIFT[which if which in _WEEK_SHIFT else which[0]]  # 下个 -> 下
    monday = today - timedelta(days=today.weekday())
    return monday + timedelta(days=weekday + 7 * shift)


def _read_weekday(t: str, when: When) -> date | None:
    if (match := _EN_WEEKDAY.fullmatch(t)) and match.group(2) in _EN_WEEKDAYS:
        return _weekday_date(when.today, _EN_WEEKDAYS[match.group(2)], match.group(1))
    if match := _ZH_WEEKDAY.fullmatch(t):
        return _weekday_date(when.today, _ZH_WEEKDAYS[match.group(2)], match.group(1))
    return None


def _read_numeric(t: str, when: When) -> date | None:
    if match := _YMD.fullmatch(t):
        return _calendar_date(t, when, int(match[1]), int(match[3]), int(match[4]))
    if match := _ZH_YMD.fullmatch(t):
        year = int(match[1]) if match[1] else None
        return _calendar_date(t, when, year, int(match[2]), int(match[3]))
    if match := _MD.fullmatch(t):
        return _calendar_date(t, when, None, int(match[1]), int(match[2]))
    return None


def _read_month_name(t: str, when: When) -> date | None:
    for pattern, month_group, day_group in ((_EN_MD, 1, 2), (_EN_DM, 2, 1)):
        match = pattern.fullmatch(t)
        if match and match[month_group] in _MONTHS:
            year = int(match[3]) if match[3] else None
            return _calendar_date(t, when, year, _MONTHS[match[month_group]], int(match[day_group]))
    return None


def _read_offset(t: str, when: When) -> date | None:
    found = _signed_offset(t)
    if found is None:
        return None
    minutes, units = found
    if not units <= {"d", "w"} or minutes % (24 * 60):
        raise BadValue(
            _(
                "'{value}' is not a date — count whole days or weeks, e.g. 3d or 2w",
                value=excerpt(t),
            )
        )
    return when.today + timedelta(days=minutes // (24 * 60))


def _date_or_none(t: str, when: When) -> date | None:
    """Read ``t`` with this module's own forms; None if it is none of them."""
    if t in _NAMED_DAYS:
        return when.today + timedelta(days=_NAMED_DAYS[t])
    for reader in (_read_weekday, _read_numeric, _read_month_name, _read_offset):
        found = reader(t, when)
        if found is not None:
            return found
    return None


def _natural_date(t: str, when: When) -> date | None:
    """Free-form text (``in 3 days``, ``1st of december``) through dateparser, or None."""
    if not re.search(r"[a-z\u4e00-\u9fff]", t):
        return None
    import dateparser  # slow to import; only needed for free-form text

    settings = {
        "RELATIVE_BASE": when.now.astimezone(when.tz).replace(tzinfo=None),
        "PREFER_DATES_FROM": "future",
        "REQUIRE_PARTS": ["day", "month"],
    }
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found: datetime | None = dateparser.parse(t, languages=["en", "zh"], settings=settings)
    except Exception:  # a third-party parser: any failure only means "not understood"
        return None
    return None if found is None else _in_window(found.date(), t, when)


def parse_date(s: str, when: When) -> date:
    """A calendar day, read relative to ``when``.

    Reads ``today``/``tomorrow``/``tmr``/``yesterday``,
    ``今天``/``明天``/``后天``/``大后天``/``昨天``/``前天``;
    weekdays ``fri``/``friday``/``周五``/``星期五``/``礼拜五`` (the next one, today counts),
    ``next fri``/``下周五`` (in the next ISO week), ``this fri``/``本周五``/``这周五``,
    ``last fri``/``上周五``; ``2026-12-01``, ``2026/12/01``, ``2026.12.01``, ``2026年12月1日``;
    ``12-01``, ``12/01``, ``12.1``, ``12月1日``/``12月1号``, ``dec 1``, ``1 dec``,
    ``december 1st, 2026`` (without a year: the occurrence nearest to today); offsets ``3d``,
    ``+3d``, ``2w``, ``-1d``, ``3天后``, ``3天前``, ``3 days ago``; other free-form English or
    Chinese through dateparser (``in 3 days``, ``1st of december``).

    Example:
        >>> parse_date("fri", When(datetime(2026, 11, 23, 4, tzinfo=UTC), ZoneInfo("UTC")))
        datetime.date(2026, 11, 27)
    """
    t = _norm(s)
    found = _date_or_none(t, when) or _natural_date(t, when)
    if found is None:
        raise BadValue(
            _(
                "'{value}' is not a date — use e.g. fri, 2026-12-01, tomorrow, 明天 or 下周一",
                value=excerpt(s),
            )
        )
    return found
