"""Typed values from what people type: every accepted form, every refusal, and random input."""

import doctest
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import values
from bot.errors import BadValue
from bot.i18n import Money, Text
from bot.values import (
    When,
    parse_date,
    parse_date_range,
    parse_datetime,
    parse_duration,
    parse_money,
    parse_time,
    parse_time_range,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
# Monday 2026-11-23, 12:00 in Shanghai
WHEN = When(datetime(2026, 11, 23, 4, 0, tzinfo=UTC), SHANGHAI)
# Saturday 2026-10-31, 12:00 EDT; the clocks go back from 02:00 EDT to 01:00 EST on 2026-11-01
NY = When(datetime(2026, 10, 31, 16, 0, tzinfo=UTC), NEW_YORK)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, sec: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, sec, tzinfo=UTC)


def d(month: int, day: int, year: int = 2026) -> date:
    return date(year, month, day)


# --- accepted forms ----------------------------------------------------------------------------

DURATIONS = [
    ("30m", timedelta(minutes=30)),
    ("2h", timedelta(hours=2)),
    ("1d", timedelta(days=1)),
    ("1w", timedelta(weeks=1)),
    ("1h30m", timedelta(minutes=90)),
    ("1d2h", timedelta(hours=26)),
    ("30min", timedelta(minutes=30)),
    ("2hr", timedelta(hours=2)),
    ("2 hours", timedelta(hours=2)),
    ("1.5h", timedelta(minutes=90)),
    ("  2H ", timedelta(hours=2)),
    ("30分钟", timedelta(minutes=30)),
    ("30分", timedelta(minutes=30)),
    ("2小时", timedelta(hours=2)),
    ("2个小时", timedelta(hours=2)),
    ("1天", timedelta(days=1)),
    ("半小时", timedelta(minutes=30)),
    ("一个半小时", timedelta(minutes=90)),
    ("1周", timedelta(weeks=1)),
    ("1星期", timedelta(weeks=1)),
    ("三天", timedelta(days=3)),
    ("３０ｍ", timedelta(minutes=30)),
    ("366d", timedelta(days=366)),
]


@pytest.mark.parametrize(("text", "expected"), DURATIONS)
def test_duration_forms(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


DATES = [
    ("today", d(11, 23)),
    ("tod", d(11, 23)),
    ("tomorrow", d(11, 24)),
    ("tmr", d(11, 24)),
    ("tmrw", d(11, 24)),
    ("yesterday", d(11, 22)),
    ("今天", d(11, 23)),
    ("明天", d(11, 24)),
    ("后天", d(11, 25)),
    ("大后天", d(11, 26)),
    ("昨天", d(11, 22)),
    # weekdays: the next one, today counts
    ("mon", d(11, 23)),
    ("Monday", d(11, 23)),
    ("tue", d(11, 24)),
    ("FRI", d(11, 27)),
    ("sunday", d(11, 29)),
    ("next mon", d(11, 30)),
    ("next friday", d(12, 4)),
    ("this fri", d(11, 27)),
    ("last fri", d(11, 20)),
    ("周一", d(11, 23)),
    ("周五", d(11, 27)),
    ("周日", d(11, 29)),
    ("周天", d(11, 29)),
    ("星期一", d(11, 23)),
    ("星期日", d(11, 29)),
    ("星期天", d(11, 29)),
    ("礼拜三", d(11, 25)),
    ("下周一", d(11, 30)),
    ("下周日", d(12, 6)),
    ("下星期一", d(11, 30)),
    ("本周五", d(11, 27)),
    ("这周五", d(11, 27)),
    ("上周五", d(11, 20)),
    # explicit dates
    ("2026-12-01", d(12, 1)),
    ("2026/12/01", d(12, 1)),
    ("2026.12.01", d(12, 1)),
    ("2027-1-5", d(1, 5, 2027)),
    ("2026年12月1日", d(12, 1)),
    ("12月1日", d(12, 1)),
    ("12月1号", d(12, 1)),
    ("十二月一日", d(12, 1)),
    # month-day without a year: the occurrence nearest to today
    ("12-01", d(12, 1)),
    ("12/01", d(12, 1)),
    ("12.1", d(12, 1)),
    ("1-15", d(1, 15, 2027)),
    ("5-20", d(5, 20, 2027)),
    ("6-1", d(6, 1)),
    ("11-20", d(11, 20)),
    ("dec 1", d(12, 1)),
    ("1 dec", d(12, 1)),
    ("december 1", d(12, 1)),
    ("dec 1 2026", d(12, 1)),
    ("December 1st, 2027", d(12, 1, 2027)),
    ("jan 5", d(1, 5, 2027)),
    # offsets
    ("3d", d(11, 26)),
    ("+3d", d(11, 26)),
    ("2w", d(12, 7)),
    ("-1d", d(11, 22)),
    ("3天后", d(11, 26)),
    ("3天", d(11, 26)),
    ("3天前", d(11, 20)),
    ("3 days ago", d(11, 20)),
    ("in 3 days", d(11, 26)),
    # free-form, through dateparser
    ("1st of december", d(12, 1)),
    ("day after tomorrow", d(11, 25)),
]


@pytest.mark.parametrize(("text", "expected"), DATES)
def test_date_forms(text: str, expected: date) -> None:
    assert parse_date(text, WHEN) == expected


def test_today_is_in_the_persons_time_zone() -> None:
    late = When(utc(2026, 11, 1, 3, 0), NEW_YORK)  # 23:00 EDT on Oct 31
    assert late.today == d(10, 31)
    assert parse_date("tomorrow", late) == d(11, 1)
    assert When(utc(2026, 11, 23, 17, 0), SHANGHAI).today == d(11, 24)


def test_when_needs_an_aware_now() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        When(datetime(2026, 11, 23, 4, 0), SHANGHAI)  # noqa: DTZ001


TIMES = [
    ("19:00", time(19)),
    ("9:30", time(9, 30)),
    ("09:30", time(9, 30)),
    ("0:05", time(0, 5)),
    ("23:59", time(23, 59)),
    ("9am", time(9)),
    ("7pm", time(19)),
    ("7:30pm", time(19, 30)),
    ("7 PM", time(19)),
    ("7:30 p.m.", time(19, 30)),
    ("12am", time(0)),
    ("12pm", time(12)),
    ("noon", time(12)),
    ("midnight", time(0)),
    ("19点", time(19)),
    ("9点半", time(9, 30)),
    ("9点30", time(9, 30)),
    ("9点30分", time(9, 30)),
    ("9点一刻", time(9, 15)),
    ("下午3点", time(15)),
    ("下午3:30", time(15, 30)),
    ("上午9点", time(9)),
    ("晚上7点", time(19)),
    ("晚上12点", time(0)),
    ("中午12点", time(12)),
    ("九点半", time(9, 30)),
    ("１９：００", time(19)),
]


@pytest.mark.parametrize(("text", "expected"), TIMES)
def test_time_forms(text: str, expected: time) -> None:
    assert parse_time(text) == expected


TIME_RANGES = [
    ("19:00-09:00", (time(19), time(9))),
    ("9:00-18:00", (time(9), time(18))),
    ("9-18", (time(9), time(18))),
    ("9am-6pm", (time(9), time(18))),
    ("19:00~09:00", (time(19), time(9))),
    ("19:00–09:00", (time(19), time(9))),
    ("19:00 - 09:00", (time(19), time(9))),
    ("19点-9点", (time(19), time(9))),
    ("19:00到09:00", (time(19), time(9))),
    ("晚上7点到早上9点", (time(19), time(9))),
    ("9am-6", (time(9), time(18))),  # a morning start and a bare end: the working day
    ("9am-6:30", (time(9), time(18, 30))),
    ("9am-11", (time(9), time(11))),
    ("9am-06:00", (time(9), time(6))),  # 24-hour time is taken as written
    ("9pm-6", (time(21), time(6))),
    ("22-6", (time(22), time(6))),
]


@pytest.mark.parametrize(("text", "expected"), TIME_RANGES)
def test_time_range_forms(text: str, expected: tuple[time, time]) -> None:
    assert parse_time_range(text) == expected


DATETIMES = [  # in Shanghai (UTC+8), now Monday 2026-11-23 12:00
    ("2026-12-01 18:00", utc(2026, 12, 1, 10, 0)),
    ("2026-12-01T18:00", utc(2026, 12, 1, 10, 0)),
    ("fri 17:00", utc(2026, 11, 27, 9, 0)),
    ("next mon 9am", utc(2026, 11, 30, 1, 0)),
    ("dec 1 2026 18:00", utc(2026, 12, 1, 10, 0)),
    ("明天 9点", utc(2026, 11, 24, 1, 0)),
    ("明天下午3点", utc(2026, 11, 24, 7, 0)),
    ("周五17:00", utc(2026, 11, 27, 9, 0)),
    ("今晚8点", utc(2026, 11, 23, 12, 0)),
    ("3天后9点", utc(2026, 11, 26, 1, 0)),
    ("tomorrow@9am", utc(2026, 11, 24, 1, 0)),
    ("tomorrow @ 9am", utc(2026, 11, 24, 1, 0)),
    ("18:00", utc(2026, 11, 23, 10, 0)),  # still ahead today
    ("11:00", utc(2026, 11, 24, 3, 0)),  # already past: tomorrow
    ("12:00", utc(2026, 11, 24, 4, 0)),  # now is not ahead
    ("2h", utc(2026, 11, 23, 6, 0)),
    ("30m", utc(2026, 11, 23, 4, 30)),
    ("1d", utc(2026, 11, 24, 4, 0)),
    ("2小时后", utc(2026, 11, 23, 6, 0)),
    ("2小时前", utc(2026, 11, 23, 2, 0)),
    ("in 90 min", utc(2026, 11, 23, 5, 30)),
    ("now", utc(2026, 11, 23, 4, 0)),
    ("2026-12-01", utc(2026, 12, 1, 10, 0)),  # a date alone: at the default time
    ("tomorrow", utc(2026, 11, 24, 10, 0)),
]


@pytest.mark.parametrize(("text", "expected"), DATETIMES)
def test_datetime_forms(text: str, expected: datetime) -> None:
    found = parse_datetime(text, WHEN)
    assert found == expected
    assert found.tzinfo is UTC


def test_datetime_default_time_and_minute_precision() -> None:
    assert parse_datetime("fri", WHEN, default_time=time(9)) == utc(2026, 11, 27, 1, 0)
    ragged = When(utc(2026, 11, 23, 4, 0, 42) + timedelta(microseconds=5), SHANGHAI)
    assert parse_datetime("30m", ragged) == utc(2026, 11, 23, 4, 30)


DST = [  # in New York, now Saturday 2026-10-31 12:00 EDT (UTC-4); EST (UTC-5) from 11-01 02:00
    ("tomorrow 9:00", utc(2026, 11, 1, 14, 0)),  # after the change: EST
    ("tomorrow", utc(2026, 11, 1, 23, 0)),  # 18:00 EST
    ("2026-11-01 01:30", utc(2026, 11, 1, 5, 30)),  # happens twice: the first (EDT, fold=0)
    ("2026-11-01 03:00", utc(2026, 11, 1, 8, 0)),
    ("1d", utc(2026, 11, 1, 16, 0)),  # an offset is elapsed time: 24 h later, 11:00 EST
    ("11:00", utc(2026, 11, 1, 16, 0)),  # past today: tomorrow's 11:00 EST
    ("2026-03-08 02:30", utc(2026, 3, 8, 7, 30)),  # skipped by the clocks: read with fold=0
]


@pytest.mark.parametrize(("text", "expected"), DST)
def test_datetime_across_dst(text: str, expected: datetime) -> None:
    assert parse_datetime(text, NY) == expected


DATE_RANGES = [
    ("12-01..12-03", (d(12, 1), d(12, 3))),
    ("2026-12-01..2026-12-03", (d(12, 1), d(12, 3))),
    ("2026-12-01-2026-12-03", (d(12, 1), d(12, 3))),
    ("12-01~12-03", (d(12, 1), d(12, 3))),
    ("12月1日-12月3日", (d(12, 1), d(12, 3))),
    ("12月1日至12月3日", (d(12, 1), d(12, 3))),
    ("12-30..1-2", (d(12, 30), d(1, 2, 2027))),
    ("mon..fri", (d(11, 23), d(11, 27))),
    ("wed..mon", (d(11, 25), d(11, 30))),  # an end before the start is read from the start
    ("today..fri", (d(11, 23), d(11, 27))),
    ("明天..下周一", (d(11, 24), d(11, 30))),
    ("today", (d(11, 23), d(11, 23))),
    ("tomorrow", (d(11, 24), d(11, 24))),
    ("12-01", (d(12, 1), d(12, 1))),
    ("week", (d(11, 23), d(11, 29))),
    ("this-week", (d(11, 23), d(11, 29))),
    ("this week", (d(11, 23), d(11, 29))),
    ("本周", (d(11, 23), d(11, 29))),
    ("这周", (d(11, 23), d(11, 29))),
    ("next-week", (d(11, 30), d(12, 6))),
    ("下周", (d(11, 30), d(12, 6))),
    ("last-week", (d(11, 16), d(11, 22))),
    ("上周", (d(11, 16), d(11, 22))),
    ("month", (d(11, 1), d(11, 30))),
    ("this-month", (d(11, 1), d(11, 30))),
    ("本月", (d(11, 1), d(11, 30))),
    ("last-month", (d(10, 1), d(10, 31))),
    ("上月", (d(10, 1), d(10, 31))),
    ("上个月", (d(10, 1), d(10, 31))),
    ("next-month", (d(12, 1), d(12, 31))),
    ("下月", (d(12, 1), d(12, 31))),
    ("下个月", (d(12, 1), d(12, 31))),
    ("2026-01-01..2026-12-31", (d(1, 1), d(12, 31))),
]


@pytest.mark.parametrize(("text", "expected"), DATE_RANGES)
def test_date_range_forms(text: str, expected: tuple[date, date]) -> None:
    assert parse_date_range(text, WHEN) == expected


def test_next_month_wraps_the_year() -> None:
    december = When(utc(2026, 12, 15, 4, 0), SHANGHAI)
    assert parse_date_range("next-month", december) == (d(1, 1, 2027), d(1, 31, 2027))


MONEY = [
    ("120", Money(Decimal("120.00"), "CNY")),
    ("120.5", Money(Decimal("120.50"), "CNY")),
    ("120.50", Money(Decimal("120.50"), "CNY")),
    ("1,200.00", Money(Decimal("1200.00"), "CNY")),
    ("¥120", Money(Decimal("120.00"), "CNY")),
    ("￥120", Money(Decimal("120.00"), "CNY")),
    ("¥ 120", Money(Decimal("120.00"), "CNY")),
    ("$12.5", Money(Decimal("12.50"), "USD")),
    ("€5", Money(Decimal("5.00"), "EUR")),
    ("£5", Money(Decimal("5.00"), "GBP")),
    ("120CNY", Money(Decimal("120.00"), "CNY")),
    ("CNY120", Money(Decimal("120.00"), "CNY")),
    ("120cny", Money(Decimal("120.00"), "CNY")),
    ("12 usd", Money(Decimal("12.00"), "USD")),
    ("usd12", Money(Decimal("12.00"), "USD")),
    ("120元", Money(Decimal("120.00"), "CNY")),
    ("120块", Money(Decimal("120.00"), "CNY")),
    ("0.01", Money(Decimal("0.01"), "CNY")),
    ("999999999.99", Money(Decimal("999999999.99"), "CNY")),
]


@pytest.mark.parametrize(("text", "expected"), MONEY)
def test_money_forms(text: str, expected: Money) -> None:
    found = parse_money(text)
    assert found == expected
    assert found.amount.as_tuple().exponent == -2


def test_money_default_currency() -> None:
    assert parse_money("12", default_currency="usd") == Money(Decimal("12.00"), "USD")
    assert parse_money("¥12", default_currency="USD").currency == "CNY"


# --- refusals ----------------------------------------------------------------------------------

Parser = Callable[[str], Any]
BAD: list[tuple[Parser, str, list[str]]] = [
    (parse_duration, "-5m", ["'-5m'", "positive", "e.g. 30m"]),
    (parse_duration, "0m", ["'0m'", "positive"]),
    (parse_duration, "30", ["'30'", "e.g. 30m"]),
    (parse_duration, "90s", ["'90s'", "minutes", "e.g. 1m"]),
    (parse_duration, "99999999999d", ["'99999999999d'", "366 days", "e.g. 30d"]),
    (parse_duration, "367d", ["'367d'", "366 days"]),
    (parse_duration, "0.5m", ["'0.5m'", "whole number of minutes", "e.g. 1h30m"]),
    (parse_duration, "1mo", ["'1mo'", "not a duration", "e.g. 30m, 2h or 1d"]),
    (parse_duration, "", ["''", "e.g. 30m"]),
    (parse_duration, "١٢m", ["'١٢m'", "e.g. 30m"]),
    (lambda s: parse_date(s, WHEN), "2026-02-30", ["'2026-02-30'", "calendar", "e.g. 12-01"]),
    (lambda s: parse_date(s, WHEN), "0000-00-00", ["'0000-00-00'", "e.g."]),
    (lambda s: parse_date(s, WHEN), "2026-13-01", ["'2026-13-01'", "e.g."]),
    (lambda s: parse_date(s, WHEN), "2-29", ["'2-29'", "e.g."]),
    (lambda s: parse_date(s, WHEN), "3000-01-01", ["'3000-01-01'", "year from 1926 to 2126"]),
    (lambda s: parse_date(s, WHEN), "2h", ["'2h'", "not a date", "e.g. 3d"]),
    (lambda s: parse_date(s, WHEN), "999d", ["'999d'", "366 days"]),
    (lambda s: parse_date(s, WHEN), "foo", ["'foo'", "e.g. fri, 2026-12-01, tomorrow, 明天"]),
    (lambda s: parse_date(s, WHEN), "12", ["'12'", "下周一"]),
    (lambda s: parse_date(s, WHEN), "١٢", ["'١٢'", "e.g."]),
    (parse_time, "25:00", ["'25:00' is not a time of day", "00:00 and 23:59", "e.g. 19:00"]),
    (parse_time, "24:00", ["'24:00'", "e.g. 19:00"]),
    (parse_time, "9:60", ["'9:60'", "e.g. 19:00"]),
    (parse_time, "13pm", ["'13pm'", "1 to 12", "e.g. 7pm"]),
    (parse_time, "9", ["'9'", "e.g. 9:00"]),
    (parse_time, "上午15点", ["'上午15点'", "e.g. 上午9点"]),
    (parse_time, "teatime", ["'teatime'", "e.g. 19:00"]),
    (parse_time_range, "9:00-9:00", ["'9:00-9:00'", "same time", "e.g. 19:00-09:00"]),
    (parse_time_range, "25:00-09:00", ["'25:00'", "e.g. 19:00"]),
    (parse_time_range, "9:00", ["'9:00'", "e.g. 9:00-18:00"]),
    (parse_time_range, "9-", ["'9-'", "e.g. 9:00-18:00"]),
    (parse_time_range, "1-2-3", ["'1-2-3'", "e.g. 9:00-18:00"]),
    (lambda s: parse_datetime(s, WHEN), "12-01 25:00", ["'25:00'", "e.g. 19:00"]),
    (lambda s: parse_datetime(s, WHEN), "2026-02-30 9:00", ["'2026-02-30'", "e.g. 12-01"]),
    (lambda s: parse_datetime(s, WHEN), "xyz", ["'xyz'", "e.g. fri 17:00", "明天 9点"]),
    (lambda s: parse_datetime(s, WHEN), "30", ["'30'", "e.g."]),
    (lambda s: parse_date_range(s, WHEN), "12-03..12-01", ["'12-03..12-01'", "ends before"]),
    (lambda s: parse_date_range(s, WHEN), "2026-01-01..2027-06-01", ["366 days", "e.g."]),
    (lambda s: parse_date_range(s, WHEN), "someday", ["'someday'", "e.g. 12-01..12-03"]),
    (lambda s: parse_date_range(s, WHEN), "12-01..", ["'12-01..'", "e.g. 12-01..12-03"]),
    (parse_money, "12.345", ["'12.345'", "2 decimals", "e.g. 12.35"]),
    (parse_money, "0", ["'0'", "more than zero", "e.g. 120"]),
    (parse_money, "-5", ["'-5'", "more than zero"]),
    (parse_money, "1000000000", ["'1000000000'", "too large"]),
    (parse_money, "xyz12", ["'xyz'", "'xyz12'", "e.g. CNY"]),
    (parse_money, "$12cny", ["'$12cny'", "two currencies", "e.g. $12.5"]),
    (parse_money, "1,20", ["'1,20'", "e.g. 1,200.00"]),
    (parse_money, "lots", ["'lots'", "e.g. 120"]),
    (parse_money, "", ["''", "e.g. 120"]),
]


@pytest.mark.parametrize(("parser", "text", "expected"), BAD, ids=[b[1] or "empty" for b in BAD])
def test_refusals_say_what_and_give_an_example(
    parser: Parser, text: str, expected: list[str]
) -> None:
    with pytest.raises(BadValue) as caught:
        parser(text)
    message = str(caught.value.text)
    for part in expected:
        assert part in message
    assert "e.g." in message


def test_long_input_is_cut_in_the_message() -> None:
    with pytest.raises(BadValue) as caught:
        parse_date("x" * 500, WHEN)
    assert len(str(caught.value.text)) < 200


def test_docstring_examples() -> None:
    assert doctest.testmod(values, raise_on_error=True).failed == 0


# --- random input ------------------------------------------------------------------------------

PIECES = st.sampled_from(
    [
        *"0123456789",
        "12",
        "2026",
        "99999999999",
        "0000-00-00",
        "١٢",
        "０",
        "-",
        "..",
        ":",
        ".",
        ",",
        "~",
        "/",
        " ",
        "@",
        "T",
        "点",
        "月",
        "日",
        "号",
        "年",
        "天",
        "后",
        "前",
        "半",
        "小时",
        "分",
        "周",
        "下",
        "上午",
        "下午",
        "十",
        "一",
        "¥",
        "$",
        "元",
        "cny",
        "d",
        "h",
        "m",
        "w",
        "s",
        "am",
        "pm",
        "mon",
        "next",
        "dec",
        "week",
        "tomorrow",
        "明天",
        "\x00",
        "\n",
    ]
)
TYPED = st.one_of(st.text(), st.lists(PIECES, max_size=8).map("".join))
FUZZ = settings(
    max_examples=250,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
PARSERS: list[tuple[str, Parser, type | tuple[type, ...]]] = [
    ("duration", parse_duration, timedelta),
    ("date", lambda s: parse_date(s, WHEN), date),
    ("time", parse_time, time),
    ("time_range", parse_time_range, tuple),
    ("datetime", lambda s: parse_datetime(s, NY), datetime),
    ("date_range", lambda s: parse_date_range(s, WHEN), tuple),
    ("money", parse_money, Money),
]


def outcome(parser: Parser, text: str) -> Any:
    """What the parser returns, or the BadValue it raised."""
    try:
        return parser(text)
    except BadValue as exc:
        return exc


@pytest.mark.parametrize(("parser", "kind"), [p[1:] for p in PARSERS], ids=[p[0] for p in PARSERS])
@FUZZ
@given(text=TYPED)
def test_any_input_gives_a_value_or_bad_value(
    parser: Parser, kind: type | tuple[type, ...], text: str
) -> None:
    found = outcome(parser, text)
    if isinstance(found, BadValue):
        assert isinstance(found.text, Text)
        assert found.text.msgid.format(**found.text.params)  # every placeholder has a value
        return
    assert isinstance(found, kind)
    if isinstance(found, datetime):
        assert found.tzinfo is UTC
    if isinstance(found, tuple) and isinstance(found[0], date):
        assert found[0] <= found[1]


def test_a_relative_time_within_a_minute_is_just_now() -> None:
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from bot.i18n import Locale, Relative, format_value

    now = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
    en = Locale("en", ZoneInfo("UTC"), now)
    zh = Locale("zh", ZoneInfo("UTC"), now)
    assert format_value(Relative(now), en) == "just now"
    assert format_value(Relative(now - timedelta(seconds=20)), zh) == "刚刚"
    assert format_value(Relative(now + timedelta(hours=2)), en) == "in 2 hours"
