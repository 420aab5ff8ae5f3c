"""Turn what people type in chat into typed values: durations, dates, times, ranges and money.

Every parser reads English and Simplified Chinese (``2h`` / ``2小时``, ``fri`` / ``周五``), is pure
(the current time only comes in through :class:`When`) and raises :class:`~bot.errors.BadValue`,
and nothing else, with a text saying what was wrong, what is expected and an example. The
command-argument parser wraps that into a usage error naming the argument.

Before parsing, full-width characters are folded (``１２：３０`` reads as ``12:30``), case and
spacing are ignored, and small Chinese numerals become digits (``三天`` is ``3天``,
``十二月一日`` is ``12月1日``, ``周五`` is ``周5``).
"""

from __future__ import annotations

import calendar
import functools
import re
import unicodedata
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.errors import BadValue
from bot.i18n import Money, _

__all__ = [
    "When",
    "parse_date",
    "parse_date_range",
    "parse_datetime",
    "parse_duration",
    "parse_money",
    "parse_time",
    "parse_time_range",
]

MAX_INPUT = 64  # characters; longer input is never a value
MAX_DURATION_MINUTES = 366 * 24 * 60
MAX_SPAN_DAYS = 366
YEAR_WINDOW = 100  # dates are accepted within this many years of today
MAX_AMOUNT = Decimal(10) ** 9
CENT = Decimal("0.01")


@dataclass(frozen=True)
class When:
    """The "now" that relative dates are read against.

    Example:
        >>> When(datetime(2026, 11, 23, 4, 0, tzinfo=UTC), ZoneInfo("Asia/Shanghai")).today
        datetime.date(2026, 11, 23)
    """

    now: datetime  # aware; any zone, normally UTC
    tz: ZoneInfo  # the person's time zone: "today" is today there

    def __post_init__(self) -> None:
        if self.now.utcoffset() is None:
            raise ValueError("When.now must be timezone-aware, e.g. datetime(..., tzinfo=UTC)")
        if not 1000 <= self.now.year <= 9000:  # keeps every date the parsers make in range
            raise ValueError(f"When.now must be between the years 1000 and 9000, not {self.now}")

    @property
    def today(self) -> date:
        """Today's date in the person's time zone."""
        return self.now.astimezone(self.tz).date()


# --- normalizing -------------------------------------------------------------------------------

_ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5}
_ZH_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
_ZH_NUMERAL = re.compile("[零〇一二两兩三四五六七八九十]+")


def _zh_numeral(match: re.Match[str]) -> str:
    """``十二`` -> ``12``, ``二〇二六`` -> ``2026``; left alone if it is not a plain number."""
    run = match.group()
    head, ten, tail = run.partition("十")
    if not ten:
        number = "".join(str(_ZH_DIGITS[c]) for c in run)
    elif len(head) > 1 or len(tail) > 1 or tail == "十":
        return run
    else:
        number = str(_ZH_DIGITS.get(head, 1) * 10 + _ZH_DIGITS.get(tail, 0))
    following = match.string[match.end() : match.end() + 1]
    return number + " " if following and following in "0123456789" else number


def _norm(s: str) -> str:
    """Fold width and case, collapse spaces, read Chinese numerals; ``""`` if far too long."""
    text = unicodedata.normalize("NFKC", s[: MAX_INPUT * 2]).lower()
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) > MAX_INPUT:
        return ""
    return _ZH_NUMERAL.sub(_zh_numeral, text)


def _shown(s: str) -> str:
    """The input as quoted back in a message: stripped, and cut if long."""
    text = s.strip()
    return text if len(text) <= 40 else text[:39] + "…"


# --- durations ---------------------------------------------------------------------------------

_UNIT_MINUTES = {"s": 0, "m": 1, "h": 60, "d": 24 * 60, "w": 7 * 24 * 60}
_UNIT_NAMES = {
    "s": "s sec secs second seconds 秒 秒钟 秒鐘",
    "m": "m min mins minute minutes 分 分钟 分鐘",
    "h": "h hr hrs hour hours 小时 小時 个小时 個小時 钟头 鐘頭 个钟头 個鐘頭",
    "d": "d day days 天",
    "w": "w wk wks week weeks 周 週 星期 个星期 個星期 礼拜 禮拜 个礼拜 個禮拜",
}
_UNITS = {name: unit for unit, names in _UNIT_NAMES.items() for name in names.split()}
_DURATION_PART = re.compile(r"([0-9]+(?:\.[0-9]+)?) ?([a-z\u4e00-\u9fff]+) ?")
_HALF_HOUR = (
    (re.compile(r"^半个?小时"), "30分钟"),
    (re.compile(r"([0-9]+)个半小时"), r"\1小时30分钟"),
    (re.compile(r"([0-9]+)个?小时半"), r"\1小时30分钟"),
)
_OFFSET_AFFIX = re.compile(r"(in )?(.+?)(?: ?(ago|later|前|以前|之前|后|後|以后|以後|之后|之後))?")
_PAST = {"ago", "前", "以前", "之前"}


def _offset(t: str) -> tuple[int, set[str]] | None:
    """``1h30m`` -> ``(90, {"h", "m"})``; ``-2d`` is negative; None if not shaped like one."""
    sign, body = (-1, t[1:]) if t.startswith("-") else (1, t.removeprefix("+"))
    for pattern, replacement in _HALF_HOUR:
        body = pattern.sub(replacement, body)
    parts: list[tuple[Decimal, str]] = []
    position = 0
    for match in _DURATION_PART.finditer(body):
        if match.start() != position or match.group(2) not in _UNITS:
            return None
        parts.append((Decimal(match.group(1)), _UNITS[match.group(2)]))
        position = match.end()
    if not parts or position != len(body):
        return None
    if any(unit == "s" for _n, unit in parts):
        raise BadValue(_("'{value}' uses seconds — the smallest unit is minutes, e.g. 1m", value=t))
    total = sum((number * _UNIT_MINUTES[unit] for number, unit in parts), Decimal(0))
    if total == 0:
        raise BadValue(_("'{value}' must be positive — e.g. 30m, 2h or 1d", value=t))
    if total > MAX_DURATION_MINUTES:
        raise BadValue(_("'{value}' is too long — at most 366 days, e.g. 30d or 52w", value=t))
    if total != total.to_integral_value():
        raise BadValue(_("'{value}' is not a whole number of minutes — e.g. 1h30m", value=t))
    return sign * int(total), {unit for _n, unit in parts}


def _signed_offset(t: str) -> tuple[int, set[str]] | None:
    """Like :func:`_offset`, also reading ``in 3d``, ``3 days ago``, ``3天后``, ``2小时前``."""
    match = _OFFSET_AFFIX.fullmatch(t)
    found = _offset(match.group(2)) if match else None
    if match is None or found is None:
        return None
    minutes, units = found
    return (-minutes if match.group(3) in _PAST else minutes), units


def parse_duration(s: str) -> timedelta:
    """A positive length of time, in whole minutes, at most 366 days.

    Reads ``30m``, ``2h``, ``1d``, ``1w``, ``1h30m``, ``1.5h``, ``30min``, ``2hr``, ``2 hours``,
    ``30分钟``, ``2个小时``, ``1天``, ``半小时``, ``1个半小时``, ``1周``, ``三天``.

    Example:
        >>> parse_duration("1h30m")
        datetime.timedelta(seconds=5400)
    """
    t = _norm(s)
    found = _offset(t)
    if found is None:
        if re.fullmatch(r"\+?[0-9]{1,6}", t):
            raise BadValue(
                _("'{value}' needs a unit — e.g. {example}, 2h or 1d", value=t, example=f"{t}m")
            )
        raise BadValue(_("'{value}' is not a duration — use e.g. 30m, 2h or 1d", value=_shown(s)))
    minutes, _units = found
    if minutes < 0:
        raise BadValue(_("'{value}' must be positive — e.g. 30m, 2h or 1d", value=t))
    return timedelta(minutes=minutes)


# --- dates -------------------------------------------------------------------------------------

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
                value=t,
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
            _("'{value}' is not a day in the calendar — check month and day, e.g. 12-01", value=t)
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
            _("'{value}' is not a date — count whole days or weeks, e.g. 3d or 2w", value=t)
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
                value=_shown(s),
            )
        )
    return found


# --- times -------------------------------------------------------------------------------------

_CLOCK = re.compile(r"([0-9]{1,2}):([0-9]{2})")
_AMPM = re.compile(r"([0-9]{1,2})(?::([0-9]{2}))? ?([ap])\.?m?\.?")
_ZH_CLOCK = re.compile(r"([0-9]{1,2}) ?[点點时時] ?(?:(半)|([0-9]{1,2}) ?分?|([13]) ?刻|整)?")
_ZH_PERIOD = re.compile(r"(凌晨|早上|早晨|清晨|上午|中午|下午|傍晚|晚上|夜里|夜裡|夜间|夜間|晚) ?")
_AM_PERIODS = {"凌晨", "早上", "早晨", "清晨", "上午"}
_NIGHT_PERIODS = {"晚上", "夜里", "夜裡", "夜间", "夜間", "晚"}  # 晚上12点 is midnight
_NAMED_TIMES = {"noon": time(12), "midday": time(12), "midnight": time(0), "中午": time(12)}
_NAMED_TIMES |= {"午夜": time(0), "半夜": time(0)}


def _valid_time(hour: int, minute: int, t: str) -> time:
    if hour > 23 or minute > 59:
        raise BadValue(
            _(
                "'{value}' is not a time of day — use HH:MM between 00:00 and 23:59, e.g. 19:00",
                value=t,
            )
        )
    return time(hour, minute)


def _from_12h(hour: int, half: str, t: str) -> int:
    if not 1 <= hour <= 12:
        raise BadValue(
            _("'{value}' is not a time of day — with am/pm the hour is 1 to 12, e.g. 7pm", value=t)
        )
    return hour % 12 + (12 if half == "p" else 0)


def _from_period(period: str, hour: int, t: str) -> int:
    """Apply 上午/下午/晚上...: ``下午3点`` is 15:00, ``晚上12点`` is midnight."""
    if period in _AM_PERIODS:
        if hour > 12:
            raise BadValue(_("'{value}' is not a morning time — e.g. 上午9点 or 下午3点", value=t))
        return 0 if (hour == 12 and period == "凌晨") else hour
    if hour == 12:
        return 0 if period in _NIGHT_PERIODS else 12
    return hour + 12 if 1 <= hour < 12 else hour


def _time_or_none(t: str, *, bare_hour: bool = False) -> time | None:
    """Read ``t`` as a time of day; None if it is not shaped like one."""
    if t in _NAMED_TIMES:
        return _NAMED_TIMES[t]
    if match := _AMPM.fullmatch(t):
        return _valid_time(_from_12h(int(match[1]), match[3], t), int(match[2] or 0), t)
    period = _ZH_PERIOD.match(t)
    body = t[period.end() :] if period else t
    if match := _CLOCK.fullmatch(body):
        hour, minute = int(match[1]), int(match[2])
    elif match := _ZH_CLOCK.fullmatch(body):
        hour = int(match[1])
        minute = 30 if match[2] else int(match[3] or 0) + 15 * int(match[4] or 0)
    elif bare_hour and re.fullmatch(r"[0-9]{1,2}", body):
        hour, minute = int(body), 0
    else:
        return None
    if period:
        hour = _from_period(period[1], hour, t)
    return _valid_time(hour, minute, t)


def parse_time(s: str) -> time:
    """A time of day.

    Reads ``19:00``, ``9:30``, ``9am``, ``7pm``, ``7:30 pm``, ``12am`` (00:00), ``12pm`` (12:00),
    ``noon``, ``midnight``, ``19点``, ``9点半``, ``9点30``, ``9点30分``, ``9点一刻``, ``下午3点``,
    ``上午9点``, ``晚上7点``, ``下午3:30``.

    Example:
        >>> parse_time("7:30pm")
        datetime.time(19, 30)
    """
    t = _norm(s)
    found = _time_or_none(t)
    if found is not None:
        return found
    if re.fullmatch(r"[0-9]{1,2}", t) and int(t) < 24:
        raise BadValue(
            _(
                "'{value}' needs minutes or am/pm — e.g. {example} or {hour}pm",
                value=t,
                example=f"{int(t)}:00",
                hour=int(t) % 12 or 12,
            )
        )
    raise BadValue(
        _("'{value}' is not a time — use e.g. 19:00, 9:30, 7pm or 19点", value=_shown(s))
    )


_TIME_RANGE_SEP = re.compile(r" ?(?:\.\.|-|~|〜|–|—|到|至) ?| to ")


def parse_time_range(s: str) -> tuple[time, time]:
    """A daily span of time from start to end; it may wrap midnight.

    Reads ``9:00-18:00``, ``19:00-09:00``, ``9-18`` (whole hours), ``9am-6pm``, ``19:00~09:00``,
    ``19:00–09:00``, ``19:00 to 09:00``, ``19点-9点``, ``19:00到09:00``, ``晚上7点到早上9点``.

    Example:
        >>> parse_time_range("19:00-09:00")
        (datetime.time(19, 0), datetime.time(9, 0))
    """
    t = _norm(s)
    parts = _TIME_RANGE_SEP.split(t)
    ends = [_time_or_none(p, bare_hour=True) for p in parts] if len(parts) == 2 else []
    if len(ends) != 2 or ends[0] is None or ends[1] is None:
        raise BadValue(
            _(
                "'{value}' is not a time range — use e.g. 9:00-18:00, 19:00-09:00 or 9am-6pm",
                value=_shown(s),
            )
        )
    if ends[0] == ends[1]:
        raise BadValue(
            _("'{value}' starts and ends at the same time — e.g. 19:00-09:00", value=_shown(s))
        )
    return ends[0], ends[1]


# --- date and time -----------------------------------------------------------------------------

_DATE_TIME_T = re.compile(r"(?<=[0-9])t(?=[0-9])")
_ZH_SHORTHANDS = (("今晚", "今天晚上"), ("明早", "明天早上"), ("明晚", "明天晚上"))


def _at(day: date, clock: time, when: When) -> datetime:
    """Wall-clock ``day clock`` in the person's zone, as UTC (fold=0 for repeated/missing hours)."""
    return datetime.combine(day, clock, tzinfo=when.tz).astimezone(UTC)


def _date_time_splits(t: str) -> Iterator[tuple[str, str]]:
    """Candidate (date, time) cuts: at ``@``, at ``T``, at a space, after a Chinese character."""
    if "@" in t:
        left, _at_sign, right = t.partition("@")
        yield left.strip(), right.strip()
    if match := _DATE_TIME_T.search(t):
        yield t[: match.start()], t[match.end() :]
    for i in range(1, len(t)):
        if t[i] == " " or "\u4e00" <= t[i - 1] <= "\u9fff":
            yield t[:i].strip(), t[i:].strip()


def _datetime_or_none(t: str, when: When, default_time: time) -> datetime | None:
    now = when.now.astimezone(UTC).replace(second=0, microsecond=0)
    if t in ("now", "现在", "現在"):
        return now
    if (offset := _signed_offset(t)) is not None:
        return now + timedelta(minutes=offset[0])
    if (clock := _time_or_none(t)) is not None:
        today = _at(when.today, clock, when)
        return today if today > when.now else _at(when.today + timedelta(days=1), clock, when)
    if (day := _date_or_none(t, when)) is not None:
        return _at(day, default_time, when)
    for left, right in _date_time_splits(t):
        day = _date_or_none(left, when)
        clock = _time_or_none(right) if day is not None else None
        if day is not None and clock is not None:
            return _at(day, clock, when)
    day = _natural_date(t, when)
    return None if day is None else _at(day, default_time, when)


def parse_datetime(s: str, when: When, default_time: time = time(18, 0)) -> datetime:
    """A moment, read in the person's time zone and returned in UTC.

    Reads a date as in :func:`parse_date` (at ``default_time``), optionally followed by a time as
    in :func:`parse_time` after a space, ``T`` or ``@`` (``2026-12-01 18:00``, ``fri 17:00``,
    ``tomorrow@9am``, ``明天 9点``, ``明天下午3点``, ``今晚8点``); a time alone (today if still
    ahead, else tomorrow); or an offset from now (``2h``, ``30m``, ``1d``, ``2小时后``), to the
    minute. Missing or repeated wall-clock hours at DST changes are read with fold=0.

    Example:
        >>> when = When(datetime(2026, 11, 23, 4, tzinfo=UTC), ZoneInfo("Asia/Shanghai"))
        >>> parse_datetime("tomorrow 9am", when)
        datetime.datetime(2026, 11, 24, 1, 0, tzinfo=datetime.timezone.utc)
    """
    t = _norm(s)
    for short, long in _ZH_SHORTHANDS:
        t = t.replace(short, long)
    found = _datetime_or_none(t, when, default_time)
    if found is None:
        raise BadValue(
            _(
                "'{value}' is not a date or time — use e.g. fri 17:00, 2026-12-01 18:00, "
                "tomorrow@9am, 明天 9点 or 2h",
                value=_shown(s),
            )
        )
    return found


# --- date ranges -------------------------------------------------------------------------------

_SPAN_NAMES = {
    ("w", 0): "week this-week 本周 本週 这周 這週 这个星期 本星期 这个礼拜",
    ("w", 1): "next-week 下周 下週 下个星期 下個星期 下星期 下个礼拜 下礼拜",
    ("w", -1): "last-week 上周 上週 上个星期 上個星期 上星期 上个礼拜 上礼拜",
    ("m", 0): "month this-month 本月 这个月 這個月",
    ("m", 1): "next-month 下月 下个月 下個月",
    ("m", -1): "last-month 上月 上个月 上個月",
}
_SPANS = {name: key for key, names in _SPAN_NAMES.items() for name in names.split()}
_DATE_RANGE_SEP = re.compile(r"\.\.|~|〜|–|—|至|到|-| to ")


def _named_span(t: str, today: date) -> tuple[date, date] | None:
    key = _SPANS.get(re.sub(r"[ _]", "-", t))
    if key is None:
        return None
    kind, shift = key
    if kind == "w":
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=shift)
        return monday, monday + timedelta(days=6)
    year, month0 = divmod(today.year * 12 + today.month - 1 + shift, 12)
    last_day = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, 1), date(year, month0 + 1, last_day)


def _split_range(t: str, when: When) -> tuple[date, date] | None:
    """``start..end``; an end like ``fri`` that falls before the start is read from the start."""
    for match in _DATE_RANGE_SEP.finditer(t):
        start = _date_or_none(t[: match.start()].strip(), when)
        right = t[match.end() :].strip()
        end = _date_or_none(right, when) if start is not None else None
        if start is None or end is None:
            continue
        if end < start:
            from_start = When(_at(start, time(12), when), when.tz)
            end = max(end, _date_or_none(right, from_start) or end)
        return start, end
    return None


def parse_date_range(s: str, when: When) -> tuple[date, date]:
    """An inclusive span of days, at most 366 long.

    Reads ``start..end`` (also ``~``, ``-``, ``–``, ``至``, ``到``, `` to ``) with each side as in
    :func:`parse_date` (``12-01..12-03``, ``mon..fri``, ``12月1日至12月3日``, ``明天..下周一``);
    ``week``/``this-week``/``本周``, ``next-week``/``下周``, ``last-week``/``上周`` (Monday to
    Sunday), ``month``/``本月``, ``next-month``/``下个月``, ``last-month``/``上个月``;
    a single date.

    Example:
        >>> when = When(datetime(2026, 11, 23, 4, tzinfo=UTC), ZoneInfo("Asia/Shanghai"))
        >>> parse_date_range("12-01..12-03", when)
        (datetime.date(2026, 12, 1), datetime.date(2026, 12, 3))
    """
    t = _norm(s)
    span = _named_span(t, when.today)
    if span is None and (day := _date_or_none(t, when)) is not None:
        span = (day, day)
    span = span or _split_range(t, when)
    if span is None and (day := _natural_date(t, when)) is not None:
        span = (day, day)
    if span is None:
        raise BadValue(
            _(
                "'{value}' is not a date range — use e.g. 12-01..12-03, mon..fri, week or 下周",
                value=_shown(s),
            )
        )
    start, end = span
    if end < start:
        raise BadValue(
            _("'{value}': the range ends before it starts — e.g. 12-01..12-03", value=_shown(s))
        )
    if (end - start).days + 1 > MAX_SPAN_DAYS:
        raise BadValue(
            _("'{value}' is longer than 366 days — e.g. 2026-01-01..2026-12-31", value=_shown(s))
        )
    return start, end


# --- money -------------------------------------------------------------------------------------

_CURRENCY_WORDS = {"¥": "CNY", "元": "CNY", "块": "CNY", "塊": "CNY", "圆": "CNY", "圓": "CNY"}
_CURRENCY_WORDS |= {"rmb": "CNY", "人民币": "CNY", "$": "USD", "us$": "USD", "美元": "USD"}
_CURRENCY_WORDS |= {"€": "EUR", "欧元": "EUR", "£": "GBP", "英镑": "GBP", "hk$": "HKD"}
_CURRENCY_WORDS |= {"港币": "HKD", "日元": "JPY"}
_MONEY = re.compile(r"(?P<pre>[^0-9]*?) ?(?P<num>[0-9][0-9,]*(?:\.[0-9]+)?) ?(?P<post>[^0-9]*)")
_AMOUNT = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?")


def _not_money(value: str) -> BadValue:
    return BadValue(
        _("'{value}' is not an amount — use e.g. 120, 120.50, ¥120 or $12.5", value=value)
    )


@functools.cache
def _iso_currencies() -> frozenset[str]:
    from babel.numbers import list_currencies

    return frozenset(list_currencies())


def _currency_code(word: str, value: str) -> str:
    if word in _CURRENCY_WORDS:
        return _CURRENCY_WORDS[word]
    if not re.fullmatch(r"[a-z]{3}", word):
        raise _not_money(value)
    if word.upper() in _iso_currencies():
        return word.upper()
    raise BadValue(
        _(
            "'{code}' in '{value}' is not a currency — use e.g. CNY, USD, EUR, ¥ or $",
            code=word,
            value=value,
        )
    )


def _amount(number: str, value: str) -> Decimal:
    if not _AMOUNT.fullmatch(number):
        raise BadValue(_("'{value}' is not a number — e.g. 1,200.00 or 1200", value=value))
    if len(number.partition(".")[2]) > 2:
        raise BadValue(_("'{value}' has more than 2 decimals — e.g. 12.35", value=value))
    amount = Decimal(number.replace(",", ""))
    if amount == 0:
        raise BadValue(_("'{value}' must be more than zero — e.g. 120", value=value))
    if amount >= MAX_AMOUNT:
        raise BadValue(
            _(
                "'{value}' is too large — amounts stay below 1,000,000,000, e.g. 1,200.00",
                value=value,
            )
        )
    return amount.quantize(CENT)


def parse_money(s: str, default_currency: str = "CNY") -> Money:
    """A positive amount below 10⁹ with at most 2 decimals, and its currency (ISO 4217 code).

    Reads ``120``, ``120.5``, ``1,200.00``, ``¥120``/``￥120`` (CNY), ``$12.5`` (USD), ``€5``,
    ``£5``, ``120CNY``, ``CNY120``, ``usd12``, ``120元``, ``120块``; without a currency:
    ``default_currency``.

    Example:
        >>> parse_money("$12.5")
        Money(amount=Decimal('12.50'), currency='USD')
    """
    t = _norm(s)
    match = _MONEY.fullmatch(t)
    if match is None:
        raise _not_money(_shown(s))
    pre = match["pre"].strip()
    if "-" in pre:
        raise BadValue(_("'{value}' must be more than zero — e.g. 120", value=t))
    words = [w for w in (pre.removeprefix("+").strip(), match["post"].strip()) if w]
    codes = {_currency_code(w, t) for w in words}
    if len(codes) > 1:
        raise BadValue(_("'{value}' names two currencies — e.g. $12.5 or 120CNY", value=t))
    amount = _amount(match["num"], t)
    return Money(amount, codes.pop() if codes else default_currency.upper())
