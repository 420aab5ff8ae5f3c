"""Turn what people type in chat into typed values: durations, dates, times, ranges and money.

Every parser reads English and Simplified Chinese (``2h`` / ``2小时``, ``fri`` / ``周五``), is pure
(the current time only comes in through :class:`When`) and raises :class:`~bot.errors.BadValue`,
and nothing else, with a text saying what was wrong, what is expected and an example. The
command-argument parser wraps that into a usage error naming the argument.

Before parsing, full-width characters are folded (``１２：３０`` reads as ``12:30``), case and
spacing are ignored, and small Chinese numerals become digits (``三天`` is ``3天``,
``十二月一日`` is ``12月1日``, ``周五`` is ``周5``).
"""

from datetime import UTC, datetime  # noqa: F401  (used by the examples, see __test__)
from zoneinfo import ZoneInfo  # noqa: F401

from bot.values.date_ranges import parse_date_range
from bot.values.dates import parse_date
from bot.values.datetimes import parse_datetime
from bot.values.durations import parse_duration
from bot.values.money import parse_money
from bot.values.times import parse_time, parse_time_range
from bot.values.when import When

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

# ``doctest.testmod(bot.values)`` only collects objects defined in the module itself and runs
# their examples with its globals: point it at the re-exported ones.
__test__ = {name: globals()[name] for name in __all__}
